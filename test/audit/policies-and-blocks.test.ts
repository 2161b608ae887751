/**
 * The diff sees every Terraform block and every policy, not only resources: a state backend
 * moved, the review turned off, a reviewer added, four eyes off, residency widened, a provider or
 * module changed, a file synth never writes — each on two real synth outputs (or stacks), each
 * ranked by its own rule, where the diff used to say "0 changes".
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditDiff } from '../../audit/audit-diff.ts';
import { diffTerraformStack } from '../../audit/diff-terraform.ts';
import { openOutput } from '../../audit/output-side.ts';
import { rankChanges } from '../../audit/risk/rank-changes.ts';
import { ROOT, runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';
import { editOutput } from '../helpers/outputs.ts';
import { allowedSigners, keygen } from '../helpers/reviewers.ts';

let dir = '';
let lan = '';
let mallory = '';

/** The small city with `extra` YAML appended (each edit its own city folder), synthesized. */
function synthOf(name: string, extra: string, files: Record<string, string> = {}): string {
  const folder = join(dir, name);
  const city = join(folder, 'city.yaml');
  mkdirSync(folder, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(folder, f), text);
  writeFileSync(city, `${readFileSync(SMALL_CITY, 'utf8')}\n${extra}`);
  const out = join(folder, 'out');
  const r = runCli(['synth', '-i', city, '--out', out, '--no-cache']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return out;
}

const diffOf = async (a: string, b: string) => (await auditDiff(openOutput(a), openOutput(b))).changes;
const rulesOf = (c: { firings: readonly { rule: string }[] }) => c.firings.map((f) => f.rule);

/** The deploy section of a city whose reviewers are in reviewers.allowed_signers beside it. */
const REVIEWED = 'deploy:\n  requireReview: true\n  allowedSigners: reviewers.allowed_signers\n';
const signersFile = (...keys: [string, string][]) => {
  const f = join(tempDir(), 'signers');
  allowedSigners(f, keys);
  return readFileSync(f, 'utf8');
};

let base = '';
beforeAll(() => {
  dir = tempDir('citycloud-policies-');
  lan = keygen(dir, 'lan');
  mallory = keygen(dir, 'mallory');
  base = synthOf('base', `${REVIEWED}runbooks:\n  fourEyes: true\n`, {
    'reviewers.allowed_signers': signersFile(['lan@hcmc.gov.vn', lan]),
  });
}, 120_000);

describe('the policies the inventory sets, diffed from the model', () => {
  it('the state moved to another backend: every stack’s backend and the policy, critical (AU004)', async () => {
    const moved = synthOf(
      'moved',
      `${REVIEWED}runbooks:\n  fourEyes: true\nterraformState:\n  backend: s3\n  bucket: city-state\n  region: hcmc-dc1\n  endpoint: https://s3.evil.example\n`,
      { 'reviewers.allowed_signers': signersFile(['lan@hcmc.gov.vn', lan]) },
    );
    const changes = await diffOf(base, moved);
    const policy = changes.find((c) => c.kind === 'policy' && c.id === 'state-backend');
    expect(policy).toMatchObject({ level: 'critical' });
    expect(policy?.summary).toBe(
      'Terraform state backend (terraformState): local → s3 (bucket city-state, region hcmc-dc1, keyPrefix citycloud, endpoint https://s3.evil.example)',
    );
    const backends = changes.filter((c) => c.kind === 'backend');
    expect(backends.length).toBeGreaterThan(3);
    for (const b of backends) {
      expect(b).toMatchObject({ level: 'critical', id: 'terraform.backend' });
      expect(rulesOf(b)).toContain('AU004');
    }
  });

  it('the review turned off: critical (AU005); four eyes off: high (AU018)', async () => {
    const off = synthOf('off', 'deploy:\n  requireReview: false\nrunbooks:\n  fourEyes: false\n');
    const changes = await diffOf(base, off);
    expect(changes.find((c) => c.id === 'require-review')).toMatchObject({
      level: 'critical',
      summary: 'review required before deploy (deploy.requireReview): true → false',
    });
    expect(rulesOf(changes.find((c) => c.id === 'require-review') as never)).toEqual(['AU005']);
    expect(changes.find((c) => c.id === 'four-eyes')).toMatchObject({ level: 'high' });
    expect(rulesOf(changes.find((c) => c.id === 'four-eyes') as never)).toEqual(['AU018']);
    // and the reviewers' file is no longer written: its reviewer is removed (not a risk by itself)
    expect(changes.find((c) => c.kind === 'reviewer')).toMatchObject({ action: 'remove' });
  });

  it('a reviewer added: the allowed signers are an artifact, and the key added is high (AU017)', async () => {
    const more = synthOf('more', `${REVIEWED}runbooks:\n  fourEyes: true\n`, {
      'reviewers.allowed_signers': signersFile(['lan@hcmc.gov.vn', lan], ['mallory@example.org', mallory]),
    });
    const report = await auditDiff(openOutput(base), openOutput(more));
    expect(report.files.changed.map((f) => f.path)).toEqual(['deploy/allowed_signers', 'model/city.json']);
    const added = report.changes.filter((c) => c.kind === 'reviewer');
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ action: 'add', level: 'high' });
    expect(added[0]?.summary).toMatch(
      /^reviewer mallory@example\.org \(ssh-ed25519 …\S{12}\) added to the allowed signers$/,
    );
    expect(rulesOf(added[0] as never)).toEqual(['AU017']);
  });

  it('personal-data residency widened: critical (AU006)', async () => {
    const wider = synthOf(
      'wider',
      `${REVIEWED}runbooks:\n  fourEyes: true\nresidency:\n  country: VN\n  personalDataIn: [VN, SG]\n`,
      { 'reviewers.allowed_signers': signersFile(['lan@hcmc.gov.vn', lan]) },
    );
    const c = (await diffOf(base, wider)).find((x) => x.id === 'residency');
    expect(c).toMatchObject({ level: 'critical' });
    expect(c?.firings[0]?.because).toBe(
      'personal data may now also be kept in SG (residency.personalDataIn)',
    );
  });

  it('the provider lock changed: high (AU019), per provider', async () => {
    const lock = readFileSync(join(ROOT, 'inventory/.terraform.lock.hcl'), 'utf8');
    const locked = synthOf('locked', `${REVIEWED}runbooks:\n  fourEyes: true\n`, {
      'reviewers.allowed_signers': signersFile(['lan@hcmc.gov.vn', lan]),
      '.terraform.lock.hcl': lock,
    });
    const bumped = synthOf('bumped', `${REVIEWED}runbooks:\n  fourEyes: true\n`, {
      'reviewers.allowed_signers': signersFile(['lan@hcmc.gov.vn', lan]),
      '.terraform.lock.hcl': lock.replaceAll('2.38.0', '2.39.0').replace('"zh:0af9', '"zh:1af9'),
    });
    const c = (await diffOf(locked, bumped)).find((x) => x.kind === 'provider-lock');
    expect(c).toMatchObject({ level: 'high', id: 'registry.terraform.io/hashicorp/kubernetes' });
    expect(c?.summary).toBe(
      'provider registry.terraform.io/hashicorp/kubernetes in the lock file: 2.38.0 → 2.39.0, its package checksums changed',
    );
  });

  it('a file synth never writes, added to an output: critical (AU007), not "derived"', async () => {
    const copy = join(tempDir(), 'copy');
    runCli(['synth', '-i', SMALL_CITY, '--out', copy, '--no-cache']);
    editOutput(copy, {
      'terraform/stacks/tenants/cdk_override.tf.json':
        '{"provider": {"kubernetes": {"host": "https://evil"}}}',
    });
    const report = await auditDiff(openOutput(join(dir, 'base/out')), openOutput(copy));
    const file = report.changes.find((c) => c.kind === 'file');
    expect(file).toMatchObject({
      level: 'critical',
      id: 'terraform/stacks/tenants/cdk_override.tf.json',
      action: 'add',
    });
    expect(report.files.changed.find((f) => f.path.endsWith('override.tf.json'))?.diffedAs).toBe('unknown');
  });
});

