import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';
import { demoStack, editOutput, outputWithStack } from '../helpers/outputs.ts';

const LOCK = readFileSync(join(ROOT, 'inventory/.terraform.lock.hcl'), 'utf8');
const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

describe('citycloud deploy without stacks or tools', () => {
  it('says to synth first when out/ has no manifest (exit 2)', () => {
    const r = runCli(['deploy', '--out', join(tempDir(), 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /out\/manifest\.json: cannot read it: no such file; expected the file synth wrote, readable; run citycloud synth again$/,
    );
  });

  it('says how to install Terraform or OpenTofu when neither is there (exit 2)', () => {
    const out = outputWithStack(tempDir(), { a: { input: 'x' } });
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/citycloud.mjs'), 'deploy', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, PATH: '/nonexistent' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^neither terraform nor tofu is installed; install Terraform \(https:\/\/developer\.hashicorp\.com\/terraform\/install\) or OpenTofu/,
    );
  });

  it('names the stacks, in the order synth wrote, when asked for one that is not there (exit 2)', () => {
    const out = join(tempDir(), 'out');
    const files: Record<string, string> = { 'model/city.json': '{"deploy": {"requireReview": false}}' };
    for (const s of ['apps', 'platform', 'tenants', 'warehouse-land'])
      files[`terraform/stacks/${s}/cdk.tf.json`] = '{}';
    editOutput(out, files);
    const by = (r: { stderr: string }) => lastLine(r.stderr).replace(/^.*the stacks are: /, '');
    expect(by(runCli(['deploy', '--out', out, '--stack', 'portal']))).toBe(
      'apps, platform, tenants, warehouse-land',
    );
    editOutput(out, {
      'terraform/deploy-order.json': JSON.stringify({
        stacks: ['platform', 'tenants', 'warehouse-land', 'apps'],
      }),
    });
    const r = runCli(['deploy', '--out', out, '--stack', 'portal']);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(
      /^no stack "portal" in .*; the stacks are: platform, tenants, warehouse-land, apps$/,
    );
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
    // the CLI works on the staged copy, never on out/
    expect(r.stderr).toMatch(
      /^▸ offsite: .*node_modules\/\.bin\/cdk diff --app \/tmp\/citycloud-deploy-\w+\/out\/cloudformation --no-color --no-notices offsite$/m,
    );
    expect(lastLine(r.stderr)).toBe(
      "no AWS credentials for stack offsite: cdk diff cannot tell which account to use; set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the city's off-site account and run deploy again",
    );
    const entries = JSON.parse(manifest).artifacts as { path: string; sha256: string }[];
    for (const e of entries.filter((a) => a.path.startsWith('cloudformation/')))
      expect(
        createHash('sha256')
          .update(readFileSync(join(out, e.path)))
          .digest('hex'),
        e.path,
      ).toBe(e.sha256);
  }, 180_000);

  it('refuses to deploy an off-site template whose diff was not shown (exit 2)', () => {
    const out = join(tempDir(), 'out');
    expect(runCli(['synth', '-i', SMALL_CITY, '--out', out, '--no-cache']).code).toBe(0);
    const r = runCli(['deploy', '--out', out, '--approve', '--stack', 'offsite']);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(
      /^no reviewed plans: .*out\/plans\/plans\.json: no such plans index written by citycloud deploy; run citycloud deploy --stack offsite and review its plans again$/,
    );
  });
});

describe('citycloud deploy with the real Terraform (terraform_data, no provider download)', () => {
  it('plans for review in a staged copy, applies exactly the reviewed plan, then plans no change', () => {
    const dir = tempDir();
    const out = outputWithStack(dir, { a: { input: 'hello' }, b: { input: 'world' } });
    const early = runCli(['deploy', '--out', out, '--approve'], dir);
    expect(early.code).toBe(2);
    expect(lastLine(early.stderr)).toMatch(/^no reviewed plans: /);

    const plan = runCli(['deploy', '--out', out], dir);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(
      `demo: 2 to add, 0 to change, 0 to destroy — plan in ${out}/plans/demo.json; by risk 2 low (citycloud diff --plan ${out}/plans/demo.json)`,
    );
    const json = JSON.parse(readFileSync(join(out, 'plans/demo.json'), 'utf8'));
    expect(json.resource_changes.map((r: { address: string }) => r.address)).toEqual([
      'terraform_data.a',
      'terraform_data.b',
    ]);
    // the state is where the stack names it, beside out/ (the staged copy leads there)
    expect(existsSync(join(dir, 'state/demo.tfstate'))).toBe(false);

    const apply = runCli(['deploy', '--out', out, '--approve'], dir);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('✓ demo: applied the reviewed plan');
    expect(apply.stderr).toMatch(/^▸ demo: terraform apply -input=false -no-color tfplan$/m);
    // planned again from the reviewed stack, and applied only as the same plan
    expect(apply.stderr).toMatch(/^▸ demo: terraform plan -input=false -no-color -out=tfplan$/m);
    const state = JSON.parse(readFileSync(join(dir, 'state/demo.tfstate'), 'utf8'));
    expect(state.resources.map((r: { name: string }) => r.name)).toEqual(['a', 'b']);
    const record = JSON.parse(readFileSync(join(dir, 'state/citycloud-deploys.jsonl'), 'utf8'));
    expect(record).toMatchObject({
      stacks: ['demo'],
      requireReview: false,
      changeReview: null,
      rollback: false,
    });

    const again = runCli(['deploy', '--out', out], dir);
    expect(again.stdout).toContain('demo: 0 to add, 0 to change, 0 to destroy');
  }, 120_000);

  it('refuses to apply a saved plan that is not the one it made (exit 2)', () => {
    const dir = tempDir();
    const out = outputWithStack(dir, { a: { input: 'hello' } });
    expect(runCli(['deploy', '--out', out], dir).code).toBe(0);
    writeFileSync(join(out, 'plans/demo.tfplan'), 'something else');
    const r = runCli(['deploy', '--out', out, '--approve'], dir);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(
      /^the saved plan of stack demo is not the one that was made: .*demo\.tfplan is not the file citycloud deploy made \(its sha256 differs from plans\.json\); run citycloud deploy again$/,
    );
  }, 60_000);

  it('writes its plans index over a link planted at its name, never through it', () => {
    const dir = tempDir();
    const out = outputWithStack(dir, { a: { input: 'hello' } });
    mkdirSync(join(dir, 'state'), { recursive: true });
    writeFileSync(join(dir, 'state/precious'), 'the state');
    mkdirSync(join(out, 'plans'));
    symlinkSync('../../state/precious', join(out, 'plans/plans.json'));
    symlinkSync('../../state/precious', join(out, 'plans/demo.json'));
    expect(runCli(['deploy', '--out', out], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'state/precious'), 'utf8')).toBe('the state');
    expect(lstatSync(join(out, 'plans/plans.json')).isSymbolicLink()).toBe(false);
  }, 60_000);

  it('refuses a plan made from an output synthesized since (exit 2)', () => {
    const dir = tempDir();
    const out = outputWithStack(dir, { a: { input: 'hello' } });
    expect(runCli(['deploy', '--out', out], dir).code).toBe(0);
    editOutput(out, { 'terraform/stacks/demo/cdk.tf.json': demoStack({ a: { input: 'changed' } }) });
    const r = runCli(['deploy', '--out', out, '--approve'], dir);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(
      /^the plans in .*plans were made from another output than .*; run citycloud deploy and review its plans again$/,
    );
  }, 60_000);

  it('a stack that requires a provider no reviewed lock file pins is refused before any tool runs (exit 2)', () => {
    const out = outputWithStack(
      tempDir(),
      { a: { input: 'x' } },
      {
        terraform: { required_providers: { kubernetes: { source: 'kubernetes', version: '2.38.0' } } },
      },
    );
    const r = runCli(['deploy', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'stack demo requires registry.terraform.io/hashicorp/kubernetes, which no reviewed lock file pins: commit .terraform.lock.hcl beside the inventory (terraform providers lock) and have it reviewed with the change',
    );
  });

  it('a provider package that is not the reviewed one is refused by terraform init, never run', () => {
    const dir = tempDir();
    const out = outputWithStack(
      dir,
      { a: { input: 'x' } },
      {
        terraform: { required_providers: { kubernetes: { source: 'kubernetes', version: '2.38.0' } } },
        lock: LOCK,
      },
    );
    // a filesystem mirror holding a package that runs a command when Terraform starts it
    const marker = join(dir, 'provider-ran');
    const mirror = join(dir, 'mirror/registry.terraform.io/hashicorp/kubernetes');
    mkdirSync(mirror, { recursive: true });
    const zip = spawnSync('python3', [
      '-c',
      `import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); i=zipfile.ZipInfo('terraform-provider-kubernetes_v2.38.0'); i.external_attr=0o755<<16; z.writestr(i,'#!/bin/sh\\ntouch ${marker}\\n'); z.close()`,
      join(mirror, 'terraform-provider-kubernetes_2.38.0_linux_amd64.zip'),
    ]);
    expect(zip.status).toBe(0);
    writeFileSync(
      join(dir, 'cli.tfrc'),
      `provider_installation {\n  filesystem_mirror {\n    path = "${dir}/mirror"\n  }\n}\n`,
    );
    const r = runCli(['deploy', '--out', out], dir, { TF_CLI_CONFIG_FILE: join(dir, 'cli.tfrc') });
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toBe(
      'refused: terraform init for stack demo was offered a package of registry.terraform.io/hashicorp/kubernetes 2.38.0 that does not match the checksums of the reviewed lock file; nothing was installed or run — check the provider mirror (TF_CLI_CONFIG_FILE) or the registry',
    );
    expect(existsSync(marker)).toBe(false);
  }, 60_000);

  it('names the provider it cannot install and how to use a mirror (exit 2)', () => {
    // a registry that cannot exist, so the outcome is the same on any machine
    const out = outputWithStack(
      tempDir(),
      { a: { input: 'x' } },
      {
        terraform: {
          required_providers: {
            kubernetes: { source: 'registry.invalid/city/kubernetes', version: '1.0.0' },
          },
        },
        lock: `provider "registry.invalid/city/kubernetes" {\n  version = "1.0.0"\n  hashes = [\n    "zh:${'0'.repeat(64)}",\n  ]\n}\n`,
      },
    );
    const r = runCli(['deploy', '--out', out]);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(
      /^terraform could not install provider registry\.invalid\/city\/kubernetes for stack demo: no registry is reachable; point terraform at a mirror \(provider_installation/,
    );
  }, 60_000);
});

describe('citycloud deploy with the state in PostgreSQL, through the real Terraform', () => {
  it('never prints the password of a PG_CONN_STR Terraform cannot use', () => {
    const out = outputWithStack(tempDir(), { a: { input: 'x' } });
    // a pg backend instead of the local one: the connection string comes from PG_CONN_STR
    const stack = JSON.parse(readFileSync(join(out, 'terraform/stacks/demo/cdk.tf.json'), 'utf8'));
    stack.terraform.backend = { pg: { schema_name: 'citycloud_demo' } };
    editOutput(out, { 'terraform/stacks/demo/cdk.tf.json': JSON.stringify(stack) });
    const secret = 'hunter2-do-not-print';
    const r = runCli(['deploy', '--out', out], ROOT, {
      PG_CONN_STR: `postgres://citycloud:${secret}@127.0.0.1:99x99/state?sslmode=disable`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /terraform init failed for stack demo \(exit 1\): Error: parse "<PG_CONN_STR>": invalid port/,
    );
    expect(r.stdout + r.stderr).not.toContain(secret);
  });
});
