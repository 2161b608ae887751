/** The servers of a rack draw no more than the rack's power budget. */
import type { CityModel } from '../types.ts';
import { fmt, type RuleResult, resultOf, type Violation } from './rule.ts';

export function rackPowerBudget(model: CityModel): RuleResult {
  const watts = new Map(model.serverModels.map((m) => [m.id, m.watts]));
  const draw = new Map<string, number>();
  for (const s of model.servers) draw.set(s.rack, (draw.get(s.rack) ?? 0) + (watts.get(s.model) ?? 0));
  const v: Violation[] = [];
  for (const r of model.racks) {
    const w = draw.get(r.name) ?? 0;
    if (w > r.powerBudgetW)
      v.push({
        path: r.path,
        message: `its servers draw ${fmt(w)} W, over the rack's power budget of ${fmt(r.powerBudgetW)} W`,
        expected: `at most ${fmt(r.powerBudgetW)} W (move ${fmt(w - r.powerBudgetW)} W of servers or raise powerBudgetW)`,
      });
  }
  return resultOf(model.racks.length > 0, v);
}
