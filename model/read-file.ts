/**
 * Reads one inventory file — or any file citycloud is handed (a synth output's artifact, a plan) —
 * bounded: only a regular file, never more than its limit. A device (/dev/zero), a FIFO or a
 * socket named as an inventory would otherwise grow without end or hang.
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

/** What is read, for the messages: the inventory by default, or a file read with it. */
export interface FileKind {
  /** e.g. "the inventory". */
  readonly noun: string;
  /** e.g. "a YAML inventory file". */
  readonly expected: string;
  /** e.g. "a readable YAML file". */
  readonly readable: string;
}

const INVENTORY: FileKind = {
  noun: 'the inventory',
  expected: 'a YAML inventory file',
  readable: 'a readable YAML file',
};

export interface ReadLimits {
  readonly maxBytes: number;
  /** Refuse a symbolic link (O_NOFOLLOW) rather than read what it points to. */
  readonly noFollow?: boolean;
  /** Read into shared memory (a SharedArrayBuffer), for a worker thread to read the same bytes. */
  readonly shared?: boolean;
}

/** The inventory file's bytes, or one line saying why it cannot be one. */
export const readInventoryFile = (abs: string, kind: FileKind = INVENTORY): FileRead =>
  readRegularFile(abs, kind, { maxBytes: MAX_FILE_BYTES });

/** The bytes of a regular file of at most `limits.maxBytes`, or one line saying why not. */
export function readRegularFile(abs: string, kind: FileKind, limits: ReadLimits): FileRead {
  const max = limits.maxBytes;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would block forever; the type is checked next
    fd = openSync(
      abs,
      constants.O_RDONLY | constants.O_NONBLOCK | (limits.noFollow ? constants.O_NOFOLLOW : 0),
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'EISDIR')
      return {
        problem: `is a folder; expected ${kind.expected}${kind === INVENTORY ? ' such as city.yaml' : ''}`,
      };
    if (code === 'ELOOP' && limits.noFollow)
      return { problem: `is a symbolic link; expected ${kind.expected} (a regular file)` };
    const why = CANNOT_READ[code] ?? code ?? 'unknown error';
    return { problem: `cannot read ${kind.noun}: ${why}; expected ${kind.readable}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const what = kindOf(st);
      return {
        problem: `${what}; expected ${kind.expected}${what === 'is a folder' && kind === INVENTORY ? ' such as city.yaml' : ' (a regular file)'}`,
      };
    }
    if (st.size > max) return { problem: tooLarge(`is ${mib(st.size)}`, kind, max) };
    // read to the end, but never past the limit: a file may grow while it is read
    const chunks: Buffer[] = [];
    let total = 0;
    // the size it says first (one read for most files), then more only if it grows meanwhile
    let want = Math.min(st.size + 1, max + 1);
    for (;;) {
      const size = Math.max(1, Math.min(want, max + 1 - total));
      const chunk =
        limits.shared && chunks.length === 0
          ? Buffer.from(new SharedArrayBuffer(size))
          : Buffer.allocUnsafe(size);
      want = 1 << 20;
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > max) return { problem: tooLarge(`grew past ${mib(max)} while read`, kind, max) };
    }
    return { bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    return {
      problem: `cannot read ${kind.noun}: ${CANNOT_READ[code] ?? code}; expected ${kind.readable}`,
    };
  } finally {
    closeSync(fd);
  }
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function tooLarge(what: string, kind: FileKind, max: number): string {
  return `${what}; expected ${kind === INVENTORY ? 'an inventory file' : kind.expected} of at most ${mib(max)}`;
}
