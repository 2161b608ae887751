/**
 * Every ward has two independent paths to the core: a primary uplink and a backup that do not
 * share a point or link. (Units are single-homed by design and are not checked.)
 */
import { analyseTopology, describeDependence, hasSingleFailure } from '../topology-analysis.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function sitePathRedundancy(model: CityModel): RuleResult {
  const { dependsOn } = analyseTopology(model);
  const v: Violation[] = [];
  const wards = model.network.points.filter((p) => p.level === 'ward');
  for (const p of wards) {
    const d = dependsOn.get(p.id);
    if (!hasSingleFailure(d)) continue;
    v.push({
      path: p.path,
      message: `${p.name} (${p.id}) has fewer than two independent paths to the core: losing ${describeDependence(d, 'or')} cuts it off`,
      expected:
        "a backup uplink to another hub (its district's wardBackupVia) that shares nothing with the primary",
    });
  }
  return resultOf(wards.length > 0, v);
}