describe('every block of a Terraform stack', () => {
  const stack = (extra: Record<string, unknown>) => ({
    terraform: {
      required_providers: { kubernetes: { source: 'kubernetes', version: '2.38.0' } },
      backend: { local: { path: 'a.tfstate' } },
    },
    provider: { kubernetes: [{ config_path: '~/.kube/config' }] },
    resource: { terraform_data: { a: { input: 1 } } },
    ...extra,
  });
  const diff = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    rankChanges(diffTerraformStack('terraform/stacks/x/cdk.tf.json', 'x', stack(a), stack(b)));

  it('a provider reconfigured (another cluster), its source changed, or a module added: high', () => {
    const other = diff({}, { provider: { kubernetes: [{ config_path: '/tmp/evil.kubeconfig' }] } });
    expect(other).toHaveLength(1);
    expect(other[0]).toMatchObject({ id: 'provider.kubernetes', level: 'high', kind: 'provider' });
    expect(other[0]?.firings[0]).toMatchObject({
      rule: 'AU019',
      because: 'provider.kubernetes of stack x reconfigured: config_path',
    });
    const source = diff(
      {},
      {
        terraform: {
          required_providers: { kubernetes: { source: 'evil/kubernetes', version: '2.38.0' } },
          backend: { local: { path: 'a.tfstate' } },
        },
      },
    );
    expect(source[0]?.firings[0]?.because).toBe(
      'terraform.required_providers.kubernetes of stack x: kubernetes@2.38.0 → evil/kubernetes@2.38.0',
    );
    const mod = diff({}, { module: { net: { source: 'git::https://evil.example/net.git' } } });
    expect(mod[0]).toMatchObject({ id: 'module.net', level: 'high' });
    expect(mod[0]?.firings.map((f) => f.rule)).toEqual(['AU008']);
  });

  it('the state backend moved: critical (AU004)', () => {
    const moved = diff(
      {},
      {
        terraform: {
          required_providers: { kubernetes: { source: 'kubernetes', version: '2.38.0' } },
          backend: { s3: { bucket: 'elsewhere' } },
        },
      },
    );
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ id: 'terraform.backend', level: 'critical' });
    expect(moved[0]?.firings[0]?.because).toMatch(/^the state of stack x moves: local → s3/);
  });

  it('lists data sources, outputs, locals, variables, imports, moves, removals and checks, with secrets masked', () => {
    const changes = diff(
      {},
      {
        data: { http: { probe: { url: 'https://example.org' } } },
        // a Terraform interpolation, not a JavaScript template
        output: { o: { value: `$\{terraform_data.a.output}` } },
        locals: { token: 'hunter2-not-shown' },
        variable: { v: { type: 'string' } },
        import: [{ to: 'terraform_data.a', id: 'x' }],
        moved: [{ from: 'terraform_data.b', to: 'terraform_data.a' }],
        removed: [{ from: 'terraform_data.c', lifecycle: { destroy: false } }],
        check: { up: { assert: [{ condition: true, error_message: 'down' }] } },
      },
    );
    expect(changes.map((c) => c.id).sort()).toEqual([
      'check.up',
      'data.http.probe',
      'import terraform_data.a',
      'local.token',
      'moved terraform_data.b → terraform_data.a',
      'output.o',
      'removed terraform_data.c',
      'var.v',
    ]);
    expect(JSON.stringify(changes.map((c) => [c.summary, c.attributes]))).not.toContain('hunter2');
  });
});
