/** Links join two different points, and each pair of points is joined once. */
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function linkSanity(model: CityModel): RuleResult {
  const v: Violation[] = [];
  const seen = new Map<string, string>();
  for (const l of model.network.links) {
    if (l.from === l.to) {
      v.push({
        path: l.path,
        field: 'to',
        message: `${l.from} has an uplink to itself`,
        expected: 'an uplink to another point',
      });
      continue;
    }
    const pair = l.from < l.to ? `${l.from}\u0000${l.to}` : `${l.to}\u0000${l.from}`;
    const first = seen.get(pair);
    if (first === undefined) seen.set(pair, l.id);
    else
      v.push({
        path: l.path,
        field: 'to',
        message: `link ${l.id} joins the same two points as ${first}`,
        expected: 'one link per pair of points (raise its mbps instead of adding a second)',
      });
  }
  return resultOf(model.network.links.length > 0, v);
}
