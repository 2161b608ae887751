import { describe, expect, it } from 'vitest';
import { serviceCounts } from '../../../model/rules/service-counts.ts';
import { modelOf, type RawCity, smallCity, violationLines } from '../../helpers/city.ts';

const messagesOf = (city: RawCity) => violationLines(serviceCounts, city);

describe('service-counts', () => {
  it('is compliant when the catalogue adds up to the totals', () => {
    expect(serviceCounts(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('fails when the totals do not add up (740 ≠ 460 + 281)', () => {
    const city = smallCity();
    city.publicServices.totals = { total: 6, full: 4, partial: 3 };
    expect(messagesOf(city)).toEqual([
      'publicServices.totals: total is 6, but full + partial is 4 + 3 = 7; total = full + partial',
      'publicServices.totals: the catalogue has 2 partly online services, the totals say 3; catalogue blocks whose partial counts add up to 3',
    ]);
  });

  it('fails when the catalogue has fewer services than the totals', () => {
    const city = smallCity();
    city.publicServices.catalogue[0].full = 3;
    expect(messagesOf(city)).toEqual([
      'publicServices.totals: the catalogue has 3 fully online services, the totals say 4; catalogue blocks whose full counts add up to 4',
    ]);
  });

  it('fails when a block names more services than it counts', () => {
    const city = smallCity();
    city.publicServices.catalogue[0].partial = 0;
    city.publicServices.catalogue[0].named.push(
      { id: 'a', name: 'A', mode: 'partial' },
      { id: 'b', name: 'B', mode: 'partial' },
    );
    city.publicServices.totals = { total: 6, full: 4, partial: 2 };
    expect(messagesOf(city)).toEqual([
      'publicServices.catalogue[ag1]: names 2 partly online services but declares partial: 0; partial at least the number of named partial services (2)',
    ]);
  });
});
