import { describe, expect, it } from 'vitest';
import { parsePrefix } from '../../../model/ipv4.ts';
import { addressOverlap, overlapsIn } from '../../../model/rules/address-overlap.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

describe('address-overlap', () => {
  it('is compliant for a computed plan', () => {
    expect(addressOverlap(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('fails when one prefix is pinned to two sites (which NetBox would accept)', () => {
    const city = smallCity();
    city.addressPins = { sites: { w10001: '10.32.5.0/26', w10002: '10.32.5.0/26' } };
    expect(violationLines(addressOverlap, city)).toContain(
      'addressPins.sites[w10002]: site w10002 10.32.5.0/26 overlaps site w10001 10.32.5.0/26; sites that share no address (NetBox would accept both; the network would not)',
    );
  });

  it('fails when two blocks are pinned over each other', () => {
    const city = smallCity();
    city.addressPins = { blocks: { d001: '10.32.4.0/22', d002: '10.32.6.0/23' } };
    expect(violationLines(addressOverlap, city)).toContainEqual(
      expect.stringMatching(
        /^addressPins\.blocks\[d002\]: block d002 10\.32\.6\.0\/23 overlaps block d001 10\.32\.4\.0\/22;/,
      ),
    );
  });

  it('fails when the pools overlap', () => {
    const city = smallCity();
    city.network.addressing.loopbacks = '10.32.0.0/21';
    expect(violationLines(addressOverlap, city)[0]).toMatch(
      /^network\.addressing\.loopbacks: loopback pool 10\.32\.0\.0\/21 overlaps supernet 10\.32\.0\.0\/16;/,
    );
  });

  it('finds nested and chained overlaps in one sweep', () => {
    const item = (cidr: string) => ({ range: parsePrefix(cidr), owner: cidr, path: cidr });
    const pairs = overlapsIn([
      item('10.0.0.0/8'),
      item('10.1.0.0/16'),
      item('11.0.0.0/8'),
      item('10.200.0.0/16'),
    ]);
    expect(pairs.map(([a, b]) => `${a.owner} ~ ${b.owner}`)).toEqual([
      '10.0.0.0/8 ~ 10.1.0.0/16',
      '10.0.0.0/8 ~ 10.200.0.0/16',
    ]);
  });
});
