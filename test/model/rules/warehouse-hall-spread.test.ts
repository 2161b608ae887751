import { describe, expect, it } from 'vitest';
import { warehouseHallSpread } from '../../../model/rules/warehouse-hall-spread.ts';
import { modelOf, type RawCity, smallCity, violationLines } from '../../helpers/city.ts';

/** The small city with a second hall holding `pools`' servers in one rack. */
function twoHalls(pools: string[]): RawCity {
  const city = smallCity();
  city.datacentre.halls.push({
    id: 'h2',
    rows: [
      {
        id: 'r01',
        racks: [
          { id: 'k01', servers: pools.map((pool, i) => ({ u: 1 + i * 4, count: 1, model: 'm2', pool })) },
        ],
      },
    ],
  });
  return city;
}

describe('warehouse-hall-spread', () => {
  it('is not applicable in a data centre of one hall', () => {
    expect(warehouseHallSpread(modelOf(smallCity()))).toEqual({ status: 'not-applicable' });
  });

  it('is compliant when the warehouse’s pool is in both halls', () => {
    expect(warehouseHallSpread(modelOf(twoHalls(['wh-a'])))).toEqual({ status: 'compliant' });
  });

  it('warns when every server of the warehouse’s pool is in one hall', () => {
    expect(violationLines(warehouseHallSpread, twoHalls(['web']))).toEqual([
      'warehouses[wa]: every server of pool wh-a is in hall h1, so its replicas cannot leave that hall; racks of pool wh-a in a second hall (the data centre has h1, h2)',
    ]);
  });
});
