/**
 * The address plan: a block per district (and one for the city level) from the supernet, a
 * subnet per site inside its block, and from the site's place in the supernet its loopback, its
 * VLAN and the /31 of each of its uplinks. Pinned allocations stay; new ones are placed first-fit
 * in declared order around them, so adding a site never moves another.
 */
import {
  addressAt,
  FreeSpace,
  formatPrefix,
  nextPowerOfTwo,
  parsePrefix,
  type Range,
  rangeOf,
} from './ipv4.ts';
import { memoByModel } from './memo-by-model.ts';
import type { CityModel, ConnectionPoint } from './types.ts';

/** The block of the core sites; every district and every department has a block of its own. */
export const CORE_BLOCK = 'core';
/** Uplinks per site that have a /31 reserved. */
export const UPLINKS_PER_SITE = 4;
const MAX_VLAN = 4094;

export interface BlockPlan {
  /** The district id, or `city`. */
  readonly id: string;
  readonly name: string;
  readonly range: Range | null;
  readonly prefix: string | null;
  readonly pinned: boolean;
  /** Addresses its sites need. */
  readonly demand: number;
  readonly path: string;
}

export interface SitePlan {
  readonly point: string;
  readonly block: string;
  readonly range: Range;
  readonly prefix: string;
  readonly gateway: string;
  /** `a.b.c.d/32`. */
  readonly loopback: string;
  readonly loopbackRange: Range;
  readonly vlan: number;
  readonly pinned: boolean;
  readonly path: string;
}

export interface LinkPlan {
  readonly link: string;
  readonly range: Range;
  readonly prefix: string;
  /** Address of the end that declares the uplink (the lower of the /31). */
  readonly fromAddress: string;
  readonly toAddress: string;
  readonly path: string;
}

/** A request that found no room: which block, how big it is, what asked for more. */
export interface Shortfall {
  readonly path: string;
  readonly message: string;
  readonly expected: string;
  readonly field?: string;
}

export interface AddressPlan {
  readonly supernet: Range;
  readonly loopbackPool: Range;
  readonly linkPool: Range;
  readonly blocks: readonly BlockPlan[];
  readonly sites: readonly SitePlan[];
  readonly links: readonly LinkPlan[];
  readonly shortfalls: readonly Shortfall[];
}

const n = (x: number) => x.toLocaleString('en-US');

/** The block a point's subnet comes from: its district's, else its department's, else the core's. */
export const blockOf = (p: ConnectionPoint) =>
  p.level === 'district' || p.level === 'agency' ? p.id : (p.district ?? p.agency ?? CORE_BLOCK);

/** The address plan of a model (computed once per model). */
export const planAddresses = memoByModel(computePlan);

