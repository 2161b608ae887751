/**
 * The review gate: what `citycloud deploy` may read from out/, and whose signatures open it.
 *
 * - **Whether a review is required**: the inventory's `deploy.requireReview`, or the output's own
 *   model (an output whose model cannot be read counts as requiring one: fail closed), or the
 *   output deployed last (the deploy record) — any of them.
 * - **What is reviewed**: with a change review (`--evidence`), exactly the files its NEW side
 *   lists; without one, the files out/'s manifest lists. out/ must be exactly those files
 *   (audit/reviewed-output.ts), and only the bytes checked are used.
 * - **Whose signature counts**: the allowed signers the operator names (`--allowed-signers`), else
 *   those of the output deployed last (the deploy record). Never the reviewers the change itself
 *   brings, nor a file the inventory's repository holds.
 * - **Against what**: a change review made against another deployed output (its OLD side) is a
 *   replay or a rollback, refused unless `--allow-rollback` (which the record keeps); a review
 *   past its expiry is refused; with the gate on, `--approve` needs a plan review too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditInputError } from '../audit/audit-error.ts';
import { cloudAssemblyProblem } from '../audit/cloud-assembly-check.ts';
import { DiffableFile } from '../audit/diffable-lines.ts';
import { type Evidence, readEvidence, verifyEvidence } from '../audit/evidence.ts';
import { type PlanReview, readPlanReview } from '../audit/plan-evidence.ts';
import { checkReviewedOutput, readManifestFiles } from '../audit/reviewed-output.ts';
import { checkSignature, expiryProblem } from '../audit/signed-bundle.ts';
import { DuplicateKeyError, parseStrictJson } from '../audit/strict-json.ts';
import {
  allowedSignersText,
  type DeploySettings,
  formatFinding,
  hasErrors,
  loadCity,
  providerLockText,
} from '../model/index.ts';
import { ALLOWED_SIGNERS_ARTIFACT, PROVIDER_LOCK_ARTIFACT } from '../synth/out-layout.ts';
import { type DeployRecord, lastDeploy, RECORD_FILE } from './deploy-record.ts';
import { DeployError } from './deploy-runner.ts';

const short = (sha: string) => sha.slice(0, 12);

/** The model an output carries, in out/. */
export const MODEL_FILE = 'model/city.json';

/**
 * Whether the output's model declares that it needs a review, from its checked bytes. Fail closed:
 * only a model that was checked against its listed digest, parses, and says `requireReview: false`
 * says no. Read as synth lays it out, section by section (the 10x city's model is 8 MB, its deploy
 * section a line), else parsed whole.
 */
export function modelRequiresReview(model: Buffer | undefined): boolean {
  return modelDeploy(model)?.requireReview !== false;
}

/** The model's deploy section, read from its checked bytes; undefined when it cannot be read. */
function modelDeploy(model: Buffer | undefined): Partial<DeploySettings> | undefined {
  if (!model) return undefined;
  let deploy: unknown;
  try {
    deploy = new DiffableFile(model).value('deploy');
  } catch {
    // laid out otherwise: parsed whole, strictly — as the diff reads it when its reader falls back
    try {
      deploy = (parseStrictJson(model.toString('utf8')) as { deploy?: unknown }).deploy;
    } catch (err) {
      if (err instanceof DuplicateKeyError)
        throw new DeployError(`refused: in ${MODEL_FILE} ${err.message}: it reads two ways`, 1);
      return undefined;
    }
  }
  return deploy !== null && typeof deploy === 'object' ? (deploy as Partial<DeploySettings>) : undefined;
}

/**
 * Why the files deploy trusts besides the stacks are not what the reviewed model makes them, or
 * null: the reviewers' file and the lock file are rendered from the model (whose diff shows each
 * reviewer and provider), and the cloud assembly's manifests must say what synth writes — a file
 * edited beside an unchanged model would otherwise be applied, or trusted, unseen.
 */
export function deployInputsProblem(kept: ReadonlyMap<string, Buffer>): string | null {
  const deploy = modelDeploy(kept.get(MODEL_FILE));
  const reviewers = Array.isArray(deploy?.reviewers) ? deploy.reviewers : [];
  const signers = kept.get(ALLOWED_SIGNERS_ARTIFACT)?.toString('utf8') ?? null;
  if (signers !== (reviewers.length ? allowedSignersText(reviewers) : null))
    return `${ALLOWED_SIGNERS_ARTIFACT} is not the reviewers the model lists`;
  const lock = kept.get(PROVIDER_LOCK_ARTIFACT)?.toString('utf8') ?? null;
  if (lock !== (deploy?.providerLock ? providerLockText(deploy.providerLock) : null))
    return `${PROVIDER_LOCK_ARTIFACT} is not the lock file the model pins`;
  const assembly = cloudAssemblyProblem(kept);
  return assembly ? `the off-site cloud assembly is not as synth writes it: ${assembly}` : null;
}

/** The files out/'s own manifest lists, and its digest (no review: what synth wrote is what is used). */
export function manifestFiles(outDir: string): { files: Map<string, string>; manifestSha256: string } {
  const m = readManifestFiles(outDir);
  if ('problem' in m) throw new DeployError(`${m.problem}; run citycloud synth again`, 2);
  return m;
}

