import { describe, expect, it } from 'vitest';
import { sitePathRedundancy } from '../../../model/rules/site-path-redundancy.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

describe('site-path-redundancy', () => {
  it('is compliant when every ward backs up through another hub', () => {
    expect(sitePathRedundancy(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable without wards', () => {
    const city = smallCity();
    for (const d of city.network.districts) d.wards = [];
    expect(sitePathRedundancy(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('fails on wards without a backup', () => {
    const city = smallCity();
    delete city.network.districts[1].wardBackupVia;
    expect(violationLines(sitePathRedundancy, city)).toEqual([
      "network.districts[d002].wards[20001]: Commune Gamma (w20001) has fewer than two independent paths to the core: losing point d002 or link w20001--d002 cuts it off; a backup uplink to another hub (its district's wardBackupVia) that shares nothing with the primary",
      "network.districts[d002].wards[20002]: Township Delta (w20002) has fewer than two independent paths to the core: losing point d002 or link w20002--d002 cuts it off; a backup uplink to another hub (its district's wardBackupVia) that shares nothing with the primary",
    ]);
  });

  it('fails on a backup that shares the primary hub', () => {
    const city = smallCity();
    city.network.districts[0].wards[0].uplinks = [
      { to: 'd001', role: 'primary', mbps: 1000, medium: 'fiber' },
      { to: 'd001-ubnd', role: 'backup', mbps: 1000, medium: 'fiber' },
    ];
    // the backup goes to a unit, which carries no transit: the ward still hangs on d001
    expect(violationLines(sitePathRedundancy, city)).toEqual([
      expect.stringMatching(
        /^network\.districts\[d001\]\.wards\[10001\]: Ward Alpha \(w10001\) has fewer than two independent paths/,
      ),
    ]);
  });
});
