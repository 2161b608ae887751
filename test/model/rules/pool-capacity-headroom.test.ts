import { describe, expect, it } from 'vitest';
import { poolCapacityHeadroom } from '../../../model/rules/pool-capacity-headroom.ts';
import { modelOf, smallCity } from '../../helpers/city.ts';

describe('pool-capacity-headroom', () => {
  it('is compliant when requests fit with one server lost', () => {
    expect(poolCapacityHeadroom(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable when nothing requests capacity', () => {
    const city = smallCity();
    city.tenants = [];
    city.warehouses = [];
    expect(poolCapacityHeadroom(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('fails when requests fit the pool but not without its largest server (N+1)', () => {
    // web: 8 servers × 32 cores = 256; with one lost, 224
    const city = smallCity();
    city.tenants[0].requests[0].cpuCores = 230;
    expect(poolCapacityHeadroom(modelOf(city))).toEqual({
      status: 'non-compliant',
      violations: [
        {
          path: 'pools[web]',
          message: 'tenant t1 request 230 cores, but with its largest server lost the pool has 224 (of 256)',
          expected: 'requests within N+1 capacity: add 6 cores of servers to the pool or lower the requests',
        },
      ],
    });
  });

  it('counts warehouses: shards × replicas × per-replica, and their storage', () => {
    const city = smallCity();
    city.warehouses[0].shards = 4; // 12 replicas × 32 cores = 384 > 320 usable
    city.warehouses[0].storagePerReplicaTiB = 40; // 480 TiB > 5 × 100 TB ≈ 454.7 TiB usable
    const result = poolCapacityHeadroom(modelOf(city));
    expect(result.status).toBe('non-compliant');
    if (result.status !== 'non-compliant') return;
    expect(result.violations.map((v) => v.message)).toEqual([
      'warehouse wa request 384 cores, but with its largest server lost the pool has 320 (of 384)',
      'warehouse wa request 3,072 GiB of memory, but with its largest server lost the pool has 2,560 (of 3,072)',
      'warehouse wa request 480 TiB of disk, but with its largest server lost the pool has 454.7 (of 545.7)',
    ]);
  });

  it('fails on a pool that has no servers at all', () => {
    const city = smallCity();
    city.pools.push({ id: 'empty', name: 'Empty', kind: 'gpu', criticality: 'normal' });
    city.tenants[0].requests.push({ pool: 'empty', cpuCores: 1, memoryGiB: 1, gpus: 1 });
    const result = poolCapacityHeadroom(modelOf(city));
    expect(result.status).toBe('non-compliant');
    if (result.status === 'non-compliant')
      expect(result.violations.map((v) => `${v.path}: ${v.message}`)).toContain(
        'pools[empty]: tenant t1 request 1 GPUs, but with its largest server lost the pool has 0 (of 0)',
      );
  });
});
