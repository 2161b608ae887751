import { describe, expect, it } from 'vitest';
import { planAddresses } from '../../model/address-plan.ts';
import type { CityModel } from '../../model/index.ts';
import { modelOf, type RawCity, smallCity } from '../helpers/city.ts';

/** Every address a site owns: subnet, gateway, loopback, VLAN and its uplinks' /31s. */
function addressesOf(model: CityModel): Map<string, string> {
  const plan = planAddresses(model);
  const out = new Map<string, string>();
  for (const s of plan.sites) out.set(s.point, `${s.prefix} ${s.gateway} ${s.loopback} vlan${s.vlan}`);
  for (const l of plan.links) out.set(l.link, l.prefix);
  return out;
}

/** The current plan written as pins, the way an engineer pins it in addresses.yaml. */
function pinned(city: RawCity): RawCity {
  const plan = planAddresses(modelOf(city));
  return {
    ...city,
    addressPins: {
      blocks: Object.fromEntries(plan.blocks.map((b) => [b.id, b.prefix])),
      sites: Object.fromEntries(plan.sites.map((s) => [s.point, s.prefix])),
    },
  };
}

describe('planAddresses', () => {
  const plan = planAddresses(modelOf(smallCity()));

  it('gives the core, each district and each department a block sized with headroom', () => {
    expect(plan.blocks.map((b) => [b.id, b.prefix, b.demand])).toEqual([
      // two /24s, doubled: a /22
      ['core', '10.32.0.0/22', 512],
      ['d001', '10.32.4.0/22', 256 + 2 * 64 + 32 + 32],
      ['d002', '10.32.8.0/22', 256 + 2 * 64 + 32 + 32],
      // a /25 and a /27, doubled and rounded up to a /23, after the districts in declared order
      ['ag1', '10.32.12.0/23', 128 + 32],
    ]);
    expect(plan.shortfalls).toEqual([]);
  });

  it('gives each site a subnet of its level in its block, a gateway, a loopback and a VLAN', () => {
    const ward = plan.sites.find((s) => s.point === 'w10001');
    expect(ward).toMatchObject({
      block: 'd001',
      prefix: '10.32.5.0/26',
      gateway: '10.32.5.1',
      // the loopback follows the subnet's slot in the supernet: (10.32.5.0 - 10.32.0.0) / 32 = 40
      loopback: '10.16.0.40/32',
      // and the VLAN its slot in the block: 100 + (10.32.5.0 - 10.32.4.0) / 32
      vlan: 108,
      pinned: false,
    });
  });

  it('gives each uplink a /31 of its site: the k-th uplink the k-th pair of the slot', () => {
    expect(plan.links.filter((l) => l.link.startsWith('w10001--'))).toMatchObject([
      { link: 'w10001--d001', prefix: '10.24.1.64/31', fromAddress: '10.24.1.64', toAddress: '10.24.1.65' },
      { link: 'w10001--d002', prefix: '10.24.1.66/31' },
    ]);
  });

  it('is deterministic', () => {
    expect(addressesOf(modelOf(smallCity()))).toEqual(addressesOf(modelOf(smallCity())));
  });

  it('keeps pinned prefixes', () => {
    const city = smallCity();
    city.addressPins = { sites: { w10002: '10.32.7.192/26' } };
    expect(planAddresses(modelOf(city)).sites.find((s) => s.point === 'w10002')).toMatchObject({
      prefix: '10.32.7.192/26',
      pinned: true,
    });
  });

  it('renumbers nothing when a ward is added in the middle of a pinned district', () => {
    const city = pinned(smallCity());
    const before = addressesOf(modelOf(city));
    city.network.districts[0].wards.splice(1, 0, { code: '10003', name: 'Ward New', type: 'ward' });
    const after = addressesOf(modelOf(city));
    const added = [...after.keys()].filter((k) => !before.has(k));
    expect(added).toEqual(['w10003', 'w10003--d001', 'w10003--d002']);
    for (const [key, value] of before) expect(after.get(key), key).toBe(value);
  });

  it('renumbers nothing when a unit is added to a pinned department', () => {
    const city = pinned(smallCity());
    const before = addressesOf(modelOf(city));
    city.agencies[0].units.unshift({ id: 'u0', name: 'Unit Zero' });
    const after = addressesOf(modelOf(city));
    for (const [key, value] of before) expect(after.get(key), key).toBe(value);
    expect(after.has('ag1-u0')).toBe(true);
  });
});
