/**
 * The rolling upgrade's plan: a pure function of the model and the live state (which servers
 * already run the target version). Waves follow the failure domains of the rack model:
 *
 * - a canary wave first: one server of each pool, the pools of lowest criticality first;
 * - then, pools in order of criticality (normal, high, critical: the most important last, when
 *   the upgrade has proven itself), each wave taking at most the pool's `w` servers
 *   (model/pool-headroom.ts), in rack order so a rack's servers go together;
 * - a warehouse pool never has two racks out at once: the stacks' rack anti-affinity puts each
 *   replica of a shard (and each Keeper or Patroni member) in a rack of its own, so one rack
 *   out takes at most one replica of any shard, and never a majority of a quorum.
 */
import {
  type CityModel,
  type Criticality,
  type PoolHeadroom,
  poolHeadrooms,
  serversInService,
} from '../../model/index.ts';
import { VERSION_PATTERN } from '../executors/executor.ts';

export const UPGRADE_PLAN_FORMAT = 'citycloud-upgrade-plan/v1';

export interface WaveServer {
  readonly server: string;
  readonly pool: string;
  readonly rack: string;
}

export interface UpgradeWave {
  /** 0 for the canary wave, then 1, 2, … */
  readonly index: number;
  readonly kind: 'canary' | 'rolling';
  /** The criticality of the pools the wave upgrades (the canary wave: every one). */
  readonly criticality: Criticality | 'all';
  readonly servers: readonly WaveServer[];
}

export interface PoolPlan {
  readonly pool: string;
  readonly kind: string;
  readonly criticality: Criticality;
  readonly servers: number;
  /** Servers the plan upgrades (the rest already run the target). */
  readonly toUpgrade: number;
  /** w and k (model/pool-headroom.ts), and the utilisation the gates allow, (N − k)/N. */
  readonly wave: number;
  readonly spare: number;
  readonly limit: number;
  /** Warehouse pools: one rack out at a time. */
  readonly oneRackAtATime: boolean;
}

export interface UpgradePlan {
  readonly format: typeof UPGRADE_PLAN_FORMAT;
  readonly target: string;
  readonly fleet: number;
  readonly toUpgrade: number;
  /** Servers that already run the target version: nothing to do. */
  readonly alreadyAtTarget: number;
  /** Servers of a planned phase (not built yet): not upgraded, not gated. */
  readonly notInService: number;
  /** Servers whose version the live state did not say (down, or not scraped): planned anyway. */
  readonly versionUnknown: readonly string[];
  readonly pools: readonly PoolPlan[];
  readonly waves: readonly UpgradeWave[];
}

export interface LiveState {
  /** The version each server runs, as far as the live state knows. */
  readonly versions: ReadonlyMap<string, string>;
}

const RANK: Record<Criticality, number> = { normal: 0, high: 1, critical: 2 };
const CRITICALITIES: readonly Criticality[] = ['normal', 'high', 'critical'];

