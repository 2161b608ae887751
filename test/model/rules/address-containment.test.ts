import { describe, expect, it } from 'vitest';
import { addressContainment } from '../../../model/rules/address-containment.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

describe('address-containment', () => {
  it('is compliant for a computed plan', () => {
    expect(addressContainment(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('fails on a site pinned outside its district block', () => {
    const city = smallCity();
    city.addressPins = { sites: { w10001: '10.32.8.64/26' } };
    expect(violationLines(addressContainment, city)).toEqual([
      'addressPins.sites[w10001]: site w10001 10.32.8.64/26 lies outside its block d001 10.32.4.0/22; a prefix inside 10.32.4.0/22',
    ]);
  });

  it('fails on a block pinned outside the supernet', () => {
    const city = smallCity();
    city.addressPins = { blocks: { d002: '10.99.0.0/22' } };
    expect(violationLines(addressContainment, city)).toContain(
      'addressPins.blocks[d002]: block d002 10.99.0.0/22 lies outside the supernet 10.32.0.0/16; a block inside 10.32.0.0/16',
    );
  });

  it('fails on a pin that is not a network address', () => {
    const city = smallCity();
    city.addressPins = { sites: { w10001: '10.32.5.7/26' } };
    expect(violationLines(addressContainment, city)).toContain(
      "addressPins.sites[w10001]: 10.32.5.7/26 is not a network address; the prefix's network address, 10.32.5.0/26",
    );
  });

  it('fails when the loopback pool is too small for the supernet', () => {
    const city = smallCity();
    city.network.addressing.loopbacks = '10.16.0.0/28';
    expect(violationLines(addressContainment, city)[0]).toMatch(
      /loopback .* falls outside the loopback pool 10\.16\.0\.0\/28;/,
    );
  });
});
