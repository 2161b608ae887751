/**
 * Whether an out/ folder is exactly a list of reviewed files (path → sha256), and — for deploy —
 * a copy of exactly those files made from the very bytes that were checked, so nothing can be
 * swapped between the check and the use.
 *
 * Exactly: every reviewed file there, a regular file (never a link, a FIFO or a device), with the
 * reviewed digest; every reviewed path one synth writes (`artifactRole`); and nothing else in the
 * folder — no `.terraform/` (a planted provider, a workspace), no `tfplan`, no stray file — except
 * the folder deploy writes its plans into, which a plan review covers on its own.
 */
import { hash } from 'node:crypto';
import { closeSync, type Dirent, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readRegularFile } from '../model/index.ts';
import { artifactRole, MANIFEST_FILE, PLANS_DIR } from '../synth/out-layout.ts';
import { DIGESTS } from './digest-thread.ts';

/** The largest artifact read: the 10x city's largest stack is ~20 MB. */
export const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

/** The sha256 of bytes or text, in hex (Node's one-shot hash: no Hash object for a single update). */
export const sha256Hex = (bytes: Uint8Array | string): string => hash('sha256', bytes, 'hex');

/** A file of out/, read bounded, without following a link; a line saying why not otherwise. */
export function readArtifact(
  outDir: string,
  path: string,
  options: { readonly shared?: boolean } = {},
): { bytes: Buffer } | { problem: string } {
  return readRegularFile(
    join(outDir, path),
    { noun: 'it', expected: 'the file synth wrote', readable: 'the file synth wrote, readable' },
    { maxBytes: MAX_ARTIFACT_BYTES, noFollow: true, ...(options.shared ? { shared: true } : {}) },
  );
}

export interface OutputCheck {
  /** Each way the folder differs from the review, one line each, `path: what`. */
  readonly differences: readonly string[];
  /** The bytes checked, by path, for the files asked for (`keep`). */
  readonly kept: ReadonlyMap<string, Buffer>;
}

/**
 * The entries under `dir` that the review does not list: a file not listed, a link, anything else
 * that is not a regular file, and a folder that holds nothing listed (said once, not file by file).
 */
function unlisted(
  root: string,
  dir: string,
  listed: ReadonlySet<string>,
  holds: ReadonlySet<string>,
  out: string[],
): void {
  let entries: Dirent[];
  try {
    // the entries' types as the folder lists them: a link is a link, never followed
    entries = readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    );
  } catch {
    return;
  }
  for (const st of entries) {
    const name = st.name;
    const path = dir ? `${dir}/${name}` : name;
    if (!dir && name === PLANS_DIR) continue;
    if (st.isDirectory() && holds.has(path)) unlisted(root, path, listed, holds, out);
    else if (st.isDirectory())
      out.push(
        `${path}/: not in the reviewed output${name === '.terraform' ? " (Terraform's working folder: a provider or a workspace planted there would be used)" : ''}`,
      );
    else if (st.isSymbolicLink() && listed.has(path))
      continue; // said when it was read
    else if (!st.isFile())
      out.push(
        `${path}: not in the reviewed output (${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; synth writes none)`,
      );
    else if (!listed.has(path)) out.push(`${path}: not in the reviewed output`);
  }
}

/**
 * Checks `outDir` against `reviewed` (and its manifest's bytes against `manifestSha256`); the bytes
 * of the paths `keep` selects are returned, read once, as checked. Each file is read into shared
 * memory and hashed on the digest thread while the next is read: the check costs about the hashing.
 */
export async function checkReviewedOutput(
  outDir: string,
  reviewed: ReadonlyMap<string, string>,
  options: { readonly manifestSha256: string; readonly keep?: (path: string) => boolean },
): Promise<OutputCheck> {
  const differences: string[] = [];
  const kept = new Map<string, Buffer>();
  const paths = [...reviewed.keys()].sort();
  for (const path of paths)
    if (artifactRole(path) === null)
      differences.push(
        `${path}: synth never writes this file, so no citycloud review can hold it (Terraform, OpenTofu or the AWS CDK may read it)`,
      );
  const hashed: { path: string; bytes: Buffer; sha256: Promise<string> }[] = [];
  for (const path of [MANIFEST_FILE, ...paths]) {
    const read = readArtifact(outDir, path, { shared: true });
    if ('problem' in read) {
      differences.push(`${path}: ${/no such file/.test(read.problem) ? 'missing' : read.problem}`);
      continue;
    }
    hashed.push({ path, bytes: read.bytes, sha256: DIGESTS.hash(read.bytes) });
  }
  for (const { path, bytes, sha256 } of hashed) {
    const want = path === MANIFEST_FILE ? options.manifestSha256 : reviewed.get(path);
    if ((await sha256) !== want)
      differences.push(
        path === MANIFEST_FILE ? `${path}: not the reviewed manifest` : `${path}: changed since the review`,
      );
    else if (path !== MANIFEST_FILE && options.keep?.(path)) kept.set(path, bytes);
  }
  // nothing else: a tool may read what the review never saw
  const listed = new Set([MANIFEST_FILE, ...paths]);
  const holds = new Set(
    paths.flatMap((p) =>
      p
        .split('/')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
    ),
  );
  unlisted(outDir, '', listed, holds, differences);
  return { differences, kept };
}

/**
 * Writes checked bytes into `dir` under their paths (deploy's staged copy): each file created
 * anew (`wx`: nothing there is followed or overwritten), private to the user; each folder made once.
 */
export function writeFiles(dir: string, files: ReadonlyMap<string, Uint8Array>): void {
  const made = new Set<string>();
  for (const [path, bytes] of files) {
    const folder = dirname(join(dir, path));
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      made.add(folder);
    }
    const fd = openSync(join(dir, path), 'wx', 0o600);
    try {
      for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd, bytes, at);
    } finally {
      closeSync(fd);
    }
  }
}

/** The files an output's own manifest lists (path → sha256) and the manifest's digest; a line saying why not. */
export function readManifestFiles(
  outDir: string,
): { files: Map<string, string>; manifestSha256: string } | { problem: string } {
  const read = readArtifact(outDir, MANIFEST_FILE);
  if ('problem' in read) return { problem: `${outDir}/${MANIFEST_FILE}: ${read.problem}` };
  let artifacts: unknown;
  try {
    artifacts = (JSON.parse(read.bytes.toString('utf8')) as { artifacts?: unknown }).artifacts;
  } catch {
    artifacts = null;
  }
  if (
    !Array.isArray(artifacts) ||
    !artifacts.every((a) => typeof a?.path === 'string' && typeof a?.sha256 === 'string')
  )
    return { problem: `${outDir}/${MANIFEST_FILE} is not the manifest citycloud synth writes` };
  return {
    files: new Map(artifacts.map((a: { path: string; sha256: string }) => [a.path, a.sha256])),
    manifestSha256: sha256Hex(read.bytes),
  };
}