/** Cuts a pool's servers (in rack order) into chunks of at most w, one rack each if asked. */
function chunks(servers: readonly WaveServer[], w: number, oneRack: boolean): WaveServer[][] {
  const out: WaveServer[][] = [];
  let current: WaveServer[] = [];
  for (const s of servers) {
    if (current.length === w || (oneRack && current.length > 0 && current[0]?.rack !== s.rack)) {
      out.push(current);
      current = [];
    }
    current.push(s);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * The waves of the servers `pending` holds per pool (in rack order): a canary of each pool's
 * first, then, the least critical pools first, each pool's next chunk of at most w (one rack
 * for a warehouse pool) side by side.
 */
function rollingWaves(
  pools: readonly Pick<PoolPlan, 'pool' | 'criticality' | 'wave' | 'oneRackAtATime'>[],
  pending: ReadonlyMap<string, readonly WaveServer[]>,
): UpgradeWave[] {
  const left = new Map([...pending].map(([pool, list]) => [pool, [...list]]));
  const waves: UpgradeWave[] = [];
  const canary: WaveServer[] = [];
  for (const p of pools) {
    const first = left.get(p.pool)?.shift();
    if (first) canary.push(first);
  }
  if (canary.length > 0) waves.push({ index: 0, kind: 'canary', criticality: 'all', servers: canary });
  for (const criticality of CRITICALITIES) {
    const queues = pools
      .filter((p) => p.criticality === criticality)
      .map((p) => chunks(left.get(p.pool) ?? [], p.wave, p.oneRackAtATime));
    const rounds = Math.max(0, ...queues.map((q) => q.length));
    for (let i = 0; i < rounds; i++)
      waves.push({
        index: waves.length === 0 ? 1 : (waves.at(-1) as UpgradeWave).index + 1,
        kind: 'rolling',
        criticality,
        servers: queues.flatMap((q) => q[i] ?? []),
      });
  }
  return waves;
}

/** Some servers in service, by name, in waves as the upgrade plans them (rollingWaves). */
export function serverWaves(model: CityModel, names: readonly string[]): WaveServer[][] {
  const wanted = new Set(names);
  const headrooms = poolHeadrooms(model);
  const pending = new Map<string, WaveServer[]>();
  for (const s of [...serversInService(model)].sort((a, b) => (a.name < b.name ? -1 : 1)))
    if (wanted.has(s.name))
      pending.set(s.pool, [...(pending.get(s.pool) ?? []), { server: s.name, pool: s.pool, rack: s.rack }]);
  const pools = [...model.pools]
    .filter((p) => pending.has(p.id))
    .sort((a, b) => RANK[a.criticality] - RANK[b.criticality] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((p) => ({
      pool: p.id,
      criticality: p.criticality,
      wave: (headrooms.get(p.id) as PoolHeadroom).wave,
      oneRackAtATime: p.kind === 'warehouse',
    }));
  return rollingWaves(pools, pending).map((w) => [...w.servers]);
}

export function planUpgrade(model: CityModel, live: LiveState, target: string): UpgradePlan {
  const headrooms = poolHeadrooms(model);
  const pools = [...model.pools].sort(
    (a, b) => RANK[a.criticality] - RANK[b.criticality] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  // each pool's servers to upgrade, in rack order (server names sort by rack, then unit)
  const pending = new Map<string, WaveServer[]>();
  let already = 0;
  const unknown: string[] = [];
  const built = serversInService(model);
  const builtPerPool = new Map<string, number>();
  for (const s of built) builtPerPool.set(s.pool, (builtPerPool.get(s.pool) ?? 0) + 1);
  for (const s of [...built].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const version = live.versions.get(s.name);
    if (version === target) {
      already++;
      continue;
    }
    if (version === undefined) unknown.push(s.name);
    const list = pending.get(s.pool) ?? [];
    list.push({ server: s.name, pool: s.pool, rack: s.rack });
    pending.set(s.pool, list);
  }
  // pools with no server in service are not part of the upgrade
  const poolPlans: PoolPlan[] = pools
    .filter((p) => builtPerPool.has(p.id))
    .map((p) => {
      const h = headrooms.get(p.id) as PoolHeadroom;
      return {
        pool: p.id,
        kind: p.kind,
        criticality: p.criticality,
        servers: h.servers,
        toUpgrade: pending.get(p.id)?.length ?? 0,
        wave: h.wave,
        spare: h.spare,
        limit: h.limit,
        oneRackAtATime: p.kind === 'warehouse',
      };
    });

  const waves = rollingWaves(poolPlans, pending);
  return {
    format: UPGRADE_PLAN_FORMAT,
    target,
    fleet: built.length,
    toUpgrade: built.length - already,
    alreadyAtTarget: already,
    notInService: model.servers.length - built.length,
    versionUnknown: unknown,
    pools: poolPlans,
    waves,
  };
}

/** Why a target version cannot be used, or null. */
export const versionProblem = (version: string): string | null =>
  VERSION_PATTERN.test(version)
    ? null
    : `${JSON.stringify(version.slice(0, 80))} is not a version: expected 1 to 64 letters, digits and . _ + ~ -, starting with a letter or digit`;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isWhole = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isText = (v: unknown) => typeof v === 'string' && v.length > 0;
const isCriticality = (v: unknown) => typeof v === 'string' && Object.hasOwn(RANK, v);

/** What is wrong with the shape of a plan read back from a journal, or null. */
function shapeProblem(v: unknown): string | null {
  if (!isObject(v)) return 'it is not an object';
  if (v.format !== UPGRADE_PLAN_FORMAT)
    return `its format is ${JSON.stringify(v.format)}, not ${UPGRADE_PLAN_FORMAT}`;
  if (typeof v.target !== 'string') return 'it has no target version';
  for (const k of ['fleet', 'toUpgrade', 'alreadyAtTarget', 'notInService'])
    if (!isWhole(v[k])) return `its ${k} is not a count`;
  if (!Array.isArray(v.versionUnknown) || !v.versionUnknown.every(isText))
    return 'its versionUnknown is not a list of server names';
  if (!Array.isArray(v.pools)) return 'it has no pools';
  for (const p of v.pools) {
    if (!isObject(p) || !isText(p.pool) || !isText(p.kind) || !isCriticality(p.criticality))
      return 'a pool of it is not a pool';
    for (const k of ['servers', 'toUpgrade', 'wave', 'spare'] as const)
      if (!isWhole(p[k])) return `pool ${p.pool}: its ${k} is not a count`;
    if (typeof p.limit !== 'number' || !Number.isFinite(p.limit) || typeof p.oneRackAtATime !== 'boolean')
      return `pool ${p.pool}: its limit or oneRackAtATime is missing`;
  }
  if (!Array.isArray(v.waves)) return 'it has no waves';
  for (const w of v.waves) {
    if (!isObject(w) || !isWhole(w.index) || (w.kind !== 'canary' && w.kind !== 'rolling'))
      return 'a wave of it is not a wave';
    if (!(w.criticality === 'all' || isCriticality(w.criticality)))
      return `wave ${w.index}: its criticality is not one`;
    if (!Array.isArray(w.servers)) return `wave ${w.index} has no servers`;
    for (const s of w.servers)
      if (!isObject(s) || !isText(s.server) || !isText(s.pool) || !isText(s.rack))
        return `wave ${w.index}: a server of it is not a server, pool and rack`;
  }
  return null;
}

/** A plan read back from a journal: the plan, or why it is not one. */
export function readPlan(value: unknown): { plan: UpgradePlan } | { problem: string } {
  const problem = shapeProblem(value);
  return problem ? { problem } : { plan: value as UpgradePlan };
}

/**
 * Why a plan would break a safety property of the inventory, or null: the checks a new run passes
 * and every resume passes again, against the inventory, never against what the plan says of
 * itself (a journal can be written by hand). Every server is one of the inventory's, in service,
 * in the pool and rack the inventory gives, upgraded once; a wave takes at most the pool's w of
 * the inventory (one server of each pool in the canary wave) and one rack of a warehouse pool;
 * the plan's pools carry the inventory's numbers, which the gates judge by.
 */
export function planProblem(plan: UpgradePlan, model: CityModel): string | null {
  const version = versionProblem(plan.target);
  if (version) return `its target ${version}`;
  const headrooms = poolHeadrooms(model);
  const pools = new Map(model.pools.map((p) => [p.id, p]));
  const servers = new Map(model.servers.map((s) => [s.name, s]));
  const inService = new Set(serversInService(model).map((s) => s.name));
  const planned = new Set<string>();
  for (const p of plan.pools) {
    const pool = pools.get(p.pool);
    const h = headrooms.get(p.pool);
    if (!pool || !h) return `it names pool ${p.pool}, which the inventory does not have`;
    if (planned.has(p.pool)) return `it names pool ${p.pool} twice`;
    planned.add(p.pool);
    const truth = {
      kind: pool.kind,
      criticality: pool.criticality,
      servers: h.servers,
      wave: h.wave,
      spare: h.spare,
      limit: h.limit,
      oneRackAtATime: pool.kind === 'warehouse',
    };
    for (const [k, v] of Object.entries(truth))
      if (p[k as keyof typeof truth] !== v)
        return `pool ${p.pool}: the plan says ${k} ${JSON.stringify(p[k as keyof typeof truth])}, the inventory gives ${JSON.stringify(v)}`;
  }
  const seen = new Set<string>();
  let last = -1;
  for (const [i, wave] of plan.waves.entries()) {
    if (wave.index <= last) return `wave ${wave.index} comes after wave ${last}`;
    last = wave.index;
    if (wave.kind === 'canary' && i !== 0) return `wave ${wave.index} is a canary wave after the first`;
    const out = new Map<string, { n: number; racks: Set<string> }>();
    for (const s of wave.servers) {
      const known = servers.get(s.server);
      if (!known) return `wave ${wave.index} names server ${s.server}, which the inventory does not have`;
      if (!inService.has(known.name))
        return `wave ${wave.index} names server ${s.server}, of phase ${known.phase}, which is not in service`;
      if (known.pool !== s.pool || known.rack !== s.rack)
        return `wave ${wave.index} puts ${s.server} in pool ${s.pool} rack ${s.rack}; the inventory has it in pool ${known.pool} rack ${known.rack}`;
      if (seen.has(s.server)) return `wave ${wave.index} upgrades ${s.server} a second time`;
      seen.add(s.server);
      const o = out.get(s.pool) ?? { n: 0, racks: new Set<string>() };
      o.n++;
      o.racks.add(s.rack);
      out.set(s.pool, o);
    }
    for (const [pool, o] of out) {
      if (!planned.has(pool)) return `wave ${wave.index} names pool ${pool}, which the plan does not have`;
      if (pools.get(pool)?.kind === 'warehouse' && o.racks.size > 1)
        return `wave ${wave.index} takes ${o.racks.size} racks of warehouse pool ${pool} at once`;
      const w = wave.kind === 'canary' ? 1 : (headrooms.get(pool) as PoolHeadroom).wave;
      if (o.n > w)
        return `wave ${wave.index} takes ${o.n} servers of pool ${pool}, over its w of ${w}${wave.kind === 'canary' ? ' in the canary wave' : ''}`;
    }
  }
  return null;
}
