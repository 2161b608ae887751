/**
 * Every allocation lies inside what it is carved from: blocks in the supernet, sites in their
 * block, loopbacks and uplink /31s in their pools; and pinned prefixes are network addresses.
 */
import { planAddresses } from '../address-plan.ts';
import { contains, formatPrefix, parsePrefix } from '../ipv4.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function addressContainment(model: CityModel): RuleResult {
  const plan = planAddresses(model);
  const v: Violation[] = [];
  const { addressing, addressPins } = model.network;
  for (const pin of [...addressPins.blocks, ...addressPins.sites]) {
    const r = parsePrefix(pin.prefix);
    if (!r.aligned)
      v.push({
        path: pin.path,
        message: `${pin.prefix} is not a network address`,
        expected: `the prefix's network address, ${formatPrefix(r)}`,
      });
  }
  const blockRange = new Map(plan.blocks.map((b) => [b.id, b.range]));
  for (const b of plan.blocks)
    if (b.range && !contains(plan.supernet, b.range))
      v.push({
        path: b.pinned ? `addressPins.blocks[${b.id}]` : b.path,
        message: `block ${b.id} ${b.prefix} lies outside the supernet ${addressing.supernet}`,
        expected: `a block inside ${addressing.supernet}`,
      });
  for (const s of plan.sites) {
    const block = blockRange.get(s.block);
    if (block && !contains(block, s.range))
      v.push({
        path: s.pinned ? `addressPins.sites[${s.point}]` : s.path,
        message: `site ${s.point} ${s.prefix} lies outside its block ${s.block} ${formatPrefix(block)}`,
        expected: `a prefix inside ${formatPrefix(block)}`,
      });
    if (!contains(plan.loopbackPool, s.loopbackRange))
      v.push({
        path: s.path,
        message: `${s.point}'s loopback ${s.loopback} falls outside the loopback pool ${addressing.loopbacks}`,
        expected: 'a loopback pool with one address for every smallest site subnet of the supernet',
      });
  }
  for (const l of plan.links)
    if (!contains(plan.linkPool, l.range))
      v.push({
        path: l.path,
        message: `uplink ${l.link}'s ${l.prefix} falls outside the link pool ${addressing.links}`,
        expected: 'a link pool with eight addresses for every smallest site subnet of the supernet',
      });
  return resultOf(plan.sites.length > 0, v);
}
