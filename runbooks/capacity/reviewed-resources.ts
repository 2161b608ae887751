/**
 * What the capacity review looks at, each with the recording rule that measures it and the
 * threshold it must stay under: every pool's CPU and memory against its headroom (N − k)/N,
 * every warehouse's volumes against a share of them, every district hub's primary uplink
 * against its capacity times network.maxOversubscription.
 */
import {
  type CityModel,
  poolHeadrooms,
  primaryUplinkDemands,
  serversInService,
  spareExplained,
} from '../../model/index.ts';
import { UPLINK_BITS } from '../../monitoring/rules/network-rules.ts';
import { VOLUME_USED } from '../../monitoring/rules/warehouse-rules.ts';

export type ResourceKind = 'pool-cpu' | 'pool-memory' | 'warehouse-storage' | 'uplink';

export interface ReviewedResource {
  readonly kind: ResourceKind;
  /** The pool, warehouse or district hub. */
  readonly id: string;
  readonly name: string;
  /** The recording rule, and the label that picks this object out of it. */
  readonly record: string;
  readonly label: string;
  readonly threshold: number;
  readonly unit: 'ratio' | 'bit/s';
  /** Why the threshold is where it is. */
  readonly why: string;
}

export const POOL_CPU = 'pool:node_cpu_utilisation:ratio_rate5m';
export const POOL_MEMORY = 'pool:node_memory_utilisation:ratio';

export interface ReviewOptions {
  /** The share of a warehouse's volumes it may fill (0.8 by default), and of a backup target's capacity. */
  readonly storageThreshold: number;
  /** The share of a warehouse's data assumed rewritten a day, for its backups' WAL and changes (0.01 by default). */
  readonly changeSharePerDay?: number;
}

export function reviewedResources(model: CityModel, options: ReviewOptions): ReviewedResource[] {
  const headrooms = poolHeadrooms(model);
  const built = new Set(serversInService(model).map((s) => s.pool));
  const out: ReviewedResource[] = [];
  for (const pool of model.pools) {
    const h = headrooms.get(pool.id);
    // a pool not built yet has no history; one server, or a spare of all, has no share to watch
    if (!built.has(pool.id) || !h || h.servers < 2 || h.spare >= h.servers) continue;
    const limit = Math.floor(h.limit * 10_000) / 10_000;
    const why = `(N − k)/N: it ${spareExplained(h)}`;
    out.push(
      {
        kind: 'pool-cpu',
        id: pool.id,
        name: pool.name,
        record: POOL_CPU,
        label: 'pool',
        threshold: limit,
        unit: 'ratio',
        why,
      },
      {
        kind: 'pool-memory',
        id: pool.id,
        name: pool.name,
        record: POOL_MEMORY,
        label: 'pool',
        threshold: limit,
        unit: 'ratio',
        why,
      },
    );
  }
  for (const w of model.warehouses)
    out.push({
      kind: 'warehouse-storage',
      id: w.id,
      name: w.name,
      record: VOLUME_USED,
      label: 'warehouse',
      threshold: options.storageThreshold,
      unit: 'ratio',
      why: `${Math.round(options.storageThreshold * 100)}% of its ${w.shards * w.replicas} volumes of ${w.storagePerReplicaTiB} TiB (--storage-threshold)`,
    });
  const names = new Map(model.network.points.map((p) => [p.id, p]));
  for (const d of primaryUplinkDemands(model)) {
    const point = names.get(d.point);
    if (point?.level !== 'district') continue;
    out.push({
      kind: 'uplink',
      id: d.point,
      name: `${point.name} → ${d.uplink.to}`,
      record: UPLINK_BITS,
      label: 'district',
      threshold: d.uplink.mbps * 1e6 * model.network.maxOversubscription,
      unit: 'bit/s',
      why: `its ${d.uplink.mbps.toLocaleString('en-US')} Mbit/s primary uplink × network.maxOversubscription ${model.network.maxOversubscription}`,
    });
  }
  return out;
}
