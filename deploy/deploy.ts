/**
 * `citycloud deploy`: the gate first (deploy/review-gate.ts), then the tools, in a staged copy of
 * exactly the checked files (deploy/stage.ts), never in out/.
 *
 * Without `--approve`: each Terraform stack is initialised against the reviewed lock file and
 * planned; the saved plan and its JSON go to out/plans/ with an index naming the output (and the
 * change review) they were made from; the off-site stack's diff is shown. With `--approve`: each
 * stack's saved plan is applied only if it is the one planned (its digest in the index), covered
 * by the plan review when there is a review, and made from exactly the reviewed stack and lock
 * file (the configuration a saved plan embeds is what Terraform applies); then the apply is
 * recorded beside the state (deploy/deploy-record.ts).
 */
import { lstatSync, mkdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { AuditInputError } from '../audit/audit-error.ts';
import { planReport } from '../audit/plan-report.ts';
import {
  OFFSITE_DIFF_FILE,
  PLANS_FORMAT,
  type PlannedStack,
  type PlansIndex,
  planFile,
  planJsonFile,
  planNotMadeFrom,
  readPlannedStack,
  readPlansIndex,
  writePlansIndex,
} from '../audit/plans-folder.ts';
import { readArtifact, sha256Hex } from '../audit/reviewed-output.ts';
import { LEVELS } from '../audit/risk/risk-rule.ts';
import { writeWhole } from '../exec/atomic-file.ts';
import {
  ALLOWED_SIGNERS_ARTIFACT,
  artifactRole,
  DEPLOY_ORDER_FILE,
  isToolInput,
  LOCAL_STATE_DIR,
  OFFSITE_STACK,
  PLANS_DIR,
} from '../synth/out-layout.ts';
import { appendDeploy } from './deploy-record.ts';
import { DeployError, findCdk, findTool, planSummary, runDeploySteps } from './deploy-runner.ts';
import { cdkSteps, type DeployStep, deploySteps, type IacTool, PLAN_FILE } from './deploy-steps.ts';
import { type OpenGate, openGate } from './review-gate.ts';
import { reviewedLock, stackPath, stageOutput } from './stage.ts';

export interface DeployOptions {
  readonly out: string;
  readonly stack?: string | undefined;
  readonly approve?: boolean | undefined;
  readonly tool?: IacTool | undefined;
  /** The signed change review (citycloud diff --evidence) out/ must be exactly the NEW side of. */
  readonly evidence?: string | undefined;
  /** The signed plan review (citycloud diff --plan out/plans --evidence) the applied plans must be in. */
  readonly planEvidence?: string | undefined;
  /** The inventory whose deploy section may require a review. */
  readonly inventory?: string | undefined;
  /** The reviewers' OpenSSH allowed-signers file, over those of the output deployed last. */
  readonly allowedSigners?: string | undefined;
  /** Apply a review made against another deployed output (recorded as a rollback). */
  readonly allowRollback?: boolean | undefined;
}

export interface DeployIo {
  /** Progress and notices (stderr). */
  readonly log: (line: string) => void;
  /** The result (stdout). */
  readonly say: (line: string) => void;
}

const TEMPLATE = `cloudformation/${OFFSITE_STACK}.template.json`;

/** The stacks of the reviewed output, in the order synth wrote (deploy-order.json), else by name. */
function stacksOf(gate: OpenGate): { stacks: string[]; offsite: boolean } {
  const found = [...gate.reviewed.keys()]
    .map((p) => artifactRole(p))
    .flatMap((r) => (r?.role === 'terraform-stack' ? [r.stack] : []))
    .sort();
  let order: string[] = [];
  const orderBytes = gate.kept.get(DEPLOY_ORDER_FILE);
  if (orderBytes)
    try {
      const stacks = (JSON.parse(orderBytes.toString('utf8')) as { stacks?: unknown }).stacks;
      if (!Array.isArray(stacks)) throw new Error('no list');
      order = stacks.filter((s): s is string => typeof s === 'string');
    } catch {
      throw new DeployError(
        `${DEPLOY_ORDER_FILE} is not the stack list synth writes; run citycloud synth again`,
        2,
      );
    }
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return {
    stacks: found.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1)),
    offsite: gate.reviewed.has(TEMPLATE),
  };
}

