/**
 * Writing a file whole or not at all: a failed run leaves the file it would replace as it was.
 * The bytes go to a fresh temporary file beside it (created exclusively, so a link planted under
 * that name is never followed) and are renamed over it (which replaces a link planted at the file's
 * own name, not what it points to).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeWhole(file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, content, { flag: 'wx', mode: 0o644 });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
