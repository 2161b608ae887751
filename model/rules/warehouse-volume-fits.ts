/**
 * A warehouse replica's volume fits one server of its pool, on the kind of disk its storage class
 * is made of: local volumes cannot span servers, so a replica asking more than any server holds of
 * that disk is never scheduled (as CC017 is for cores and memory).
 */
import { diskTiB, modelsOfPool } from '../pool-servers.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

const tib = (n: number) => `${n.toLocaleString('en-US', { maximumFractionDigits: 1 })} TiB`;

export function warehouseVolumeFits(model: CityModel): RuleResult {
  const classes = new Map(model.storageClasses.map((c) => [c.id, c]));
  const v: Violation[] = [];
  for (const w of model.warehouses) {
    const cls = classes.get(w.storageClass);
    const models = modelsOfPool(w.pool, model.servers, model.serverModels);
    // an unknown class or an empty pool is CC002's or CC006's to say
    if (!cls || models.length === 0) continue;
    const largest = Math.max(...models.map((m) => diskTiB(m, cls.disk)));
    if (w.storagePerReplicaTiB > largest)
      v.push({
        path: w.path,
        field: 'storagePerReplicaTiB',
        message: `a replica asks ${tib(w.storagePerReplicaTiB)} of ${w.storageClass} (${cls.disk} disks), but the largest server of pool ${w.pool} holds ${tib(largest)} of ${cls.disk}`,
        expected: `at most ${tib(largest)} per replica: more shards, a storage class on larger disks, or servers with more ${cls.disk}`,
      });
  }
  return resultOf(model.warehouses.length > 0, v);
}
