/**
 * A warehouse can place every pod as WarehouseCluster does: at least two replicas per shard, each
 * on its own rack, and for ClickHouse a Keeper quorum of three on racks of their own too — so the
 * pool must span max(replicas, 3) racks for ClickHouse, `replicas` racks for PostgreSQL.
 */
import { poolPlaces } from '../pool-servers.ts';
import type { CityModel } from '../types.ts';
import { KEEPER_QUORUM, MIN_WAREHOUSE_REPLICAS, racksNeeded } from '../warehouse-placement.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function warehouseReplicaSpread(model: CityModel): RuleResult {
  const racksOf = poolPlaces(model.servers, 'rack');
  const v: Violation[] = [];
  for (const w of model.warehouses) {
    if (w.replicas < MIN_WAREHOUSE_REPLICAS) {
      v.push({
        path: w.path,
        field: 'replicas',
        message: `${w.replicas} replica per shard cannot survive a node drain or a rack loss`,
        expected: `at least ${MIN_WAREHOUSE_REPLICAS} replicas`,
      });
      continue;
    }
    const need = racksNeeded(w);
    const racks = racksOf.get(w.pool) ?? new Set<string>();
    if (racks.size < need) {
      const keeper = w.engine === 'clickhouse' && KEEPER_QUORUM > w.replicas;
      v.push({
        path: w.path,
        field: 'pool',
        message: `${w.replicas} replicas per shard${keeper ? ` and a keeper quorum of ${KEEPER_QUORUM}` : ''}, but pool ${w.pool} has servers in ${racks.size} rack${racks.size === 1 ? '' : 's'}${racks.size > 0 ? ` (${[...racks].join(', ')})` : ''}`,
        expected: `the pool's servers in at least ${need} racks, one for each ${keeper ? 'keeper' : 'replica'}, so that losing one rack keeps every shard available`,
      });
    }
  }
  return resultOf(model.warehouses.length > 0, v);
}
