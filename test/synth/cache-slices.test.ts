// integration: renders every view once per leaf field of the schema (vitest.config.ts)
/**
 * The incremental synth cannot go stale. A stack part or a cached view is reused when the digest
 * of its slice of the model is unchanged; a slice that misses a field its renderer reads would
 * reuse old bytes. So: for every leaf field of the inventory schema (walked from the zod schema,
 * not listed by hand), change it in a city that has every section, and require the views rendered
 * through a cache warmed by the unchanged city to equal the views rendered afresh, byte for byte.
 *
 * The off-site stack is not rendered here (three seconds a time): its renderer, synthOffsite, takes
 * only OffsiteInput — the very value its cache entry is keyed by — so it cannot read past its slice.
 */
import { describe, expect, it } from 'vitest';
import { hasErrors, inventorySchema, loadCity } from '../../model/index.ts';
import { networkView } from '../../network/network-view.ts';
import { terraformView } from '../../stacks/terraform-view.ts';
import { SynthCache } from '../../synth/synth-cache.ts';
import { cachedView } from '../../view/cached-view.ts';
import type { Artifact, View } from '../../view/view.ts';
import { type RawCity, smallCity, tempDir, writeCity } from '../helpers/city.ts';

/** The views that use the cache, as synth registers them (synth/views.ts). */
const CACHED_VIEWS: readonly View[] = [
  cachedView(networkView, (model) => ({ city: model.city, network: model.network })),
  terraformView,
];

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown) => (s as { _zod: { def: Def } })._zod.def;

interface Leaf {
  /** Dotted path with [] for list items and {} for record values, e.g. `pools[].name`. */
  readonly path: string;
  readonly def: Def;
}

/** Every leaf field of the schema. */
function schemaLeaves(schema: unknown, path = '', out: Leaf[] = []): Leaf[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      for (const [k, v] of Object.entries(def.shape as object))
        schemaLeaves(v, path ? `${path}.${k}` : k, out);
      break;
    case 'array':
      schemaLeaves(def.element, `${path}[]`, out);
      break;
    case 'optional':
    case 'default':
    case 'nullable':
    case 'prefault':
      schemaLeaves(def.innerType, path, out);
      break;
    case 'union':
      for (const o of def.options as unknown[]) schemaLeaves(o, path, out);
      break;
    case 'record':
      schemaLeaves(def.valueType, `${path}{}`, out);
      break;
    case 'pipe':
      schemaLeaves(def.in, path, out);
      break;
    default:
      if (!out.some((l) => l.path === path)) out.push({ path, def });
  }
  return out;
}

/** The small city with every optional section a view reads: apps, the portal, the off-site tier. */
function fullCity(): RawCity {
  const city = smallCity();
  city.city.nameEn = 'Test City (en)';
  city.tenants[0].app = {
    image: 'registry.hcmc.gov.vn/t1/portal:1.0',
    port: 8080,
    healthPath: '/healthz',
    pod: { cpuCores: 2, memoryGiB: 8, gpus: 0 },
    targetCpuPercent: 70,
  };
  city.tenants.push({
    id: 't2',
    name: 'Tenant Two',
    agency: 'ag1',
    requests: [{ pool: 'web', cpuCores: 20, memoryGiB: 200, gpus: 0 }],
    reaches: ['national-db'],
    app: { image: 'registry.hcmc.gov.vn/t2/app:2.0', pod: { cpuCores: 4, memoryGiB: 16 } },
  });
  city.publicServices.portalTenant = 't1';
  // a server out of service (no stack may label it from a stale cache) and backup promises
  city.outOfService = [{ server: 'dc1-h1-r01-k01-u02', reason: 'PSU failed', since: '2026-12-01' }];
  city.backups = { internal: { rpoMinutes: 10, rtoMinutes: 300 } };
  city.warehouses[0].backup = {
    schedule: '0 1 * * *',
    fullBackupsKept: 8,
    pointInTimeDays: 7,
    rpoMinutes: 5,
    rtoMinutes: 240,
    drill: '0 3 2 * *',
  };
  city.agencies[0].nameEn = 'Department One (en)';
  city.offsite = {
    // the small city's rolesAnywhere: its warehouse backs up off-site, which needs it (CC026)
    ...city.offsite,
    region: 'ap-southeast-1',
    backupRetentionDays: 35,
    infrequentAfterDays: 30,
    archiveAfterDays: 120,
    noncurrentExpireDays: 365,
  };
  city.monitoring = {
    runbookBaseUrl: 'https://wiki.hcmc.gov.vn/runbooks/alerts.md',
    scrapeIntervalSeconds: 30,
    shards: 1,
    districtIsolatedRatio: 0.5,
  };
  // every optional field written out, so that each can be changed
  for (const m of city.serverModels) m.gpus = 0;
  for (const p of city.pools) p.growthPercentPerMonth = 2;
  const hall = city.datacentre.halls[0];
  hall.name = 'Hall one';
  hall.rackDefaults = { heightU: 42, powerBudgetW: 10000 };
  hall.rows[0].rackDefaults = { heightU: 42, powerBudgetW: 10000 };
  hall.rows[0].racks[0].heightU = 42;
  hall.rows[0].racks[0].powerBudgetW = 10000;
  city.warehouses[0].storageClass = 'local-hdd';
  Object.assign(city.network.addressing, { blockHeadroom: 2, vlanBase: 100 });
  Object.assign(city.network, { maxOversubscription: 1, maxBlastRadius: 60 });
  const [d1, d2] = city.network.districts;
  d1.uplinks = [
    { to: 'core-a', role: 'primary', mbps: 10000, medium: 'fiber' },
    { to: 'core-b', role: 'backup', mbps: 10000, medium: 'fiber' },
  ];
  d1.wards[0].uplinks = [
    { to: 'd001', role: 'primary', mbps: 1000, medium: 'fiber' },
    { to: 'd002', role: 'backup', mbps: 300, medium: 'fiber' },
  ];
  d2.units = [
    {
      id: 'lib',
      name: 'Library of District Two',
      uplinks: [{ to: 'd002', role: 'primary', mbps: 1000, medium: 'fiber' }],
    },
  ];
  const agency = city.agencies[0];
  agency.uplinks = [
    { to: 'core-a', role: 'primary', mbps: 10000, medium: 'fiber' },
    { to: 'core-b', role: 'backup', mbps: 10000, medium: 'fiber' },
  ];
  agency.units[0].uplinks = [{ to: 'ag1', role: 'primary', mbps: 1000, medium: 'fiber' }];
  for (const t of city.tenants) for (const r of t.requests) r.gpus = 0;
  city.offsite.openDataDomain = {
    name: 'data.test.example.vn',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555',
  };
  city.addressPins = { blocks: { d001: '10.32.4.0/22' }, sites: { d001: '10.32.4.0/24' } };
  return city;
}

