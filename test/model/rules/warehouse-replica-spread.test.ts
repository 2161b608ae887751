import { describe, expect, it } from 'vitest';
import { warehouseReplicaSpread } from '../../../model/rules/warehouse-replica-spread.ts';
import { modelOf, smallCity } from '../../helpers/city.ts';

/** The small city with warehouse wa's pool (wh-a) in the first `racks` of its three racks. */
function cityWith(engine: 'clickhouse' | 'postgresql', replicas: number, racks: number) {
  const city = smallCity();
  city.warehouses[0].engine = engine;
  city.warehouses[0].replicas = replicas;
  const all = city.datacentre.halls[0].rows[0].racks;
  for (let i = racks; i < all.length; i++)
    all[i].servers = all[i].servers.filter((r: { pool: string }) => r.pool !== 'wh-a');
  return modelOf(city);
}

describe('warehouse-replica-spread', () => {
  it('is compliant with three ClickHouse replicas over three racks', () => {
    expect(warehouseReplicaSpread(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable without warehouses', () => {
    const city = smallCity();
    city.warehouses = [];
    city.tenants[0].reaches = [];
    expect(warehouseReplicaSpread(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('needs three racks for ClickHouse with two replicas: the keeper quorum takes three', () => {
    expect(warehouseReplicaSpread(cityWith('clickhouse', 2, 2))).toEqual({
      status: 'non-compliant',
      violations: [
        {
          path: 'warehouses[wa]',
          field: 'pool',
          message:
            '2 replicas per shard and a keeper quorum of 3, but pool wh-a has servers in 2 racks (dc1-h1-r01-k01, dc1-h1-r01-k02)',
          expected:
            "the pool's servers in at least 3 racks, one for each keeper, so that losing one rack keeps every shard available",
        },
      ],
    });
  });

  it('needs a rack per replica: four replicas do not fit three racks', () => {
    const city = smallCity();
    city.warehouses[0].replicas = 4;
    expect(warehouseReplicaSpread(modelOf(city))).toMatchObject({
      status: 'non-compliant',
      violations: [
        {
          message:
            '4 replicas per shard, but pool wh-a has servers in 3 racks (dc1-h1-r01-k01, dc1-h1-r01-k02, dc1-h1-r01-k03)',
          expected:
            "the pool's servers in at least 4 racks, one for each replica, so that losing one rack keeps every shard available",
        },
      ],
    });
  });

  it('is content with two racks for two PostgreSQL replicas (no keeper), but not with one', () => {
    expect(warehouseReplicaSpread(cityWith('postgresql', 2, 2))).toEqual({ status: 'compliant' });
    expect(warehouseReplicaSpread(cityWith('postgresql', 2, 1))).toMatchObject({
      status: 'non-compliant',
      violations: [{ message: '2 replicas per shard, but pool wh-a has servers in 1 rack (dc1-h1-r01-k01)' }],
    });
  });

  it('refuses a single replica', () => {
    expect(warehouseReplicaSpread(cityWith('postgresql', 1, 3))).toEqual({
      status: 'non-compliant',
      violations: [
        {
          path: 'warehouses[wa]',
          field: 'replicas',
          message: '1 replica per shard cannot survive a node drain or a rack loss',
          expected: 'at least 2 replicas',
        },
      ],
    });
  });
});
