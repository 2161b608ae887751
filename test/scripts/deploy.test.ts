import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stacksIn } from '../../scripts/commands/deploy.ts';
import { ROOT, runCli, SMALL_CITY, tempDir, writeCity } from '../helpers/city.ts';

const hasTerraform = spawnSync('sh', ['-c', 'command -v terraform']).status === 0;
if (!hasTerraform) console.warn('terraform is not installed: the end-to-end deploy tests are skipped');

/** An out/ folder with one stack of Terraform's built-in terraform_data resources, state kept outside. */
function outWithStack(
  resources: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): { dir: string; out: string } {
  const dir = tempDir();
  const stack = join(dir, 'out/terraform/stacks/demo');
  mkdirSync(stack, { recursive: true });
  writeFileSync(
    join(stack, 'cdk.tf.json'),
    JSON.stringify({
      terraform: { backend: { local: { path: join(dir, 'state/demo.tfstate') } }, ...extra },
      resource: { terraform_data: resources },
    }),
  );
  return { dir, out: join(dir, 'out') };
}

describe('citycloud deploy without stacks or tools', () => {
  it('says to synth first when out/ has no stacks (exit 2)', () => {
    const r = runCli(['deploy', '--out', join(tempDir(), 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /no stacks in .*out\/terraform\/stacks or .*out\/cloudformation; run citycloud synth first$/,
    );
  });

  it('says how to install Terraform or OpenTofu when neither is there (exit 2)', () => {
    const { out } = outWithStack({ a: { input: 'x' } });
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/citycloud.mjs'), 'deploy', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, PATH: '/nonexistent' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^neither terraform nor tofu is installed; install Terraform \(https:\/\/developer\.hashicorp\.com\/terraform\/install\) or OpenTofu/,
    );
  });

  it('names the stacks when asked for one that is not there (exit 2)', () => {
    const { out } = outWithStack({ a: { input: 'x' } });
    const r = runCli(['deploy', '--out', out, '--stack', 'portal']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/no stack "portal" in .*; the stacks are: demo$/);
  });
});

describe('citycloud deploy of the off-site stack with the real AWS CDK command line', () => {
  it('says it has no AWS credentials (exit 2), and leaves the synthesized assembly as it was', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const synth = runCli(['synth', '-i', SMALL_CITY, '--out', out, '--cache', join(dir, 'cache')]);
    expect(synth.code).toBe(0);
    const manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
    const home = tempDir();
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/citycloud.mjs'), 'deploy', '--out', out, '--stack', 'offsite'],
      {
        encoding: 'utf8',
        env: {
          ...env,
          HOME: home,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: join(home, 'none'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
        },
        timeout: 120_000,
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^▸ offsite: .*node_modules\/\.bin\/cdk diff --app \/.+ --no-color --no-notices offsite$/m,
    );
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      "no AWS credentials for stack offsite: cdk diff cannot tell which account to use; set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the city's off-site account and run deploy again",
    );
    // the command line works on a copy: every file synth wrote is still the one the manifest names
    const entries = JSON.parse(manifest).artifacts as { path: string; sha256: string }[];
    for (const e of entries.filter((a) => a.path.startsWith('cloudformation/')))
      expect(
        createHash('sha256')
          .update(readFileSync(join(out, e.path)))
          .digest('hex'),
        e.path,
      ).toBe(e.sha256);
  }, 180_000);

  it('refuses to deploy an off-site template whose diff was not reviewed (exit 2)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'out/cloudformation'), { recursive: true });
    writeFileSync(join(dir, 'out/cloudformation/manifest.json'), '{}');
    writeFileSync(join(dir, 'out/cloudformation/offsite.template.json'), '{}');
    const r = runCli(['deploy', '--out', join(dir, 'out'), '--approve']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^stack offsite has no reviewed diff; run citycloud deploy and review .*out\/plans\/offsite\.diff\.txt first$/,
    );
  });
});

