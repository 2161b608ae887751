/**
 * `citycloud deploy`: plan every Terraform stack of out/ and write each plan as JSON for review,
 * and diff the off-site CloudFormation stack; `deploy --approve` then applies exactly those saved
 * plans and deploys the reviewed template (digests are checked first). Stacks go in deploy order.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { planReport } from '../../audit/plan-report.ts';
import { LEVELS } from '../../audit/risk/risk-rule.ts';
import { DeployError, findCdk, findTool, planSummary, runDeploySteps } from '../../deploy/deploy-runner.ts';
import { cdkSteps, deploySteps, type IacTool, PLAN_FILE, type StackDir } from '../../deploy/deploy-steps.ts';
import { checkReviewGate, type ReviewPolicy } from '../../deploy/review-gate.ts';
import { formatFinding, hasErrors, loadCity } from '../../model/index.ts';
import { DEPLOY_ORDER_FILE, OFFSITE_STACK } from '../../synth/out-layout.ts';
import { EXIT } from '../cli/exit-codes.ts';

export interface DeployOptions {
  readonly out: string;
  readonly stack?: string;
  readonly approve?: boolean;
  readonly tool?: IacTool;
  /** The signed review bundle (citycloud diff --evidence) the out/ must verify against. */
  readonly evidence?: string;
  /** The inventory whose deploy section says whether a review is required. */
  readonly inventory?: string;
  /** The reviewers' allowed-signers file, over the inventory's deploy.allowedSigners. */
  readonly allowedSigners?: string;
}

/** The review policy: the inventory's deploy section, --allowed-signers over its file. */
function reviewPolicy(opts: DeployOptions): ReviewPolicy {
  let requireReview = false;
  let allowedSigners = opts.allowedSigners ? resolve(opts.allowedSigners) : null;
  if (opts.inventory) {
    const { model, findings } = loadCity(opts.inventory);
    if (!model || hasErrors(findings))
      throw new DeployError(
        `the inventory ${opts.inventory} does not load, so its review policy is unknown: ${findings[0] ? formatFinding(findings[0]) : 'no model'}`,
        2,
      );
    requireReview = model.deploy.requireReview;
    if (!allowedSigners && model.deploy.allowedSigners)
      allowedSigners = resolve(dirname(opts.inventory), model.deploy.allowedSigners);
  }
  return { requireReview, allowedSigners };
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The Terraform stacks synth wrote (out/terraform/stacks/<name>/cdk.tf.json), in deploy order. */
export function stacksIn(out: string): StackDir[] {
  const root = resolve(out, 'terraform', 'stacks');
  if (!existsSync(root)) return [];
  const found = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'cdk.tf.json')))
    .map((e) => e.name)
    .sort();
  const orderFile = resolve(out, DEPLOY_ORDER_FILE);
  let order: string[] = [];
  if (existsSync(orderFile))
    try {
      order = (JSON.parse(readFileSync(orderFile, 'utf8')) as { stacks: string[] }).stacks;
      if (!Array.isArray(order)) throw new Error('no stacks list');
    } catch {
      throw new DeployError(
        `${out}/${DEPLOY_ORDER_FILE} is not the stack list synth writes; run citycloud synth again`,
        2,
      );
    }
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return found
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1))
    .map((name) => ({ name, dir: join(root, name) }));
}

/** The off-site cloud assembly synth wrote, if any. */
const offsiteIn = (out: string) => {
  const dir = resolve(out, 'cloudformation');
  return existsSync(join(dir, 'manifest.json')) ? dir : null;
};

