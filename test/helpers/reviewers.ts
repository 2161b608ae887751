/** Reviewers' SSH keys and allowed-signers files, made with the real ssh-keygen, for the review tests. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A new ed25519 key pair in `dir`; returns the private key's path. */
export function keygen(dir: string, name: string): string {
  const key = join(dir, name);
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  return key;
}

/** An allowed-signers file listing each principal with its key's public half. */
export function allowedSigners(
  file: string,
  signers: readonly (readonly [principal: string, key: string])[],
): string {
  writeFileSync(
    file,
    signers.map(([principal, key]) => `${principal} ${readFileSync(`${key}.pub`, 'utf8').trim()}\n`).join(''),
  );
  return file;
}
