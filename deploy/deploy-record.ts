/**
 * The record of what deploy applied, kept beside the stacks' local state
 * (`state/citycloud-deploys.jsonl`, one JSON line per apply, appended, never rewritten). The last
 * line is what is deployed: the output's manifest digest, whether that output requires a review,
 * and its reviewers (the allowed signers it carried). The next deploy trusts those reviewers, not
 * the ones a change brings: a key added to the reviewers takes effect once a review by the
 * reviewers it joins is applied. A review made against another deployed output is a replay or a
 * rollback, refused unless `--allow-rollback`, which is written here too.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile } from '../model/index.ts';
import { DeployError } from './deploy-runner.ts';

export const RECORD_FILE = 'citycloud-deploys.jsonl';
export const RECORD_FORMAT = 'citycloud-deploy-record/v1';

export interface DeployRecord {
  readonly format: typeof RECORD_FORMAT;
  readonly at: string;
  /** Who ran the deploy (the operating-system user). */
  readonly operator: string;
  /** The manifest digest of the output applied. */
  readonly manifestSha256: string;
  readonly stacks: readonly string[];
  /** Whether the output applied requires a review: a later deploy does, whatever the next output says. */
  readonly requireReview: boolean;
  /** The allowed signers the output applied carried (deploy/allowed_signers), null when none. */
  readonly allowedSigners: string | null;
  readonly changeReview: {
    readonly sha256: string;
    readonly reviewer: string;
    readonly oldManifestSha256: string;
  } | null;
  readonly planReview: { readonly sha256: string; readonly reviewer: string } | null;
  /** Applied with --allow-rollback: the review was made against another deployed output. */
  readonly rollback: boolean;
}

const MAX_RECORD_BYTES = 64 * 1024 * 1024;

const isRecord = (r: unknown): r is DeployRecord => {
  const x = r as Partial<DeployRecord> | null;
  return (
    x?.format === RECORD_FORMAT &&
    typeof x.manifestSha256 === 'string' &&
    typeof x.requireReview === 'boolean' &&
    (x.allowedSigners === null || typeof x.allowedSigners === 'string') &&
    Array.isArray(x.stacks)
  );
};

/** The last apply recorded in `dir`, or null when none is; a record that cannot be read is refused (exit 2), never taken as none. */
export function lastDeploy(dir: string): DeployRecord | null {
  const file = join(dir, RECORD_FILE);
  if (!existsSync(file)) return null;
  const read = readRegularFile(
    file,
    {
      noun: 'the deploy record',
      expected: 'the deploy record citycloud deploy appends to',
      readable: 'a readable deploy record',
    },
    { maxBytes: MAX_RECORD_BYTES, noFollow: true },
  );
  if ('problem' in read) throw new DeployError(`${file}: ${read.problem}`, 2);
  const lines = read.bytes
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (lines.length === 0)
    throw new DeployError(
      `${file}: empty; expected the deploy record (remove it only if nothing was ever deployed)`,
      2,
    );
  let last: unknown;
  try {
    last = JSON.parse(lines.at(-1) as string);
  } catch {
    last = null;
  }
  if (!isRecord(last))
    throw new DeployError(
      `${file}:${lines.length}: not a deploy record (${RECORD_FORMAT}); the last apply cannot be known, so nothing is applied`,
      2,
    );
  return last;
}

export function appendDeploy(dir: string, record: DeployRecord): void {
  mkdirSync(dir, { recursive: true });
  // one write of one line with O_APPEND: a second deploy's line is never interleaved with it
  appendFileSync(join(dir, RECORD_FILE), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}
