/**
 * The review gate held against the change author who controls the repository and out/, with the
 * real Terraform 1.11 (terraform_data, no provider download) and the real ssh-keygen: what is
 * applied is exactly what was reviewed — the output, the plans, the reviewers — or nothing is.
 *
 * One site, in order: the deployed output (OLD), a change requiring review (NEW), its review, the
 * first deploy, the plans and their review, the apply; then each attack of the review-gate issue.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditDiff } from '../../audit/audit-diff.ts';
import { makeEvidence } from '../../audit/evidence.ts';
import { reportJson } from '../../audit/format-json.ts';
import { openOutput } from '../../audit/output-side.ts';
import { makePlanReview } from '../../audit/plan-evidence.ts';
import { plansFolderReport } from '../../audit/plan-report.ts';
import { readPlansIndex } from '../../audit/plans-folder.ts';
import { runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';
import { demoStack, editOutput } from '../helpers/outputs.ts';
import { polyglotZip } from '../helpers/polyglot-zip.ts';
import { allowedSigners, keygen } from '../helpers/reviewers.ts';

const LAN = 'lan@hcmc.gov.vn';
const TF_ENV = { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };

let dir = '';
let lan = '';
let mallory = '';
/** The reviewers' file as the team keeps it (the operator's copy for the first deploy). */
let allowed = '';
let cityDir = '';
let oldOut = '';
/** NEW: the change, in the site folder whose state/ is the deploy's. */
let out = '';
let state = '';
let review = '';
let planReview = '';

const sign = (from: string, to: string, bundle: string, key = lan, reviewer = LAN, ...extra: string[]) =>
  runCli(['diff', from, to, '--evidence', bundle, '--reviewer', reviewer, '--signing-key', key, ...extra]);
/** deploy of the demo stack of the output `o`. */
const deployAt = (o: string, ...args: string[]) => runCli(['deploy', '--out', o, '--stack', 'demo', ...args]);
const deploy = (...args: string[]) => deployAt(out, ...args);
/** deploy --approve of NEW with the change review, a plan review and the operator's reviewers. */
const approve = (plans: string) =>
  deploy('--approve', '--evidence', review, '--plan-evidence', plans, '--allowed-signers', allowed);
/** The last line a command printed on stderr: its refusal, after what the gate said before it. */
const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
const stateNames = () =>
  existsSync(join(state, 'demo.tfstate'))
    ? (JSON.parse(readFileSync(join(state, 'demo.tfstate'), 'utf8')).resources as { name: string }[]).map(
        (r) => r.name,
      )
    : [];
/** The small city, with the reviewers' file beside it and a review required; `extra` YAML appended. */
function reviewCity(folder: string, signers: string): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'reviewers.allowed_signers'), signers);
  const city = join(folder, 'city.yaml');
  writeFileSync(
    city,
    `${readFileSync(SMALL_CITY, 'utf8')}\ndeploy:\n  requireReview: true\n  allowedSigners: reviewers.allowed_signers\n`,
  );
  return city;
}
/** A synth output of `city` at `target`, with the demo stack of `resources` added. */
function synthWithDemo(city: string, target: string, resources: Record<string, unknown>): string {
  const r = runCli(['synth', '-i', city, '--out', target, '--no-cache']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  editOutput(target, { 'terraform/stacks/demo/cdk.tf.json': demoStack(resources) });
  return target;
}
/**
 * A plan review of whatever the plans folder holds, signed by the reviewer in-process — as if the
 * reviewer's own tool, which refuses such plans, had been bypassed.
 */
function forcedPlanReview(plans: string, name: string): string {
  const { report, index } = plansFolderReport(plans);
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify(
      makePlanReview({
        index,
        report,
        reportJson: reportJson(report),
        reviewer: LAN,
        signingKey: lan,
        now: new Date(),
      }),
    ),
  );
  return file;
}

/** A copy of NEW to spoil. */
function copyOfOut(): string {
  const copy = join(tempDir(), 'site', 'out');
  cpSync(out, copy, { recursive: true });
  return copy;
}

