/**
 * The two models of an inventory diff read from model/city.json without parsing all of either:
 * the files are compared section by section and line by line (audit/diffable-lines.ts); the small
 * sections the diff reads are parsed whole; of the servers, every one that changed, and those of
 * the pools that a changed server, pool, tenant or warehouse belongs to — what a pool's capacity
 * and headroom are computed from — parsed once for both sides when they are the same in both.
 */
import type { CityModel } from '../model/index.ts';
import { alignItems, DiffableFile, type Entry, keyedItems, sectionDelta } from './diffable-lines.ts';

/** The sections of the model the inventory diff reads whole (servers and racks are read by need). */
const READ = [
  'pools',
  'serverModels',
  'warehouses',
  'externalSystems',
  'tenants',
  'offsite',
  'secondSite',
  // the policies (audit/diff-policies.ts)
  'terraformState',
  'deploy',
  'runbooks',
  'residency',
  'monitoring',
];

export interface ModelDelta {
  readonly before: CityModel;
  readonly after: CityModel;
  /** The servers that differ (added, removed or changed), by name. */
  readonly servers: ReadonlySet<string>;
}

const POOL = '"pool":"';
const RACK = '"rack":"';
const MODEL = '"model":"';
const NAME = '{"name":"';

/** The pools the named items of a list name (a tenant's requests, a warehouse's pool); null when unkeyed. */
function poolsOf(f: DiffableFile, path: string, keys: readonly string[]): string[] | null {
  const items = keyedItems(f, path);
  if (!items) return null;
  const out: string[] = [];
  for (const k of keys) {
    const e = items.get(k);
    if (e) for (const m of f.raw(e).matchAll(/"pool":"([^"]*)"/g)) out.push(m[1] as string);
  }
  return out;
}

/** The partial models and the servers to compare; null when the file is not laid out as expected. */
export function modelDelta(a: Buffer, b: Buffer): ModelDelta | null {
  try {
    const fa = new DiffableFile(a);
    const fb = new DiffableFile(b);
    const servers = alignItems(fa, fb, 'servers');
    if (!servers) return null;
    const pools = new Set<string>();
    let everyPool = sectionDelta(fa, fb, 'serverModels') !== null;
    for (const e of [...servers.removed, ...servers.changed.map(([x]) => x)])
      pools.add(fa.stringAfter(e, POOL) ?? '');
    for (const e of [...servers.added, ...servers.changed.map(([, y]) => y)])
      pools.add(fb.stringAfter(e, POOL) ?? '');
    const poolDelta = sectionDelta(fa, fb, 'pools');
    if (poolDelta === 'unkeyed') everyPool = true;
    else if (poolDelta)
      for (const k of [...poolDelta.added, ...poolDelta.removed, ...poolDelta.changed])
        pools.add(JSON.parse(k));
    for (const path of ['tenants', 'warehouses']) {
      const d = sectionDelta(fa, fb, path);
      if (d === 'unkeyed') everyPool = true;
      else if (d)
        for (const f of [fa, fb]) {
          const named = poolsOf(f, path, [...d.added, ...d.removed, ...d.changed]);
          if (named === null) everyPool = true;
          else for (const p of named) pools.add(p);
        }
    }
    // the servers the same on both sides, of the pools whose figures are computed: read once, and
    // only what a pool's figures are made of (its rack, its model), not parsed whole
    const base = servers.same.flatMap((e) => {
      const pool = fa.stringAfter(e, POOL) ?? '';
      return everyPool || pools.has(pool)
        ? [{ pool, rack: fa.stringAfter(e, RACK) ?? '', model: fa.stringAfter(e, MODEL) ?? '' }]
        : [];
    });
    const parse = (f: DiffableFile, list: readonly Entry[]) => list.map((e) => f.parse(e));
    // racks are compared by name: the same ones need no more than it
    const racks = alignItems(fa, fb, 'racks');
    const rackNames = (racks?.same ?? []).map((e) => ({ name: fa.stringAfter(e, NAME) ?? '' }));
    // the servers that differ, each parsed once: both models hold them, and they are what is compared
    const ownBefore = parse(fa, [...servers.removed, ...servers.changed.map(([x]) => x)]);
    const ownAfter = parse(fb, [...servers.added, ...servers.changed.map(([, y]) => y)]);
    const side = (f: DiffableFile, own: readonly unknown[], ownRacks: readonly Entry[]) => {
      const m: Record<string, unknown> = { servers: [...base, ...own] };
      for (const path of READ)
        m[path] = f.value(path) ?? (path === 'offsite' || path === 'secondSite' ? null : []);
      m.racks = racks ? [...rackNames, ...parse(f, ownRacks)] : f.value('racks');
      return m as unknown as CityModel;
    };
    return {
      before: side(fa, ownBefore, [...(racks?.removed ?? []), ...(racks?.changed.map(([x]) => x) ?? [])]),
      after: side(fb, ownAfter, [...(racks?.added ?? []), ...(racks?.changed.map(([, y]) => y) ?? [])]),
      servers: new Set([...ownBefore, ...ownAfter].map((x) => (x as { name: string }).name)),
    };
  } catch {
    return null;
  }
}
