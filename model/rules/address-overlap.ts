/**
 * No address is handed out twice: the pools (supernet, loopbacks, links) are disjoint, and so are
 * the blocks, the site subnets, the loopbacks and the uplink /31s among themselves. One sort and
 * one sweep per layer, O(n log n) — the naive all-pairs check is the bench's peer.
 */
import { type AddressPlan, planAddresses } from '../address-plan.ts';
import { formatPrefix, overlaps, type Range } from '../ipv4.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export interface Owned {
  readonly range: Range;
  readonly owner: string;
  readonly path: string;
}

/** The allocations of a plan by layer; overlaps matter within a layer. */
export function addressLayers(plan: AddressPlan): Record<string, Owned[]> {
  return {
    pools: [
      { range: plan.supernet, owner: 'supernet', path: 'network.addressing.supernet' },
      {
        range: plan.loopbackPool,
        owner: 'loopback pool',
        path: 'network.addressing.loopbacks',
      },
      { range: plan.linkPool, owner: 'link pool', path: 'network.addressing.links' },
    ],
    blocks: plan.blocks.flatMap((b) =>
      b.range
        ? [
            {
              range: b.range,
              owner: `block ${b.id}`,
              path: b.pinned ? `addressPins.blocks[${b.id}]` : b.path,
            },
          ]
        : [],
    ),
    sites: plan.sites.map((s) => ({
      range: s.range,
      owner: `site ${s.point}`,
      path: s.pinned ? `addressPins.sites[${s.point}]` : s.path,
    })),
    loopbacks: plan.sites.map((s) => ({
      range: s.loopbackRange,
      owner: `loopback of ${s.point}`,
      path: s.path,
    })),
    links: plan.links.map((l) => ({ range: l.range, owner: `uplink ${l.link}`, path: l.path })),
  };
}

/** Overlapping pairs in one layer: sorted by start, each compared with the widest one still open. */
export function overlapsIn(items: readonly Owned[]): [Owned, Owned][] {
  const sorted = [...items].sort((a, b) => a.range.start - b.range.start || b.range.size - a.range.size);
  const pairs: [Owned, Owned][] = [];
  let open: Owned | undefined;
  for (const item of sorted) {
    if (open && overlaps(open.range, item.range)) pairs.push([open, item]);
    if (!open || item.range.start + item.range.size > open.range.start + open.range.size) open = item;
  }
  return pairs;
}

export function addressOverlap(model: CityModel): RuleResult {
  const plan = planAddresses(model);
  const v: Violation[] = [];
  for (const [layer, items] of Object.entries(addressLayers(plan)))
    for (const [a, b] of overlapsIn(items))
      v.push({
        path: b.path,
        message: `${b.owner} ${formatPrefix(b.range)} overlaps ${a.owner} ${formatPrefix(a.range)}`,
        expected: `${layer} that share no address (NetBox would accept both; the network would not)`,
      });
  return resultOf(plan.sites.length > 0, v);
}