/** The full city with each state backend: the schema's union has one branch per backend. */
const VARIANTS: readonly RawCity[] = [
  fullCity(),
  {
    ...fullCity(),
    terraformState: {
      backend: 's3',
      bucket: 'state',
      region: 'hcmc-1',
      keyPrefix: 'citycloud',
      endpoint: 'https://s3.dc.hcmc.gov.vn',
    },
  },
  { ...fullCity(), terraformState: { backend: 'pg', schemaPrefix: 'citycloud' } },
];

/** The first place in `city` a leaf path names, as [parent, key], searching every list item. */
function occurrence(city: RawCity, path: string): [Record<string, unknown>, string] | null {
  const steps = path.split('.').flatMap((p) => {
    const m = /^([^[{]+)((?:\[\]|\{\})*)$/.exec(p) as RegExpExecArray;
    return [m[1] as string, ...((m[2] as string).match(/\[\]|\{\}/g) ?? [])];
  });
  const find = (node: unknown, i: number): [Record<string, unknown>, string] | null => {
    if (node === null || typeof node !== 'object') return null;
    const step = steps[i] as string;
    const keys =
      step === '[]'
        ? Array.isArray(node)
          ? node.map((_, j) => String(j))
          : []
        : step === '{}'
          ? Object.keys(node)
          : [step];
    for (const key of keys) {
      const child = (node as Record<string, unknown>)[key];
      if (child === undefined) continue;
      if (i === steps.length - 1) return [node as Record<string, unknown>, key];
      const found = find(child, i + 1);
      if (found) return found;
    }
    return null;
  };
  return find(city, 0);
}

/** Every string equal to `from` in the city replaced by `to`: an id renamed with its references. */
function renamed(city: RawCity, from: string, to: string): RawCity {
  const walk = (v: unknown): unknown =>
    v === from
      ? to
      : Array.isArray(v)
        ? v.map(walk)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k === from ? to : k, walk(x)]))
          : v;
  return walk(city);
}

/**
 * Fields that must change together to stay valid (the catalogue adds up to its totals; a tier's id
 * is what services name): the change to make for each, applied to a copy of the city.
 */
const COUPLED: Record<string, (city: RawCity) => void> = {
  'publicServices.totals.total': (c) => {
    c.publicServices.totals.total += 1;
    c.publicServices.totals.full += 1;
    c.publicServices.catalogue[0].full += 1;
  },
  'publicServices.catalogue[].partial': (c) => {
    c.publicServices.totals.total += 1;
    c.publicServices.totals.partial += 1;
    c.publicServices.catalogue[0].partial += 1;
  },
  'publicServices.tiers[].id': (c) => {
    const from = c.publicServices.tiers[0].id;
    c.publicServices.tiers[0].id = 7;
    for (const b of c.publicServices.catalogue) {
      if (b.tier === from) b.tier = 7;
      for (const n of b.named ?? []) if (n.tier === from) n.tier = 7;
    }
  },
};
COUPLED['publicServices.totals.full'] = COUPLED['publicServices.totals.total'] as (c: RawCity) => void;
COUPLED['publicServices.catalogue[].full'] = COUPLED['publicServices.totals.total'] as (c: RawCity) => void;
COUPLED['publicServices.totals.partial'] = COUPLED['publicServices.catalogue[].partial'] as (
  c: RawCity,
) => void;

