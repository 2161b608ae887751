/**
 * A warehouse replica fits on one server of its pool: a replica is one pod, and a pod larger than
 * every node can never be scheduled, however many servers the pool has.
 */
import { fitsOneOf, modelsOfPool } from '../pool-servers.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function warehouseReplicaFits(model: CityModel): RuleResult {
  const v: Violation[] = [];
  for (const w of model.warehouses) {
    const models = modelsOfPool(w.pool, model.servers, model.serverModels);
    if (fitsOneOf(w.perReplica, models)) continue;
    const largest =
      models.length > 0
        ? ` (the largest have ${Math.max(...models.map((m) => m.cores))} cores, ${Math.max(...models.map((m) => m.memoryGiB))} GiB)`
        : '';
    v.push({
      path: w.path,
      field: 'perReplica',
      message: `a replica needs ${w.perReplica.cpuCores} cores and ${w.perReplica.memoryGiB} GiB, but no server of pool ${w.pool} has both${largest}`,
      expected: 'perReplica within one server of the pool, or larger servers in it',
    });
  }
  return resultOf(model.warehouses.length > 0, v);
}
