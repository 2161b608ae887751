/**
 * What the two kinds of review bundle share: the canonical bytes that are signed (the bundle
 * without its signature, keys sorted), the SSH signature in the bundle's own namespace, the
 * reviewer it is checked for, and an optional expiry — a review is evidence for a while, not
 * forever.
 */
import { existsSync } from 'node:fs';
import { readRegularFile } from '../model/index.ts';
import { canonicalJson } from '../view/canonical-json.ts';
import { AuditInputError } from './audit-error.ts';
import { type SignatureCheck, type SignatureNamespace, signPayload, verifyPayload } from './ssh-signature.ts';

export interface SignedBundle {
  readonly format: string;
  readonly namespace: SignatureNamespace;
  readonly reviewer: string;
  readonly reviewedAt: string;
  /** After this instant the bundle is refused (ISO 8601); absent: no expiry. */
  readonly expiresAt?: string;
  readonly signature: string;
}

/**
 * What is signed: the bundle without its signature, canonical (and without `fileSha256`, the
 * digest of the bundle's file a reader notes beside it, which is no part of the bundle).
 */
export const signedPayload = (b: object) => {
  const { signature: _, fileSha256: __, ...rest } = b as { signature?: string; fileSha256?: string };
  return canonicalJson(rest);
};

/** The bundle with its signature, made with the reviewer's key in the bundle's namespace. */
export function signBundle<T extends Omit<SignedBundle, 'signature'>>(
  unsigned: T,
  key: string,
): T & { signature: string } {
  return { ...unsigned, signature: signPayload(signedPayload(unsigned), key, unsigned.namespace) };
}

/** Whether the bundle's signature is good, by its reviewer as the allowed signers list them (when given). */
export const checkSignature = (b: SignedBundle, allowedSigners: string | null): SignatureCheck =>
  verifyPayload(signedPayload(b), b.signature, b.reviewer, allowedSigners, b.namespace);

/** Why the bundle is no longer evidence at `now`, or null. */
export function expiryProblem(b: SignedBundle, now: Date): string | null {
  if (b.expiresAt === undefined) return null;
  const at = Date.parse(b.expiresAt);
  if (!Number.isFinite(at))
    return `its expiry ${JSON.stringify(String(b.expiresAt).slice(0, 40))} is not a date`;
  return now.getTime() > at ? `it expired at ${new Date(at).toISOString()}; review again` : null;
}

/** The expiry of a bundle made at `now` that is valid for `ms` (none without). */
export const expiryAfter = (now: Date, ms: number | undefined) =>
  ms === undefined ? {} : { expiresAt: new Date(now.getTime() + ms).toISOString() };

/** The largest bundle read: a 10x city's change review lists ~600 files. */
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/** A bundle file parsed as JSON, or an AuditInputError saying what it is not. */
export function readBundleJson(file: string, what: string): { value: unknown; bytes: Buffer } {
  if (!existsSync(file)) throw new AuditInputError(`${file}: no such ${what}`);
  const read = readRegularFile(
    file,
    { noun: 'it', expected: what, readable: `${what}, readable` },
    { maxBytes: MAX_BUNDLE_BYTES },
  );
  if ('problem' in read) throw new AuditInputError(`${file}: ${read.problem}`);
  try {
    return { value: JSON.parse(read.bytes.toString('utf8')), bytes: read.bytes };
  } catch {
    throw new AuditInputError(`${file}: not JSON; expected a ${what}`);
  }
}

/** Whether `v` has the fields every bundle has, as strings. */
export const isSignedBundle = (v: unknown, format: string, namespace: string): v is SignedBundle => {
  const b = v as Partial<SignedBundle> | null;
  return (
    b?.format === format &&
    b.namespace === namespace &&
    typeof b.reviewer === 'string' &&
    typeof b.reviewedAt === 'string' &&
    typeof b.signature === 'string' &&
    (b.expiresAt === undefined || typeof b.expiresAt === 'string')
  );
};
