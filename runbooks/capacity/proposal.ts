/**
 * What to buy: for each resource the review finds running short within the horizon, the
 * inventory change that keeps it under its threshold through the horizon, as edits to the
 * inventory's YAML (through the yaml package's Document API, so comments and layout stay):
 * - a pool: servers of its usual model added to the racks it already uses, the emptiest first
 *   (its spread over racks and halls kept), in free units within each rack's power budget, until
 *   its forecast peak fits (N' − k')/N' — k' recomputed as the alerts compute it;
 * - a warehouse: larger replica volumes, up to the disk its servers hold, else more shards;
 * - a district hub: its uplinks at the next speed sold that carries the peak (the backup too).
 * What cannot be fixed that way (no rack left in its rows; past the fastest link) is said.
 */
import { createTwoFilesPatch } from 'diff';
import type { Document } from 'yaml';
import {
  type CityModel,
  diskTiB,
  type InventorySources,
  modelsOfPool,
  type Pool,
  type ServerModel,
  waveSize,
} from '../../model/index.ts';
import { type EditedFiles, editedFiles, type InventoryEdit } from '../engine/inventory-edit.ts';
import type { ResourceReview, Review } from './capacity-review.ts';

const DAY = 86_400;
/** Aim this far under the threshold, so the patched review is not on the edge of it. */
const MARGIN = 0.98;

export interface ProposedChange {
  /** The resources it fixes, `kind id`. */
  readonly fixes: readonly string[];
  readonly summary: string;
  readonly edits: readonly InventoryEdit[];
}

export interface Proposal {
  readonly changes: readonly ProposedChange[];
  /** Resources running short that no change here fixes, and why. */
  readonly unresolved: readonly string[];
}

/** The forecast peak at the horizon, as a share of today's capacity (or bit/s for an uplink). */
function peakAtHorizon(r: ResourceReview, review: Review): number {
  const f = r.forecast;
  const lastDay = (f.daily.at(-1)?.day ?? 0) + DAY;
  const days = review.horizonDays + Math.max(0, (Date.parse(review.generatedAt) / 1000 - lastDay) / DAY);
  return (f.level + Math.max(0, f.slopePerDay) * days) * f.peakOverTrend;
}

interface Slot {
  readonly rack: string;
  readonly u: number;
}

/** The free units and power of every rack, shared by all the changes of one proposal. */
class RackSpace {
  private readonly used = new Map<string, Set<number>>();
  private readonly draw = new Map<string, number>();
  /** Every rack's size and budget, the new racks of this proposal included. */
  private readonly racks = new Map<string, { heightU: number; powerBudgetW: number }>();
  /** Racks this proposal adds: where (hall, row), and their id in the row. */
  readonly added = new Map<string, { hall: string; row: string; id: string }>();

  constructor(private readonly model: CityModel) {
    for (const r of model.racks) this.racks.set(r.name, { heightU: r.heightU, powerBudgetW: r.powerBudgetW });
    const watts = new Map(model.serverModels.map((m) => [m.id, m.watts]));
    for (const s of model.servers) {
      const units = this.used.get(s.rack) ?? new Set<number>();
      for (let u = s.u; u < s.u + s.rackUnits; u++) units.add(u);
      this.used.set(s.rack, units);
      this.draw.set(s.rack, (this.draw.get(s.rack) ?? 0) + (watts.get(s.model) ?? 0));
    }
  }

  /** The lowest free run of `units` in the rack within its power budget, or null. */
  peek(rack: string, units: number, watts: number): Slot | null {
    const r = this.racks.get(rack);
    if (!r || (this.draw.get(rack) ?? 0) + watts > r.powerBudgetW) return null;
    const used = this.used.get(rack) ?? new Set<number>();
    for (let u = 1; u + units - 1 <= r.heightU; u++)
      if (![...Array(units).keys()].some((i) => used.has(u + i))) return { rack, u };
    return null;
  }

  /**
   * A new, empty rack at the end of a row, sized and budgeted as the row's last rack (so its
   * defaults hold), with the first free `kNN` id of the row; null when the row has 99 racks.
   */
  addRack(hall: string, row: string): string | null {
    const inRow = this.model.racks.filter((r) => r.hall === hall && r.row === row);
    const like = inRow.at(-1);
    if (!like) return null;
    const taken = new Set([
      ...inRow.map((r) => r.id),
      ...[...this.added.values()].filter((a) => a.hall === hall && a.row === row).map((a) => a.id),
    ]);
    for (let k = 1; k <= 99; k++) {
      const id = `k${String(k).padStart(2, '0')}`;
      if (taken.has(id)) continue;
      const name = `${like.datacentre}-${hall}-${row}-${id}`;
      this.racks.set(name, { heightU: like.heightU, powerBudgetW: like.powerBudgetW });
      this.added.set(name, { hall, row, id });
      return name;
    }
    return null;
  }