/** out/plans, a real folder (a link planted there is removed, never followed). */
function plansFolder(out: string): string {
  const dir = join(out, PLANS_DIR);
  try {
    if (!lstatSync(dir).isDirectory()) rmSync(dir, { force: true });
  } catch {
    // not there yet
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function runDeploy(opts: DeployOptions, io: DeployIo): Promise<number> {
  const recordDir = resolve(opts.out, '..', LOCAL_STATE_DIR);
  const phase = opts.approve ? 'apply' : 'plan';
  // the gate comes first: a refused deploy is refused whatever is installed
  const gate = await openGate({
    outDir: opts.out,
    evidence: opts.evidence,
    planEvidence: opts.planEvidence,
    inventory: opts.inventory,
    allowedSigners: opts.allowedSigners,
    allowRollback: opts.allowRollback,
    recordDir,
    phase,
    keep: (p) => {
      const role = artifactRole(p);
      return (
        role !== null && (isToolInput(role) || p === DEPLOY_ORDER_FILE || p === ALLOWED_SIGNERS_ARTIFACT)
      );
    },
  });
  const all = stacksOf(gate);
  const names = [...all.stacks, ...(all.offsite ? [OFFSITE_STACK] : [])];
  if (names.length === 0)
    throw new DeployError(
      `no stacks in ${opts.out}/terraform/stacks or ${opts.out}/cloudformation; run citycloud synth first`,
      2,
    );
  if (opts.stack && !names.includes(opts.stack))
    throw new DeployError(`no stack "${opts.stack}" in ${opts.out}; the stacks are: ${names.join(', ')}`, 2);
  const stacks = all.stacks.filter((s) => !opts.stack || s === opts.stack);
  const offsite = all.offsite && (!opts.stack || opts.stack === OFFSITE_STACK);
  for (const line of gate.lines) io.log(line);
  // every tool found before anything runs: a missing one should not leave half a deploy
  const tool = stacks.length > 0 ? findTool(opts.tool) : (opts.tool ?? 'terraform');
  const cdk = offsite ? findCdk() : null;
  return phase === 'plan'
    ? plan(opts, io, gate, { stacks, offsite, tool, cdk })
    : apply(opts, io, gate, { stacks, offsite, tool, cdk }, recordDir);
}

interface Selected {
  readonly stacks: readonly string[];
  readonly offsite: boolean;
  readonly tool: IacTool;
  readonly cdk: string | null;
}

async function plan(opts: DeployOptions, io: DeployIo, gate: OpenGate, sel: Selected): Promise<number> {
  const plans = plansFolder(opts.out);
  const changeReview = gate.evidence?.fileSha256 ?? null;
  // plans of other stacks made from the same output after the same review are kept beside these
  let earlier: PlansIndex | null = null;
  try {
    earlier = readPlansIndex(plans);
  } catch {
    earlier = null;
  }
  const same =
    earlier?.output.manifestSha256 === gate.manifestSha256 &&
    earlier.changeReview === changeReview &&
    earlier.tool === sel.tool;
  const made: PlannedStack[] = [];
  const staged = stageOutput({
    outDir: opts.out,
    kept: gate.kept,
    stacks: sel.stacks,
    offsite: sel.offsite,
    tool: sel.tool,
  });
  try {
    const results = await runDeploySteps(
      deploySteps({
        tool: sel.tool,
        stacks: sel.stacks.map((name) => ({ name, dir: staged.stackDir(name) })),
        approve: false,
      }),
      io.log,
    );
    for (const stack of sel.stacks) {
      const json = results.find((r) => r.step.stack === stack && r.step.action === 'show')?.stdout ?? '';
      const saved = readPlannedBytes(join(staged.stackDir(stack), PLAN_FILE));
      writeWhole(join(plans, planFile(stack)), saved);
      writeWhole(join(plans, planJsonFile(stack)), json);
      made.push({ stack, planSha256: sha256Hex(saved), jsonSha256: sha256Hex(json) });
    }
    let offsite: PlansIndex['offsite'] = same ? (earlier?.offsite ?? null) : null;
    if (sel.offsite && sel.cdk) {
      const [diff] = await runDeploySteps(
        cdkSteps({ cdk: sel.cdk, assemblyDir: staged.assemblyDir, approve: false }),
        io.log,
      );
      const text = diff?.stderr ?? '';
      writeWhole(join(plans, OFFSITE_DIFF_FILE), text);
      offsite = { templateSha256: gate.reviewed.get(TEMPLATE) as string, diffSha256: sha256Hex(text) };
    }
    const kept = same ? (earlier?.stacks ?? []).filter((s) => !sel.stacks.includes(s.stack)) : [];
    writePlansIndex(plans, {
      format: PLANS_FORMAT,
      tool: sel.tool,
      output: { manifestSha256: gate.manifestSha256 },
      changeReview,
      madeAt: new Date().toISOString(),
      stacks: [...kept, ...made].sort((a, b) => (a.stack < b.stack ? -1 : 1)),
      offsite,
    });
  } finally {
    staged.cleanUp();
  }
  for (const stack of sel.stacks) {
    const file = join(plans, planJsonFile(stack));
    const { add, change, destroy } = planSummary(readPlannedBytes(file).toString('utf8'));
    // the plan through the audit's risk rules: what a reviewer should look at first
    const { counts } = planReport(file);
    const risk = LEVELS.filter((l) => counts[l] > 0).map((l) => `${counts[l]} ${l}`);
    io.say(
      `${stack}: ${add} to add, ${change} to change, ${destroy} to destroy — plan in ${file}${
        risk.length ? `; by risk ${risk.join(', ')} (citycloud diff --plan ${file})` : ''
      }`,
    );
  }
  if (sel.offsite) io.say(`${OFFSITE_STACK}: diff in ${join(plans, `${OFFSITE_STACK}.diff.txt`)}`);
  io.say(
    gate.evidence
      ? `review the plans and sign them: citycloud diff --plan ${plans} --evidence plan-review.json --reviewer <name>; then apply exactly them: citycloud deploy --approve --evidence ${opts.evidence} --plan-evidence plan-review.json`
      : 'review the plans, then apply exactly them with: citycloud deploy --approve',
  );
  return 0;
}

/**
 * The reviewed plans of `stacks`, each checked before any is applied: the one planned (its digest
 * in the index), covered by the plan review when there is one, and made from exactly the reviewed
 * stack and lock file. Returns each plan's JSON, as checked — what the apply must plan again.
 */
export function checkPlans(
  gate: OpenGate,
  plans: string,
  index: PlansIndex,
  stacks: readonly string[],
  planEvidence: string | undefined,
  again: string,
): Map<string, Buffer> {
  const lock = reviewedLock(gate.kept);
  const reviewed = new Map<string, Buffer>();
  for (const stack of stacks) {
    const entry = index.stacks.find((s) => s.stack === stack);
    if (!entry) throw new DeployError(`stack ${stack} has no reviewed plan; ${again}`, 2);
    let files: { plan: Buffer; json: Buffer };
    try {
      files = readPlannedStack(plans, entry);
    } catch (err) {
      if (!(err instanceof AuditInputError)) throw err;
      throw new DeployError(
        `the saved plan of stack ${stack} is not the one that was made: ${err.message}`,
        2,
      );
    }
    const signed = gate.planReview?.stacks[stack];
    if (
      gate.planReview &&
      (!signed || signed.planSha256 !== entry.planSha256 || signed.jsonSha256 !== entry.jsonSha256)
    )
      throw new DeployError(
        `refused: the saved plan of stack ${stack} is not one ${planEvidence} reviewed${signed ? ' (its digest differs)' : ' (it lists no plan of that stack)'}`,
        1,
      );
    const stackBytes = gate.kept.get(stackPath(stack));
    if (!stackBytes) throw new DeployError(`stack ${stack} is not in the reviewed output`, 2);
    const why = planNotMadeFrom(files.plan, planFile(stack), stackBytes, lock, index.tool);
    if (why)
      throw new DeployError(
        `refused: the saved plan of stack ${stack} was not made from the reviewed output: ${why}; ${again}`,
        1,
      );
    reviewed.set(stack, files.json);
  }
  return reviewed;
}

/**
 * How a plan made now differs from the reviewed one, or null when it is the same plan: the same
 * JSON but for the time it was made (`terraform show -json` is deterministic otherwise).
 */
export function planDifference(reviewed: string, fresh: string): string | null {
  const read = (text: string) => {
    const { timestamp: _, ...rest } = JSON.parse(text) as Record<string, unknown>;
    return rest;
  };
  const a = read(reviewed);
  const b = read(fresh);
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  const byAddress = (p: Record<string, unknown>) =>
    new Map(
      ((p.resource_changes ?? []) as { address: string }[]).map((rc) => [rc.address, JSON.stringify(rc)]),
    );
  const x = byAddress(a);
  const y = byAddress(b);
  const differ = [...new Set([...x.keys(), ...y.keys()])].filter((k) => x.get(k) !== y.get(k)).sort();
  return differ.length
    ? `it would change ${differ.slice(0, 3).join(', ')}${differ.length > 3 ? ` and ${differ.length - 3} more` : ''} otherwise`
    : 'it differs in what it was planned against (the prior state, outputs or configuration)';
}

/** A file deploy made itself, read back bounded and without following a link. */
function readPlannedBytes(file: string): Buffer {
  const r = readArtifact(resolve(file, '..'), basename(file));
  if ('problem' in r) throw new DeployError(`${file}: ${r.problem}`, 2);
  return r.bytes;
}

async function apply(
  opts: DeployOptions,
  io: DeployIo,
  gate: OpenGate,
  sel: Selected,
  recordDir: string,
): Promise<number> {
  const plans = join(opts.out, PLANS_DIR);
  const again = `run citycloud deploy${opts.stack ? ` --stack ${opts.stack}` : ''} and review its plans again`;
  let index: PlansIndex;
  try {
    index = readPlansIndex(plans);
  } catch (err) {
    if (!(err instanceof AuditInputError)) throw err;
    throw new DeployError(`no reviewed plans: ${err.message}; ${again}`, 2);
  }
  if (index.output.manifestSha256 !== gate.manifestSha256)
    throw new DeployError(
      `the plans in ${plans} were made from another output than ${opts.out}; ${again}`,
      2,
    );
  if (index.tool !== sel.tool)
    throw new DeployError(`the plans in ${plans} were made by ${index.tool}, not ${sel.tool}; ${again}`, 2);
  const reviewedJson = checkPlans(gate, plans, index, sel.stacks, opts.planEvidence, again);
  if (sel.offsite && index.offsite?.templateSha256 !== gate.reviewed.get(TEMPLATE))
    throw new DeployError(
      `stack ${OFFSITE_STACK} has no reviewed diff of this template (run citycloud deploy and review ${join(plans, OFFSITE_DIFF_FILE)} first)`,
      2,
    );
  // with a review, the off-site diff is one the plan review read
  if (
    sel.offsite &&
    gate.planReview &&
    JSON.stringify(gate.planReview.offsite ?? null) !== JSON.stringify(index.offsite ?? null)
  )
    throw new DeployError(
      `refused: the off-site stack's diff is not the one ${opts.planEvidence} reviewed; ${again}`,
      1,
    );
  const staged = stageOutput({
    outDir: opts.out,
    kept: gate.kept,
    stacks: sel.stacks,
    offsite: sel.offsite,
    tool: sel.tool,
  });
  const applied: string[] = [];
  try {
    for (const stack of sel.stacks) {
      const [init, plan, show, applyStep] = deploySteps({
        tool: sel.tool,
        stacks: [{ name: stack, dir: staged.stackDir(stack) }],
        approve: true,
      }) as [DeployStep, DeployStep, DeployStep, DeployStep];
      // planned again here, from the reviewed stack, against the real state and backend: applied
      // only if it is the plan the reviewer read — a plan file from out/ is never applied (it
      // carries a backend and a workspace of its own, which no JSON shows), and a state changed
      // since the review gives another plan, refused
      const [, , shown] = await runDeploySteps([init, plan, show], io.log);
      const why = planDifference((reviewedJson.get(stack) as Buffer).toString('utf8'), shown?.stdout ?? '');
      if (why)
        throw new DeployError(
          `refused: planned again, stack ${stack} is not the plan that was reviewed (${planJsonFile(stack)}): ${why}; nothing of it was applied — ${again}`,
          1,
        );
      await runDeploySteps([applyStep], io.log);
      applied.push(stack);
      io.say(`✓ ${stack}: applied the reviewed plan`);
    }
    if (sel.offsite && sel.cdk) {
      await runDeploySteps(
        cdkSteps({ cdk: sel.cdk, assemblyDir: staged.assemblyDir, approve: true }),
        io.log,
      );
      applied.push(OFFSITE_STACK);
      io.say(`✓ ${OFFSITE_STACK}: deployed the reviewed template`);
    }
  } finally {
    staged.cleanUp();
    // what was applied is recorded even when a later stack failed: the state moved
    if (applied.length > 0) record(gate, applied, recordDir);
  }
  return 0;
}

function record(gate: OpenGate, stacks: readonly string[], recordDir: string): void {
  const signers = gate.kept.get(ALLOWED_SIGNERS_ARTIFACT);
  appendDeploy(recordDir, {
    format: 'citycloud-deploy-record/v1',
    at: new Date().toISOString(),
    operator: userInfo().username,
    manifestSha256: gate.manifestSha256,
    stacks,
    requireReview: gate.required,
    allowedSigners: signers ? signers.toString('utf8') : null,
    changeReview: gate.evidence
      ? {
          sha256: gate.evidence.fileSha256,
          reviewer: gate.evidence.reviewer,
          oldManifestSha256: gate.evidence.old.manifestSha256,
        }
      : null,
    planReview: gate.planReview
      ? { sha256: gate.planReview.fileSha256, reviewer: gate.planReview.reviewer }
      : null,
    rollback: gate.rollback,
  });
}
