import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_CITY,
  ROOT,
  type RunResult,
  runCli,
  SMALL_CITY,
  smallCity,
  smallCityEdited,
  tempDir,
  writeCity,
} from '../helpers/city.ts';

/** Everything synth writes besides the manifest, in the manifest's order. */
const ARTIFACTS = [
  'cloudformation/cdk.out',
  'cloudformation/manifest.json',
  'cloudformation/offsite.assets.json',
  'cloudformation/offsite.metadata.json',
  'cloudformation/offsite.template.json',
  'cloudformation/tree.json',
  'cloudformation/validation-report.json',
  'model/city.json',
  'monitoring/alertmanager.yml',
  'monitoring/blackbox.yml',
  'monitoring/dashboards/citycloud-fleet-pools.json',
  'monitoring/dashboards/citycloud-kubernetes-workloads.json',
  'monitoring/dashboards/citycloud-network-districts.json',
  'monitoring/dashboards/citycloud-service-slos.json',
  'monitoring/dashboards/citycloud-warehouses.json',
  'monitoring/dashboards/provisioning.yml',
  'monitoring/prometheus.yml',
  'monitoring/rules/citycloud-backups.rules.yml',
  'monitoring/rules/citycloud-kubernetes.rules.yml',
  'monitoring/rules/citycloud-network.rules.yml',
  'monitoring/rules/citycloud-node-health.rules.yml',
  'monitoring/rules/citycloud-servers.rules.yml',
  'monitoring/rules/citycloud-slo.rules.yml',
  'monitoring/rules/citycloud-warehouses.rules.yml',
  'monitoring/targets/kubelets.json',
  'monitoring/targets/nodes.json',
  'monitoring/targets/services.json',
  'monitoring/targets/uplinks.json',
  'monitoring/targets/walg.json',
  'monitoring/targets/warehouses.json',
  'monitoring/tests/citycloud-backups.rules.test.yml',
  'monitoring/tests/citycloud-kubernetes.rules.test.yml',
  'monitoring/tests/citycloud-network.rules.test.yml',
  'monitoring/tests/citycloud-node-health.rules.test.yml',
  'monitoring/tests/citycloud-servers.rules.test.yml',
  'monitoring/tests/citycloud-slo.rules.test.yml',
  'monitoring/tests/citycloud-warehouses.rules.test.yml',
  'network/address-pins.yaml',
  'network/blackbox-targets.json',
  'network/ipam.csv',
  'network/netbox/1-regions.csv',
  'network/netbox/2-sites.csv',
  'network/netbox/3-vlans.csv',
  'network/netbox/4-prefixes.csv',
  'network/netbox/5-ip-addresses.csv',
  'network/topology.html',
  'network/topology.json',
  'terraform/.terraform.lock.hcl',
  'terraform/deploy-order.json',
  'terraform/stacks/apps/cdk.tf.json',
  // '-' sorts before '/': the rows' stacks come before the platform's own
  ...['h1-r01', 'h1-r02', 'h1-r03', 'h1-r04', 'h2-r01', 'h2-r02', 'h2-r03'].map(
    (r) => `terraform/stacks/platform-${r}/cdk.tf.json`,
  ),
  'terraform/stacks/platform/cdk.tf.json',
  'terraform/stacks/portal/cdk.tf.json',
  'terraform/stacks/tenants/cdk.tf.json',
  ...['construction', 'education', 'enterprise', 'health', 'iot', 'land', 'population', 'transport'].map(
    (w) => `terraform/stacks/warehouse-${w}/cdk.tf.json`,
  ),
];