function computePlan(model: CityModel): AddressPlan {
  const { addressing, addressPins, points } = model.network;
  const supernet = parsePrefix(addressing.supernet);
  const loopbackPool = parsePrefix(addressing.loopbacks);
  const linkPool = parsePrefix(addressing.links);
  const slot = 2 ** (32 - Math.max(...Object.values(addressing.siteSizes)));
  const sizeOf = (p: ConnectionPoint) => 2 ** (32 - addressing.siteSizes[p.level]);
  const shortfalls: Shortfall[] = [];

  // the sites of each block, in declared order: the core, then the districts and departments
  const members = new Map<string, ConnectionPoint[]>([[CORE_BLOCK, []]]);
  const blockNames = new Map<string, { name: string; path: string }>([
    [CORE_BLOCK, { name: 'City core', path: 'network.core' }],
  ]);
  for (const p of points) {
    if (p.level === 'district' || p.level === 'agency') {
      members.set(p.id, []);
      blockNames.set(p.id, { name: p.name, path: p.path });
    }
  }
  for (const p of points) {
    const list = members.get(blockOf(p));
    if (list) list.push(p);
    else members.set(blockOf(p), [p]);
  }

  // blocks: pinned where pinned, the rest first-fit in the supernet
  const pinnedBlocks = new Map(addressPins.blocks.map((b) => [b.id, b]));
  const inSupernet = new FreeSpace(supernet);
  const blockRanges = new Map<string, Range>();
  for (const [id] of members) {
    const pin = pinnedBlocks.get(id);
    if (pin) {
      const r = parsePrefix(pin.prefix);
      inSupernet.take(r);
      blockRanges.set(id, r);
    }
  }
  const blocks: BlockPlan[] = [];
  for (const [id, sites] of members) {
    const demand = sites.reduce((sum, p) => sum + sizeOf(p), 0);
    const info = blockNames.get(id) ?? { name: id, path: 'network' };
    let range = blockRanges.get(id) ?? null;
    const pinned = range !== null;
    if (!range && sites.length > 0) {
      const want = nextPowerOfTwo(Math.max(demand * addressing.blockHeadroom, ...sites.map(sizeOf)));
      range = inSupernet.allocate(want);
      if (range) blockRanges.set(id, range);
      else
        shortfalls.push({
          path: info.path,
          message: `block ${id} needs a /${32 - Math.log2(want)} (${n(want)} addresses for ${sites.length} sites), but supernet ${addressing.supernet} (${n(supernet.size)} addresses, ${n(inSupernet.usedAddresses)} in use) has no room left`,
          expected: 'a larger network.addressing.supernet, or smaller siteSizes or blockHeadroom',
        });
    }
    blocks.push({
      id,
      name: info.name,
      range,
      prefix: range ? formatPrefix(range) : null,
      pinned,
      demand,
      path: info.path,
    });
  }

  // sites: pinned where pinned, the rest first-fit in their block
  const pinnedSites = new Map(addressPins.sites.map((s) => [s.id, s]));
  const sites: SitePlan[] = [];
  for (const [id, list] of members) {
    const block = blockRanges.get(id);
    if (!block) continue;
    const space = new FreeSpace(block);
    const ranges = new Map<string, { range: Range; pinned: boolean }>();
    for (const p of list) {
      const pin = pinnedSites.get(p.id);
      if (!pin) continue;
      const r = parsePrefix(pin.prefix);
      space.take(r);
      ranges.set(p.id, { range: r, pinned: true });
    }
    for (const p of list) {
      if (ranges.has(p.id)) continue;
      const size = sizeOf(p);
      const r = space.allocate(size);
      if (r) ranges.set(p.id, { range: r, pinned: false });
      else
        shortfalls.push({
          path: p.path,
          message: `${p.name} (${p.id}) needs a /${32 - Math.log2(size)}, but block ${id} ${formatPrefix(block)} (${n(block.size)} addresses, ${n(space.usedAddresses)} in use) has no room left`,
          expected: `a larger block for ${id} (pin a bigger prefix in addressPins.blocks) or a smaller siteSizes.${p.level}`,
        });
    }
    for (const p of list) {
      const got = ranges.get(p.id);
      if (!got) continue;
      const { range, pinned } = got;
      const globalSlot = Math.floor((range.start - supernet.start) / slot);
      const vlan = addressing.vlanBase + Math.floor((range.start - block.start) / slot);
      if (vlan > MAX_VLAN)
        shortfalls.push({
          path: p.path,
          message: `${p.id}'s VLAN would be ${vlan}, past ${MAX_VLAN}`,
          expected: 'a lower network.addressing.vlanBase or smaller blocks',
        });
      sites.push({
        point: p.id,
        block: id,
        range,
        prefix: formatPrefix(range),
        gateway: addressAt(range.start + 1),
        loopback: formatPrefix({ start: loopbackPool.start + globalSlot, length: 32 }),
        loopbackRange: rangeOf(loopbackPool.start + globalSlot, 1),
        vlan,
        pinned,
        path: p.path,
      });
    }
  }

  // uplinks: the k-th uplink of a site takes the k-th /31 of its slot in the link pool
  const siteOf = new Map(sites.map((s) => [s.point, s]));
  const ordinal = new Map<string, number>();
  const links: LinkPlan[] = [];
  for (const l of model.network.links) {
    const from = siteOf.get(l.from);
    if (!from) continue;
    const k = ordinal.get(l.from) ?? 0;
    ordinal.set(l.from, k + 1);
    if (k >= UPLINKS_PER_SITE) {
      shortfalls.push({
        path: l.path,
        message: `${l.from} has more than ${UPLINKS_PER_SITE} uplinks; ${l.id} gets no /31`,
        expected: `at most ${UPLINKS_PER_SITE} uplinks per site`,
      });
      continue;
    }
    const globalSlot = Math.floor((from.range.start - supernet.start) / slot);
    const range = rangeOf(linkPool.start + globalSlot * 2 * UPLINKS_PER_SITE + 2 * k, 2);
    links.push({
      link: l.id,
      range,
      prefix: formatPrefix(range),
      fromAddress: addressAt(range.start),
      toAddress: addressAt(range.start + 1),
      path: l.path,
    });
  }
  return { supernet, loopbackPool, linkPool, blocks, sites, links, shortfalls };
}
