import { describe, expect, it } from 'vitest';
import { loadCity } from '../../../model/index.ts';
import { pointPathToCore } from '../../../model/rules/point-path-to-core.ts';
import { findingLines, modelOf, smallCity, smallCityEdited, violationLines } from '../../helpers/city.ts';

describe('point-path-to-core', () => {
  it('is compliant when every point reaches the core', () => {
    expect(pointPathToCore(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('fails on a ward whose uplinks lead nowhere near the core', () => {
    const city = smallCity();
    // two wards uplinked only to each other form an island
    city.network.districts[0].wards[0].uplinks = [
      { to: 'w10002', role: 'primary', mbps: 100, medium: 'fiber' },
    ];
    city.network.districts[0].wards[1].uplinks = [
      { to: 'w10001', role: 'primary', mbps: 100, medium: 'fiber' },
    ];
    expect(pointPathToCore(modelOf(city))).toEqual({
      status: 'non-compliant',
      violations: [
        {
          path: 'network.districts[d001].wards[10001]',
          message: 'Ward Alpha (w10001) has no path to the core (its uplinks go to w10002)',
          expected: 'an uplink chain that reaches a core site through hubs or department sites',
        },
        {
          path: 'network.districts[d001].wards[10002]',
          message: 'Ward Beta (w10002) has no path to the core (its uplinks go to w10001)',
          expected: 'an uplink chain that reaches a core site through hubs or department sites',
        },
      ],
    });
  });

  it('cuts off a whole district when its hub loses its uplinks', () => {
    const city = smallCity();
    city.network.districts[1].uplinks = [];
    // and no ward backups between the two districts
    city.network.districts[0].wardBackupVia = undefined;
    city.network.districts[1].wardBackupVia = undefined;
    const result = pointPathToCore(modelOf(city));
    expect(result.status).toBe('non-compliant');
    if (result.status === 'non-compliant')
      expect(result.violations.map((v) => v.path)).toEqual([
        'network.districts[d002]',
        'network.districts[d002].wards[20001]',
        'network.districts[d002].wards[20002]',
        'network.districts[d002].units[ubnd]',
        'agencies[ag1].unitsPerDistrict[br].districts[d002]',
      ]);
  });

  it('does not route a hub through its wards: wards keep their backup, the hub and its units are cut off', () => {
    const city = smallCity();
    city.network.districts[1].uplinks = [];
    // d002's wards back up through d001, so they still reach the core; d002 itself does not
    expect(violationLines(pointPathToCore, city)).toEqual([
      'network.districts[d002]: District Two (d002) has no path to the core (it has no uplinks); an uplink chain that reaches a core site through hubs or department sites',
      "network.districts[d002].units[ubnd]: People's Committee of District Two (d002-ubnd) has no path to the core (its uplinks go to d002); an uplink chain that reaches a core site through hubs or department sites",
      'agencies[ag1].unitsPerDistrict[br].districts[d002]: Branch of District Two (d002-ag1-br) has no path to the core (its uplinks go to d002); an uplink chain that reaches a core site through hubs or department sites',
    ]);
  });

  it('points at the uplinks the user wrote', () => {
    const lines = findingLines(
      loadCity(
        smallCityEdited([
          '{code: "10001", name: Ward Alpha, type: ward}',
          '{code: "10001", name: Ward Alpha, type: ward, uplinks: []}',
        ]),
      ),
    );
    expect(lines).toEqual([
      'city.yaml:68:11: error CC007 network.districts[d001].wards[10001]: Ward Alpha (w10001) has no path to the core (it has no uplinks); expected an uplink chain that reaches a core site through hubs or department sites',
    ]);
  });
});