/** No stack trace may reach the user, whatever went wrong. */
const noStackTrace = (r: RunResult) => {
  expect(r.stdout + r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(r.stderr).not.toMatch(/internal error/);
};

describe('citycloud validate', () => {
  it('passes the built-in city with its counts (exit 0)', () => {
    const r = runCli(['validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '✓ inventory/city.yaml is valid',
        '  1,076 servers in 67 racks · 18 pools · 820 connection points · 8 warehouses',
        '  servers by phase: 2023 1,028 · 2024-plan 48',
        '  740 public services (460 fully online, 280 partly) · 12 tenants',
        '',
      ].join('\n'),
    );
  });

  it('prints every finding with file:line, rule and path, and exits 1', () => {
    const file = smallCityEdited(['powerBudgetW: 5000', 'powerBudgetW: 1000']);
    const r = runCli(['validate', '--inventory', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /city\.yaml:24:15: error CC004 datacentre\.halls\[h1\]\.rows\[r01\]\.racks\[k03\]: its servers draw 1,600 W/,
    );
    expect(lines.at(-1)).toMatch(/^✗ .*city\.yaml: 1 error, 0 warnings$/);
    noStackTrace(r);
  });

  it('prints findings as JSON with --json', () => {
    const file = smallCityEdited(
      ['{id: web, name: Web, kind: general', '{id: web, name: Web, kind: general, colour: red'],
      ['shards: 1', 'shards: -1'],
    );
    const r = runCli(['validate', '--json', '-i', file]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(false);
    expect(out.inventory).toBeNull();
    expect(
      out.findings.map((f: { rule: string; line: number; path: string }) => [f.rule, f.line, f.path]),
    ).toEqual([
      ['CC000', 10, 'pools[web].colour'],
      ['CC000', 30, 'warehouses[wa].shards'],
    ]);
  });

  it.each([
    [
      'a missing file',
      () => join(tempDir(), 'none.yaml'),
      /none\.yaml: cannot read the inventory: no such file; expected a readable YAML file$/,
    ],
    ['a folder', () => tempDir(), /: is a folder; expected a YAML inventory file such as city\.yaml$/],
    ['an empty file', () => writeCity({ 'city.yaml': '' }), /city\.yaml:1:1: is empty; /],
    [
      'text that is not YAML',
      () => writeCity({ 'city.yaml': 'city: name: x\n' }),
      /city\.yaml:1:7: not valid YAML: /,
    ],
    [
      'a list at the top level',
      () => writeCity({ 'city.yaml': '- 1\n' }),
      /city\.yaml:1:1: the top level is a list; /,
    ],
    [
      'duplicate keys',
      () => writeCity({ 'city.yaml': 'city: {}\ncity: {}\n' }),
      /city\.yaml:2:1: duplicate key "city"; /,
    ],
    [
      'an alias bomb',
      () =>
        writeCity({
          'city.yaml': `a: &a [${'1,'.repeat(20)}1]\nb: &b [${'*a,'.repeat(20)}*a]\nc: [${'*b,'.repeat(20)}*b]\n`,
        }),
      /city\.yaml:2:8: aliases expand to more than 100 copies \(a YAML alias bomb\)/,
    ],
  ])('exits 2 on %s with one line on stderr', (_, make, expected) => {
    const r = runCli(['validate', '--inventory', make()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(expected);
    noStackTrace(r);
  });

  it.each([
    ['an unknown command', ['frobnicate'], "error: unknown command 'frobnicate'"],
    ['an unknown option', ['validate', '--inventry', 'x'], "error: unknown option '--inventry'"],
    ['a missing option value', ['synth', '--out'], "error: option '-o, --out <dir>' argument missing"],
  ])('exits 2 on %s', (_, args, message) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('shows help with an example (exit 0)', () => {
    const r = runCli(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--inventory <file>');
    expect(r.stdout).toContain('citycloud validate --inventory inventory/city.yaml');
  });
});

describe('citycloud synth', () => {
  const dir = tempDir();
  const out = join(dir, 'out');
  let first: RunResult;

  beforeAll(() => {
    first = runCli(['synth', '--out', out]);
  });

  it('writes out/ with the counts of the built-in city and prints a summary', () => {
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^✓ synthesized inventory\/city\.yaml into .*out\/ in \d+\.\d\d s\n/);
    expect(first.stdout).toContain(
      '1,076 servers in 67 racks · 18 pools · 820 connection points · 8 warehouses\n  servers by phase: 2023 1,028 · 2024-plan 48\n',
    );
    expect(first.stdout).toContain('740 public services (460 fully online, 280 partly) · 12 tenants');
    expect(first.stdout).toContain(
      'Terraform resources: apps 36 · platform 9 · platform rows 1,536 (7 stacks) · portal 13 · tenants 72 · warehouse-construction 50 · warehouse-education 68 · warehouse-enterprise 80 · warehouse-health 78 · warehouse-iot 138 · warehouse-land 56 ·',
    );
    // only the four warehouses whose data may leave the country back up off-site
    expect(first.stdout).toContain('  CloudFormation resources: offsite 26\n');
    // backups and their drill: per ClickHouse shard two CronJobs; per warehouse the restore drill
    expect(first.stdout).toContain('warehouse-population 70 · warehouse-transport 78\n');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.inventory.publicServices).toEqual({ total: 740, full: 460, partial: 280 });
    expect(manifest.inputs.map((i: { path: string }) => i.path)).toEqual([
      '.terraform.lock.hcl',
      'addresses.yaml',
      'agencies.yaml',
      'city.yaml',
      'datacentre.yaml',
      'deploy.yaml',
      'monitoring.yaml',
      'network.yaml',
      'runbooks.yaml',
      'services.yaml',
      'tenants.yaml',
      'warehouses.yaml',
    ]);
    expect(manifest.artifacts.map((a: { path: string }) => a.path)).toEqual(ARTIFACTS);
  });

  it('is byte-identical on a second run, and --json prints the manifest', () => {
    const before = readFileSync(join(out, 'model/city.json'));
    const manifestBefore = readFileSync(join(out, 'manifest.json'), 'utf8');
    const again = runCli(['synth', '--out', out, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(manifestBefore));
    expect(readFileSync(join(out, 'model/city.json')).equals(before)).toBe(true);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(manifestBefore);
  });

  it('reports an app its request cannot hold as a finding at its line (exit 1) before any construct sees it, leaving out/ as it was', () => {
    const raw = smallCity();
    // the app construct would find the tenant's request holds only one such pod; CC018 says so first
    raw.tenants[0].app = { image: 'registry.example/t1:1.0.0', pod: { cpuCores: 80, memoryGiB: 64 } };
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');
    const r = runCli(['synth', '-i', writeCity({ 'city.yaml': raw }), '--out', out, '--no-cache']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^.*city\.yaml:\d+:\d+: error CC018 tenants\[t1\]: the request in pool web \(100 cores, 800 GiB\) holds 1 pods of 80 cores and 64 GiB; expected room for at least 2 pods \(high pool\): a larger request or a smaller pod\n✗ .*city\.yaml: 1 error, 0 warnings; nothing synthesized, .*out left as it was\n$/,
    );
    noStackTrace(r);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);
  });

  it('reuses unchanged stack parts from its cache, and renders all of them with --no-cache, to the same bytes', () => {
    const own = tempDir();
    const cache = join(own, 'cache');
    const outs = ['cold', 'warm', 'fresh'].map((n) => join(own, n));
    const cold = runCli(['synth', '-i', SMALL_CITY, '--out', outs[0] as string, '--cache', cache, '-v']);
    expect(cold.code).toBe(0);
    expect(cold.stdout).toMatch(/ {2}cached parts \(stacks and views\): (\d+) rendered, 0 unchanged from /);
    // each progress line: the seconds since the command started, then what was done
    const at = String.raw` {2}… +\d+\.\d\d s {2}`;
    expect(cold.stderr).toMatch(new RegExp(`${at}stack platform: 2 part\\(s\\) rendered, 0 from cache\n`));
    expect(cold.stderr).toMatch(
      new RegExp(`${at}stack platform-h1-r01: 2 part\\(s\\) rendered, 0 from cache\n`),
    );
    expect(cold.stderr).toMatch(
      new RegExp(`${at}stack offsite: synthesized and checked in [\\d.]+ s \\(worker thread\\)\n`),
    );
    const warm = runCli(['synth', '-i', SMALL_CITY, '--out', outs[1] as string, '--cache', cache, '-v']);
    expect(warm.stdout).toMatch(/ {2}cached parts \(stacks and views\): 0 rendered, \d+ unchanged from /);
    expect(warm.stderr).toMatch(new RegExp(`${at}stack offsite: from cache\n`));
    expect(warm.stderr).toMatch(new RegExp(`${at}view network: unchanged, from cache\n`));
    const fresh = runCli(['synth', '-i', SMALL_CITY, '--out', outs[2] as string, '--no-cache']);
    expect(fresh.stdout).not.toContain('cached parts');
    const manifests = outs.map((o) => readFileSync(join(o, 'manifest.json'), 'utf8'));
    expect(manifests[1]).toBe(manifests[0]);
    expect(manifests[2]).toBe(manifests[0]);
  });

  it.each([
    ['findings', 1, () => smallCityEdited(['replicas: 3', 'replicas: -3'])],
    ['an unreadable inventory', 2, () => writeCity({ 'city.yaml': '- not a city\n' })],
    ['a missing inventory', 2, () => join(dir, 'missing.yaml')],
  ] as const)('leaves out/ exactly as it was on %s (exit %i)', (_, code, make) => {
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');
    const r = runCli(['synth', '--inventory', make(), '--out', out]);
    expect(r.code).toBe(code);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['out']);
    noStackTrace(r);
  });

  it('says that nothing was synthesized when there are findings', () => {
    const r = runCli(['synth', '-i', smallCityEdited(['replicas: 3', 'replicas: -3']), '-o', out]);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(
      /^✗ .*city\.yaml: 1 error, 0 warnings; nothing synthesized, .*out left as it was$/,
    );
  });

  it('refuses to write over a folder that is not a citycloud output (exit 2)', () => {
    const mine = tempDir();
    writeFileSync(join(mine, 'notes.txt'), 'mine');
    const r = runCli(['synth', '--out', mine]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /holds files but no manifest\.json, so it is not a citycloud output and synth will not replace it; expected an empty folder or a previous output \(choose another --out\)$/,
    );
    expect(readdirSync(mine)).toEqual(['notes.txt']);
  });

  it('synthesizes the built-in city by default from any folder', () => {
    const elsewhere = tempDir();
    const r = runCli(['synth'], elsewhere);
    expect(r.code).toBe(0);
    expect(readdirSync(join(elsewhere, 'out'))).toEqual([
      'cloudformation',
      'manifest.json',
      'model',
      'monitoring',
      'network',
      'terraform',
    ]);
    expect(r.stdout).toContain(`✓ synthesized ${BUILTIN_CITY} into out/ in `);
  });
});

describe('citycloud validate on the network', () => {
  it('reports a single point of failure when a district hub loses its second uplink (exit 1)', () => {
    const file = smallCityEdited([
      '      wardBackupVia: d002\n',
      '      wardBackupVia: d002\n      uplinks: [{to: core-a, role: primary, mbps: 10000, medium: fiber}]\n',
    ]);
    const r = runCli(['validate', '-i', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /city\.yaml:\d+:\d+: error CC010 network\.districts\[d001\]: District One \(d001\) reaches the core only through point core-a and link d001--core-a: losing any one cuts it off/,
    );
  });

  it('prints warnings but passes when there are no errors (exit 0)', () => {
    // each hub cuts off itself, its office and the department's branch: 3 points, over a limit of 2
    const file = smallCityEdited(['  demandMbps:', '  maxBlastRadius: 2\n  demandMbps:']);
    const r = runCli(['validate', '-i', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /warning CC012 network\.districts\[d001\]: losing hub d001 \(District One\) cuts off 3 points from the core; expected at most 2/,
    );
    expect(r.stdout).toMatch(/✓ .*city\.yaml is valid \(0 errors, 2 warnings\)/);
  });
});

describe('citycloud output into a closed pipe', () => {
  it('stops quietly when the reader goes away', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync('sh', ['-c', `"${process.execPath}" bin/citycloud.mjs synth --help | head -1`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stdout).toMatch(/^Usage: citycloud synth/);
    expect(r.stderr).toBe('');
  });
});

describe('citycloud on an internal error', () => {
  it('says it is a bug, how to see where, exits 70, and leaves out/ as it was', async () => {
    const { spawnSync } = await import('node:child_process');
    const dir = tempDir();
    const out = join(dir, 'out');
    expect(runCli(['synth', '-i', SMALL_CITY, '--out', out]).code).toBe(0);
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        join(ROOT, 'test/fixtures/scripts/break-rename.mjs'),
        join(ROOT, 'bin/citycloud.mjs'),
        'synth',
        '-i',
        SMALL_CITY,
        '--out',
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(70);
    expect(r.stderr.trim()).toBe(
      'citycloud: internal error (a bug in citycloud, not in your input): renameSync is broken on purpose (test fixture); run again with CITYCLOUD_DEBUG=1 to see where, and report it',
    );
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['out']);
  });
});
