/**
 * SSH signatures of review evidence with OpenSSH's `ssh-keygen -Y` (the mechanism git uses for
 * signed commits): sign with the reviewer's own key, verify against an allowed-signers file.
 * Every call is an argv (no shell); the data goes through stdin and temporary files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditInputError } from './audit-error.ts';

/**
 * The namespace a review of a change (OLD → NEW output) is signed in: a signature made for git,
 * e-mail or a plan review does not verify as one.
 */
export const REVIEW_NAMESPACE = 'citycloud-review';
/** The namespace a review of the plans made from a reviewed output is signed in. */
export const PLAN_REVIEW_NAMESPACE = 'citycloud-plan-review';

export type SignatureNamespace = typeof REVIEW_NAMESPACE | typeof PLAN_REVIEW_NAMESPACE;

/** The argv of a signature of stdin with `key`. */
export const signArgs = (key: string, namespace: SignatureNamespace = REVIEW_NAMESPACE): string[] => [
  '-Y',
  'sign',
  '-f',
  key,
  '-n',
  namespace,
];

/** The argv of a verification of stdin against `signatureFile` for `principal` listed in `allowedSigners`. */
export const verifyArgs = (
  allowedSigners: string,
  principal: string,
  signatureFile: string,
  namespace: SignatureNamespace = REVIEW_NAMESPACE,
): string[] => ['-Y', 'verify', '-f', allowedSigners, '-I', principal, '-n', namespace, '-s', signatureFile];

/** The argv of a check that the signature is good, whoever made it (no allowed-signers file). */
export const checkArgs = (
  signatureFile: string,
  namespace: SignatureNamespace = REVIEW_NAMESPACE,
): string[] => ['-Y', 'check-novalidate', '-n', namespace, '-s', signatureFile];

function sshKeygen(
  args: readonly string[],
  input: string,
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('ssh-keygen', args, { input, encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new AuditInputError(
      'ssh-keygen is not installed: signing and verifying review evidence needs OpenSSH (apt-get install openssh-client)',
    );
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: (r.stderr ?? '').trim() };
}

/** The armored SSH signature of `payload` made with `key` (a private key, or a public key whose private half is in ssh-agent). */
export function signPayload(
  payload: string,
  key: string,
  namespace: SignatureNamespace = REVIEW_NAMESPACE,
): string {
  const r = sshKeygen(signArgs(key, namespace), payload);
  if (r.status !== 0 || !r.stdout.includes('BEGIN SSH SIGNATURE'))
    throw new AuditInputError(
      `ssh-keygen could not sign with ${key}: ${r.stderr.split('\n').at(-1) || `exit ${r.status}`}`,
    );
  return r.stdout;
}

export type SignatureCheck =
  | { readonly ok: true; readonly detail: string; readonly signerChecked: boolean }
  | { readonly ok: false; readonly problem: string };

/**
 * Whether `signature` is a good signature of `payload` by `principal` as `allowedSigners` lists
 * them; without an allowed-signers file, only whether it is a good signature by some key.
 */
export function verifyPayload(
  payload: string,
  signature: string,
  principal: string,
  allowedSigners: string | null,
  namespace: SignatureNamespace = REVIEW_NAMESPACE,
): SignatureCheck {
  const dir = mkdtempSync(join(tmpdir(), 'citycloud-sig-'));
  try {
    const sig = join(dir, 'evidence.sig');
    writeFileSync(sig, signature);
    const r = sshKeygen(
      allowedSigners ? verifyArgs(allowedSigners, principal, sig, namespace) : checkArgs(sig, namespace),
      payload,
    );
    const said = `${r.stdout.trim()} ${r.stderr}`.trim().split('\n').at(-1) ?? '';
    if (r.status !== 0)
      return {
        ok: false,
        problem: allowedSigners
          ? `the signature does not verify for reviewer "${principal}" against ${allowedSigners}: ${said || `ssh-keygen exit ${r.status}`}`
          : `the signature is not good: ${said || `ssh-keygen exit ${r.status}`}`,
      };
    return { ok: true, detail: said, signerChecked: allowedSigners !== null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
