import { describe, expect, it } from 'vitest';
import { districtBlastRadius } from '../../../model/rules/district-blast-radius.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

describe('district-blast-radius', () => {
  it('is compliant when a hub failure cuts off few points', () => {
    expect(districtBlastRadius(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('counts the hub, its single-homed units and wards without backup', () => {
    const city = smallCity();
    city.network.maxBlastRadius = 4;
    delete city.network.districts[0].wardBackupVia;
    // d001 + ubnd + the ag1 branch + two wards = 5 > 4; d002 cuts off 3
    expect(violationLines(districtBlastRadius, city)).toEqual([
      'network.districts[d001]: losing hub d001 (District One) cuts off 5 points from the core; at most 4 (network.maxBlastRadius): give the sites behind it backup uplinks to another hub',
    ]);
  });

  it('is not applicable without districts', () => {
    const city = smallCity();
    city.network.districts = [];
    expect(districtBlastRadius(modelOf(city))).toEqual({ status: 'not-applicable' });
  });
});
