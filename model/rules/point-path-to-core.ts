/** Every connection point reaches a core site over the network's links (breadth-first, O(V+E)). */
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function pointPathToCore(model: CityModel): RuleResult {
  const { points, links } = model.network;
  const known = new Set(points.map((p) => p.id));
  const adjacent = new Map<string, string[]>();
  const join = (a: string, b: string) => {
    const list = adjacent.get(a);
    if (list) list.push(b);
    else adjacent.set(a, [b]);
  };
  for (const l of links) {
    if (!known.has(l.to)) continue; // a dangling link is the references rule's finding
    join(l.from, l.to);
    join(l.to, l.from);
  }
  const reached = new Set<string>();
  const queue: string[] = [];
  for (const p of points)
    if (p.level === 'core') {
      reached.add(p.id);
      queue.push(p.id);
    }
  for (let i = 0; i < queue.length; i++) {
    for (const next of adjacent.get(queue[i] as string) ?? []) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  const v: Violation[] = [];
  if (points.length > 0 && queue.length === 0)
    v.push({ path: 'network.core', message: 'there is no core site', expected: 'at least one core site' });
  for (const p of points) {
    if (reached.has(p.id)) continue;
    const ups = links.filter((l) => l.from === p.id).map((l) => l.to);
    v.push({
      path: p.path,
      message: `${p.name} (${p.id}) has no path to the core${ups.length > 0 ? ` (its uplinks go to ${ups.join(', ')})` : ' (it has no uplinks)'}`,
      expected: 'an uplink chain that reaches a core site',
    });
  }
  return resultOf(points.length > 0, v);
}
