import { describe, expect, it } from 'vitest';
import { warehouseVolumeFits } from '../../../model/rules/warehouse-volume-fits.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

describe('warehouse-volume-fits', () => {
  it('is compliant when a replica fits the disks of its class on a server of its pool', () => {
    // m2 holds 10 x 10 TB of HDD (90.9 TiB); the warehouse asks 10 TiB of local-hdd
    expect(warehouseVolumeFits(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable without warehouses', () => {
    const city = smallCity();
    city.warehouses = [];
    city.tenants[0].reaches = [];
    expect(warehouseVolumeFits(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('finds a replica larger than the disks of its class on every server of its pool', () => {
    // 10 TiB of local-nvme: m2 has no NVMe at all
    const city = smallCity();
    city.warehouses[0].storageClass = 'local-nvme';
    expect(violationLines(warehouseVolumeFits, city)).toEqual([
      'warehouses[wa]: a replica asks 10 TiB of local-nvme (nvme disks), but the largest server of pool wh-a holds 0 TiB of nvme; at most 0 TiB per replica: more shards, a storage class on larger disks, or servers with more nvme',
    ]);
  });

  it('knows a class the city declares itself', () => {
    const city = smallCity();
    city.storageClasses = [{ id: 'bulk', disk: 'hdd' }];
    city.warehouses[0].storageClass = 'bulk';
    city.warehouses[0].storagePerReplicaTiB = 95;
    expect(violationLines(warehouseVolumeFits, city)).toEqual([
      'warehouses[wa]: a replica asks 95 TiB of bulk (hdd disks), but the largest server of pool wh-a holds 90.9 TiB of hdd; at most 90.9 TiB per replica: more shards, a storage class on larger disks, or servers with more hdd',
    ]);
  });
});
