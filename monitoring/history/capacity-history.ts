/**
 * History of the simulated fleet as OpenMetrics, for `promtool tsdb create-blocks-from
 * openmetrics`: the series the capacity review reads — each pool's CPU and memory, each
 * warehouse's volumes, each district hub's primary uplink — under the recording rules' own
 * names, so the same queries span history and live data, computed from the same load model as
 * the live simulator. Aggregates, not raw series: 18 pools × 2, 8 warehouses and 22 uplinks
 * over 90 days at 15 minutes is 0.6 million samples and backfills in seconds; every server's raw
 * series would be 50 times more for no question the review asks.
 */
import { type CityModel, serversInService } from '../../model/index.ts';
import { UPLINK_BITS } from '../rules/network-rules.ts';
import { VOLUME_USED } from '../rules/warehouse-rules.ts';
import {
  busyAt,
  busySecondsAt,
  memoryUsedAt,
  serverLoads,
  storageUsedAt,
  uplinkTraffics,
  warehouseStorages,
} from '../simulator/load-model.ts';

export interface HistoryOptions {
  /** The last sample, unix seconds; keep it a few hours before now, clear of the live head block. */
  readonly end: number;
  readonly days: number;
  readonly stepSeconds: number;
  /** The load is the model's at t + this (the local stack's --load-date); 0 by default. */
  readonly loadOffsetSeconds?: number;
}

/** The OpenMetrics text (ending in `# EOF`), family by family, each series in time order. */
export function capacityHistory(model: CityModel, options: HistoryOptions): string {
  const end = Math.floor(options.end / options.stepSeconds) * options.stepSeconds;
  const start = end - options.days * 86_400;
  // the history of what was scraped: the servers in service
  const poolOf = new Map(serversInService(model).map((s) => [s.name, s.pool]));
  const byPool = new Map<string, ReturnType<typeof serverLoads>>();
  for (const l of serverLoads(model)) {
    const pool = poolOf.get(l.server);
    if (pool === undefined) continue;
    const list = byPool.get(pool);
    if (list) list.push(l);
    else byPool.set(pool, [l]);
  }
  const offset = options.loadOffsetSeconds ?? 0;
  const lines: string[] = [];
  /** One gauge family: a series per object (its labels, already written) and its value at t. */
  const gauge = <T>(
    name: string,
    help: string,
    objects: readonly (readonly [labels: string, object: T])[],
    value: (object: T, t: number) => number,
    digits = 5,
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, object] of objects)
      for (let t = start; t <= end; t += options.stepSeconds)
        lines.push(`${name}{${labels}} ${value(object, t + offset).toFixed(digits)} ${t}`);
  };
  const pools = [...byPool].map(([pool, loads]) => [`pool="${pool}"`, loads] as const);
  const family = (
    name: string,
    help: string,
    value: (loads: ReturnType<typeof serverLoads>, t: number) => number,
  ) => gauge(name, help, pools, value);
  family(
    'pool:node_cpu_utilisation:ratio_rate5m',
    'Busy share of the pool CPUs (simulated history).',
    (loads, t) => {
      let busy = 0;
      let cores = 0;
      for (const l of loads) {
        busy += busyAt(l, t) * l.cores;
        cores += l.cores;
      }
      return busy / cores;
    },
  );
  family(
    'pool:node_memory_utilisation:ratio',
    'Used share of the pool memory (simulated history).',
    (loads, t) => {
      let used = 0;
      let total = 0;
      for (const l of loads) {
        used += memoryUsedAt(l, t);
        total += l.memoryBytes;
      }
      return used / total;
    },
  );
  gauge(
    VOLUME_USED,
    'Used share of the warehouse volumes (simulated history).',
    warehouseStorages(model).map((w) => [`warehouse="${w.warehouse}"`, w] as const),
    (w, t) => {
      let used = 0;
      for (let s = 1; s <= w.shards; s++)
        for (let r = 1; r <= w.replicas; r++) used += storageUsedAt(w, s, r, t);
      return used / (w.volumeBytes * w.shards * w.replicas);
    },
  );
  gauge(
    UPLINK_BITS,
    'Bits a second on the district hub primary uplink, the busier direction (simulated history).',
    uplinkTraffics(model).map((u) => [`district="${u.district}",link="${u.link}"`, u] as const),
    // the 5-minute rate of the octets sent, as the record computes it live
    (u, t) => ((busySecondsAt(u.load, t) - busySecondsAt(u.load, t - 300)) / 300) * 8,
    0,
  );
  lines.push('# EOF', '');
  return lines.join('\n');
}
