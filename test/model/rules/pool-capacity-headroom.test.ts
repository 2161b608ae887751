import { describe, expect, it } from 'vitest';
import { poolCapacityHeadroom } from '../../../model/rules/pool-capacity-headroom.ts';
import { modelOf, smallCity } from '../../helpers/city.ts';

// the small city's pool web: 8 servers of 32 cores, 4 in each of two racks, so it keeps a rack
// (4 servers) spare; wh-a: 6 servers of 64 cores, 2 in each of three racks
describe('pool-capacity-headroom', () => {
  it('is compliant when the requests fit with the largest rack lost', () => {
    expect(poolCapacityHeadroom(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable when nothing requests capacity', () => {
    const city = smallCity();
    city.tenants = [];
    city.warehouses = [];
    expect(poolCapacityHeadroom(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('fails when requests fit without one server but not without the largest rack', () => {
    // 256 cores; without one server 224 (the old N+1 passed 200), without a rack of 4: 128
    const city = smallCity();
    city.tenants[0].requests[0].cpuCores = 200;
    expect(poolCapacityHeadroom(modelOf(city))).toEqual({
      status: 'non-compliant',
      violations: [
        {
          path: 'pools[web]',
          message:
            'tenant t1 request 200 cores, but the pool keeps 4 of 8 servers spare: its largest rack (dc1-h1-r01-k01, 4 servers), a failure domain, and the other 4 have 128 (of 256)',
          expected:
            'requests that fit on N − k servers: add 72 cores of servers to the pool (in racks of their own, so its largest rack stays small), or lower the requests',
        },
      ],
    });
  });

  it('keeps the upgrade wave spare when it is larger than a rack (maxUnavailable)', () => {
    const city = smallCity();
    city.pools[0].maxUnavailable = 6;
    city.tenants[0].requests[0].cpuCores = 100;
    const result = poolCapacityHeadroom(modelOf(city));
    expect(result.status).toBe('non-compliant');
    if (result.status === 'non-compliant')
      expect(result.violations[0]?.message).toBe(
        'tenant t1 request 100 cores, but the pool keeps 6 of 8 servers spare: its upgrade wave (maxUnavailable, 6 servers), and the other 2 have 64 (of 256)',
      );
  });

  it('counts warehouses: shards × replicas × per-replica, and their storage', () => {
    const city = smallCity();
    city.warehouses[0].shards = 2; // 6 replicas × 32 cores = 192 = 4 servers × 64 usable
    expect(poolCapacityHeadroom(modelOf(city)).status).toBe('compliant');
    city.warehouses[0].shards = 3; // 288 > 256
    city.warehouses[0].storagePerReplicaTiB = 50; // 9 × 50 = 450 TiB > 4 servers × 90.9 TiB
    const result = poolCapacityHeadroom(modelOf(city));
    expect(result.status).toBe('non-compliant');
    if (result.status !== 'non-compliant') return;
    expect(result.violations.map((v) => v.message.replace(/, but the pool keeps.*other 4/, ' …'))).toEqual([
      'warehouse wa request 288 cores … have 256 (of 384)',
      'warehouse wa request 2,304 GiB of memory … have 2,048 (of 3,072)',
      'warehouse wa request 450 TiB of disk … have 363.8 (of 545.7)',
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
        'pools[empty]: tenant t1 request 1 GPUs, but the pool has no servers',
      );
  });
});