/** Values to try in place of `value`, valid for the leaf's type where the type says so. */
function candidates(leaf: Leaf, value: unknown): unknown[] {
  if (leaf.def.type === 'enum') return Object.values(leaf.def.entries as object).filter((v) => v !== value);
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? [value + 1, value * 2, value - 1, value + 10]
      : [value * 1.1, value * 0.9, value + 0.5];
  if (typeof value === 'string') {
    const last = value.at(-1) ?? '';
    const bumpDigit = /\d/.test(last) ? `${value.slice(0, -1)}${(Number(last) + 1) % 10}` : null;
    const cidr = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(value);
    return [
      ...(cidr
        ? [
            `${cidr[1]}.${cidr[2]}.${Number(cidr[3]) + 1}.${cidr[4]}/${cidr[5]}`,
            `${cidr[1]}.${Number(cidr[2]) + 1}.${cidr[3]}.${cidr[4]}/${cidr[5]}`,
          ]
        : []),
      `${value} x`,
      `${value}-x`,
      ...(bumpDigit ? [bumpDigit] : []),
      ...(/^\d+$/.test(value) ? [value.replace(/\d$/, '9'), value.replace(/^\d/, '9')] : []),
      `${value}x`,
    ];
  }
  return [];
}

/** The cached render is the fresh one, file by file; a difference names the field and the file. */
function sameFiles(field: string, cached: readonly Artifact[], fresh: readonly Artifact[]): void {
  expect(
    cached.map((a) => a.path),
    `${field}: the cached render has other files`,
  ).toEqual(fresh.map((a) => a.path));
  fresh.forEach((f, i) => {
    const c = cached[i] as Artifact;
    const same = Buffer.from(c.content).equals(Buffer.from(f.content));
    expect(
      same,
      `${field} changed, but ${f.path} came stale from the cache (its slice misses the field)`,
    ).toBe(true);
  });
}

describe('the synth cache’s slices', () => {
  it('miss no field a cached view reads: for every field of the schema, cached and fresh renders are the same bytes', async () => {
    const base = VARIANTS[0] as RawCity;
    const baseLoad = loadCity(writeCity({ 'city.yaml': base }));
    expect(hasErrors(baseLoad.findings), baseLoad.findings.map((f) => f.message).join('\n')).toBe(false);
    const cache = new SynthCache(tempDir(), { inMemory: true });
    for (const view of CACHED_VIEWS) await view.render(baseLoad.model as never, { cache });

    const mutated = new Set<string>();
    const absent: string[] = [];
    const noValidChange: string[] = [];
    const check = async (field: string, city: RawCity): Promise<boolean> => {
      const load = loadCity(writeCity({ 'city.yaml': city }));
      if (!load.model || hasErrors(load.findings)) return false;
      for (const view of CACHED_VIEWS) {
        const cached = await view.render(load.model, { cache });
        const fresh = await view.render(load.model);
        sameFiles(field, cached, fresh);
      }
      return true;
    };
    for (const leaf of schemaLeaves(inventorySchema)) {
      if (leaf.def.type === 'literal' || leaf.path === 'include[]') continue;
      let seen = false;
      // the state backends are a union: each variant of the city has one of them
      for (const variant of VARIANTS) {
        const at = occurrence(variant, leaf.path);
        if (!at) continue;
        seen = true;
        const [parent, key] = at;
        const tries: RawCity[] = candidates(leaf, parent[key]).map((value) => {
          const city = structuredClone(variant);
          const [p, k] = occurrence(city, leaf.path) as [Record<string, unknown>, string];
          p[k] = value;
          return city;
        });
        const coupled = COUPLED[leaf.path];
        if (coupled) {
          const city = structuredClone(variant);
          coupled(city);
          tries.unshift(city);
        }
        if (typeof parent[key] === 'string')
          tries.push(renamed(variant, parent[key] as string, `${parent[key]}x`));
        for (const city of tries)
          if (await check(leaf.path, city)) {
            mutated.add(leaf.path);
            break;
          }
        if (mutated.has(leaf.path)) break;
      }
      if (!seen) absent.push(leaf.path);
      else if (!mutated.has(leaf.path)) noValidChange.push(leaf.path);
    }
    console.log(
      `slices checked against ${mutated.size} changed fields; absent from the test city: ${absent.length} (${absent.join(', ')}); no valid change: ${noValidChange.length} (${noValidChange.join(', ')})`,
    );
    // most of the schema is changed and checked; the rest is absent from the city or has no valid change
    expect(mutated.size).toBeGreaterThan(150);
    expect(absent).not.toContain('tenants[].app.healthPath');
  }, 600_000);
});
