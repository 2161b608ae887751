import { describe, expect, it } from 'vitest';
import { analyseTopology } from '../../model/topology-analysis.ts';
import { modelOf, smallCity } from '../helpers/city.ts';

const depends = (city: unknown, id: string) => analyseTopology(modelOf(city)).dependsOn.get(id);

describe('analyseTopology', () => {
  it('finds nothing single for dual-homed hubs and wards with a backup', () => {
    for (const id of ['d001', 'd002', 'ag1', 'w10001', 'w20002'])
      expect(depends(smallCity(), id), id).toEqual({ points: [], links: [] });
  });

  it('finds a single-homed unit depending on its hub and its one link', () => {
    expect(depends(smallCity(), 'd001-ubnd')).toEqual({ points: ['d001'], links: ['d001-ubnd--d001'] });
  });

  it('finds the core site and the link a hub depends on once its second uplink is gone', () => {
    const city = smallCity();
    city.network.districts[0].uplinks = [{ to: 'core-a', role: 'primary', mbps: 10000, medium: 'fiber' }];
    expect(depends(city, 'd001')).toEqual({ points: ['core-a'], links: ['d001--core-a'] });
    // its wards still have a backup through d002, which does not depend on core-a
    expect(depends(city, 'w10001')).toEqual({ points: [], links: [] });
    // its units now depend on the hub, the core site and both links
    expect(depends(city, 'd001-ubnd')).toEqual({
      points: expect.arrayContaining(['d001', 'core-a']),
      links: expect.arrayContaining(['d001-ubnd--d001', 'd001--core-a']),
    });
  });

  it('finds a ward without backup depending on its hub', () => {
    const city = smallCity();
    delete city.network.districts[0].wardBackupVia;
    expect(depends(city, 'w10001')).toEqual({ points: ['d001'], links: ['w10001--d001'] });
  });

  it('reports points that reach no core at all', () => {
    const city = smallCity();
    city.network.districts[1].uplinks = [];
    expect([...analyseTopology(modelOf(city)).unreachable].sort()).toEqual([
      'd002',
      'd002-ag1-br',
      'd002-ubnd',
    ]);
  });
});
