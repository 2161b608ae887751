/**
 * The peak demand behind a primary uplink — the site's own and that of every site whose primary
 * path runs through it — fits the uplink's capacity times network.maxOversubscription.
 */
import type { CityModel } from '../types.ts';
import { fmt, type RuleResult, resultOf, type Violation } from './rule.ts';

export function uplinkOversubscription(model: CityModel): RuleResult {
  const { points, links, demandMbps, maxOversubscription } = model.network;
  const known = new Set(points.map((p) => p.id));
  const children = new Map<string, string[]>();
  for (const p of points) {
    if (!p.parent) continue;
    const list = children.get(p.parent);
    if (list) list.push(p.id);
    else children.set(p.parent, [p.id]);
  }
  // breadth-first down the primary tree from its roots, then summed back up; points on a
  // parent cycle are never reached (they have no path to the core, which CC007 reports)
  const order = points.filter((p) => !p.parent || !known.has(p.parent)).map((p) => p.id);
  for (let i = 0; i < order.length; i++) order.push(...(children.get(order[i] as string) ?? []));
  const level = new Map(points.map((p) => [p.id, p.level]));
  const behind = new Map<string, number>();
  for (const id of order.reverse()) {
    const own = demandMbps[level.get(id) ?? 'unit'];
    behind.set(id, own + (children.get(id) ?? []).reduce((sum, c) => sum + (behind.get(c) ?? 0), 0));
  }

  const primary = new Map(
    links.filter((l) => l.role === 'primary').map((l) => [`${l.from}\u0000${l.to}`, l]),
  );
  const v: Violation[] = [];
  let checked = false;
  for (const p of points) {
    const uplink = p.parent ? primary.get(`${p.id}\u0000${p.parent}`) : undefined;
    const demand = behind.get(p.id);
    if (!uplink || demand === undefined) continue;
    checked = true;
    const ratio = demand / uplink.mbps;
    if (ratio > maxOversubscription)
      v.push({
        path: uplink.path,
        field: 'mbps',
        message: `${fmt(demand)} Mbps of peak demand sits behind ${p.id}'s ${fmt(uplink.mbps)} Mbps primary uplink to ${p.parent} (${ratio.toFixed(2)}×)`,
        expected: `at most ${maxOversubscription}× its capacity (network.maxOversubscription): a faster uplink, or fewer sites behind it`,
      });
  }
  return resultOf(checked, v);
}