beforeAll(() => {
  dir = tempDir('citycloud-gate-');
  lan = keygen(dir, 'lan');
  mallory = keygen(dir, 'mallory');
  allowed = allowedSigners(join(dir, 'reviewers.allowed_signers'), [[LAN, lan]]);
  cityDir = join(dir, 'city');
  const city = reviewCity(cityDir, readFileSync(allowed, 'utf8'));
  oldOut = synthWithDemo(SMALL_CITY, join(dir, 'old', 'out'), { a: { input: 'hello' } });
  out = synthWithDemo(city, join(dir, 'site', 'out'), { a: { input: 'hello' }, b: { input: 'world' } });
  state = join(dir, 'site', 'state');
  review = join(dir, 'review.json');
  planReview = join(dir, 'plan-review.json');
  const r = sign(oldOut, out, review);
  expect(r.code, r.stderr).toBe(0);
}, 180_000);

describe('the first deploy of an output that requires review', () => {
  it('verify needs reviewers to check the signer against (exit 2), and passes with them', () => {
    const none = runCli(['verify', review, out]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toMatch(
      /^✗ a review is required, and no reviewers are known to check its signature against: no deploy is recorded in .*state\/citycloud-deploys\.jsonl — for the first deploy, name the reviewers with --allowed-signers FILE$/,
    );
    const given = runCli(['verify', review, out, '--allowed-signers', allowed]);
    expect(given.stderr).toBe('');
    expect(given.code).toBe(0);
    expect(given.stdout).toContain(`is the output ${LAN} reviewed on`);
  });

  it('deploy refuses without evidence (exit 2) and plans with it, in a staged copy', () => {
    const bare = deploy();
    expect(bare.code).toBe(2);
    expect(bare.stderr.trim()).toMatch(/^a review is required \(deploy\.requireReview/);
    const noSigners = deploy('--evidence', review);
    expect(noSigners.code).toBe(2);
    const r = deploy('--evidence', review, '--allowed-signers', allowed);
    expect(r.stderr).not.toContain('refused');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('demo: 2 to add, 0 to change, 0 to destroy');
    // the tools ran in a staged copy: nothing of Terraform's is left in out/
    expect(existsSync(join(out, 'terraform/stacks/demo/.terraform'))).toBe(false);
    expect(existsSync(join(out, 'terraform/stacks/demo/tfplan'))).toBe(false);
    const index = readPlansIndex(join(out, 'plans'));
    expect(index.changeReview).toMatch(/^[0-9a-f]{64}$/);
    expect(index.stacks.map((s) => s.stack)).toEqual(['demo']);
    expect(stateNames()).toEqual([]);
  }, 120_000);

  it('--approve needs a plan review (exit 2)', () => {
    const r = deploy('--approve', '--evidence', review, '--allowed-signers', allowed);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^with a review, --approve applies only plans a signed plan review covers: run citycloud diff --plan /,
    );
  });

  it('the plan review signs the plans made from the reviewed output', () => {
    const r = runCli([
      'diff',
      '--plan',
      join(out, 'plans'),
      '--evidence',
      planReview,
      '--reviewer',
      LAN,
      '--signing-key',
      lan,
      '--format',
      'json',
    ]);
    expect(r.stderr).toContain(`plan review signed by ${LAN} written to ${planReview}`);
    expect(r.code).toBe(0);
    const p = JSON.parse(readFileSync(planReview, 'utf8'));
    expect(p).toMatchObject({
      format: 'citycloud-plan-review/v1',
      namespace: 'citycloud-plan-review',
      reviewer: LAN,
    });
    expect(Object.keys(p.stacks)).toEqual(['demo']);
  });
});

describe('hole 1: a saved plan swapped for one made from other configuration', () => {
  let saved = '';
  beforeAll(() => {
    saved = join(tempDir(), 'plans');
    cpSync(join(out, 'plans'), saved, { recursive: true });
    // the author's plan: made by the real Terraform from their own configuration, same state
    const evil = tempDir();
    writeFileSync(
      join(evil, 'cdk.tf.json'),
      JSON.stringify({
        terraform: { backend: { local: { path: join(state, 'demo.tfstate') } } },
        resource: { terraform_data: { evil: { input: 'cluster-admin' } } },
      }),
    );
    for (const args of [
      ['init', '-input=false'],
      ['plan', '-input=false', '-out=tfplan'],
    ])
      expect(spawnSync('terraform', args, { cwd: evil, env: { ...process.env, ...TF_ENV } }).status).toBe(0);
    const json = spawnSync('terraform', ['show', '-json', 'tfplan'], { cwd: evil, encoding: 'utf8' }).stdout;
    cpSync(join(evil, 'tfplan'), join(out, 'plans/demo.tfplan'));
    writeFileSync(join(out, 'plans/demo.json'), json);
    // and the index that names their digests
    const index = JSON.parse(readFileSync(join(out, 'plans/plans.json'), 'utf8'));
    const sha = (f: string) =>
      spawnSync('sha256sum', [f], { encoding: 'utf8' }).stdout.split(' ')[0] as string;
    index.stacks[0].planSha256 = sha(join(out, 'plans/demo.tfplan'));
    index.stacks[0].jsonSha256 = sha(join(out, 'plans/demo.json'));
    writeFileSync(join(out, 'plans/plans.json'), JSON.stringify(index));
  }, 120_000);

  it('is not what the plan review signed: refused before any tool runs (exit 1)', () => {
    const r = approve(planReview);
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toMatch(
      /^refused: the saved plan of stack demo is not one .*plan-review\.json reviewed \(its digest differs\)$/,
    );
    expect(r.stderr).not.toContain('▸');
    expect(stateNames()).toEqual([]);
  });

  it('a reviewer asked to sign it is refused: the plan was not made from the output beside it (exit 2)', () => {
    const r = runCli([
      'diff',
      '--plan',
      join(out, 'plans'),
      '--evidence',
      join(dir, 'x.json'),
      '--reviewer',
      LAN,
      '--signing-key',
      lan,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^not signed: the plans in .* were not made from the output .*: stack demo: the configuration it embeds is not the reviewed cdk\.tf\.json; run citycloud deploy again$/,
    );
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('even signed by a reviewer (whose tool was bypassed), its embedded configuration is refused (exit 1)', async () => {
    const forced = forcedPlanReview(join(out, 'plans'), 'forced-plan-review.json');
    const r = approve(forced);
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toMatch(
      /^refused: the saved plan of stack demo was not made from the reviewed output: the configuration it embeds is not the reviewed cdk\.tf\.json; /,
    );
    expect(stateNames()).toEqual([]);
  });

  afterAll(() => {
    rmSync(join(out, 'plans'), { recursive: true });
    cpSync(saved, join(out, 'plans'), { recursive: true });
  });
});

describe('the reviewed apply', () => {
  it('applies exactly the reviewed plan and records it beside the state', () => {
    const r = approve(planReview);
    expect(r.stderr).toContain(`✓ the plans are the ones ${LAN} reviewed on`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ demo: applied the reviewed plan');
    expect(r.stderr).toContain('▸ demo: terraform init -input=false -no-color -lockfile=readonly');
    expect(r.stderr).toMatch(/^▸ demo: terraform plan -input=false -no-color -out=tfplan$/m);
    expect(stateNames()).toEqual(['a', 'b']);
    const record = readFileSync(join(state, 'citycloud-deploys.jsonl'), 'utf8').trim().split('\n');
    expect(record).toHaveLength(1);
    const last = JSON.parse(record[0] as string);
    expect(last).toMatchObject({
      format: 'citycloud-deploy-record/v1',
      stacks: ['demo'],
      requireReview: true,
      rollback: false,
      changeReview: { reviewer: LAN },
      planReview: { reviewer: LAN },
    });
    expect(last.allowedSigners).toBe(readFileSync(join(out, 'deploy/allowed_signers'), 'utf8'));
  }, 120_000);

  it('verify then trusts the reviewers of the deployed output, without being told them', () => {
    const r = runCli(['verify', review, out, '--plan-evidence', planReview]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the signature verifies against the reviewers of the output deployed last/);
  });
});

describe('hole 1 again: a plan file that is not what its JSON says — never applied', () => {
  let change = '';
  let changeReview = '';
  let saved = '';
  /** The deploy's state and record as they were before each test, put back after it. */
  const kept = new Map<string, Buffer>();
  const tfplan = () => join(change, 'plans/demo.tfplan');
  /** The honest plan's prior state, as the author can take it from the plan file itself. */
  const priorState = () =>
    Buffer.from(
      unzipSync(readFileSync(join(saved, 'demo.tfplan')), { filter: (f) => f.name === 'tfstate' })
        .tfstate as Uint8Array,
    );
  /**
   * A plan the author makes in a folder of their own from the reviewed stack (or `stack`) and the
   * deployed state (or none): `backend` keeps that state elsewhere, `args` go to their plan.
   */
  function authorsPlan(o: { args?: string[]; stack?: string; backend?: string; emptyState?: boolean }): {
    plan: Buffer;
    json: string;
  } {
    const mine = join(tempDir(), 'atk');
    const folder = join(mine, 'out/terraform/stacks/demo');
    mkdirSync(folder, { recursive: true });
    mkdirSync(join(mine, 'state'), { recursive: true });
    writeFileSync(
      join(folder, 'cdk.tf.json'),
      o.stack ?? readFileSync(join(change, 'terraform/stacks/demo/cdk.tf.json')),
    );
    if (!o.emptyState) writeFileSync(o.backend ?? join(mine, 'state/demo.tfstate'), priorState());
    const env = { ...process.env, ...TF_ENV };
    for (const a of [
      ['init', '-input=false', ...(o.backend ? [`-backend-config=path=${o.backend}`] : [])],
      ['plan', '-input=false', '-out=tfplan', ...(o.args ?? [])],
    ])
      expect(spawnSync('terraform', a, { cwd: folder, env }).status).toBe(0);
    const json = spawnSync('terraform', ['show', '-json', 'tfplan'], {
      cwd: folder,
      env,
      encoding: 'utf8',
    }).stdout;
    return { plan: readFileSync(join(folder, 'tfplan')), json };
  }
  /** The author's plan (and, given, its JSON) put in place of the honest one, the index naming their digests. */
  function swapIn(plan: Buffer, json?: string): void {
    writeFileSync(tfplan(), plan);
    if (json !== undefined) writeFileSync(join(change, 'plans/demo.json'), json);
    const index = JSON.parse(readFileSync(join(change, 'plans/plans.json'), 'utf8'));
    const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
    index.stacks[0].planSha256 = sha(plan);
    index.stacks[0].jsonSha256 = sha(readFileSync(join(change, 'plans/demo.json')));
    writeFileSync(join(change, 'plans/plans.json'), JSON.stringify(index));
  }
  /** The reviewer signs what the plans folder holds, with their own tool. */
  const planReviewOf = (name: string) => {
    const file = join(dir, name);
    const r = runCli([
      'diff',
      '--plan',
      join(change, 'plans'),
      '--evidence',
      file,
      '--reviewer',
      LAN,
      '--signing-key',
      lan,
    ]);
    expect(r.code, r.stderr).toBe(0);
    return file;
  };
  const apply = (review: string) =>
    deployAt(change, '--approve', '--evidence', changeReview, '--plan-evidence', review);

  beforeAll(() => {
    // a reviewed change on top of what is deployed (a, b): c added
    change = join(dir, 'site', 'out-c');
    cpSync(out, change, { recursive: true });
    rmSync(join(change, 'plans'), { recursive: true, force: true });
    editOutput(change, {
      'terraform/stacks/demo/cdk.tf.json': demoStack({
        a: { input: 'hello' },
        b: { input: 'world' },
        c: { input: 'new' },
      }),
    });
    changeReview = join(dir, 'review-c.json');
    expect(sign(out, change, changeReview).code).toBe(0);
    const plan = deployAt(change, '--evidence', changeReview);
    expect(plan.code, plan.stderr).toBe(0);
    saved = join(tempDir(), 'plans');
    cpSync(join(change, 'plans'), saved, { recursive: true });
  }, 120_000);
  beforeEach(() => {
    for (const f of ['demo.tfstate', 'citycloud-deploys.jsonl']) kept.set(f, readFileSync(join(state, f)));
  });
  afterEach(() => {
    for (const [f, bytes] of kept) writeFileSync(join(state, f), bytes);
    rmSync(join(change, 'plans'), { recursive: true });
    cpSync(saved, join(change, 'plans'), { recursive: true });
  });

  it('a plan file made with -destroy, its JSON left honest and signed: never applied — the change the reviewer read is', () => {
    swapIn(authorsPlan({ args: ['-destroy'] }).plan);
    const r = apply(planReviewOf('destroy-plan-review.json'));
    expect(r.code, r.stderr).toBe(0);
    // planned again from the reviewed stack, shown as the reviewed JSON, applied: c added, nothing destroyed
    expect(r.stderr).toMatch(/^▸ demo: terraform plan -input=false -no-color -out=tfplan$/m);
    expect(stateNames()).toEqual(['a', 'b', 'c']);
  }, 120_000);

  it('a plan whose recorded backend keeps the state elsewhere, its JSON the same: the state stays where the reviewed stack keeps it', () => {
    const elsewhere = join(tempDir(), 'elsewhere.tfstate');
    const theirs = authorsPlan({ backend: elsewhere });
    swapIn(theirs.plan, theirs.json);
    const before = readFileSync(elsewhere);
    const r = apply(planReviewOf('backend-plan-review.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(stateNames()).toEqual(['a', 'b', 'c']);
    expect(readFileSync(elsewhere).equals(before)).toBe(true);
  }, 120_000);

  it('a plan made against a state of their own, JSON and all, signed: planned again against the real one, refused (exit 1)', () => {
    // against an empty state their plan creates a, b and c, and says so: that is what is signed
    const theirs = authorsPlan({ backend: join(tempDir(), 'empty.tfstate'), emptyState: true });
    swapIn(theirs.plan, theirs.json);
    const r = apply(planReviewOf('other-state-plan-review.json'));
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toMatch(
      /^refused: planned again, stack demo is not the plan that was reviewed \(demo\.json\): it would change terraform_data\.a, terraform_data\.b otherwise; nothing of it was applied/,
    );
    expect(stateNames()).toEqual(['a', 'b']);
  }, 120_000);

  it('a review made before the state moved on is refused: planned again, the plan differs (exit 1)', () => {
    const review = planReviewOf('stale-plan-review.json');
    expect(apply(review).code).toBe(0);
    // the same reviews again: c is there now, so the plan is no longer the one reviewed
    const again = apply(review);
    expect(again.code).toBe(1);
    expect(lastLine(again.stderr)).toMatch(
      /^refused: planned again, stack demo is not the plan that was reviewed \(demo\.json\): it would change terraform_data\.c otherwise; nothing of it was applied/,
    );
    expect(again.stderr).not.toMatch(/terraform apply/);
  }, 120_000);

  it('a zip that reads as the honest plan to citycloud and as another to Terraform is refused (exit 2), nothing run', () => {
    const marker = join(dir, 'polyglot-ran');
    const evil = authorsPlan({
      stack: JSON.stringify({
        terraform: { backend: { local: { path: '../../../../state/demo.tfstate' } } },
        resource: {
          terraform_data: {
            a: { input: 'hello' },
            b: { input: 'world' },
            pwn: { input: 'x', provisioner: [{ 'local-exec': { command: `touch ${marker}` } }] },
          },
        },
      }),
    }).plan;
    swapIn(polyglotZip(readFileSync(join(saved, 'demo.tfplan')), evil));
    const refusedSigning = runCli([
      'diff',
      '--plan',
      join(change, 'plans'),
      '--evidence',
      join(dir, 'x.json'),
      '--reviewer',
      LAN,
      '--signing-key',
      lan,
    ]);
    expect(refusedSigning.code).toBe(2);
    expect(refusedSigning.stderr).toContain(
      'not a saved plan as Terraform writes one (a zip64 directory, which Terraform does not write)',
    );
    // even with a plan review signed over it by a reviewer whose tool was bypassed
    const r = apply(forcedPlanReview(join(change, 'plans'), 'polyglot-plan-review.json'));
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toContain('not a saved plan as Terraform writes one');
    expect(existsSync(marker)).toBe(false);
    expect(stateNames()).toEqual(['a', 'b']);
  }, 120_000);
});

describe('hole 3: files deploy trusts, edited beside an unchanged model', () => {
  const spoilAndCheck = (files: Record<string, string>, says: string) => {
    const spoiled = copyOfOut();
    editOutput(spoiled, files);
    const bundle = join(tempDir(), 'review.json');
    expect(sign(oldOut, spoiled, bundle).code).toBe(0);
    const v = runCli(['verify', bundle, spoiled, '--allowed-signers', allowed]);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain(says);
    const d = deployAt(spoiled, '--evidence', bundle, '--allowed-signers', allowed);
    expect(d.code).toBe(1);
    expect(lastLine(d.stderr)).toContain(says);
  };

  it('a key added to out/deploy/allowed_signers alone is refused', () => {
    spoilAndCheck(
      {
        'deploy/allowed_signers': `${readFileSync(join(out, 'deploy/allowed_signers'), 'utf8')}mallory@example.org ${readFileSync(`${mallory}.pub`, 'utf8')}`,
      },
      'deploy/allowed_signers is not the reviewers the model lists',
    );
  }, 60_000);

  it('a cloud assembly manifest naming another template, or an asset that runs a command, is refused', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'cloudformation/manifest.json'), 'utf8'));
    manifest.artifacts.offsite.properties.templateFile = 'tree.json';
    spoilAndCheck(
      { 'cloudformation/manifest.json': JSON.stringify(manifest) },
      "the off-site cloud assembly is not as synth writes it: its stack's templateFile is not what synth writes",
    );
    const assets = JSON.parse(readFileSync(join(out, 'cloudformation/offsite.assets.json'), 'utf8'));
    const [asset] = Object.values(assets.files) as { source: Record<string, unknown> }[];
    if (asset) asset.source = { executable: ['sh', '-c', 'id > /tmp/pwned'], packaging: 'file' };
    spoilAndCheck(
      { 'cloudformation/offsite.assets.json': JSON.stringify(assets) },
      "its template asset's source is not the template file alone",
    );
  }, 120_000);
});

describe('hole 2: files Terraform reads that the review never lists', () => {
  it('a .terraform/ folder (a planted provider, another workspace) in a stack: verify and deploy refuse it', () => {
    const spoiled = copyOfOut();
    const planted = join(spoiled, 'terraform/stacks/demo/.terraform');
    mkdirSync(join(planted, 'providers'), { recursive: true });
    writeFileSync(join(planted, 'environment'), 'evil');
    const marker = join(dir, 'planted-ran');
    writeFileSync(join(planted, 'providers/terraform-provider-evil'), `#!/bin/sh\ntouch ${marker}\n`, {
      mode: 0o755,
    });
    writeFileSync(join(spoiled, 'terraform/stacks/demo/tfplan'), 'a plan');
    symlinkSync('/etc/passwd', join(spoiled, 'terraform/stacks/demo/extra.tf.json'));
    const v = runCli(['verify', review, spoiled, '--allowed-signers', allowed]);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain(
      `✗ ${spoiled}/terraform/stacks/demo/.terraform/: not in the reviewed output (Terraform's working folder: a provider or a workspace planted there would be used)`,
    );
    expect(v.stderr).toContain(`✗ ${spoiled}/terraform/stacks/demo/tfplan: not in the reviewed output`);
    expect(v.stderr).toContain(
      `✗ ${spoiled}/terraform/stacks/demo/extra.tf.json: not in the reviewed output (a symbolic link; synth writes none)`,
    );
    const d = deployAt(spoiled, '--evidence', review, '--allowed-signers', allowed);
    expect(d.code).toBe(1);
    expect(d.stderr.trim()).toMatch(
      /^refused: .* is not the output reviewed in .*review\.json: terraform\/stacks\/demo\/\.terraform\/: /,
    );
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    'terraform/stacks/demo/cdk_override.tf.json',
    'terraform/stacks/demo/cdk.tofu.json',
    'terraform/stacks/demo/main.tofu',
    'terraform/stacks/demo/terraform.tfstate',
  ])(
    'a reviewed manifest listing %s: a review of it verifies nothing and deploys nothing',
    (path) => {
      const spoiled = copyOfOut();
      editOutput(spoiled, { [path]: '{"resource": {"terraform_data": {"evil": {"input": "x"}}}}' });
      const bundle = join(tempDir(), 'review.json');
      expect(sign(oldOut, spoiled, bundle).code).toBe(0);
      const v = runCli(['verify', bundle, spoiled, '--allowed-signers', allowed]);
      expect(v.code).toBe(1);
      expect(v.stderr).toContain(
        `✗ ${spoiled}/${path}: synth never writes this file, so no citycloud review can hold it`,
      );
      const d = deployAt(spoiled, '--evidence', bundle, '--allowed-signers', allowed);
      expect(d.code).toBe(1);
      expect(d.stderr).toContain(`${path}: synth never writes this file`);
    },
    60_000,
  );
});

describe('hole 4: a reviewer added by the change itself', () => {
  it('the new key’s self-signed review does not verify against the reviewers deployed', () => {
    const folder = join(tempDir(), 'city');
    const city = reviewCity(
      folder,
      `${readFileSync(allowed, 'utf8')}mallory@example.org ${readFileSync(`${mallory}.pub`, 'utf8')}`,
    );
    const theirs = synthWithDemo(city, join(tempDir(), 'site', 'out'), {
      a: { input: 'hello' },
      b: { input: 'world' },
    });
    const bundle = join(tempDir(), 'review.json');
    expect(sign(out, theirs, bundle, mallory, 'mallory@example.org').code).toBe(0);
    // their out/ lists them, and so would the inventory's file: neither is what is trusted
    const v = runCli(['verify', bundle, theirs, '--allowed-signers', allowed]);
    expect(v.code).toBe(1);
    // nor is a review of it, however signed, without known reviewers
    expect(runCli(['verify', bundle, theirs]).code).toBe(2);
    const d = deployAt(theirs, '--evidence', bundle, '--allowed-signers', allowed);
    expect(d.code).toBe(1);
    expect(d.stderr.trim()).toMatch(
      /^refused: .*review\.json: the signature does not verify for reviewer "mallory@example\.org" against /,
    );
  }, 60_000);
});

describe('hole 4 again: a reviewer added in a model the diff and the gate would read differently', () => {
  it('is refused by the diff (exit 2), by verify and by deploy (exit 1)', () => {
    const theirs = copyOfOut();
    const model = readFileSync(join(theirs, 'model/city.json'), 'utf8');
    const deploySection = JSON.parse(model).deploy;
    const key = readFileSync(`${mallory}.pub`, 'utf8').trim();
    const malloryEntry = JSON.stringify({ principals: LAN, options: '', key });
    // mallory's key, as lan, in the deploy section the gate reads …
    const lanLine = /\n( {6}\{"principals":"lan@hcmc\.gov\.vn"[^\n]*\})\n/.exec(model)?.[1] as string;
    expect(lanLine).toBeDefined();
    let spoiled = model.replace(`${lanLine}\n`, `${lanLine},\n      ${malloryEntry}\n`);
    // … two lines joined so the diff's line reader gives up, and a last line JSON.parse would read
    // as the deploy section (lan alone) where a line reader sees only apiVersion
    spoiled = spoiled.replace(
      /"fourEyes": (true|false),\n\s+"upgradeWindow"/,
      '"fourEyes": $1, "upgradeWindow"',
    );
    spoiled = spoiled.replace(
      /\n\}\n?$/,
      `,\n  "apiVersion": "citycloud/v1", "deploy": ${JSON.stringify(deploySection)}\n}\n`,
    );
    editOutput(theirs, {
      'model/city.json': spoiled,
      'deploy/allowed_signers': `${readFileSync(join(out, 'deploy/allowed_signers'), 'utf8')}${LAN} ${key}\n`,
    });
    const bundle = join(tempDir(), 'review.json');
    const d = sign(out, theirs, bundle);
    expect(d.code).toBe(2);
    expect(d.stderr.trim()).toMatch(
      /model\/city\.json cannot be diffed: the key "(apiVersion|deploy)" is given twice in the top-level object/,
    );
    // signed anyway (a reviewer's tool bypassed): the gate reads it one way only, strictly
    const forced = join(tempDir(), 'forced.json');
    const sides = [openOutput(out), openOutput(theirs)] as const;
    const report = {
      schema: 'citycloud-audit-diff/v1',
      counts: { critical: 0, high: 0, medium: 0, low: 0 },
    } as never;
    writeFileSync(
      forced,
      JSON.stringify(
        makeEvidence({
          old: sides[0],
          new: sides[1],
          report,
          reportJson: '{}',
          reviewer: LAN,
          signingKey: lan,
          now: new Date(),
        }),
      ),
    );
    const v = runCli(['verify', forced, theirs]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(
      /refused: in model\/city\.json the key "(apiVersion|deploy)" is given twice in the top-level object: it reads two ways/,
    );
    const g = deployAt(theirs, '--evidence', forced);
    expect(g.code).toBe(1);
    expect(lastLine(g.stderr)).toMatch(/it reads two ways$/);
  }, 60_000);
});

describe('what verify says of a reviewer named to mislead', () => {
  it('prints a bidirectional override or an escape sequence in a reviewer name as text, in JSON too', () => {
    const bundle = join(tempDir(), 'review.json');
    expect(sign(oldOut, out, bundle, mallory, 'mallory\u202e@gov.vn\u001b[2J').code).toBe(0);
    const j = runCli(['verify', bundle, out, '--json']);
    expect(JSON.parse(j.stdout).verified).toBe(false);
    for (const c of ['\u202e', '\u001b']) expect(j.stdout).not.toContain(c);
    expect(j.stdout).toContain('\\u202e');
    const t = runCli(['verify', bundle, out]);
    for (const c of ['\u202e', '\u001b']) expect(t.stderr).not.toContain(c);
  });
});

describe('hole 7: an output whose model says nothing is taken as requiring review', () => {
  it.each([
    ['deleted', null],
    ['truncated', '{"deploy": {"requireRe'],
    [
      'saying false after a deploy that required review',
      `${JSON.stringify({ deploy: { requireReview: false } })}\n`,
    ],
  ])('model/city.json %s: deploy without evidence is refused (exit 2)', (_what, model) => {
    const spoiled = join(dir, 'site', `out-${_what.split(' ')[0]}`);
    cpSync(out, spoiled, { recursive: true });
    editOutput(spoiled, { 'model/city.json': model });
    const r = deployAt(spoiled, '--approve');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^a review is required/);
    expect(stateNames()).toEqual(['a', 'b']);
  });
});

describe('hole 8: a review replayed, rolled back or expired', () => {
  it('a review made against another deployed output is refused, unless --allow-rollback (which is recorded)', () => {
    // a reviewed change from OLD to a third output: it was never made against what is deployed now
    const third = join(dir, 'site', 'out-third');
    cpSync(out, third, { recursive: true });
    editOutput(third, { 'terraform/stacks/demo/cdk.tf.json': demoStack({ a: { input: 'hello' } }) });
    const bundle = join(dir, 'third-review.json');
    expect(sign(oldOut, third, bundle).code).toBe(0);
    const args = ['deploy', '--out', third, '--stack', 'demo', '--evidence', bundle];
    const r = runCli(args);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^refused: the review was made against output [0-9a-f]{12}, but the output deployed last is [0-9a-f]{12} \(applied .*\): a replayed or rolled-back review; review against the deployed output, or pass --allow-rollback/,
    );
    expect(runCli(['verify', bundle, third]).code).toBe(1);
    const plan = runCli([...args, '--allow-rollback']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain('applied as a rollback (--allow-rollback), and recorded so');
    const pr = join(dir, 'third-plan-review.json');
    expect(
      runCli([
        'diff',
        '--plan',
        join(third, 'plans'),
        '--evidence',
        pr,
        '--reviewer',
        LAN,
        '--signing-key',
        lan,
      ]).code,
    ).toBe(0);
    const apply = runCli([...args, '--allow-rollback', '--approve', '--plan-evidence', pr]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(stateNames()).toEqual(['a']);
    const last = JSON.parse(
      readFileSync(join(state, 'citycloud-deploys.jsonl'), 'utf8').trim().split('\n').at(-1) as string,
    );
    expect(last.rollback).toBe(true);
  }, 120_000);

  it('a review past its expiry is refused (exit 1)', async () => {
    const then = new Date(Date.now() - 2 * 3600_000);
    const a = openOutput(join(dir, 'site', 'out-third'));
    const b = openOutput(out);
    const report = await auditDiff(a, b);
    const expired = join(dir, 'expired.json');
    writeFileSync(
      expired,
      JSON.stringify(
        makeEvidence({
          old: a,
          new: b,
          report,
          reportJson: reportJson(report),
          reviewer: LAN,
          signingKey: lan,
          now: then,
          validForMs: 3600_000,
        }),
      ),
    );
    const r = deploy('--evidence', expired);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^refused: .*expired\.json: it expired at .*; review again$/);
  });
});