export async function runDeploy(opts: DeployOptions): Promise<number> {
  const all = stacksIn(opts.out);
  const assembly = offsiteIn(opts.out);
  const names = [...all.map((s) => s.name), ...(assembly ? [OFFSITE_STACK] : [])];
  if (names.length === 0)
    throw new DeployError(
      `no stacks in ${opts.out}/terraform/stacks or ${opts.out}/cloudformation; run citycloud synth first`,
      2,
    );
  if (opts.stack && !names.includes(opts.stack))
    throw new DeployError(`no stack "${opts.stack}" in ${opts.out}; the stacks are: ${names.join(', ')}`, 2);
  const stacks = all.filter((s) => !opts.stack || s.name === opts.stack);
  const offsite = assembly && (!opts.stack || opts.stack === OFFSITE_STACK) ? assembly : null;
  const plansDir = resolve(opts.out, 'plans');
  const digestFile = (name: string) => join(plansDir, `${name}.tfplan.sha256`);
  const templateDigestFile = join(plansDir, `${OFFSITE_STACK}.template.sha256`);
  const template = offsite ? join(offsite, `${OFFSITE_STACK}.template.json`) : '';
  // the review gate comes first: a refused deploy is refused whatever is installed
  if (opts.approve || opts.evidence) {
    const line = checkReviewGate({ outDir: opts.out, evidence: opts.evidence, policy: reviewPolicy(opts) });
    if (line) console.error(line);
  }
  // find every tool before running anything: a missing one should not leave half a deploy
  const tool = stacks.length > 0 ? findTool(opts.tool) : null;
  const cdk = offsite ? findCdk() : null;

  if (opts.approve) {
    // apply only what was reviewed: the saved plan must be there, unchanged since it was shown
    for (const s of stacks) {
      const plan = join(s.dir, PLAN_FILE);
      if (!existsSync(plan) || !existsSync(digestFile(s.name)))
        throw new DeployError(
          `stack ${s.name} has no reviewed plan; run citycloud deploy${opts.stack ? ` --stack ${s.name}` : ''} and review ${opts.out}/plans/${s.name}.json first`,
          2,
        );
      if (digest(plan) !== readFileSync(digestFile(s.name), 'utf8').trim())
        throw new DeployError(
          `the saved plan of stack ${s.name} is not the one that was reviewed; run citycloud deploy again`,
          2,
        );
    }
    if (offsite) {
      if (!existsSync(templateDigestFile))
        throw new DeployError(
          `stack ${OFFSITE_STACK} has no reviewed diff; run citycloud deploy and review ${opts.out}/plans/${OFFSITE_STACK}.diff.txt first`,
          2,
        );
      if (digest(template) !== readFileSync(templateDigestFile, 'utf8').trim())
        throw new DeployError(
          `the off-site template changed since its diff was reviewed; run citycloud deploy again`,
          2,
        );
    }
  }
  const log = (line: string) => console.error(line);
  if (tool)
    await runDeploySteps(deploySteps({ tool, stacks, plansDir, approve: Boolean(opts.approve) }), log);
  if (offsite && cdk) {
    // the CLI writes into the assembly folder it reads: give it a copy, keep out/ as synth wrote it
    const copy = mkdtempSync(join(tmpdir(), 'citycloud-assembly-'));
    try {
      cpSync(offsite, copy, { recursive: true });
      mkdirSync(plansDir, { recursive: true });
      await runDeploySteps(
        cdkSteps({ cdk, assemblyDir: copy, plansDir, approve: Boolean(opts.approve) }),
        log,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }
  for (const s of stacks) {
    if (opts.approve) {
      console.log(`✓ ${s.name}: applied the reviewed plan`);
      continue;
    }
    writeFileSync(digestFile(s.name), `${digest(join(s.dir, PLAN_FILE))}\n`);
    const planFile = join(plansDir, `${s.name}.json`);
    const { add, change, destroy } = planSummary(readFileSync(planFile, 'utf8'));
    // the plan through the audit's risk rules: what a reviewer should look at first
    const { counts } = planReport(planFile);
    const risk = LEVELS.filter((l) => counts[l] > 0).map((l) => `${counts[l]} ${l}`);
    console.log(
      `${s.name}: ${add} to add, ${change} to change, ${destroy} to destroy — plan in ${opts.out}/plans/${s.name}.json${
        risk.length
          ? `; by risk ${risk.join(', ')} (citycloud diff --plan ${opts.out}/plans/${s.name}.json)`
          : ''
      }`,
    );
  }
  if (offsite) {
    if (opts.approve) console.log(`✓ ${OFFSITE_STACK}: deployed the reviewed template`);
    else {
      writeFileSync(templateDigestFile, `${digest(template)}\n`);
      console.log(`${OFFSITE_STACK}: diff in ${opts.out}/plans/${OFFSITE_STACK}.diff.txt`);
    }
  }
  if (!opts.approve)
    console.log('review the plans, then apply exactly them with: citycloud deploy --approve');
  return EXIT.ok;
}
