/**
 * The peak demand behind each primary uplink: the site's own (network.demandMbps of its level)
 * and that of every site whose primary path runs through it. One definition for the
 * oversubscription rule and the simulated traffic the capacity review reads.
 */
import { memoByModel } from './memo-by-model.ts';
import type { CityModel, Link } from './types.ts';

export interface UplinkDemand {
  readonly point: string;
  /** The point's primary uplink to its parent. */
  readonly uplink: Link;
  readonly demandMbps: number;
}

export const primaryUplinkDemands = memoByModel((model: CityModel): UplinkDemand[] => {
  const { points, links, demandMbps } = model.network;
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
  return points.flatMap((p) => {
    const uplink = p.parent ? primary.get(`${p.id}\u0000${p.parent}`) : undefined;
    const demand = behind.get(p.id);
    return uplink && demand !== undefined ? [{ point: p.id, uplink, demandMbps: demand }] : [];
  });
});