  take(slot: Slot, units: number, watts: number): void {
    const used = this.used.get(slot.rack) ?? new Set<number>();
    for (let i = 0; i < units; i++) used.add(slot.u + i);
    this.used.set(slot.rack, used);
    this.draw.set(slot.rack, (this.draw.get(slot.rack) ?? 0) + watts);
  }
}

/** The servers a pool gains: where they go, and the edits that put them there. */
interface AddedServers {
  readonly count: number;
  readonly edits: readonly InventoryEdit[];
  /** `pool P: add …` */
  readonly summary: string;
}

/**
 * Adds servers of the pool's usual model, one at a time to the rack with the fewest of its
 * servers that has a free slot (a new rack at the end of one of its rows when none has), until
 * `fits(n, added, k)` — n servers, `added` of them new, k spare as the headroom counts them.
 */
function addServers(
  model: CityModel,
  sources: InventorySources,
  space: RackSpace,
  pool: Pool,
  fits: (n: number, added: number, k: number, server: ServerModel) => boolean,
  goal: string,
): AddedServers | string {
  const members = model.servers.filter((s) => s.pool === pool.id);
  const counts = new Map<string, number>();
  for (const s of members) counts.set(s.model, (counts.get(s.model) ?? 0) + 1);
  const usual = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const server = model.serverModels.find((m) => m.id === usual);
  if (!server) return `pool ${pool.id}: no servers to take a model from`;
  const inRack = new Map<string, number>();
  for (const s of members) inRack.set(s.rack, (inRack.get(s.rack) ?? 0) + 1);
  const added: Slot[] = [];
  const done = () => {
    const n = members.length + added.length;
    return fits(n, added.length, Math.min(n, Math.max(1, ...inRack.values(), waveSize(pool, n))), server);
  };
  while (!done()) {
    const next = [...inRack]
      .map(([rack, n]) => ({ rack, n, slot: space.peek(rack, server.rackUnits, server.watts) }))
      .filter((x) => x.slot !== null)
      .sort((a, b) => a.n - b.n || a.rack.localeCompare(b.rack))[0];
    if (!next?.slot) {
      // its racks are full: a new rack in the row where the pool has the fewest servers
      const rows = new Map<string, { hall: string; row: string; n: number }>();
      for (const s of members) {
        const key = `${s.hall}/${s.row}`;
        rows.set(key, { hall: s.hall, row: s.row, n: (rows.get(key)?.n ?? 0) + 1 });
      }
      const spaceFor = [...rows.values()].sort(
        (a, b) => a.n - b.n || `${a.hall}/${a.row}`.localeCompare(`${b.hall}/${b.row}`),
      );
      const rack = spaceFor.map((r) => space.addRack(r.hall, r.row)).find((x) => x !== null);
      if (!rack)
        return `pool ${pool.id}: its racks have room and power for ${added.length} more ${server.id} servers and its rows for no more racks, not enough to ${goal}`;
      inRack.set(rack, 0);
      continue;
    }
    space.take(next.slot, server.rackUnits, server.watts);
    added.push(next.slot);
    inRack.set(next.rack, next.n + 1);
  }
  // one range per run of adjacent units in a rack; a new rack is one entry with its ranges
  const edits: InventoryEdit[] = [];
  const byRack = new Map<string, number[]>();
  for (const s of added) byRack.set(s.rack, [...(byRack.get(s.rack) ?? []), s.u]);
  for (const [rack, units] of [...byRack].sort(([a], [b]) => a.localeCompare(b))) {
    units.sort((a, b) => a - b);
    const ranges: { u: number; count: number; model: string; pool: string }[] = [];
    for (const u of units) {
      const last = ranges.at(-1);
      if (last && u === last.u + last.count * server.rackUnits) last.count++;
      else ranges.push({ u, count: 1, model: server.id, pool: pool.id });
    }
    const fresh = space.added.get(rack);
    const r = model.racks.find((x) => x.name === rack);
    const origin = fresh
      ? sources.originOf(`datacentre.halls[${fresh.hall}].rows[${fresh.row}]`)
      : r
        ? sources.originOf(r.path)
        : null;
    if (!origin) return `pool ${pool.id}: rack ${rack} has no place in the inventory to add servers to`;
    if (fresh)
      edits.push({
        file: origin.source.relativePath,
        yamlPath: [...origin.yamlPath, 'racks'],
        op: 'append',
        value: { id: fresh.id, servers: ranges },
      });
    else
      for (const range of ranges)
        edits.push({
          file: origin.source.relativePath,
          yamlPath: [...origin.yamlPath, 'servers'],
          op: 'append',
          value: range,
        });
  }
  const newRacks = [...byRack.keys()].filter((r) => space.added.has(r));
  return {
    count: added.length,
    edits,
    summary: `pool ${pool.id}: add ${added.length} ${server.id} servers in ${byRack.size} racks${newRacks.length > 0 ? `, ${newRacks.length} of them new` : ''} (${[...byRack].map(([rack, u]) => `${rack}${space.added.has(rack) ? ' (new)' : ''} ${u.length}`).join(', ')})`,
  };
}

