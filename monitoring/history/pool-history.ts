/**
 * History of the simulated fleet as OpenMetrics, for `promtool tsdb create-blocks-from
 * openmetrics`: the pool-level series the capacity review reads (under the recording rules' own
 * names, so the same queries span history and live data), computed from the same load model as
 * the live simulator. Pool level, not per server: 18 pools × 2 series × 90 days at 15 minutes
 * is 0.3 million samples and backfills in seconds; every server's raw series would be 50 times
 * more for no question the review asks.
 */
import type { CityModel } from '../../model/index.ts';
import { busyAt, memoryUsedAt, serverLoads } from '../simulator/load-model.ts';

export interface HistoryOptions {
  /** The last sample, unix seconds; keep it a few hours before now, clear of the live head block. */
  readonly end: number;
  readonly days: number;
  readonly stepSeconds: number;
  /** The load is the model's at t + this (the local stack's --load-date); 0 by default. */
  readonly loadOffsetSeconds?: number;
}

/** The OpenMetrics text (ending in `# EOF`), family by family, each series in time order. */
export function poolHistory(model: CityModel, options: HistoryOptions): string {
  const end = Math.floor(options.end / options.stepSeconds) * options.stepSeconds;
  const start = end - options.days * 86_400;
  const poolOf = new Map(model.servers.map((s) => [s.name, s.pool]));
  const byPool = new Map<string, ReturnType<typeof serverLoads>>();
  for (const l of serverLoads(model)) {
    const pool = poolOf.get(l.server) ?? '';
    const list = byPool.get(pool);
    if (list) list.push(l);
    else byPool.set(pool, [l]);
  }
  const offset = options.loadOffsetSeconds ?? 0;
  const lines: string[] = [];
  const family = (
    name: string,
    help: string,
    value: (loads: ReturnType<typeof serverLoads>, t: number) => number,
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [pool, loads] of byPool)
      for (let t = start; t <= end; t += options.stepSeconds)
        lines.push(`${name}{pool="${pool}"} ${value(loads, t + offset).toFixed(5)} ${t}`);
  };
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
  lines.push('# EOF', '');
  return lines.join('\n');
}
