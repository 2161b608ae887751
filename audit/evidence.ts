/**
 * Review evidence of a change: what was reviewed (both sides' artifact digests, the diff's own
 * digest and counts), by whom, when and until when, signed with the reviewer's SSH key in the
 * `citycloud-review` namespace. The OLD side's manifest digest says which deployed output the
 * review was made against: deploy refuses the bundle when that is not what is deployed (a replay,
 * or a rollback nobody asked for). `verifyEvidence` checks that an out/ folder is exactly the
 * reviewed NEW side (audit/reviewed-output.ts) and that the signature is good.
 */
import { basename } from 'node:path';
import type { AuditReport } from './audit-diff.ts';
import { AuditInputError } from './audit-error.ts';
import type { OutputSide } from './output-side.ts';
import { checkReviewedOutput, sha256Hex } from './reviewed-output.ts';
import {
  checkSignature,
  expiryAfter,
  expiryProblem,
  isSignedBundle,
  readBundleJson,
  type SignedBundle,
  signBundle,
} from './signed-bundle.ts';
import { REVIEW_NAMESPACE, type SignatureCheck } from './ssh-signature.ts';

export { canonicalJson } from '../view/canonical-json.ts';
export { signedPayload } from './signed-bundle.ts';

export const EVIDENCE_FORMAT = 'citycloud-review-evidence/v1';

interface SideEvidence {
  readonly label: string;
  readonly manifestSha256: string;
  /** Artifact path → sha256, sorted by path. */
  readonly artifacts: Readonly<Record<string, string>>;
}

/**
 * A restore drill's report the reviewer vouches for with the change (`--drill-report`): its bytes'
 * SHA-256, and what it says of itself.
 */
export interface DrillEvidence {
  readonly file: string;
  readonly sha256: string;
  readonly run: string;
  readonly drill: string;
  readonly passed: boolean;
}

export interface Evidence extends SignedBundle {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly namespace: typeof REVIEW_NAMESPACE;
  readonly old: SideEvidence;
  readonly new: SideEvidence;
  readonly diff: { readonly schema: string; readonly sha256: string; readonly counts: AuditReport['counts'] };
  readonly drills?: readonly DrillEvidence[];
}

/** The drill report format `citycloud runbook restore-drill` writes. */
const DRILL_REPORT_FORMAT = 'citycloud-restore-drill/v1';
const DRILL_FIELD = /^[A-Za-z0-9:._-]{1,80}$/;

/** A restore drill's report, read for review evidence: its digest and what it says of itself. */
export function drillEvidence(file: string): DrillEvidence {
  const { value, bytes } = readBundleJson(file, 'restore drill report (citycloud runbook restore-drill)');
  const r = value as {
    format?: unknown;
    run?: unknown;
    drill?: unknown;
    passed?: unknown;
    notJudged?: unknown;
    shards?: unknown;
  } | null;
  if (
    r?.format !== DRILL_REPORT_FORMAT ||
    typeof r.run !== 'string' ||
    !DRILL_FIELD.test(r.run) ||
    typeof r.drill !== 'string' ||
    !DRILL_FIELD.test(r.drill) ||
    typeof r.passed !== 'boolean' ||
    !Array.isArray(r.notJudged) ||
    !Array.isArray(r.shards)
  )
    throw new AuditInputError(`${file}: not a restore drill report (format ${DRILL_REPORT_FORMAT} expected)`);
  // the verdict signed is the one its shards give, not the one it states
  const shards = r.shards as { passed?: unknown; problems?: unknown }[];
  const follows =
    r.notJudged.length === 0 &&
    shards.length > 0 &&
    shards.every((s) => s?.passed === true && Array.isArray(s.problems) && s.problems.length === 0);
  if (r.passed !== follows)
    throw new AuditInputError(
      `${file}: says the drill ${r.passed ? 'passed' : 'failed'}, but its shards say it ${follows ? 'passed' : 'did not'}: not a report citycloud wrote`,
    );
  return { file: basename(file), sha256: sha256Hex(bytes), run: r.run, drill: r.drill, passed: r.passed };
}