/** The cores or memory of a pool's servers today. */
function poolCapacity(model: CityModel, pool: string, of: 'cores' | 'memoryGiB'): number {
  const models = new Map(model.serverModels.map((m) => [m.id, m]));
  return model.servers.reduce((sum, s) => sum + (s.pool === pool ? (models.get(s.model)?.[of] ?? 0) : 0), 0);
}

function poolChange(
  model: CityModel,
  sources: InventorySources,
  space: RackSpace,
  pool: Pool,
  short: readonly ResourceReview[],
  review: Review,
): ProposedChange | string {
  const demand = short.map((r) => {
    const of = r.resource.kind === 'pool-cpu' ? 'cores' : 'memoryGiB';
    const capacity = poolCapacity(model, pool.id, of);
    return { of, capacity, need: peakAtHorizon(r, review) * capacity } as const;
  });
  const added = addServers(
    model,
    sources,
    space,
    pool,
    (n, more, k, server) =>
      demand.every((d) => d.need / (d.capacity + more * server[d.of]) <= (MARGIN * (n - k)) / n),
    `keep ${short.map((r) => r.resource.kind).join(' and ')} under (N − k)/N through the horizon`,
  );
  if (typeof added === 'string') return added;
  return {
    fixes: short.map((r) => `${r.resource.kind} ${r.resource.id}`),
    summary: added.summary,
    edits: added.edits,
  };
}

function warehouseChange(
  model: CityModel,
  sources: InventorySources,
  space: RackSpace,
  r: ResourceReview,
  review: Review,
): ProposedChange | string {
  const w = model.warehouses.find((x) => x.id === r.resource.id);
  const origin = w ? sources.originOf(w.path) : null;
  if (!w || !origin) return `warehouse ${r.resource.id}: not found in the inventory`;
  // the data at the horizon, in TiB per replica of today's layout
  const needPerReplica =
    (peakAtHorizon(r, review) * w.storagePerReplicaTiB) / (MARGIN * r.resource.threshold);
  const cls = model.storageClasses.find((c) => c.id === w.storageClass);
  const models = modelsOfPool(w.pool, model.servers, model.serverModels);
  const largest = cls && models.length > 0 ? Math.max(...models.map((m) => diskTiB(m, cls.disk))) : 0;
  const fix = (edit: Omit<InventoryEdit, 'file' | 'op'>, summary: string): ProposedChange => ({
    fixes: [`${r.resource.kind} ${r.resource.id}`],
    summary,
    edits: [{ file: origin.source.relativePath, op: 'set', ...edit }],
  });
  // to a tenth of a TiB, and never past what one server holds (CC020)
  const tib = Math.ceil(needPerReplica * 10) / 10;
  if (tib <= largest) {
    return fix(
      { yamlPath: [...origin.yamlPath, 'storagePerReplicaTiB'], value: tib },
      `warehouse ${w.id}: volumes of ${tib} TiB per replica (from ${w.storagePerReplicaTiB})`,
    );
  }
  const shards = Math.ceil((w.shards * needPerReplica) / w.storagePerReplicaTiB);
  // the new shards' replicas are requests on the warehouse's pool: it must still hold every
  // request on N − k servers (CC005), so it gets the servers that takes
  const pool = model.pools.find((p) => p.id === w.pool) as Pool;
  const requests = (of: 'cpuCores' | 'memoryGiB') =>
    model.tenants.reduce(
      (sum, t) => sum + t.requests.reduce((a, q) => a + (q.pool === w.pool ? q[of] : 0), 0),
      0,
    ) +
    model.warehouses.reduce(
      (sum, x) =>
        sum + (x.pool === w.pool ? (x.id === w.id ? shards : x.shards) * x.replicas * x.perReplica[of] : 0),
      0,
    );
  const need = { cores: requests('cpuCores'), memoryGiB: requests('memoryGiB') };
  const has = {
    cores: poolCapacity(model, w.pool, 'cores'),
    memoryGiB: poolCapacity(model, w.pool, 'memoryGiB'),
  };
  const added = addServers(
    model,
    sources,
    space,
    pool,
    (_n, more, k, server) =>
      (['cores', 'memoryGiB'] as const).every(
        (of) => has[of] + more * server[of] - k * server[of] >= need[of],
      ),
    `hold ${shards} shards of warehouse ${w.id} with a rack or a wave out`,
  );
  if (typeof added === 'string') return added;
  return {
    fixes: [`${r.resource.kind} ${r.resource.id}`],
    summary: `warehouse ${w.id}: ${shards} shards (from ${w.shards}): a replica would need more than the ${largest.toFixed(1)} TiB its servers hold${added.count > 0 ? `; and ${added.summary}` : ''}`,
    edits: [
      {
        file: origin.source.relativePath,
        op: 'set',
        yamlPath: [...origin.yamlPath, 'shards'],
        value: shards,
      },
      ...added.edits,
    ],
  };
}

