/**
 * The inventory's diff, from the model each side synthesized (model/city.json): servers and
 * racks added, removed or moved, per pool; each pool's capacity and headroom after the change
 * (the one headroom definition of model/pool-headroom.ts, the capacity rule CC005); each
 * warehouse's shards, replicas, storage and where its data goes; the off-site retention.
 */
import { type CityModel, poolHeadrooms } from '../model/index.ts';
import { poolCapacityHeadroom } from '../model/rules/pool-capacity-headroom.ts';
import { attributeChanges } from './attribute-diff.ts';
import type { Change, WarehouseBackupFacts } from './change.ts';
import { diffPolicies } from './diff-policies.ts';

const ARTIFACT = 'model/city.json';

const base = (kind: string, id: string) => ({ area: 'inventory' as const, artifact: ARTIFACT, kind, id });

const byId = <T>(list: readonly T[] | undefined, key: (t: T) => string) =>
  new Map((list ?? []).map((x) => [key(x), x]));

/** Pools whose requests no longer fit on N − k servers (CC005), by pool path. */
function shortPools(model: CityModel): Map<string, string> {
  const r = poolCapacityHeadroom(model);
  const out = new Map<string, string>();
  if (r.status === 'non-compliant')
    for (const v of r.violations) if (!out.has(v.path)) out.set(v.path, v.message);
  return out;
}

interface PoolFigures {
  servers: number;
  cores: number;
  memoryGiB: number;
  spare: number;
  limit: number;
}

function poolFigures(model: CityModel): Map<string, PoolFigures> {
  const models = byId(model.serverModels, (m) => m.id);
  const out = new Map<string, PoolFigures>();
  const headrooms = poolHeadrooms(model);
  for (const p of model.pools) {
    const h = headrooms.get(p.id);
    out.set(p.id, { servers: 0, cores: 0, memoryGiB: 0, spare: h?.spare ?? 0, limit: h?.limit ?? 0 });
  }
  for (const s of model.servers) {
    const f = out.get(s.pool);
    const m = models.get(s.model);
    if (!f || !m) continue;
    f.servers++;
    f.cores += m.cores;
    f.memoryGiB += m.memoryGiB;
  }
  return out;
}

/** A warehouse's backup promise and target, as the risk rules read them. */
const backupFacts = (w: CityModel['warehouses'][number]): WarehouseBackupFacts => ({
  backupTo: w.backupTo,
  schedule: w.backup.schedule,
  fullBackupsKept: w.backup.fullBackupsKept,
  pointInTimeDays: w.backup.pointInTimeDays,
  rpoMinutes: w.backup.rpoMinutes,
  rtoMinutes: w.backup.rtoMinutes,
  drill: w.backup.drill,
});

/** Where a warehouse's data goes: its backup and the systems it is linked to, with their jurisdictions. */
function destinations(model: CityModel, w: CityModel['warehouses'][number]): string[] {
  const systems = byId(model.externalSystems, (x) => x.id);
  const backup =
    w.backupTo === 'offsite'
      ? `backup to the off-site tier (${model.offsite?.region ?? 'no region'}, ${model.offsite?.jurisdiction ?? '?'})`
      : `backup to the second site (${model.secondSite?.id ?? '?'}, ${model.secondSite?.jurisdiction ?? '?'})`;
  return [
    backup,
    ...w.connectsTo.map((id) => `link to ${id} (${systems.get(id)?.jurisdiction ?? '?'})`),
  ].sort();
}

/**
 * The changes between two models. With `servers`, only those servers are compared (the others are
 * known to be the same), and each model need only hold the servers of the pools they belong to.
 */
