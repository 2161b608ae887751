/**
 * Review evidence of plans: that the plans `citycloud deploy` made from a reviewed output (each
 * saved plan and the JSON the reviewer read, by digest) were reviewed, by whom, when and until
 * when — signed in the `citycloud-plan-review` namespace, so no other signature (a change review's,
 * git's) counts as one. It names the output the plans were made from and the change review that
 * output was verified against, so deploy applies a plan only beside the review it was made after.
 */
import type { AuditReport } from './audit-diff.ts';
import { AuditInputError } from './audit-error.ts';
import type { PlansIndex } from './plans-folder.ts';
import { sha256Hex } from './reviewed-output.ts';
import {
  expiryAfter,
  isSignedBundle,
  readBundleJson,
  type SignedBundle,
  signBundle,
} from './signed-bundle.ts';
import { PLAN_REVIEW_NAMESPACE } from './ssh-signature.ts';

export const PLAN_REVIEW_FORMAT = 'citycloud-plan-review/v1';

export interface PlanReview extends SignedBundle {
  readonly format: typeof PLAN_REVIEW_FORMAT;
  readonly namespace: typeof PLAN_REVIEW_NAMESPACE;
  readonly output: { readonly manifestSha256: string };
  readonly changeReview: string | null;
  readonly tool: PlansIndex['tool'];
  /** The off-site stack's template and the diff of it the reviewer read, when it was planned. */
  readonly offsite: PlansIndex['offsite'];
  /** Stack → the digests of its saved plan and of its JSON. */
  readonly stacks: Readonly<Record<string, { readonly planSha256: string; readonly jsonSha256: string }>>;
  readonly report: {
    readonly schema: string;
    readonly sha256: string;
    readonly counts: AuditReport['counts'];
  };
}

export function makePlanReview(options: {
  readonly index: PlansIndex;
  readonly report: AuditReport;
  readonly reportJson: string;
  readonly reviewer: string;
  readonly signingKey: string;
  readonly now: Date;
  readonly validForMs?: number;
}): PlanReview {
  const { index } = options;
  return signBundle(
    {
      format: PLAN_REVIEW_FORMAT,
      namespace: PLAN_REVIEW_NAMESPACE,
      reviewer: options.reviewer,
      reviewedAt: options.now.toISOString(),
      ...expiryAfter(options.now, options.validForMs),
      output: { manifestSha256: index.output.manifestSha256 },
      changeReview: index.changeReview,
      tool: index.tool,
      offsite: index.offsite,
      stacks: Object.fromEntries(
        [...index.stacks]
          .sort((a, b) => (a.stack < b.stack ? -1 : 1))
          .map((s) => [s.stack, { planSha256: s.planSha256, jsonSha256: s.jsonSha256 }]),
      ),
      report: {
        schema: options.report.schema,
        sha256: sha256Hex(options.reportJson),
        counts: options.report.counts,
      },
    } as const,
    options.signingKey,
  );
}

export function readPlanReview(file: string): PlanReview & { readonly fileSha256: string } {
  const { value, bytes } = readBundleJson(file, 'plan review written by citycloud diff --plan … --evidence');
  if (!isSignedBundle(value, PLAN_REVIEW_FORMAT, PLAN_REVIEW_NAMESPACE))
    throw new AuditInputError(`${file}: not a plan review (format ${PLAN_REVIEW_FORMAT} expected)`);
  const p = value as PlanReview;
  const ok =
    typeof p.output?.manifestSha256 === 'string' &&
    (p.changeReview === null || typeof p.changeReview === 'string') &&
    typeof p.stacks === 'object' &&
    p.stacks !== null &&
    Object.values(p.stacks).every(
      (s) => typeof s?.planSha256 === 'string' && typeof s.jsonSha256 === 'string',
    );
  if (!ok) throw new AuditInputError(`${file}: its plans are not listed by digest; not a plan review`);
  return { ...p, fileSha256: sha256Hex(bytes) };
}
