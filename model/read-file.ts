/**
 * Reads one inventory file, bounded: only a regular file, never more than MAX_FILE_BYTES. A device
 * (/dev/zero), a FIFO or a socket named as an inventory would otherwise grow without end or hang.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The largest inventory file read: the built-in city's largest file is 30 KB, the 30x city's 2 MB. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

export type FileRead = { readonly bytes: Buffer } | { readonly problem: string };

const CANNOT_READ: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  ELOOP: 'a loop of symbolic links',
  ENOTDIR: 'a part of its path is not a folder',
};

/** The kind of a special file, for a message that says what was named instead of a file. */
function kindOf(st: ReturnType<typeof fstatSync>): string {
  if (st.isDirectory()) return 'is a folder';
  if (st.isFIFO()) return 'is a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device';
  if (st.isSocket()) return 'is a socket';
  return 'is not a regular file';
}

/** The file's bytes, or one line saying why it cannot be an inventory file. */
export function readInventoryFile(abs: string): FileRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would block forever; the type is checked next
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'EISDIR')
      return { problem: 'is a folder; expected a YAML inventory file such as city.yaml' };
    const why = CANNOT_READ[code] ?? code ?? 'unknown error';
    return { problem: `cannot read the inventory: ${why}; expected a readable YAML file` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const kind = kindOf(st);
      return {
        problem: `${kind}; expected a YAML inventory file${kind === 'is a folder' ? ' such as city.yaml' : ' (a regular file)'}`,
      };
    }
    if (st.size > MAX_FILE_BYTES) return { problem: tooLarge(`is ${mib(st.size)}`) };
    // read to the end, but never past the limit: a file may grow while it is read
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, MAX_FILE_BYTES + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_FILE_BYTES) return { problem: tooLarge(`grew past ${mib(MAX_FILE_BYTES)} while read`) };
    }
    return { bytes: Buffer.concat(chunks, total) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    return {
      problem: `cannot read the inventory: ${CANNOT_READ[code] ?? code}; expected a readable YAML file`,
    };
  } finally {
    closeSync(fd);
  }
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function tooLarge(what: string): string {
  return `${what}; expected an inventory file of at most ${mib(MAX_FILE_BYTES)}`;
}
