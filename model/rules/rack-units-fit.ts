/** Servers sit inside their rack's height and never share a rack unit. */
import type { CityModel, Server } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

const span = (s: Server) => (s.rackUnits === 1 ? `U${s.u}` : `U${s.u}–U${s.u + s.rackUnits - 1}`);

export function rackUnitsFit(model: CityModel): RuleResult {
  const v: Violation[] = [];
  const height = new Map(model.racks.map((r) => [r.name, r.heightU]));
  const byRack = new Map<string, Server[]>();
  for (const s of model.servers) {
    const list = byRack.get(s.rack);
    if (list) list.push(s);
    else byRack.set(s.rack, [s]);
  }
  for (const [rack, servers] of byRack) {
    const heightU = height.get(rack) ?? 0;
    const sorted = [...servers].sort((a, b) => a.u - b.u);
    let prev: Server | undefined;
    for (const s of sorted) {
      const top = s.u + s.rackUnits - 1;
      if (top > heightU)
        v.push({
          path: s.path,
          field: 'count',
          message: `${s.name} occupies ${span(s)}, above the top of its ${heightU}U rack`,
          expected: `every server within U1–U${heightU} (fewer servers in the range, or a lower start)`,
        });
      if (prev && s.u <= prev.u + prev.rackUnits - 1)
        v.push({
          path: s.path,
          field: 'u',
          message: `${s.name} (${span(s)}) overlaps ${prev.name} (${span(prev)})`,
          expected: 'server ranges that do not share a rack unit',
        });
      if (!prev || top > prev.u + prev.rackUnits - 1) prev = s;
    }
  }
  return resultOf(model.servers.length > 0, v);
}
