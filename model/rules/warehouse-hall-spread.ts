/**
 * A warehouse's replicas can leave one hall: when the data centre has more than one hall, the
 * warehouse's pool has servers in at least two, so the spread over halls (the zone label) can
 * keep a replica of every shard through a hall's loss of power or cooling. A warning: the spread
 * is a preference of the scheduler, the rack spread (CC006) the requirement.
 */
import { poolPlaces } from '../pool-servers.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function warehouseHallSpread(model: CityModel): RuleResult {
  const halls = model.datacentre.halls.map((h) => h.id);
  if (halls.length < 2) return { status: 'not-applicable' };
  const hallsOf = poolPlaces(model.servers, 'hall');
  const v: Violation[] = [];
  for (const w of model.warehouses) {
    const inHalls = [...(hallsOf.get(w.pool) ?? [])];
    if (inHalls.length === 1)
      v.push({
        path: w.path,
        field: 'pool',
        message: `every server of pool ${w.pool} is in hall ${inHalls[0]}, so its replicas cannot leave that hall`,
        expected: `racks of pool ${w.pool} in a second hall (the data centre has ${halls.join(', ')})`,
      });
  }
  return resultOf(model.warehouses.length > 0, v);
}
