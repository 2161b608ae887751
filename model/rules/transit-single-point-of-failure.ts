/**
 * Core sites, district hubs and department sites carry other sites' traffic, so none may hang on
 * a single point or link: each needs two independent paths to the core.
 */
import { analyseTopology, isTransit } from '../topology-analysis.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function transitSinglePointOfFailure(model: CityModel): RuleResult {
  const { dependsOn } = analyseTopology(model);
  const v: Violation[] = [];
  const transit = model.network.points.filter((p) => isTransit(p.level));
  for (const p of transit) {
    const d = dependsOn.get(p.id);
    if (!d || d.points.length + d.links.length === 0) continue;
    const single = [...d.points.map((x) => `point ${x}`), ...d.links.map((x) => `link ${x}`)];
    v.push({
      path: p.path,
      message: `${p.name} (${p.id}) reaches the core only through ${single.join(' and ')}: losing ${single.length > 1 ? 'any one' : 'it'} cuts it off, with every site behind it`,
      expected: 'two independent paths to the core (e.g. uplinks to both core sites)',
    });
  }
  return resultOf(transit.length > 0, v);
}
