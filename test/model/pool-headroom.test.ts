import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity, poolHeadrooms, spareExplained } from '../../model/index.ts';
import { BUILTIN_CITY, findingLines, modelOf, smallCity, writeCity } from '../helpers/city.ts';

describe('a pool’s headroom: its wave w and its spare k', () => {
  const builtin = loadCity(BUILTIN_CITY).model as CityModel;
  const of = (m: CityModel, pool: string) => poolHeadrooms(m).get(pool);

  it('makes w 10% of the pool by default, and k the largest of one server, the largest rack and w', () => {
    // edoc: 120 servers, w = 12; its largest rack (h1-r03-k06) holds 20
    expect(of(builtin, 'edoc')).toEqual({
      pool: 'edoc',
      servers: 120,
      wave: 12,
      largestRack: { rack: 'dc1-h1-r03-k06', servers: 20 },
      spare: 20,
      reason: 'rack',
      limit: 100 / 120,
    });
    // meeting: five servers in each of four racks (the built-in city's fix)
    expect(of(builtin, 'meeting')).toMatchObject({ servers: 20, wave: 2, spare: 5, limit: 0.75 });
  });

  it('takes a count or a share for maxUnavailable; a wave larger than a rack sets k', () => {
    const city = smallCity();
    city.pools[0].maxUnavailable = 6;
    expect(of(modelOf(city), 'web')).toMatchObject({ wave: 6, spare: 6, reason: 'wave', limit: 0.25 });
    city.pools[0].maxUnavailable = '25%';
    expect(of(modelOf(city), 'web')).toMatchObject({ wave: 2, spare: 4, reason: 'rack' });
    city.pools[0].maxUnavailable = '5%'; // 0.4 of a server: at least one
    expect(of(modelOf(city), 'web')).toMatchObject({ wave: 1 });
  });

  it('keeps one server spare when every server has a rack of its own', () => {
    const city = smallCity();
    city.datacentre.halls[0].rows[0].racks = Array.from({ length: 8 }, (_, i) => ({
      id: `k${String(i + 1).padStart(2, '0')}`,
      servers: [
        { u: 1, count: 1, model: 'm1', pool: 'web' },
        { u: 10, count: 1, model: 'm2', pool: 'wh-a' },
      ],
    }));
    const h = of(modelOf(city), 'web');
    expect(h).toMatchObject({ servers: 8, wave: 1, spare: 1, reason: 'server', limit: 7 / 8 });
    expect(spareExplained(h as NonNullable<typeof h>)).toBe(
      'keeps 1 of 8 servers spare: one server, for a failure',
    );
  });

  it('refuses a maxUnavailable that is not a count or a share, at its line', () => {
    const lines = (bad: number | string) => {
      const city = smallCity();
      city.pools[0].maxUnavailable = bad;
      return findingLines(loadCity(writeCity({ 'city.yaml': city })));
    };
    expect(lines(0)).toEqual([
      'city.yaml:31:21: error CC000 pools[web].maxUnavailable: is 0; expected a value more than 0',
    ]);
    for (const bad of ['0%', '150%', 'ten'])
      expect(lines(bad)).toEqual([
        `city.yaml:31:21: error CC000 pools[web].maxUnavailable: is the text "${bad}"; expected a share from 1% to 100%, such as "10%"`,
      ]);
  });
});
