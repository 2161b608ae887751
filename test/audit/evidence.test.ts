/**
 * Signed review evidence with OpenSSH's real ssh-keygen -Y: a bundle of what was reviewed, by whom;
 * citycloud verify accepts exactly the reviewed out/ and refuses a tampered, missing or added file,
 * another out/, an edited bundle and a signer not allowed; deploy --approve is gated on it.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';
import { describeWith, SSH_KEYGEN } from '../helpers/needs.ts';
import { keygen } from '../helpers/reviewers.ts';

const REVIEWER = 'lan@hcmc.gov.vn';
let dir = '';
let before = '';
let after = '';
let bundle = '';
let allowed = '';
let inventory = '';

/** A bundle of the same review, signed as the reviewer but with a key the allowed signers do not list. */
const signedByMallory = (bundle: string) =>
  runCli([
    'diff',
    before,
    after,
    '--evidence',
    bundle,
    '--reviewer',
    REVIEWER,
    '--signing-key',
    join(dir, 'mallory'),
  ]);
/** A copy of out/ to spoil. */
function copyOf(out: string): string {
  const copy = join(tempDir(), 'out');
  cpSync(out, copy, { recursive: true });
  return copy;
}
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(() => {
  dir = tempDir('citycloud-evidence-');
  const lan = keygen(dir, 'lan');
  keygen(dir, 'mallory');
  allowed = join(dir, 'reviewers.allowed_signers');
  writeFileSync(allowed, `${REVIEWER} namespaces="citycloud-review" ${readFileSync(`${lan}.pub`, 'utf8')}`);
  // the city with a review required; the new side also moves a warehouse to 2 shards
  const city = readFileSync(SMALL_CITY, 'utf8');
  inventory = join(dir, 'city.yaml');
  writeFileSync(
    inventory,
    `${city.replace('    shards: 1\n', '    shards: 2\n')}\ndeploy:\n  requireReview: true\n  allowedSigners: reviewers.allowed_signers\n`,
  );
  before = join(dir, 'before');
  after = join(dir, 'after');
  expect(runCli(['synth', '-i', SMALL_CITY, '--out', before, '--no-cache']).code).toBe(0);
  const s = runCli(['synth', '-i', inventory, '--out', after, '--no-cache']);
  expect(s.stdout + s.stderr).toContain('✓ synthesized');
  bundle = join(dir, 'review.json');
  const r = runCli([
    'diff',
    before,
    after,
    '--format',
    'json',
    '--output',
    join(dir, 'report.json'),
    '--evidence',
    bundle,
    '--reviewer',
    REVIEWER,
    '--signing-key',
    lan,
  ]);
  expect(r.stderr).toContain(`review evidence signed by ${REVIEWER} written to ${bundle}`);
  expect(r.code).toBe(0);
}, 120_000);