describe.skipIf(!hasTerraform)(
  'citycloud deploy with the real Terraform (terraform_data, no provider download)',
  () => {
    it('plans for review, applies exactly the reviewed plan, then plans no change', () => {
      const { dir, out } = outWithStack({ a: { input: 'hello' }, b: { input: 'world' } });
      const early = runCli(['deploy', '--out', out, '--approve'], dir);
      expect(early.code).toBe(2);
      expect(early.stderr).toContain('stack demo has no reviewed plan; run citycloud deploy and review');

      const plan = runCli(['deploy', '--out', out], dir);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain(
        `demo: 2 to add, 0 to change, 0 to destroy — plan in ${out}/plans/demo.json; by risk 2 low (citycloud diff --plan ${out}/plans/demo.json)`,
      );
      const json = JSON.parse(readFileSync(join(out, 'plans/demo.json'), 'utf8'));
      expect(json.resource_changes.map((r: { address: string }) => r.address)).toEqual([
        'terraform_data.a',
        'terraform_data.b',
      ]);
      expect(existsSync(join(dir, 'state/demo.tfstate'))).toBe(false);

      const apply = runCli(['deploy', '--out', out, '--approve'], dir);
      expect(apply.code).toBe(0);
      expect(apply.stdout).toContain('✓ demo: applied the reviewed plan');
      expect(apply.stderr).toContain('▸ demo: terraform apply -input=false -no-color tfplan');
      expect(apply.stderr).not.toContain('terraform plan');
      const state = JSON.parse(readFileSync(join(dir, 'state/demo.tfstate'), 'utf8'));
      expect(state.resources.map((r: { name: string }) => r.name)).toEqual(['a', 'b']);

      const again = runCli(['deploy', '--out', out], dir);
      expect(again.stdout).toContain('demo: 0 to add, 0 to change, 0 to destroy');
    });

    it('refuses to apply a saved plan that is not the reviewed one (exit 2)', () => {
      const { dir, out } = outWithStack({ a: { input: 'hello' } });
      expect(runCli(['deploy', '--out', out], dir).code).toBe(0);
      writeFileSync(join(out, 'terraform/stacks/demo/tfplan'), 'something else');
      const r = runCli(['deploy', '--out', out, '--approve'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        'the saved plan of stack demo is not the one that was reviewed; run citycloud deploy again',
      );
    });

    it('names the provider it cannot install and how to use a mirror (exit 2)', () => {
      // a registry that cannot exist, so the outcome is the same on any machine
      const { dir, out } = outWithStack(
        { a: { input: 'x' } },
        { required_providers: { kubernetes: { source: 'registry.invalid/city/kubernetes' } } },
      );
      const r = runCli(['deploy', '--out', out], dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(
        /^terraform could not install provider registry\.invalid\/city\/kubernetes for stack demo: no registry is reachable; point terraform at a mirror \(provider_installation/,
      );
    });
  },
);

describe('the order stacks deploy in', () => {
  it('is the one synth wrote (tenants before the apps in their namespaces), else by name', () => {
    const dir = tempDir();
    for (const s of ['apps', 'platform', 'tenants', 'warehouse-land'])
      writeCity({ [`out/terraform/stacks/${s}/cdk.tf.json`]: '{}' }, dir);
    expect(stacksIn(join(dir, 'out')).map((s) => s.name)).toEqual([
      'apps',
      'platform',
      'tenants',
      'warehouse-land',
    ]);
    writeCity(
      {
        'out/terraform/deploy-order.json': JSON.stringify({
          stacks: ['platform', 'tenants', 'warehouse-land', 'apps'],
        }),
      },
      dir,
    );
    expect(stacksIn(join(dir, 'out')).map((s) => s.name)).toEqual([
      'platform',
      'tenants',
      'warehouse-land',
      'apps',
    ]);
  });
});

describe.skipIf(!hasTerraform)(
  'citycloud deploy with the state in PostgreSQL, through the real Terraform',
  () => {
    it('never prints the password of a PG_CONN_STR Terraform cannot use', () => {
      const { out } = outWithStack({ a: { input: 'x' } });
      // a pg backend instead of the local one: the connection string comes from PG_CONN_STR
      const file = join(out, 'terraform/stacks/demo/cdk.tf.json');
      const stack = JSON.parse(readFileSync(file, 'utf8'));
      stack.terraform.backend = { pg: { schema_name: 'citycloud_demo' } };
      writeFileSync(file, JSON.stringify(stack));
      const secret = 'hunter2-do-not-print';
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/citycloud.mjs'), 'deploy', '--out', out], {
        encoding: 'utf8',
        env: {
          ...process.env,
          PG_CONN_STR: `postgres://citycloud:${secret}@127.0.0.1:99x99/state?sslmode=disable`,
        },
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /terraform init failed for stack demo \(exit 1\): Error: parse "<PG_CONN_STR>": invalid port/,
      );
      expect(r.stdout + r.stderr).not.toContain(secret);
    });
  },
);
