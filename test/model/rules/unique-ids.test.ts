import { describe, expect, it } from 'vitest';
import { uniqueIds } from '../../../model/rules/unique-ids.ts';
import { modelOf, type RawCity, smallCity, violationLines } from '../../helpers/city.ts';

const messagesOf = (city: RawCity) => violationLines(uniqueIds, city);

describe('unique-ids', () => {
  it('is compliant when ids and names are unique', () => {
    expect(uniqueIds(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it.each([
    [
      'two pools with one id',
      (c: RawCity) => c.pools.push({ ...c.pools[0], name: 'Web again' }),
      ['pools[web]: id "web" is already used by pools[web]; a unique id among pools'],
    ],
    [
      'two pools with one name',
      (c: RawCity) => c.pools.push({ ...c.pools[0], id: 'web2' }),
      ['pools[web2]: name "Web" is already used by pools[web]; a unique name among pools'],
    ],
    [
      'two racks with one id in a row',
      (c: RawCity) => {
        c.datacentre.halls[0].rows[0].racks[2].id = 'k02';
      },
      [
        'datacentre.halls[h1].rows[r01].racks[k02]: id "k02" is already used by datacentre.halls[h1].rows[r01].racks[k02]; a unique id among the racks of a row',
      ],
    ],
    [
      'a ward code used twice',
      (c: RawCity) =>
        c.network.districts[1].wards.push({ ...c.network.districts[0].wards[0], name: 'Ward Alpha 2' }),
      [
        'network.districts[d002].wards[10001]: id "w10001" is already used by network.districts[d001].wards[10001]; a unique id among connection points',
      ],
    ],
    [
      'two wards of one district with one name',
      (c: RawCity) => {
        c.network.districts[0].wards[1].name = 'Ward Alpha';
      },
      [
        'network.districts[d001].wards[10002]: name "Ward Alpha" is already used by network.districts[d001].wards[10001]; a unique name among the wards of a district',
      ],
    ],
    [
      'a unit whose id collides with a ward',
      (c: RawCity) => {
        c.agencies[0].id = 'w10001';
        c.publicServices.catalogue[0].agency = 'w10001';
        c.tenants[0].agency = 'w10001';
      },
      [
        'agencies[w10001]: id "w10001" is already used by network.districts[d001].wards[10001]; a unique id among connection points',
      ],
    ],
    [
      'two catalogue blocks for one agency',
      (c: RawCity) => c.publicServices.catalogue.push({ agency: 'ag1', full: 0, partial: 0, tier: 1 }),
      [
        'publicServices.catalogue[ag1]: agency "ag1" is already used by publicServices.catalogue[ag1]; a unique agency among catalogue blocks (one per agency)',
      ],
    ],
    [
      'a named service id used twice',
      (c: RawCity) =>
        c.publicServices.catalogue[0].named.push({ id: 'birth', name: 'Birth again', mode: 'full' }),
      [
        'publicServices.catalogue[ag1].named[birth]: id "birth" is already used by publicServices.catalogue[ag1].named[birth]; a unique id among public services',
      ],
    ],
  ])('fails on %s', (_, change, expected) => {
    const city = smallCity();
    change(city);
    expect(messagesOf(city)).toEqual(expected);
  });

  it('allows the same ward name in two districts (Phường 1 is in many)', () => {
    const city = smallCity();
    city.network.districts[1].wards[0].name = 'Ward Alpha';
    expect(uniqueIds(modelOf(city))).toEqual({ status: 'compliant' });
  });
});