/** Link speeds a carrier sells, Mbit/s. */
export const LINK_SPEEDS = [1_000, 2_500, 10_000, 25_000, 40_000, 100_000, 400_000] as const;

function uplinkChange(
  model: CityModel,
  sources: InventorySources,
  r: ResourceReview,
  review: Review,
): ProposedChange | string {
  const point = model.network.points.find((p) => p.id === r.resource.id);
  const origin = point ? sources.originOf(point.path) : null;
  const links = model.network.links.filter((l) => l.from === r.resource.id);
  const primary = links.find((l) => l.role === 'primary');
  if (!point || !origin || !primary) return `uplink of ${r.resource.id}: not found in the inventory`;
  // the peak in Mbit/s at the horizon, kept under the margin of capacity × oversubscription
  const need = peakAtHorizon(r, review) / 1e6 / (MARGIN * model.network.maxOversubscription);
  const speed = LINK_SPEEDS.find((s) => s >= need);
  if (!speed)
    return `uplink of ${r.resource.id}: ${Math.round(need).toLocaleString('en-US')} Mbit/s at the horizon is past the fastest link sold; split the district's sites over two hubs`;
  // the district's own uplinks, every one at least as fast, so its backup can carry the load too
  const uplinks = links.map((l) => ({
    to: l.to,
    role: l.role,
    mbps: Math.max(l.mbps, speed),
    medium: l.medium,
  }));
  return {
    fixes: [`${r.resource.kind} ${r.resource.id}`],
    summary: `district ${r.resource.id}: uplinks of ${speed.toLocaleString('en-US')} Mbit/s to ${links.map((l) => l.to).join(' and ')} (primary from ${primary.mbps.toLocaleString('en-US')})`,
    edits: [
      {
        file: origin.source.relativePath,
        yamlPath: [...origin.yamlPath, 'uplinks'],
        op: 'set',
        value: uplinks,
      },
    ],
  };
}

export function proposeChanges(model: CityModel, sources: InventorySources, review: Review): Proposal {
  const short = review.resources.filter((r) => r.runsShort);
  const changes: ProposedChange[] = [];
  const unresolved: string[] = [];
  const take = (c: ProposedChange | string) => (typeof c === 'string' ? unresolved.push(c) : changes.push(c));
  const space = new RackSpace(model);
  for (const pool of model.pools) {
    const mine = short.filter((r) => r.resource.id === pool.id && r.resource.kind.startsWith('pool'));
    if (mine.length > 0) take(poolChange(model, sources, space, pool, mine, review));
  }
  for (const r of short.filter((x) => x.resource.kind === 'warehouse-storage'))
    take(warehouseChange(model, sources, space, r, review));
  for (const r of short.filter((x) => x.resource.kind === 'uplink'))
    take(uplinkChange(model, sources, r, review));
  return { changes, unresolved };
}

/** The edited files: each one's text before and after, by its path relative to the inventory. */
export const applyProposal = (
  proposal: Proposal,
  read: (file: string) => { readonly text: string; readonly doc: Document.Parsed },
): EditedFiles =>
  editedFiles(
    proposal.changes.flatMap((c) => c.edits),
    read,
  );

/** The edits as one unified diff, paths as `git apply` takes them from the repository's root. */
export function proposalPatch(files: EditedFiles, prefix: string): string {
  return [...files]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, { before, after }]) =>
      createTwoFilesPatch(`a/${prefix}${file}`, `b/${prefix}${file}`, before, after, undefined, undefined, {
        context: 3,
      })
        .split('\n')
        .filter((l) => !l.startsWith('===='))
        .join('\n'),
    )
    .join('');
}
