/**
 * The plans `citycloud deploy` makes, in out/plans/: per stack the saved plan (`<stack>.tfplan`)
 * and its JSON (`<stack>.json`, what the reviewer reads), and an index (`plans.json`) naming the
 * output they were made from, the change review that output was verified against, and each file's
 * digest. The index is not trusted on its own — anyone who can write to out/ can write it — it
 * says which files belong together; a signed plan review, or the output's own digests, bind them.
 */
import { join } from 'node:path';
import { writeWhole } from '../exec/atomic-file.ts';
import { type LockedProvider, parseProviderLock } from '../model/index.ts';
import { OFFSITE_STACK, PROVIDER_LOCK_ARTIFACT } from '../synth/out-layout.ts';

const OFFSITE_TEMPLATE = `${OFFSITE_STACK}.template.json`;

import { AuditInputError } from './audit-error.ts';
import { notMadeFrom, readSavedPlan } from './plan-file.ts';
import { readArtifact, readManifestFiles, sha256Hex } from './reviewed-output.ts';
import { readBundleJson } from './signed-bundle.ts';
import { type REGISTRY, stackProviders } from './stack-providers.ts';
import { stackBlocks } from './terraform-index.ts';

export const PLANS_FORMAT = 'citycloud-plans/v1';
export const PLANS_INDEX = 'plans.json';

export interface PlannedStack {
  readonly stack: string;
  readonly planSha256: string;
  readonly jsonSha256: string;
}

export interface PlansIndex {
  readonly format: typeof PLANS_FORMAT;
  readonly tool: keyof typeof REGISTRY;
  /** The manifest of the out/ the plans were made from. */
  readonly output: { readonly manifestSha256: string };
  /** The sha256 of the change review bundle that out/ was verified against; null when none. */
  readonly changeReview: string | null;
  readonly madeAt: string;
  readonly stacks: readonly PlannedStack[];
  /** The off-site template whose diff was shown, and that diff, when the off-site stack was planned. */
  readonly offsite: { readonly templateSha256: string; readonly diffSha256: string } | null;
}

const STACK = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const planFile = (stack: string) => `${stack}.tfplan`;
/** What `cdk diff` said of the off-site stack. */
export const OFFSITE_DIFF_FILE = 'offsite.diff.txt';
export const planJsonFile = (stack: string) => `${stack}.json`;

/** Writes the index whole, by rename: a link planted at its name is replaced, never followed. */
export function writePlansIndex(dir: string, index: PlansIndex): void {
  writeWhole(join(dir, PLANS_INDEX), `${JSON.stringify(index, null, 2)}\n`);
}

const HEX = /^[0-9a-f]{64}$/;

export function readPlansIndex(dir: string): PlansIndex {
  const file = join(dir, PLANS_INDEX);
  const { value } = readBundleJson(file, 'plans index written by citycloud deploy');
  const i = value as Partial<PlansIndex> | null;
  const ok =
    i?.format === PLANS_FORMAT &&
    (i.tool === 'terraform' || i.tool === 'tofu') &&
    typeof i.output?.manifestSha256 === 'string' &&
    (i.changeReview === null || (typeof i.changeReview === 'string' && HEX.test(i.changeReview))) &&
    Array.isArray(i.stacks) &&
    i.stacks.every(
      (s) =>
        typeof s?.stack === 'string' &&
        STACK.test(s.stack) &&
        HEX.test(String(s.planSha256)) &&
        HEX.test(String(s.jsonSha256)),
    );
  if (!ok)
    throw new AuditInputError(`${file}: not the plans index citycloud deploy writes (${PLANS_FORMAT})`);
  return i as PlansIndex;
}

/** A planned stack's files, each the one the index names (by digest); AuditInputError otherwise. */
export function readPlannedStack(dir: string, s: PlannedStack): { plan: Buffer; json: Buffer } {
  const read = (name: string, sha: string) => {
    const r = readArtifact(dir, name);
    if ('problem' in r)
      throw new AuditInputError(`${join(dir, name)}: ${r.problem}; run citycloud deploy again`);
    if (sha256Hex(r.bytes) !== sha)
      throw new AuditInputError(
        `${join(dir, name)} is not the file citycloud deploy made (its sha256 differs from ${PLANS_INDEX}); run citycloud deploy again`,
      );
    return r.bytes;
  };
  return { plan: read(planFile(s.stack), s.planSha256), json: read(planJsonFile(s.stack), s.jsonSha256) };
}

/**
 * Why the saved plan of `stack` was not made from exactly its reviewed stack file and the reviewed
 * lock file's entries for it, or null.
 */
export function planNotMadeFrom(
  plan: Buffer,
  planName: string,
  stackBytes: Buffer,
  lock: readonly LockedProvider[],
  tool: keyof typeof REGISTRY,
): string | null {
  let stack: unknown;
  try {
    stack = stackBlocks(stackBytes);
  } catch {
    return 'the reviewed stack is not JSON';
  }
  const needs = stackProviders(stack, lock, tool);
  if ('unpinned' in needs)
    return `the reviewed lock file does not pin ${needs.unpinned.join(', ')}, which the stack requires`;
  return notMadeFrom(readSavedPlan(plan, planName), stackBytes, needs.providers);
}

/**
 * Why the plans of a plans folder were not made from exactly the output they name (`outDir`, as
 * its manifest lists it), one line a stack; none when they were. A reviewer signs only plans that
 * pass: what they read is then what Terraform would apply.
 */
export function plansNotMadeFrom(plansDir: string, outDir: string, index: PlansIndex): string[] {
  const m = readManifestFiles(outDir);
  if ('problem' in m) return [m.problem];
  if (m.manifestSha256 !== index.output.manifestSha256)
    return [
      `the plans were made from another output than ${outDir} (its manifest differs from the one ${PLANS_INDEX} names)`,
    ];
  const artifact = (path: string): Buffer | string => {
    const r = readArtifact(outDir, path);
    if ('problem' in r) return `${path}: ${r.problem}`;
    return sha256Hex(r.bytes) === m.files.get(path) ? r.bytes : `${path}: changed since synth`;
  };
  const lockBytes = m.files.has(PROVIDER_LOCK_ARTIFACT) ? artifact(PROVIDER_LOCK_ARTIFACT) : Buffer.from('');
  if (typeof lockBytes === 'string') return [lockBytes];
  const lock = parseProviderLock(lockBytes.toString('utf8'), PROVIDER_LOCK_ARTIFACT).providers;
  const problems: string[] = [];
  if (index.offsite) {
    const template = m.files.get(`cloudformation/${OFFSITE_TEMPLATE}`);
    const diff = readArtifact(plansDir, OFFSITE_DIFF_FILE);
    if (template !== index.offsite.templateSha256)
      problems.push(`the off-site diff was made of another template than ${outDir}'s`);
    if ('problem' in diff || sha256Hex(diff.bytes) !== index.offsite.diffSha256)
      problems.push(`${OFFSITE_DIFF_FILE} is not the diff citycloud deploy wrote`);
  }
  for (const s of index.stacks) {
    const stack = artifact(`terraform/stacks/${s.stack}/cdk.tf.json`);
    if (typeof stack === 'string') {
      problems.push(`stack ${s.stack}: ${stack}`);
      continue;
    }
    const { plan } = readPlannedStack(plansDir, s);
    const why = planNotMadeFrom(plan, planFile(s.stack), stack, lock, index.tool);
    if (why) problems.push(`stack ${s.stack}: ${why}`);
  }
  return problems;
}
