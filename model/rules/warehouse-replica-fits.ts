/**
 * A warehouse replica fits on one server of its pool: a replica is one pod, and a pod larger than
 * every node can never be scheduled, however many servers the pool has.
 */
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function warehouseReplicaFits(model: CityModel): RuleResult {
  const models = new Map(model.serverModels.map((m) => [m.id, m]));
  const largest = new Map<string, { cores: number; memoryGiB: number }>();
  for (const s of model.servers) {
    const m = models.get(s.model);
    if (!m) continue;
    const seen = largest.get(s.pool) ?? { cores: 0, memoryGiB: 0 };
    largest.set(s.pool, {
      cores: Math.max(seen.cores, m.cores),
      memoryGiB: Math.max(seen.memoryGiB, m.memoryGiB),
    });
  }
  const v: Violation[] = [];
  for (const w of model.warehouses) {
    const fits = model.servers.some((s) => {
      const m = models.get(s.model);
      return (
        s.pool === w.pool &&
        m !== undefined &&
        m.cores >= w.perReplica.cpuCores &&
        m.memoryGiB >= w.perReplica.memoryGiB
      );
    });
    if (fits) continue;
    const big = largest.get(w.pool);
    v.push({
      path: w.path,
      field: 'perReplica',
      message: `a replica needs ${w.perReplica.cpuCores} cores and ${w.perReplica.memoryGiB} GiB, but no server of pool ${w.pool} has both${big ? ` (the largest have ${big.cores} cores, ${big.memoryGiB} GiB)` : ''}`,
      expected: 'perReplica within one server of the pool, or larger servers in it',
    });
  }
  return resultOf(model.warehouses.length > 0, v);
}
