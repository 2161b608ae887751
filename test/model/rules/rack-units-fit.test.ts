import { describe, expect, it } from 'vitest';
import { loadCity } from '../../../model/index.ts';
import { rackUnitsFit } from '../../../model/rules/rack-units-fit.ts';
import { findingLines, modelOf, smallCity, smallCityEdited } from '../../helpers/city.ts';

describe('rack-units-fit', () => {
  it('is compliant when servers fit and do not overlap', () => {
    expect(rackUnitsFit(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('fails on a server above the top of the rack', () => {
    const city = smallCity();
    // two 2U servers from U41: the first takes U41–U42, the second U43–U44 in a 42U rack
    city.datacentre.halls[0].rows[0].racks[2].servers[0].u = 41;
    expect(rackUnitsFit(modelOf(city))).toEqual({
      status: 'non-compliant',
      violations: [
        {
          path: 'datacentre.halls[h1].rows[r01].racks[k03].servers[u43]',
          field: 'count',
          message: 'dc1-h1-r01-k03-u43 occupies U43–U44, above the top of its 42U rack',
          expected: 'every server within U1–U42 (fewer servers in the range, or a lower start)',
        },
      ],
    });
  });

  it('respects a rack height of its own', () => {
    const city = smallCity();
    city.datacentre.halls[0].rows[0].racks[2].heightU = 12;
    const result = rackUnitsFit(modelOf(city));
    // k03's servers take U10–U13
    expect(result.status).toBe('non-compliant');
  });

  it('fails on overlapping ranges, naming both servers', () => {
    const city = smallCity();
    city.datacentre.halls[0].rows[0].racks[0].servers[1].u = 4; // m2 at U4–U5 over the m1 at U4
    const result = rackUnitsFit(modelOf(city));
    expect(result).toMatchObject({
      status: 'non-compliant',
      violations: [
        {
          path: 'datacentre.halls[h1].rows[r01].racks[k01].servers[u04]',
          message: 'dc1-h1-r01-k01-u04 (U4–U5) overlaps dc1-h1-r01-k01-u04 (U4)',
        },
      ],
    });
  });

  it('points at the range that overlaps', () => {
    const lines = findingLines(
      loadCity(
        smallCityEdited([
          '{u: 10, count: 2, model: m2, pool: wh-a}]}\n            - {id: k02',
          '{u: 3, count: 2, model: m2, pool: wh-a}]}\n            - {id: k02',
        ]),
      ),
    );
    // the 2U server moved to U3 takes U3–U4, where two 1U servers already are; each range is pointed at its u
    expect(lines).toEqual([
      'city.yaml:22:39: error CC003 datacentre.halls[h1].rows[r01].racks[k01].servers[u04]: dc1-h1-r01-k01-u04 (U4) overlaps dc1-h1-r01-k01-u03 (U3–U4); expected server ranges that do not share a rack unit',
      'city.yaml:22:79: error CC003 datacentre.halls[h1].rows[r01].racks[k01].servers[u03]: dc1-h1-r01-k01-u03 (U3–U4) overlaps dc1-h1-r01-k01-u03 (U3); expected server ranges that do not share a rack unit',
    ]);
  });
});
