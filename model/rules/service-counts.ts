/** The catalogue adds up: total = full + partial, the services match the totals and each block's counts. */
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function serviceCounts(model: CityModel): RuleResult {
  const v: Violation[] = [];
  const t = model.serviceTotals;
  if (t.total !== t.full + t.partial)
    v.push({
      path: 'publicServices.totals',
      field: 'total',
      message: `total is ${t.total}, but full + partial is ${t.full} + ${t.partial} = ${t.full + t.partial}`,
      expected: 'total = full + partial',
    });
  const counted = { full: 0, partial: 0 };
  const perBlock = new Map<string, { full: number; partial: number }>();
  for (const s of model.publicServices) {
    counted[s.mode]++;
    const block = s.path.slice(0, s.path.indexOf('.', 'publicServices.'.length));
    const c = perBlock.get(block) ?? { full: 0, partial: 0 };
    c[s.mode]++;
    perBlock.set(block, c);
  }
  const ly = { full: 'fully', partial: 'partly' } as const;
  for (const mode of ['full', 'partial'] as const) {
    if (counted[mode] !== t[mode])
      v.push({
        path: 'publicServices.totals',
        field: mode,
        message: `the catalogue has ${counted[mode]} ${ly[mode]} online services, the totals say ${t[mode]}`,
        expected: `catalogue blocks whose ${mode} counts add up to ${t[mode]}`,
      });
  }
  for (const b of model.serviceCatalogue) {
    const c = perBlock.get(b.path) ?? { full: 0, partial: 0 };
    for (const mode of ['full', 'partial'] as const) {
      if (c[mode] > b[mode])
        v.push({
          path: b.path,
          field: mode,
          message: `names ${c[mode]} ${ly[mode]} online services but declares ${mode}: ${b[mode]}`,
          expected: `${mode} at least the number of named ${mode} services (${c[mode]})`,
        });
    }
  }
  return resultOf(true, v);
}
