/** A warehouse's pool spans enough racks to separate its replicas: two, or three when replicas ≥ 3. */
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function warehouseReplicaSpread(model: CityModel): RuleResult {
  const racksOf = new Map<string, Set<string>>();
  for (const s of model.servers) {
    const set = racksOf.get(s.pool) ?? new Set<string>();
    set.add(s.rack);
    racksOf.set(s.pool, set);
  }
  const v: Violation[] = [];
  for (const w of model.warehouses) {
    const need = w.replicas >= 3 ? 3 : 2;
    const racks = racksOf.get(w.pool) ?? new Set<string>();
    if (racks.size < need)
      v.push({
        path: w.path,
        field: 'pool',
        message: `${w.replicas} replicas per shard, but pool ${w.pool} has servers in ${racks.size} rack${racks.size === 1 ? '' : 's'}${racks.size > 0 ? ` (${[...racks].join(', ')})` : ''}`,
        expected: `the pool's servers in at least ${need} racks, so that losing one rack keeps every shard available`,
      });
  }
  return resultOf(model.warehouses.length > 0, v);
}
