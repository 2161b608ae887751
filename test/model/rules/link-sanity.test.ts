import { describe, expect, it } from 'vitest';
import { linkSanity } from '../../../model/rules/link-sanity.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

describe('link-sanity', () => {
  it('is compliant when links join distinct pairs of points', () => {
    expect(linkSanity(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('fails on a link to itself', () => {
    const city = smallCity();
    city.network.districts[0].wards[0].uplinks = [
      { to: 'd001', role: 'primary', mbps: 1000, medium: 'fiber' },
      { to: 'w10001', role: 'backup', mbps: 1000, medium: 'fiber' },
    ];
    expect(violationLines(linkSanity, city)).toEqual([
      'network.districts[d001].wards[10001].uplinks[w10001]: w10001 has an uplink to itself; an uplink to another point',
    ]);
  });

  it('fails on a second link between the same two points, either way round', () => {
    const city = smallCity();
    city.network.districts[0].uplinks = [
      { to: 'core-a', role: 'primary', mbps: 10000, medium: 'fiber' },
      { to: 'core-b', role: 'backup', mbps: 10000, medium: 'fiber' },
      { to: 'w10001', role: 'backup', mbps: 10, medium: 'fiber' },
    ];
    expect(violationLines(linkSanity, city)).toEqual([
      'network.districts[d001].wards[10001].uplinks[d001]: link w10001--d001 joins the same two points as d001--w10001; one link per pair of points (raise its mbps instead of adding a second)',
    ]);
  });
});
