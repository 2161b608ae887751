/**
 * What validates, synthesizes: every refusal a construct makes (each `ConstructPropsError` id in
 * constructs/) is either reachable from an inventory — then a case below makes such an inventory,
 * shows that the construct really refuses it, and requires that `validate` already reports it —
 * or is not, and says why. A new refusal without either fails the first test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConstructPropsError } from '../../constructs/construct-props-error.ts';
import { type CityModel, hasErrors, loadCity } from '../../model/index.ts';
import { refusalLine } from '../../scripts/cli/report.ts';
import { synthOffsite } from '../../stacks/offsite/offsite-assembly.ts';
import { offsiteInput } from '../../stacks/offsite/offsite-input.ts';
import { terraformView } from '../../stacks/terraform-view.ts';
import { BUILTIN_CITY, type RawCity, ROOT, smallCity, writeCity } from '../helpers/city.ts';

/** Every refusal id the constructs can throw, read from their sources. */
function refusalsInSources(): string[] {
  const dir = join(ROOT, 'constructs');
  const ids = new Set<string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  )) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/(?:new ConstructPropsError|refuse)\(\s*'([a-z0-9-]+)'/g))
      ids.add(m[1] as string);
  }
  return [...ids].sort();
}

/** Refusals no inventory can cause, and why. */
const NOT_FROM_INVENTORY: Record<string, string> = {
  'warehouse-pool': 'the warehouse stack hands each cluster the pool its warehouse names',
  'keeper-replicas': 'a construct prop with a fixed default; the inventory does not set it',
  'connector-replicas': 'a construct prop with a fixed default; the inventory does not set it',
  'app-baseline-share': 'a construct prop with a fixed default; the inventory does not set it',
  'app-declared': 'the apps and portal stacks build an app only for a tenant that declares one',
  'label-prefix': 'a construct prop with a fixed default; the inventory does not set it',
  'pool-own-servers': 'the platform stack hands a pool only its own servers',
  'pool-has-servers': 'the platform stack makes a ServerPool only for a row of a pool that has servers',
  'replica-range': 'EgovApp and the portal give a range made by replicaRange, which is checked first (CC018)',
  'priority-order': 'a construct prop with a fixed default; the inventory does not set it',
  'priority-range': 'a construct prop with a fixed default; the inventory does not set it',
  'open-data-certificate':
    'the schema refuses a certificate that is not an ACM ARN in us-east-1 (see the case below)',
  'portal-routing-table-size':
    'the routing table is split by service id into parts of 768 KiB on average (model/app-sizing.ts); a part over 1 MiB needs ids whose hashes crowd one part, which CC018 reports with the same function',
};

interface Case {
  readonly refusal: string;
  /** Changes the small city so that the construct refuses it. */
  readonly edit: (city: RawCity) => void;
  /** Where the refusal happens. */
  readonly view: 'terraform' | 'offsite';
  /** The rule validate reports it with. */
  readonly rule: string;
}

const withApp = (city: RawCity, pod = { cpuCores: 1, memoryGiB: 2 }) => {
  city.tenants[0].app = { image: 'registry.hcmc.gov.vn/t1/app:1.0', pod };
};
const withPortal = (city: RawCity) => {
  withApp(city);
  city.publicServices.portalTenant = 't1';
};

const CASES: readonly Case[] = [
  {
    refusal: 'warehouse-replicas',
    view: 'terraform',
    rule: 'CC006',
    edit: (c) => (c.warehouses[0].replicas = 1),
  },
  {
    refusal: 'warehouse-racks',
    view: 'terraform',
    rule: 'CC006',
    edit: (c) => (c.warehouses[0].replicas = 4),
  },
  {
    refusal: 'warehouse-racks',
    view: 'terraform',
    rule: 'CC006',
    // two replicas in two racks: enough for the replicas, not for the keeper quorum
    edit: (c) => {
      c.warehouses[0].replicas = 2;
      c.datacentre.halls[0].rows[0].racks[2].servers = [];
    },
  },
  {
    refusal: 'warehouse-replica-fits',
    view: 'terraform',
    rule: 'CC017',
    edit: (c) => (c.warehouses[0].perReplica.cpuCores = 640),
  },
  {
    refusal: 'warehouse-connects-to',
    view: 'terraform',
    rule: 'CC002',
    edit: (c) => (c.warehouses[0].connectsTo = ['nowhere']),
  },
  {
    refusal: 'tenant-reaches',
    view: 'terraform',
    rule: 'CC002',
    edit: (c) => (c.tenants[0].reaches = ['nowhere']),
  },
  {
    refusal: 'app-placement',
    view: 'terraform',
    rule: 'CC018',
    edit: (c) => {
      withApp(c);
      c.tenants[0].requests = [];
    },
  },
  {
    refusal: 'app-floor-fits',
    view: 'terraform',
    rule: 'CC018',
    edit: (c) => withApp(c, { cpuCores: 60, memoryGiB: 400 }),
  },
  {
    refusal: 'portal-services',
    view: 'terraform',
    rule: 'CC018',
    edit: (c) => {
      withPortal(c);
      c.publicServices.totals = { total: 0, full: 0, partial: 0 };
      c.publicServices.catalogue = [];
    },
  },
  {
    refusal: 'service-tier',
    view: 'terraform',
    rule: 'CC002',
    edit: (c) => {
      withPortal(c);
      c.publicServices.catalogue[0].named[0].tier = 9;
    },
  },
  {
    refusal: 'portal-tier-floor-fits',
    view: 'terraform',
    rule: 'CC018',
    edit: (c) => {
      withPortal(c);
      c.tenants[0].app.pod = { cpuCores: 30, memoryGiB: 200 };
    },
  },
  {
    refusal: 'backup-tier-order',
    view: 'offsite',
    rule: 'CC019',
    edit: (c) => (c.offsite = { infrequentAfterDays: 200, archiveAfterDays: 120 }),
  },
  {
    refusal: 'backup-tier-minimum',
    view: 'offsite',
    rule: 'CC019',
    edit: (c) => (c.offsite = { infrequentAfterDays: 30, archiveAfterDays: 60 }),
  },
];

