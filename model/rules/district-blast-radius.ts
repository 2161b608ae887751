/** One district hub's failure cuts off at most network.maxBlastRadius points (itself included). */
import { analyseTopology } from '../topology-analysis.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function districtBlastRadius(model: CityModel): RuleResult {
  const { dependsOn } = analyseTopology(model);
  const { points, maxBlastRadius } = model.network;
  const radius = new Map<string, number>();
  for (const [, d] of dependsOn) for (const x of d.points) radius.set(x, (radius.get(x) ?? 0) + 1);
  const v: Violation[] = [];
  const hubs = points.filter((p) => p.level === 'district');
  for (const hub of hubs) {
    const cut = (radius.get(hub.id) ?? 0) + 1;
    if (cut > maxBlastRadius)
      v.push({
        path: hub.path,
        message: `losing hub ${hub.id} (${hub.name}) cuts off ${cut} points from the core`,
        expected: `at most ${maxBlastRadius} (network.maxBlastRadius): give the sites behind it backup uplinks to another hub`,
      });
  }
  return resultOf(hubs.length > 0, v);
}
