import { describe, expect, it } from 'vitest';
import { warehouseReplicaSpread } from '../../../model/rules/warehouse-replica-spread.ts';
import { modelOf, smallCity } from '../../helpers/city.ts';

describe('warehouse-replica-spread', () => {
  it('is compliant with three replicas over three racks', () => {
    expect(warehouseReplicaSpread(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable without warehouses', () => {
    const city = smallCity();
    city.warehouses = [];
    city.tenants[0].reaches = [];
    expect(warehouseReplicaSpread(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('needs three racks when replicas ≥ 3', () => {
    const city = smallCity();
    city.datacentre.halls[0].rows[0].racks[2].servers = []; // wh-a now in k01 and k02 only
    expect(warehouseReplicaSpread(modelOf(city))).toEqual({
      status: 'non-compliant',
      violations: [
        {
          path: 'warehouses[wa]',
          field: 'pool',
          message:
            '3 replicas per shard, but pool wh-a has servers in 2 racks (dc1-h1-r01-k01, dc1-h1-r01-k02)',
          expected:
            "the pool's servers in at least 3 racks, so that losing one rack keeps every shard available",
        },
      ],
    });
  });

  it('is content with two racks for two replicas, but not with one', () => {
    const city = smallCity();
    city.warehouses[0].replicas = 2;
    city.datacentre.halls[0].rows[0].racks[2].servers = [];
    expect(warehouseReplicaSpread(modelOf(city))).toEqual({ status: 'compliant' });
    city.datacentre.halls[0].rows[0].racks[1].servers.pop();
    const result = warehouseReplicaSpread(modelOf(city));
    expect(result).toMatchObject({
      status: 'non-compliant',
      violations: [{ message: '2 replicas per shard, but pool wh-a has servers in 1 rack (dc1-h1-r01-k01)' }],
    });
  });
});