/** The refusal a view's constructs make for this model, or null. */
async function refusalOf(model: CityModel, view: Case['view']): Promise<ConstructPropsError | null> {
  try {
    if (view === 'terraform') await terraformView.render(model);
    else synthOffsite(offsiteInput(model));
    return null;
  } catch (err) {
    if (err instanceof ConstructPropsError) return err;
    throw err;
  }
}

describe('construct refusals and validation', () => {
  it('knows every refusal of the constructs: each has a case below or a reason it cannot come from an inventory', () => {
    const covered = new Set([...CASES.map((c) => c.refusal), ...Object.keys(NOT_FROM_INVENTORY)]);
    expect(refusalsInSources().filter((id) => !covered.has(id))).toEqual([]);
    // and no case or reason for a refusal that is gone
    expect([...covered].filter((id) => !refusalsInSources().includes(id))).toEqual([]);
  });

  it('finds nothing to refuse in the built-in city or the small one', async () => {
    for (const file of [BUILTIN_CITY, writeCity({ 'city.yaml': smallCity() })]) {
      const { model, findings } = loadCity(file);
      expect(hasErrors(findings)).toBe(false);
      expect(await refusalOf(model as CityModel, 'terraform')).toBeNull();
    }
  });

  it.each(CASES.map((c, i) => [`${c.refusal} (${c.rule}, case ${i + 1})`, c] as const))(
    '%s: the construct refuses the city, and validate already said so',
    async (_, c) => {
      const city = smallCity();
      c.edit(city);
      const { model, findings } = loadCity(writeCity({ 'city.yaml': city }));
      expect(model, 'the case must expand, so that its construct can be reached').not.toBeNull();
      const refused = await refusalOf(model as CityModel, c.view);
      expect(refused?.refusal, 'the case does not reach the refusal it is about').toBe(c.refusal);
      expect(refused?.modelPath, 'a refusal names the object of the inventory it came from').toMatch(/\S/);
      const errors = findings.filter((f) => f.level === 'error');
      expect(
        errors.map((f) => f.rule),
        `validate does not report what the construct refuses: ${refused?.message}`,
      ).toContain(c.rule);
    },
    60_000,
  );

  it('places a refusal that still happens like a finding, at the line of the object it names', async () => {
    const city = smallCity();
    city.warehouses[0].replicas = 1;
    const load = loadCity(writeCity({ 'city.yaml': city }));
    const refused = (await refusalOf(load.model as CityModel, 'terraform')) as ConstructPropsError;
    const full = refusalLine(refused, load.sources);
    const line = full.slice(full.indexOf('city.yaml:'));
    expect(line).toMatch(
      /^city\.yaml:\d+:\d+: error warehouse-replicas warehouses\[wa\]: warehouse-wa\/wa \(warehouses\[wa\]\): 1 replica per shard cannot survive a node drain or a rack loss; expected at least 2$/,
    );
    const at = load.sources.locateModel('warehouses[wa]');
    expect(line.startsWith(`city.yaml:${at.line}:`)).toBe(true);
    expect(load.sources.files[0]?.doc.toString().split('\n')[at.line - 1]).toMatch(/id: wa/);
  });

  it('refuses, in the schema, a certificate the open-data site would refuse', () => {
    const city = smallCity();
    city.offsite = {
      openDataDomain: {
        name: 'data.example.vn',
        certificateArn: 'arn:aws:acm:ap-southeast-1:123456789012:certificate/abc',
      },
    };
    const { model, findings } = loadCity(writeCity({ 'city.yaml': city }));
    expect(model).toBeNull();
    expect(findings.map((f) => `${f.rule} ${f.path}: ${f.expected}`)).toContain(
      'CC000 offsite.openDataDomain.certificateArn: the ARN of an ACM certificate in us-east-1',
    );
  });
});
