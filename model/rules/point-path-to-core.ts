/**
 * Every connection point reaches a core site. Wards and units carry no traffic for others, so a
 * path runs from the point's own uplinks over core, district and department sites only.
 */
import { analyseTopology } from '../topology-analysis.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function pointPathToCore(model: CityModel): RuleResult {
  const { points, links } = model.network;
  const { unreachable } = analyseTopology(model);
  const v: Violation[] = [];
  if (points.length > 0 && !points.some((p) => p.level === 'core'))
    v.push({ path: 'network.core', message: 'there is no core site', expected: 'at least one core site' });
  for (const p of points) {
    if (!unreachable.has(p.id)) continue;
    const ups = links.filter((l) => l.from === p.id).map((l) => l.to);
    v.push({
      path: p.path,
      message: `${p.name} (${p.id}) has no path to the core${ups.length > 0 ? ` (its uplinks go to ${ups.join(', ')})` : ' (it has no uplinks)'}`,
      expected: 'an uplink chain that reaches a core site through hubs or department sites',
    });
  }
  return resultOf(points.length > 0, v);
}