describeWith([SSH_KEYGEN], 'the review bundle', () => {
  it('holds both sides’ digests, the diff’s own digest, the reviewer and an SSH signature', () => {
    const e = JSON.parse(readFileSync(bundle, 'utf8'));
    expect(e).toMatchObject({
      format: 'citycloud-review-evidence/v1',
      namespace: 'citycloud-review',
      reviewer: REVIEWER,
    });
    expect(e.diff.sha256).toBe(sha256(join(dir, 'report.json')));
    expect(e.new.manifestSha256).toBe(sha256(join(after, 'manifest.json')));
    const manifest = JSON.parse(readFileSync(join(after, 'manifest.json'), 'utf8'));
    expect(e.new.artifacts).toEqual(
      Object.fromEntries(manifest.artifacts.map((a: { path: string; sha256: string }) => [a.path, a.sha256])),
    );
    expect(e.signature).toMatch(/^-----BEGIN SSH SIGNATURE-----\n[\s\S]+-----END SSH SIGNATURE-----\n$/);
  });

  it('verifies the reviewed out/ against the allowed signers (exit 0)', () => {
    const r = runCli(['verify', bundle, after, '--allowed-signers', allowed]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /is the output lan@hcmc\.gov\.vn reviewed on .*; the signature verifies against .*reviewers\.allowed_signers$/m,
    );
  });

  it('refuses a tampered file, a missing file and an added Terraform file, naming each (exit 1)', () => {
    const tampered = copyOf(after);
    appendFileSync(join(tampered, 'terraform/stacks/tenants/cdk.tf.json'), ' ');
    rmSync(join(tampered, 'monitoring/rules/citycloud-servers.rules.yml'));
    writeFileSync(join(tampered, 'terraform/stacks/tenants/extra.tf.json'), '{"resource": {}}');
    const r = runCli(['verify', bundle, tampered, '--allowed-signers', allowed]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`✗ ${tampered}/monitoring/rules/citycloud-servers.rules.yml: missing`);
    expect(r.stderr).toContain(
      `✗ ${tampered}/terraform/stacks/tenants/cdk.tf.json: changed since the review`,
    );
    expect(r.stderr).toContain(
      `✗ ${tampered}/terraform/stacks/tenants/extra.tf.json: not in the reviewed output`,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(4);
    expect(r.stderr).toMatch(/✗ refused: .* is not the output reviewed in .*review\.json: /);
  });

  it('refuses another out/ (the OLD side is not what was reviewed for deploy)', () => {
    const r = runCli(['verify', bundle, before, '--allowed-signers', allowed]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/changed since the review/);
  });

  it('refuses a bundle signed by a key that is not allowed, and a bundle edited after signing', () => {
    const mallory = join(tempDir(), 'mallory.json');
    expect(signedByMallory(mallory).code).toBe(0);
    const r = runCli(['verify', mallory, after, '--allowed-signers', allowed]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /✗ refused: .*: the signature does not verify for reviewer "lan@hcmc\.gov\.vn" against .*reviewers\.allowed_signers: /,
    );
    // the digests of another out/ put into a good bundle: the signature no longer covers it
    const edited = join(tempDir(), 'edited.json');
    const e = JSON.parse(readFileSync(bundle, 'utf8'));
    e.new.artifacts['terraform/stacks/tenants/cdk.tf.json'] = '0'.repeat(64);
    writeFileSync(edited, JSON.stringify(e));
    const x = runCli(['verify', edited, after, '--allowed-signers', allowed]);
    expect(x.code).toBe(1);
    expect(x.stderr).toMatch(/✗ refused: .*edited\.json: the signature does not verify/);
  });

  it('of an output requiring review, needs reviewers to check the signer against (exit 2)', () => {
    const r = runCli(['verify', bundle, after]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'a review is required, and no reviewers are known to check its signature against',
    );
  });

  it('of an output that does not require review, checks the signature but says its signer was not checked', () => {
    const plain = join(dir, 'plain.json');
    expect(
      runCli([
        'diff',
        after,
        before,
        '--evidence',
        plain,
        '--reviewer',
        REVIEWER,
        '--signing-key',
        join(dir, 'lan'),
      ]).code,
    ).toBe(0);
    const r = runCli(['verify', plain, before]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(signature good; signer not checked: no reviewers are known)');
  });

  it('needs --reviewer to sign, and refuses what is not a bundle (exit 2)', () => {
    expect(runCli(['diff', before, after, '--evidence', join(dir, 'x.json')]).stderr.trim()).toBe(
      '--evidence needs --reviewer NAME: the principal the signature is made as',
    );
    const r = runCli(['verify', join(dir, 'report.json'), after]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `✗ ${join(dir, 'report.json')}: not a review bundle (format citycloud-review-evidence/v1 expected)`,
    );
  });
  it('signs a restore drill report into the review by its SHA-256, and refuses a file that is not one', () => {
    const drill = join(tempDir(), 'restore-drill-20261205T160000Z.json');
    writeFileSync(
      drill,
      `${JSON.stringify({ format: 'citycloud-restore-drill/v1', run: 'restore-drill-20261205-160001-ab12', drill: '20261205T160000Z', city: '79', executor: 'local', fleet: 'local site /x', notJudged: [], shards: [{ shard: 'population-s03', passed: true, problems: [] }], passed: true }, null, 2)}\n`,
    );
    const signed = join(tempDir(), 'review-with-drill.json');
    const base = [
      'diff',
      before,
      after,
      '--evidence',
      signed,
      '--reviewer',
      REVIEWER,
      '--signing-key',
      join(dir, 'lan'),
    ];
    const r = runCli([...base, '--drill-report', drill]);
    expect(r.code).toBe(0);
    const e = JSON.parse(readFileSync(signed, 'utf8'));
    expect(e.drills).toEqual([
      {
        file: 'restore-drill-20261205T160000Z.json',
        sha256: sha256(drill),
        run: 'restore-drill-20261205-160001-ab12',
        drill: '20261205T160000Z',
        passed: true,
      },
    ]);
    expect(runCli(['verify', signed, after, '--allowed-signers', allowed]).code).toBe(0);
    // a failed drill passed off as a good one: the signature no longer covers it
    e.drills[0].passed = false;
    const edited = join(tempDir(), 'edited-drill.json');
    writeFileSync(edited, JSON.stringify(e));
    const x = runCli(['verify', edited, after, '--allowed-signers', allowed]);
    expect(x.code).toBe(1);
    expect(x.stderr).toMatch(/the signature does not verify/);
    // a failed drill's report whose verdict was edited to a pass is refused
    const forged = join(tempDir(), 'forged.json');
    writeFileSync(
      forged,
      JSON.stringify({
        format: 'citycloud-restore-drill/v1',
        run: 'restore-drill-20261205-160001-ab12',
        drill: '20261205T160000Z',
        notJudged: [],
        shards: [{ shard: 'population-s03', passed: false, problems: ['recovery point objective missed'] }],
        passed: true,
      }),
    );
    const f = runCli([...base, '--drill-report', forged]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('says the drill passed, but its shards say it did not');
    const notOne = runCli([...base, '--drill-report', bundle]);
    expect(notOne.code).toBe(2);
    expect(notOne.stderr).toContain(
      `${bundle}: not a restore drill report (format citycloud-restore-drill/v1 expected)`,
    );
  });
});
