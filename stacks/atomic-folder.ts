/**
 * Replaces a folder all at once: files are written into a sibling temporary folder, which is
 * renamed into place only when everything is written. A failure at any point leaves the
 * previous folder as it was.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The output folder cannot be used: it is a file, or a folder that synth did not write. */
export class OutFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutFolderError';
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes temporary folders left by synths that crashed (their process is gone). */
function removeStale(target: string): void {
  const dir = dirname(target);
  if (!existsSync(dir)) return;
  const prefix = `${basename(target)}.`;
  for (const name of readdirSync(dir)) {
    const m = name.startsWith(prefix) ? /^(?:tmp|old)-(\d+)$/.exec(name.slice(prefix.length)) : null;
    if (m && !isAlive(Number(m[1]))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Checks that `target` may be replaced: absent, or a folder that holds `marker` (a previous
 * output), or empty. Anything else would be someone's data.
 */
export function assertReplaceable(target: string, marker: string): void {
  if (!existsSync(target)) return;
  const st = lstatSync(target);
  if (!st.isDirectory())
    throw new OutFolderError(
      `${target}: is not a folder; expected an output folder (or a path that does not exist)`,
    );
  const entries = readdirSync(target);
  if (entries.length > 0 && !entries.includes(marker))
    throw new OutFolderError(
      `${target}: holds files but no ${marker}, so it is not a citycloud output; expected an empty folder or a previous output (choose another --out)`,
    );
}

/** Writes `files` (relative path → bytes) as the new content of `target`, atomically. */
export function replaceFolder(target: string, files: ReadonlyMap<string, Uint8Array>): void {
  const abs = resolve(target);
  removeStale(abs);
  const tmp = `${abs}.tmp-${process.pid}`;
  const old = `${abs}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(tmp, { recursive: true });
    const made = new Set<string>();
    for (const [rel, bytes] of files) {
      const file = join(tmp, rel);
      const dir = dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(file, bytes);
    }
    const hadPrevious = existsSync(abs);
    if (hadPrevious) renameSync(abs, old);
    try {
      renameSync(tmp, abs);
    } catch (err) {
      if (hadPrevious) renameSync(old, abs);
      throw err;
    }
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
