/**
 * The truth a capacity forecast is tested against: the load model knows every pool's real
 * growth, so the day a pool's daily 95th percentile really crosses its threshold can be computed
 * from it, sampled as the review samples Prometheus.
 */

import { cityMidnight } from '../../model/city-time.ts';
import type { CityModel } from '../../model/index.ts';
import { busyAt, memoryUsedAt, type ServerLoad, serverLoads } from '../../monitoring/simulator/load-model.ts';

const DAY = 86_400;

/** A pool's CPU or memory utilisation at model time t. */
export function poolUtilisation(
  model: CityModel,
  pool: string,
  resource: 'cpu' | 'memory',
): (t: number) => number {
  const loads: ServerLoad[] = serverLoads(model).filter(
    (l) => model.servers.find((s) => s.name === l.server)?.pool === pool,
  );
  return (t) => {
    let used = 0;
    let total = 0;
    for (const l of loads) {
      used += resource === 'cpu' ? busyAt(l, t) * l.cores : memoryUsedAt(l, t);
      total += resource === 'cpu' ? l.cores : l.memoryBytes;
    }
    return used / total;
  };
}

/**
 * Days from `fromDay` (a city midnight, real unix seconds) until the day whose 95th percentile,
 * sampled every `step` seconds, reaches `threshold`; null past `maxDays`. `offset` turns real
 * time into the model's (the local stack's --load-date).
 */
export function trueDaysToCross(
  value: (t: number) => number,
  threshold: number,
  options: { fromDay: number; step: number; offset: number; maxDays: number },
): number | null {
  for (let d = 0; d <= options.maxDays; d++) {
    const start = options.fromDay + d * DAY;
    const values: number[] = [];
    for (let t = start; t < start + DAY; t += options.step) values.push(value(t + options.offset));
    values.sort((a, b) => a - b);
    const p95 = values[Math.ceil(0.95 * values.length) - 1] as number;
    if (p95 >= threshold) return d;
  }
  return null;
}

/** The city midnight that starts the day after `t`. */
export const nextCityDay = (t: number) => cityMidnight(t) + DAY;