const sideEvidence = (s: OutputSide): SideEvidence => ({
  label: s.label,
  manifestSha256: s.manifestSha256,
  artifacts: Object.fromEntries([...s.digests].sort(([a], [b]) => (a < b ? -1 : 1))),
});

export function makeEvidence(options: {
  readonly old: OutputSide;
  readonly new: OutputSide;
  readonly report: AuditReport;
  /** The report's JSON, as `citycloud diff --format json` prints it. */
  readonly reportJson: string;
  readonly reviewer: string;
  readonly signingKey: string;
  readonly now: Date;
  /** How long the review stays evidence, in milliseconds; none: until the deployed output moves on. */
  readonly validForMs?: number;
  /** Restore drill reports the reviewer vouches for with the change. */
  readonly drills?: readonly DrillEvidence[];
}): Evidence {
  return signBundle(
    {
      format: EVIDENCE_FORMAT,
      namespace: REVIEW_NAMESPACE,
      reviewer: options.reviewer,
      reviewedAt: options.now.toISOString(),
      ...expiryAfter(options.now, options.validForMs),
      old: sideEvidence(options.old),
      new: sideEvidence(options.new),
      diff: {
        schema: options.report.schema,
        sha256: sha256Hex(options.reportJson),
        counts: options.report.counts,
      },
      ...(options.drills && options.drills.length > 0 ? { drills: options.drills } : {}),
    } as const,
    options.signingKey,
  );
}

const isSide = (s: unknown): s is SideEvidence => {
  const x = s as Partial<SideEvidence> | null;
  return (
    typeof x?.manifestSha256 === 'string' &&
    typeof x.artifacts === 'object' &&
    x.artifacts !== null &&
    Object.values(x.artifacts).every((v) => typeof v === 'string')
  );
};

/** The bundle and the sha256 of its bytes (what a plan review and the deploy record name it by). */
export function readEvidence(file: string): Evidence & { readonly fileSha256: string } {
  const { value, bytes } = readBundleJson(file, 'review bundle written by citycloud diff --evidence');
  if (!isSignedBundle(value, EVIDENCE_FORMAT, REVIEW_NAMESPACE))
    throw new AuditInputError(`${file}: not a review bundle (format ${EVIDENCE_FORMAT} expected)`);
  const e = value as Evidence;
  if (!isSide(e.old) || !isSide(e.new))
    throw new AuditInputError(`${file}: its sides are not lists of artifact digests; not a review bundle`);
  return { ...e, fileSha256: sha256Hex(bytes) };
}

/** The reviewed NEW side as path → sha256. */
export const reviewedFiles = (e: Evidence): Map<string, string> => new Map(Object.entries(e.new.artifacts));

export interface Verification {
  /** The out/ folder is exactly the reviewed NEW side. */
  readonly sameOutput: boolean;
  /** Each way the folder differs from what was reviewed. */
  readonly differences: readonly string[];
  readonly signature: SignatureCheck;
  /** Why the bundle is no longer evidence (expired), or null. */
  readonly expired: string | null;
  readonly evidence: Evidence;
  /** The bytes of the files `keep` asked for, as checked. */
  readonly kept: ReadonlyMap<string, Buffer>;
}

export async function verifyEvidence(
  evidence: Evidence,
  outDir: string,
  allowedSigners: string | null,
  options: { readonly now?: Date; readonly keep?: (path: string) => boolean } = {},
): Promise<Verification> {
  const check = await checkReviewedOutput(outDir, reviewedFiles(evidence), {
    manifestSha256: evidence.new.manifestSha256,
    ...(options.keep ? { keep: options.keep } : {}),
  });
  // the signature is checked whatever the folder holds: a bad one is said too
  const signature = checkSignature(evidence, allowedSigners);
  return {
    sameOutput: check.differences.length === 0,
    differences: check.differences,
    signature,
    expired: expiryProblem(evidence, options.now ?? new Date()),
    evidence,
    kept: check.kept,
  };
}
