/**
 * One side of an audit diff: a synth output folder, read through its manifest. Only the files the
 * diff needs are read, each at most once; the manifest's digests decide which those are.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, MANIFEST_FORMATS, type Manifest } from '../synth/manifest.ts';
import { AuditInputError } from './audit-error.ts';
import { DIGESTS } from './digest-thread.ts';

export interface OutputSide {
  /** How the side is named in the report: the folder, or the git ref it was synthesized from. */
  readonly label: string;
  readonly dir: string;
  readonly manifest: Manifest;
  /** sha256 of manifest.json as written. */
  readonly manifestSha256: string;
  /** Artifact path → sha256. */
  readonly digests: ReadonlyMap<string, string>;
  /**
   * The artifact's bytes (read when first asked). Their digest is computed on a thread of its own
   * while the diff goes on; `verified()` says whether every file read is the one its manifest lists.
   */
  readonly bytes: (path: string) => Buffer;
  /** Resolves when every file read so far matches its manifest digest; rejects (AuditInputError) naming one that does not. */
  readonly verified: () => Promise<void>;
  /** The artifact's text. */
  readonly text: (path: string) => string;
}

export function openOutput(dir: string, label = dir): OutputSide {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file))
    throw new AuditInputError(
      `${label}: no ${MANIFEST_FILE} in ${dir}; expected a citycloud synth output folder (citycloud synth --out ${dir}) or a git ref`,
    );
  const bytesOfManifest = readFileSync(file);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytesOfManifest.toString('utf8')) as Manifest;
  } catch {
    throw new AuditInputError(`${file}: not JSON; expected the manifest citycloud synth writes`);
  }
  if (
    !(MANIFEST_FORMATS as readonly string[]).includes(manifest?.format) ||
    !Array.isArray(manifest.artifacts)
  )
    throw new AuditInputError(
      `${file}: format ${JSON.stringify(manifest?.format)} is not a citycloud manifest (${MANIFEST_FORMATS.join(', ')})`,
    );
  const cache = new Map<string, Buffer>();
  const checks: Promise<void>[] = [];
  const digests = new Map(manifest.artifacts.map((a) => [a.path, a.sha256]));
  const bytes = (path: string): Buffer => {
    let raw = cache.get(path);
    if (raw === undefined) {
      const p = join(dir, path);
      if (!existsSync(p))
        throw new AuditInputError(`${label}: ${path} is listed in its manifest but missing from ${dir}`);
      const read = DIGESTS.read(p, `${label}: ${path}`);
      raw = read.bytes;
      // what is diffed must be what the manifest (and so a review bundle) names; the digest is
      // made on a thread of its own, of the same bytes, beside the diff
      checks.push(
        read.sha256.then((hex) => {
          if (hex !== digests.get(path))
            throw new AuditInputError(
              `${label}: ${path} is not the file its manifest lists (its sha256 differs): the folder was changed after synth; synthesize it again`,
            );
        }),
      );
      cache.set(path, raw);
    }
    return raw;
  };
  const verified = async () => {
    await Promise.all(checks);
  };
  return {
    label,
    dir,
    manifest,
    manifestSha256: createHash('sha256').update(bytesOfManifest).digest('hex'),
    digests,
    bytes,
    verified,
    text: (path) => bytes(path).toString('utf8'),
  };
}
