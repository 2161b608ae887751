/**
 * The files beside the inventory that a deploy trusts, read with it so that they are reviewed with
 * it: the reviewers' allowed-signers file the deploy section names, and Terraform's dependency
 * lock file, `.terraform.lock.hcl`, beside the root file (the team commits it; `terraform init`
 * then installs only providers with the reviewed checksums). Both are bounded reads, confined to
 * the inventory's folder like an include, and refused line by line when they are not what they
 * say they are.
 */
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseAllowedSigners, type Reviewer } from './allowed-signers.ts';
import { type InputProblem, InventoryInputError } from './input-error.ts';
import { type LockedProvider, parseProviderLock } from './provider-lock.ts';
import { quote } from './quote.ts';
import { readInventoryFile } from './read-file.ts';
import { displayPath, outsideOf } from './read-inventory.ts';
import type { InventorySources } from './source.ts';

/** Terraform's dependency lock file, beside the root inventory file. */
export const PROVIDER_LOCK_FILE = '.terraform.lock.hcl';

export interface CompanionFiles {
  /** The reviewers, when the inventory names an allowed-signers file; else none. */
  readonly reviewers: readonly Reviewer[];
  /** The locked providers, when the lock file is there; else null. */
  readonly providerLock: readonly LockedProvider[] | null;
  /** The files read, relative to the root file's folder, with their digests (for the manifest). */
  readonly inputs: readonly { readonly path: string; readonly sha256: string }[];
}

function readText(
  abs: string,
  what: string,
  expected: string,
  problems: InputProblem[],
  at: Omit<InputProblem, 'message'>,
) {
  const read = readInventoryFile(abs, { noun: 'it', expected, readable: `${expected}, readable` });
  if ('problem' in read) {
    problems.push({ ...at, message: `${what} ${read.problem}` });
    return null;
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(read.bytes), bytes: read.bytes };
  } catch {
    problems.push({ ...at, message: `${what} is not UTF-8 text` });
    return null;
  }
}

export function readCompanionFiles(
  rootFile: string,
  allowedSigners: string | undefined,
  sources: InventorySources,
): CompanionFiles {
  const rootAbs = resolve(rootFile);
  const rootDir = dirname(rootAbs);
  const realRootDir = realpathSync(rootDir);
  const problems: InputProblem[] = [];
  const inputs: { path: string; sha256: string }[] = [];
  const digest = (abs: string, bytes: Buffer) =>
    inputs.push({
      path: relative(rootDir, abs).split('\\').join('/'),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  let reviewers: Reviewer[] = [];
  if (allowedSigners !== undefined) {
    const at = sources.locate(['deploy'], 'allowedSigners', 'value');
    const abs = resolve(rootDir, allowedSigners);
    const outside = outsideOf(rootDir, realRootDir, abs);
    if (outside)
      problems.push({
        ...at,
        message: `deploy.allowedSigners ${quote(allowedSigners)} ${outside} ${displayPath(rootDir)}; expected a file in the inventory's folder or below it, reviewed with it`,
      });
    else {
      const read = readText(
        abs,
        `deploy.allowedSigners ${quote(allowedSigners)}:`,
        'an OpenSSH allowed-signers file',
        problems,
        at,
      );
      if (read) {
        const parsed = parseAllowedSigners(read.text, displayPath(abs));
        problems.push(...parsed.problems);
        reviewers = parsed.reviewers;
        digest(abs, read.bytes);
        if (parsed.problems.length === 0 && reviewers.length === 0)
          problems.push({
            ...at,
            message: `deploy.allowedSigners ${quote(allowedSigners)} lists no signer; expected at least one reviewer's key`,
          });
      }
    }
  }
  let providerLock: LockedProvider[] | null = null;
  const lockAbs = resolve(rootDir, PROVIDER_LOCK_FILE);
  if (existsSync(lockAbs)) {
    const file = displayPath(lockAbs);
    const outside = outsideOf(rootDir, realRootDir, lockAbs);
    if (outside)
      problems.push({
        file,
        message: `${outside} ${displayPath(rootDir)}; expected the team's lock file, reviewed with the inventory`,
      });
    else {
      const read = readText(lockAbs, 'the provider lock file', "Terraform's .terraform.lock.hcl", problems, {
        file,
      });
      if (read) {
        const parsed = parseProviderLock(read.text, file);
        problems.push(...parsed.problems);
        providerLock = parsed.providers;
        digest(lockAbs, read.bytes);
      }
    }
  }
  if (problems.length > 0) throw new InventoryInputError(problems);
  return { reviewers, providerLock, inputs };
}