export function diffInventory(before: CityModel, after: CityModel, servers?: ReadonlySet<string>): Change[] {
  const changes: Change[] = [];
  // racks
  const racksA = byId(before.racks, (r) => r.name);
  const racksB = byId(after.racks, (r) => r.name);
  for (const name of [...new Set([...racksA.keys(), ...racksB.keys()])].sort()) {
    const a = racksA.get(name);
    const b = racksB.get(name);
    if (a && b) continue;
    const servers = (a ? before : after).servers.filter((s) => s.rack === name);
    const pools = [...new Set(servers.map((s) => s.pool))].sort();
    changes.push({
      ...base('rack', name),
      action: a ? 'remove' : 'add',
      summary: `rack ${name} ${a ? 'removed' : 'added'} with ${servers.length} servers${pools.length ? ` (pools ${pools.join(', ')})` : ''}`,
      attributes: [],
      facts: { of: 'rack', servers: servers.length, pools },
    });
  }
  // servers: added, removed, moved to another rack or pool
  const serversA = byId(before.servers, (s) => s.name);
  const serversB = byId(after.servers, (s) => s.name);
  for (const name of [...(servers ?? new Set([...serversA.keys(), ...serversB.keys()]))].sort()) {
    const a = serversA.get(name);
    const b = serversB.get(name);
    if (a && b) {
      const attributes = attributeChanges(a, b, { ignoreKeys: new Set(['path']) });
      if (attributes.length === 0) continue;
      const moved = a.rack !== b.rack;
      changes.push({
        ...base('server', name),
        action: 'change',
        summary: moved
          ? `server ${name} moved from rack ${a.rack} to ${b.rack}`
          : a.pool !== b.pool
            ? `server ${name} moved from pool ${a.pool} to ${b.pool}`
            : `server ${name} changed: ${attributes.map((x) => x.path).join(', ')}`,
        attributes,
        facts: { of: 'server', pool: b.pool, poolBefore: a.pool, moved },
      });
      continue;
    }
    const s = (a ?? b) as CityModel['servers'][number];
    changes.push({
      ...base('server', name),
      action: a ? 'remove' : 'add',
      summary: `server ${name} ${a ? 'removed from' : 'added to'} pool ${s.pool} (rack ${s.rack})`,
      attributes: [],
      facts: { of: 'server', pool: s.pool },
    });
  }
  // pools: capacity and headroom after the change
  const figA = poolFigures(before);
  const figB = poolFigures(after);
  const shortA = shortPools(before);
  const shortB = shortPools(after);
  const poolsB = byId(after.pools, (p) => p.id);
  for (const id of [...new Set([...figA.keys(), ...figB.keys()])].sort()) {
    const a = figA.get(id);
    const b = figB.get(id);
    const pathB = poolsB.get(id)?.path ?? `pools[${id}]`;
    const pathA = before.pools.find((p) => p.id === id)?.path ?? `pools[${id}]`;
    const wasShort = shortA.has(pathA);
    const isShort = shortB.has(pathB);
    if (a && b && JSON.stringify(a) === JSON.stringify(b) && wasShort === isShort) continue;
    const attributes = attributeChanges(a, b);
    changes.push({
      ...base('pool', id),
      action: !a ? 'add' : !b ? 'remove' : 'change',
      summary: !b
        ? `pool ${id} removed`
        : `pool ${id}: ${a ? `${a.servers} → ` : ''}${b.servers} servers, ${a ? `${a.cores} → ` : ''}${b.cores} cores, keeps ${b.spare} spare (limit ${(b.limit * 100).toFixed(1)}%)${isShort ? `; below its headroom: ${shortB.get(pathB)}` : ''}`,
      attributes,
      facts: {
        of: 'pool',
        ...(isShort ? { shortfall: shortB.get(pathB) as string } : {}),
        belowHeadroomBefore: wasShort,
        belowHeadroomAfter: isShort,
        ...(a ? { serversBefore: a.servers, coresBefore: a.cores } : {}),
        ...(b
          ? { serversAfter: b.servers, coresAfter: b.cores, spareAfter: b.spare, limitAfter: b.limit }
          : {}),
      },
    });
  }
  // warehouses
  const whA = byId(before.warehouses, (w) => w.id);
  const whB = byId(after.warehouses, (w) => w.id);
  for (const id of [...new Set([...whA.keys(), ...whB.keys()])].sort()) {
    const a = whA.get(id);
    const b = whB.get(id);
    const attributes = attributeChanges(a, b, { ignoreKeys: new Set(['path']) });
    const destA = a ? destinations(before, a) : [];
    const destB = b ? destinations(after, b) : [];
    const newPlaces = destB.filter((d) => !destA.includes(d));
    if (a && b && attributes.length === 0 && newPlaces.length === 0) continue;
    const tib = (w: typeof a) => (w ? w.shards * w.replicas * w.storagePerReplicaTiB : 0);
    changes.push({
      ...base('warehouse', id),
      action: !a ? 'add' : !b ? 'remove' : 'change',
      summary: !b
        ? `warehouse ${id} removed`
        : `warehouse ${id}: ${b.shards} shards × ${b.replicas} replicas, ${tib(b)} TiB${a ? ` (was ${a.shards} × ${a.replicas}, ${tib(a)} TiB)` : ''}${newPlaces.length ? `; data now also goes to: ${newPlaces.join('; ')}` : ''}`,
      attributes,
      facts: {
        of: 'warehouse',
        classification: (b ?? a)?.classification ?? '',
        ...(a ? { replicasBefore: a.replicas, shardsBefore: a.shards, storageTiBBefore: tib(a) } : {}),
        ...(b ? { replicasAfter: b.replicas, shardsAfter: b.shards, storageTiBAfter: tib(b) } : {}),
        newDestinations: a ? newPlaces : [],
        ...(a?.backup ? { backupBefore: backupFacts(a) } : {}),
        ...(b?.backup ? { backupAfter: backupFacts(b) } : {}),
      },
    });
  }
  // the off-site tier's retention and jurisdiction
  const attributes = attributeChanges(before.offsite ?? {}, after.offsite ?? {}, {
    ignoreKeys: new Set(['path']),
  });
  if (attributes.length > 0)
    changes.push({
      ...base('offsite', 'offsite'),
      action: 'change',
      summary: `off-site tier changed: ${attributes.map((x) => `${x.path} ${x.before ?? '—'} → ${x.after ?? '—'}`).join(', ')}`,
      attributes,
      facts: {
        of: 'offsite',
        retentionDaysBefore: before.offsite?.backupRetentionDays ?? 0,
        retentionDaysAfter: after.offsite?.backupRetentionDays ?? 0,
      },
    });
  // the policies that are not resources: state, review, reviewers, lock, four eyes, residency, alerts
  changes.push(...diffPolicies(before, after));
  return changes;
}
