/**
 * Core sites, district hubs and department sites carry other sites' traffic, so none may hang on
 * a single point or link: each needs two independent paths to the core.
 */
import { analyseTopology, describeDependence, hasSingleFailure, isTransit } from '../topology-analysis.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function transitSinglePointOfFailure(model: CityModel): RuleResult {
  const { dependsOn } = analyseTopology(model);
  const v: Violation[] = [];
  const transit = model.network.points.filter((p) => isTransit(p.level));
  for (const p of transit) {
    const d = dependsOn.get(p.id);
    if (!hasSingleFailure(d)) continue;
    const many = d.points.length + d.links.length > 1;
    v.push({
      path: p.path,
      message: `${p.name} (${p.id}) reaches the core only through ${describeDependence(d, 'and')}: losing ${many ? 'any one' : 'it'} cuts it off, with every site behind it`,
      expected: 'two independent paths to the core (e.g. uplinks to both core sites)',
    });
  }
  return resultOf(transit.length > 0, v);
}
