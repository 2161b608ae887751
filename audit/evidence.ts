/**
 * Review evidence: what was reviewed (both sides' artifact digests, the diff's own digest and
 * counts), by whom and when, signed with the reviewer's SSH key. `verifyEvidence` checks that an
 * out/ folder is exactly the reviewed NEW side — every artifact there, each with the reviewed
 * digest, no Terraform or CloudFormation input added beside them — and that the signature is good.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MANIFEST_FILE } from '../synth/manifest.ts';
import type { AuditReport } from './audit-diff.ts';
import { AuditInputError } from './audit-error.ts';
import type { OutputSide } from './output-side.ts';
import { REVIEW_NAMESPACE, type SignatureCheck, signPayload, verifyPayload } from './ssh-signature.ts';

export const EVIDENCE_FORMAT = 'citycloud-review-evidence/v1';

interface SideEvidence {
  readonly label: string;
  readonly manifestSha256: string;
  /** Artifact path → sha256, sorted by path. */
  readonly artifacts: Readonly<Record<string, string>>;
}

export interface Evidence {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly namespace: typeof REVIEW_NAMESPACE;
  readonly reviewer: string;
  readonly reviewedAt: string;
  readonly old: SideEvidence;
  readonly new: SideEvidence;
  readonly diff: { readonly schema: string; readonly sha256: string; readonly counts: AuditReport['counts'] };
  readonly signature: string;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Keys sorted at every level: the bytes that are signed do not depend on how the bundle was written. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** What is signed: the bundle without its signature, canonical. */
export const signedPayload = (e: Omit<Evidence, 'signature'> & { signature?: string }) => {
  const { signature: _, ...rest } = e;
  return canonicalJson(rest);
};

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
}): Evidence {
  const unsigned = {
    format: EVIDENCE_FORMAT,
    namespace: REVIEW_NAMESPACE,
    reviewer: options.reviewer,
    reviewedAt: options.now.toISOString(),
    old: sideEvidence(options.old),
    new: sideEvidence(options.new),
    diff: {
      schema: options.report.schema,
      sha256: sha256(options.reportJson),
      counts: options.report.counts,
    },
  } as const;
  return { ...unsigned, signature: signPayload(signedPayload(unsigned), options.signingKey) };
}

export function readEvidence(file: string): Evidence {
  if (!existsSync(file)) throw new AuditInputError(`${file}: no such review bundle`);
  let e: Evidence;
  try {
    e = JSON.parse(readFileSync(file, 'utf8')) as Evidence;
  } catch {
    throw new AuditInputError(
      `${file}: not JSON; expected a review bundle written by citycloud diff --evidence`,
    );
  }
  if (
    e?.format !== EVIDENCE_FORMAT ||
    typeof e.signature !== 'string' ||
    typeof e.new?.artifacts !== 'object'
  )
    throw new AuditInputError(`${file}: not a review bundle (format ${EVIDENCE_FORMAT} expected)`);
  return e;
}

/** Inputs Terraform or the AWS CDK would read beside the artifacts: a file of these kinds that was not reviewed is refused. */
const TOOL_INPUT = /^(terraform\/.*\.(tf|tf\.json|tfvars|tfvars\.json)|cloudformation\/(?!.*\/)[^/]+\.json)$/;

function filesUnder(root: string, dir = root): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    // Terraform's own working files (providers, modules) are not citycloud's
    if (e.isDirectory()) return e.name === '.terraform' ? [] : filesUnder(root, p);
    return [relative(root, p).split('\\').join('/')];
  });
}

export interface Verification {
  /** The out/ folder is exactly the reviewed NEW side. */
  readonly sameOutput: boolean;
  /** Each file that differs from what was reviewed, with how. */
  readonly differences: readonly string[];
  readonly signature: SignatureCheck;
  readonly evidence: Evidence;
}

export function verifyEvidence(
  evidence: Evidence,
  outDir: string,
  allowedSigners: string | null,
): Verification {
  const differences: string[] = [];
  const reviewed = evidence.new.artifacts;
  for (const [path, digest] of Object.entries(reviewed).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = join(outDir, path);
    if (!existsSync(file) || !statSync(file).isFile()) differences.push(`${path}: missing`);
    else if (sha256(readFileSync(file)) !== digest) differences.push(`${path}: changed since the review`);
  }
  const manifest = join(outDir, MANIFEST_FILE);
  if (!existsSync(manifest)) differences.push(`${MANIFEST_FILE}: missing`);
  else if (sha256(readFileSync(manifest)) !== evidence.new.manifestSha256)
    differences.push(`${MANIFEST_FILE}: not the reviewed manifest`);
  for (const path of [
    ...filesUnder(outDir, join(outDir, 'terraform')),
    ...filesUnder(outDir, join(outDir, 'cloudformation')),
  ])
    if (!(path in reviewed) && TOOL_INPUT.test(path)) differences.push(`${path}: not in the reviewed output`);
  const signature = verifyPayload(
    signedPayload(evidence),
    evidence.signature,
    evidence.reviewer,
    allowedSigners,
  );
  return { sameOutput: differences.length === 0, differences, signature, evidence };
}
