import { describe, expect, it } from 'vitest';
import { uplinkOversubscription } from '../../../model/rules/uplink-oversubscription.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

describe('uplink-oversubscription', () => {
  it('is compliant when every primary uplink carries its demand', () => {
    expect(uplinkOversubscription(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('sums the demand of everything behind a hub against its primary uplink', () => {
    const city = smallCity();
    // d001: 200 own + 2 wards × 100 + ubnd 50 + branch 50 = 500 Mbps over a 400 Mbps uplink
    city.network.districts[0].uplinks = [
      { to: 'core-a', role: 'primary', mbps: 400, medium: 'fiber' },
      { to: 'core-b', role: 'backup', mbps: 10000, medium: 'fiber' },
    ];
    expect(violationLines(uplinkOversubscription, city)).toEqual([
      "network.districts[d001].uplinks[core-a]: 500 Mbps of peak demand sits behind d001's 400 Mbps primary uplink to core-a (1.25×); at most 1× its capacity (network.maxOversubscription): a faster uplink, or fewer sites behind it",
    ]);
  });

  it('allows the oversubscription the inventory declares', () => {
    const city = smallCity();
    city.network.maxOversubscription = 1.5;
    city.network.districts[0].uplinks = [
      { to: 'core-a', role: 'primary', mbps: 400, medium: 'fiber' },
      { to: 'core-b', role: 'backup', mbps: 10000, medium: 'fiber' },
    ];
    expect(uplinkOversubscription(modelOf(city))).toEqual({ status: 'compliant' });
  });
});
