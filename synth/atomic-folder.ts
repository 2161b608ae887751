/**
 * Replaces a folder all at once: files are written into a sibling temporary folder, which is
 * renamed into place only when everything is written. A failure at any point leaves the
 * previous folder as it was. Writing is synchronous from start to rename, so a signal handler
 * (see scripts/cli/interrupt.ts) runs before or after a replacement, never in the middle of one;
 * what a `kill -9` leaves is recovered, and said, by the next replacement.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pidAlive } from '../exec/pid-alive.ts';

/**
 * Clears what replacements killed half-way left beside `target` (their process is gone), and
 * says what it did, one line each: a `.tmp-PID` folder is an unfinished new output, removed; an
 * `.old-PID` folder is the previous output, put back when the kill came between the two renames
 * (target missing), removed otherwise.
 */
export function recoverLeftovers(target: string): string[] {
  const abs = resolve(target);
  const dir = dirname(abs);
  if (!existsSync(dir)) return [];
  const prefix = `${basename(abs)}.`;
  const notes: string[] = [];
  const leftovers = readdirSync(dir)
    .map((name) => ({
      name,
      m: name.startsWith(prefix) ? /^(tmp|old)-(\d+)$/.exec(name.slice(prefix.length)) : null,
    }))
    .filter((l) => l.m && !pidAlive(Number(l.m[2])))
    // the previous output first: it decides whether target is missing
    .sort((a, b) => (a.m?.[1] === 'old' ? -1 : 0) - (b.m?.[1] === 'old' ? -1 : 0));
  for (const { name, m } of leftovers) {
    const path = join(dir, name);
    const pid = m?.[2];
    if (m?.[1] === 'old' && !existsSync(abs)) {
      renameSync(path, abs);
      notes.push(
        `restored ${target} from ${name}: a synth (pid ${pid}) was killed while replacing it, so the previous output is back`,
      );
    } else {
      rmSync(path, { recursive: true, force: true });
      notes.push(
        m?.[1] === 'tmp'
          ? `removed ${name}: the unfinished output of a synth (pid ${pid}) that was killed`
          : `removed ${name}: an older output a killed synth (pid ${pid}) had set aside`,
      );
    }
  }
  return notes;
}

/** Writes `files` (relative path → bytes) as the new content of `target`, atomically. */
export function replaceFolder(target: string, files: ReadonlyMap<string, Uint8Array>): void {
  const abs = resolve(target);
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