/** The inventory's own requirement; an inventory that does not load leaves the policy unknown (exit 2). */
function inventoryRequiresReview(inventory: string | undefined): boolean {
  if (!inventory) return false;
  const { model, findings } = loadCity(inventory);
  if (!model || hasErrors(findings))
    throw new DeployError(
      `the inventory ${inventory} does not load, so its review policy is unknown: ${findings[0] ? formatFinding(findings[0]) : 'no model'}`,
      2,
    );
  return model.deploy.requireReview;
}

export interface TrustedSigners {
  /** The file ssh-keygen is given. */
  readonly file: string;
  /** Where it came from, for the messages. */
  readonly from: string;
}

/**
 * The reviewers whose signatures count: the operator's file, else those of the output deployed
 * last; null when neither says. The returned file is removed by `cleanUp`.
 */
export function trustedSigners(
  given: string | undefined,
  last: DeployRecord | null,
  recordDir: string,
): { signers: TrustedSigners | null; cleanUp: () => void } {
  if (given) {
    try {
      readFileSync(given);
    } catch {
      throw new DeployError(`the allowed-signers file ${given} cannot be read`, 2);
    }
    return { signers: { file: given, from: given }, cleanUp: () => {} };
  }
  if (!last?.allowedSigners) return { signers: null, cleanUp: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'citycloud-signers-'));
  const file = join(dir, 'allowed_signers');
  writeFileSync(file, last.allowedSigners, { mode: 0o600 });
  return {
    signers: { file, from: `the reviewers of the output deployed last (${join(recordDir, RECORD_FILE)})` },
    cleanUp: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Why a change review made against `old` may not be applied over what is deployed, or null. */
export function replayProblem(e: Evidence, last: DeployRecord | null): string | null {
  if (!last) return null;
  if (e.old.manifestSha256 === last.manifestSha256 || e.new.manifestSha256 === last.manifestSha256)
    return null;
  return `the review was made against output ${short(e.old.manifestSha256)}, but the output deployed last is ${short(last.manifestSha256)} (applied ${last.at}): a replayed or rolled-back review`;
}

export interface GateOptions {
  readonly outDir: string;
  /** The change review bundle. */
  readonly evidence?: string | undefined;
  /** The plan review bundle (apply only). */
  readonly planEvidence?: string | undefined;
  readonly inventory?: string | undefined;
  readonly allowedSigners?: string | undefined;
  readonly allowRollback?: boolean | undefined;
  /** Where the deploy record is (the stacks' local state folder). */
  readonly recordDir: string;
  /** plan: out/ checked; apply: the plan review required too (with a review); verify: checked if given. */
  readonly phase: 'plan' | 'apply' | 'verify';
  /** The files whose checked bytes are kept (the tool inputs deploy stages). */
  readonly keep: (path: string) => boolean;
  readonly now?: Date;
}

export interface OpenGate {
  readonly required: boolean;
  /** The files out/ is, by path → sha256. */
  readonly reviewed: ReadonlyMap<string, string>;
  readonly manifestSha256: string;
  /** The checked bytes of the files asked for. */
  readonly kept: ReadonlyMap<string, Buffer>;
  readonly evidence: (Evidence & { readonly fileSha256: string }) | null;
  readonly planReview: (PlanReview & { readonly fileSha256: string }) | null;
  readonly last: DeployRecord | null;
  readonly rollback: boolean;
  /** What to tell the operator: each check passed. */
  readonly lines: readonly string[];
}

function refuse(message: string): never {
  throw new DeployError(`refused: ${message}`, 1);
}

/** Checks everything the gate checks before any tool runs; throws DeployError with the first refusal. */
export async function openGate(o: GateOptions): Promise<OpenGate> {
  const now = o.now ?? new Date();
  const last = lastDeploy(o.recordDir);
  const lines: string[] = [];
  const bundle = <T>(read: () => T): T => {
    try {
      return read();
    } catch (err) {
      if (err instanceof AuditInputError) throw new DeployError(err.message, 2);
      throw err;
    }
  };
  const evidence = o.evidence ? bundle(() => readEvidence(o.evidence as string)) : null;
  if (o.planEvidence && o.phase === 'plan')
    throw new DeployError(
      '--plan-evidence is for deploy --approve: plans are reviewed after they are made',
      2,
    );
  const manifest = evidence ? null : manifestFiles(o.outDir);
  const reviewed = evidence
    ? new Map(Object.entries(evidence.new.artifacts))
    : (manifest?.files as Map<string, string>);
  const manifestSha256 = evidence ? evidence.new.manifestSha256 : (manifest?.manifestSha256 as string);
  // the model is kept from the one check of out/: whether it asks for a review is read from it
  const keep = (p: string) =>
    p === MODEL_FILE ||
    p === ALLOWED_SIGNERS_ARTIFACT ||
    p === PROVIDER_LOCK_ARTIFACT ||
    p.startsWith('cloudformation/') ||
    o.keep(p);
  const policy = inventoryRequiresReview(o.inventory) || Boolean(last?.requireReview);
  if (!evidence) {
    if (o.phase === 'verify')
      throw new DeployError('verify needs the review bundle to check out/ against', 2);
    const check = await checkReviewedOutput(o.outDir, reviewed, { manifestSha256, keep });
    const required = policy || modelRequiresReview(check.kept.get(MODEL_FILE));
    if (required)
      throw new DeployError(
        `a review is required (deploy.requireReview${last?.requireReview ? ' of the output deployed last' : ''}, or an output whose model does not say otherwise): deploy only with a signed review of ${o.outDir} — run citycloud diff <deployed> ${o.outDir} --evidence review.json --reviewer <name>, then citycloud deploy --evidence review.json`,
        2,
      );
    const inputs = check.differences.length === 0 ? deployInputsProblem(check.kept) : null;
    const differences = inputs ? [inputs] : check.differences;
    if (differences.length > 0)
      throw new DeployError(
        `${o.outDir} is not what synth wrote (its manifest): ${listed(differences)}; run citycloud synth again`,
        2,
        differences,
      );
    return {
      required,
      reviewed,
      manifestSha256,
      kept: check.kept,
      evidence: null,
      planReview: null,
      last,
      rollback: false,
      lines,
    };
  }
  const { signers, cleanUp } = trustedSigners(o.allowedSigners, last, o.recordDir);
  try {
    const v = await verifyEvidence(evidence, o.outDir, signers?.file ?? null, { now, keep });
    const required = policy || modelRequiresReview(v.kept.get(MODEL_FILE));
    if (required && !signers)
      throw new DeployError(
        `a review is required, and no reviewers are known to check its signature against: no deploy is recorded in ${join(o.recordDir, RECORD_FILE)} — for the first deploy, name the reviewers with --allowed-signers FILE`,
        2,
      );
    // a bundle whose signature fails is no review at all: said before what it would list
    if (!v.signature.ok) refuse(`${o.evidence}: ${v.signature.problem}`);
    if (!v.sameOutput)
      throw new DeployError(
        `refused: ${o.outDir} is not the output reviewed in ${o.evidence}: ${listed(v.differences)}`,
        1,
        v.differences,
      );
    const inputs = deployInputsProblem(v.kept);
    if (inputs) throw new DeployError(`refused: ${inputs}`, 1, [inputs]);
    if (v.expired) refuse(`${o.evidence}: ${v.expired}`);
    if (required && !v.signature.signerChecked)
      refuse('the review signature was not checked against allowed signers');
    const replay = replayProblem(evidence, last);
    if (replay && !o.allowRollback)
      refuse(
        `${replay}; review against the deployed output, or pass --allow-rollback to apply it anyway (the deploy record keeps that)`,
      );
    if (replay) lines.push(`! ${replay}: applied as a rollback (--allow-rollback), and recorded so`);
    if (!last) lines.push(`! no deploy is recorded in ${join(o.recordDir, RECORD_FILE)}: taken as the first`);
    lines.push(
      `✓ ${o.outDir} is the output ${evidence.reviewer} reviewed on ${evidence.reviewedAt}${
        v.signature.signerChecked
          ? `; the signature verifies against ${signers?.from}`
          : ' (signature good; signer not checked: no reviewers are known)'
      }`,
    );
    let planReview: OpenGate['planReview'] = null;
    if (o.phase === 'apply' || o.planEvidence) {
      if (!o.planEvidence)
        throw new DeployError(
          `with a review, --approve applies only plans a signed plan review covers: run citycloud diff --plan ${o.outDir}/plans --evidence plan-review.json --reviewer <name>, then deploy --approve --evidence ${o.evidence} --plan-evidence plan-review.json`,
          2,
        );
      const p = bundle(() => readPlanReview(o.planEvidence as string));
      const signature = checkSignature(p, signers?.file ?? null);
      if (!signature.ok) refuse(`${o.planEvidence}: ${signature.problem}`);
      if (required && !signature.signerChecked)
        refuse('the plan review signature was not checked against allowed signers');
      const expired = expiryProblem(p, now);
      if (expired) refuse(`${o.planEvidence}: ${expired}`);
      if (p.output.manifestSha256 !== manifestSha256)
        refuse(
          `${o.planEvidence} reviews plans made from output ${short(p.output.manifestSha256)}, not from the reviewed ${short(manifestSha256)}`,
        );
      if (p.changeReview !== evidence.fileSha256)
        refuse(`${o.planEvidence} reviews plans made after another change review than ${o.evidence}`);
      planReview = p;
      lines.push(`✓ the plans are the ones ${p.reviewer} reviewed on ${p.reviewedAt}`);
    }
    return {
      required,
      reviewed,
      manifestSha256,
      kept: v.kept,
      evidence,
      planReview,
      last,
      rollback: Boolean(replay),
      lines,
    };
  } finally {
    cleanUp();
  }
}

/** The first few differences in one line. */
export const listed = (d: readonly string[]) =>
  `${d.slice(0, 5).join('; ')}${d.length > 5 ? ` (and ${d.length - 5} more)` : ''}`;
