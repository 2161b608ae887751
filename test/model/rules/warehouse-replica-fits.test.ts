import { describe, expect, it } from 'vitest';
import { loadCity } from '../../../model/index.ts';
import { warehouseReplicaFits } from '../../../model/rules/warehouse-replica-fits.ts';
import { findingLines, modelOf, smallCity, smallCityEdited } from '../../helpers/city.ts';

describe('warehouse-replica-fits', () => {
  it('is compliant when a replica fits one server of the pool', () => {
    expect(warehouseReplicaFits(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable without warehouses', () => {
    const city = smallCity();
    city.warehouses = [];
    city.tenants[0].reaches = [];
    expect(warehouseReplicaFits(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('names the replica’s size and the largest servers of the pool when none is large enough', () => {
    const city = smallCity();
    city.warehouses[0].perReplica = { cpuCores: 96, memoryGiB: 256 }; // wh-a's m2 servers have 64 cores
    expect(warehouseReplicaFits(modelOf(city))).toEqual({
      status: 'non-compliant',
      violations: [
        {
          path: 'warehouses[wa]',
          field: 'perReplica',
          message:
            'a replica needs 96 cores and 256 GiB, but no server of pool wh-a has both (the largest have 64 cores, 512 GiB)',
          expected: 'perReplica within one server of the pool, or larger servers in it',
        },
      ],
    });
  });

  it('is reported by validate at the line of the warehouse', () => {
    const lines = findingLines(
      loadCity(smallCityEdited(['perReplica: {cpuCores: 32', 'perReplica: {cpuCores: 96'])),
    );
    // line 32 of the fixture holds wa's perReplica (three 96-core replicas are also over the
    // pool's headroom: CC005 says so on the pool's line)
    expect(lines.filter((l) => l.includes(' CC017 '))).toEqual([
      'city.yaml:32:17: error CC017 warehouses[wa]: a replica needs 96 cores and 256 GiB, but no server of pool wh-a has both (the largest have 64 cores, 512 GiB); expected perReplica within one server of the pool, or larger servers in it',
    ]);
  });
});
