/**
 * The review gate of `citycloud deploy --approve`: with evidence, apply only an out/ that the
 * signed review bundle verifies (exactly the reviewed NEW side, a good signature by an allowed
 * signer); with `deploy.requireReview` in the inventory — or in the model the out/ was made from —
 * refuse to apply without such a bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditInputError } from '../audit/audit-error.ts';
import { readEvidence, verifyEvidence } from '../audit/evidence.ts';
import { DeployError } from './deploy-runner.ts';

export interface ReviewPolicy {
  /** The inventory requires a verified review before an apply. */
  readonly requireReview: boolean;
  /** The reviewers' allowed-signers file (resolved), or null. */
  readonly allowedSigners: string | null;
}

/** Whether the model synth wrote into out/ asks for a review (a gate the out/ itself declares). */
export function outRequiresReview(outDir: string): boolean {
  const file = join(outDir, 'model', 'city.json');
  if (!existsSync(file)) return false;
  try {
    return (
      (JSON.parse(readFileSync(file, 'utf8')) as { deploy?: { requireReview?: unknown } }).deploy
        ?.requireReview === true
    );
  } catch {
    return false;
  }
}

/** Checks the gate; returns the line to print when the out/ may be applied, throws DeployError when not. */
export function checkReviewGate(options: {
  readonly outDir: string;
  readonly evidence: string | undefined;
  readonly policy: ReviewPolicy;
}): string | null {
  const { outDir, evidence, policy } = options;
  const required = policy.requireReview || outRequiresReview(outDir);
  if (!evidence) {
    if (!required) return null;
    throw new DeployError(
      `deploy.requireReview is set: apply only with a signed review of ${outDir} — run citycloud diff <deployed> ${outDir} --evidence review.json --reviewer <name>, then citycloud deploy --approve --evidence review.json`,
      2,
    );
  }
  if (required && !policy.allowedSigners)
    throw new DeployError(
      'deploy.requireReview is set but no allowed-signers file is named (deploy.allowedSigners in the inventory, or --allowed-signers)',
      2,
    );
  if (policy.allowedSigners && !existsSync(policy.allowedSigners))
    throw new DeployError(`the allowed-signers file ${policy.allowedSigners} does not exist`, 2);
  let v: ReturnType<typeof verifyEvidence>;
  try {
    v = verifyEvidence(readEvidence(evidence), outDir, policy.allowedSigners);
  } catch (err) {
    if (err instanceof AuditInputError) throw new DeployError(err.message, 2);
    throw err;
  }
  if (!v.sameOutput)
    throw new DeployError(
      `refused: ${outDir} is not the output reviewed in ${evidence}: ${v.differences.slice(0, 5).join('; ')}${v.differences.length > 5 ? ` (and ${v.differences.length - 5} more)` : ''}`,
      1,
    );
  if (!v.signature.ok) throw new DeployError(`refused: ${evidence}: ${v.signature.problem}`, 1);
  if (required && !v.signature.signerChecked)
    throw new DeployError('refused: the review signature was not checked against allowed signers', 1);
  return `✓ ${outDir} is the output ${v.evidence.reviewer} reviewed on ${v.evidence.reviewedAt}${v.signature.signerChecked ? ' (signature verified against the allowed signers)' : ' (signature good; signer not checked: no allowed-signers file)'}`;
}
