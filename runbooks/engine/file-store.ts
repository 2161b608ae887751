/**
 * The local run store: `<dir>/lock.json` (created exclusively, so two processes cannot both take
 * it) and `<dir>/<run>/journal.jsonl`, one JSON record a line, appended and fsynced. Records
 * appended while a flush is under way share the next one (group commit), so a wave of steps
 * running side by side costs a few fsyncs, not one each.
 *
 * A `kill -9` can leave a torn last line: it was never durable, so no action followed it, and
 * opening the journal drops it. Every other line must be a record of the chain
 * (runbooks/engine/journal-chain.ts), or the journal is refused at that line.
 *
 * Only the lock's holder appends: before each write the journal checks that `lock.json` still
 * carries the token of its acquisition, so a run whose lock was broken (`unlock --force`) stops
 * instead of writing beside the next holder.
 *
 * Nothing in the folder is trusted: the lock file and the journals are opened without following
 * a link, only when they are regular files of a bounded size, and the lock file is written whole
 * through a temporary file created exclusively (so a link planted in its place is never written
 * through). A lock file that cannot be read is a lock of unknown owner, never a run's.
 *
 * This store protects one machine's runs folder. Two operators with two runs folders, or on two
 * machines, are two locks: a team shares the PostgreSQL store (docs/runbooks.md).
 */

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from '../../exec/pid-alive.ts';
import { groupCommitJournal } from './group-commit.ts';
import { type ChainHead, checkChain } from './journal-chain.ts';
import type { Actor, JournalRecord } from './journal-records.ts';
import {
  HEARTBEAT_SECONDS,
  type HeldLock,
  type Journal,
  JournalRefused,
  JournalUnwritable,
  type Liveness,
  LOCK_EXPIRES_SECONDS,
  type LockInfo,
  LockRefused,
  lockOf,
  RUN_ID,
  RunNotFound,
  type RunStore,
  RunStoreUnavailable,
  unreadableLock,
} from './run-store.ts';

/** The largest journal read: a run of the built-in city writes a few megabytes. */
export const MAX_JOURNAL_BYTES = 256 * 1024 * 1024;
const MAX_LOCK_BYTES = 64 * 1024;
/** Opened for reading: never through a link, never waiting on a named pipe. */
const READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Parses and checks the journal's bytes: the records (each checked in the chain) and the length
 * of the good part, without a torn last line.
 */
export function parseJournal(
  bytes: Buffer,
  file: string,
  run: string,
): { records: JournalRecord[]; goodBytes: number; head: ChainHead } {
  const records: unknown[] = [];
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    // the rest has no newline: a torn last line, never made durable
    if (end < 0) break;
    try {
      records.push(JSON.parse(utf8.decode(bytes.subarray(start, end))));
    } catch {
      // a line with its newline was written whole (a record and its newline go in one write)
      throw new JournalRefused(
        `${file}:${line}: a journal line that is not JSON text; the journal was changed by hand`,
      );
    }
    start = end + 1;
  }
  const head = checkChain(records, run, (i) => `${file}:${i + 1}`);
  return { records: records as JournalRecord[], goodBytes: start, head };
}

/** Why a file of the folder cannot be used, from an fs error. */
const refusedFile = (file: string, err: unknown): Error => {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new RunNotFound(`no ${file}`);
  if (code === 'ELOOP') return new JournalRefused(`${file} is a symbolic link, not a file citycloud wrote`);
  return new JournalRefused(`${file} cannot be read (${code ?? (err as Error).message})`);
};

/** A regular file's bytes, read without following a link or waiting on a pipe, at most `max`. */
async function readRegular(
  file: string,
  max: number,
  flags = READ,
): Promise<{ bytes: Buffer; handle: FileHandle }> {
  const handle = await open(file, flags);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new JournalRefused(`${file} is not a regular file`);
    if (st.size > max)
      throw new JournalRefused(`${file} is ${st.size} bytes, over the ${max} a journal may have`);
    return { bytes: await handle.readFile(), handle };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * A run's journal file: appended through a group commit (each batch one write and one fdatasync,
 * through a handle opened at the first write, so a reader never needs the folder writable).
 */
function fileJournal(
  file: string,
  run: string,
  head: ChainHead,
  /** The length of the good part, when a torn last line follows it (cut before the first write). */
  torn: number | null,
  /** Throws JournalUnwritable when this process no longer holds the lock. */
  holding: () => Promise<void>,
): Journal {
  let writer: FileHandle | null = null;
  const writable = async (): Promise<FileHandle> => {
    if (writer) return writer;
    const w = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW);
    if (!(await w.stat()).isFile()) {
      await w.close();
      throw new JournalRefused(`${file} is not a regular file`);
    }
    // drop a torn last line: it never became durable, so nothing acted on it
    if (torn !== null) await w.truncate(torn);
    writer = w;
    return w;
  };
  return groupCommitJournal(head, {
    write: async (batch) => {
      await holding();
      const w = await writable();
      await w.write(batch.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await w.datasync();
    },
    read: async () => {
      const { bytes, handle } = await readRegular(file, MAX_JOURNAL_BYTES);
      await handle.close();
      return parseJournal(bytes, file, run).records;
    },
    release: async () => {
      await writer?.close();
      writer = null;
    },
  });
}

/**
 * Writes a file that must not exist yet: created exclusively, never through a link (EEXIST when
 * anything, a link included, is in its place), so two processes cannot both create it.
 */
async function createNew(file: string, text: string): Promise<void> {
  const handle = await open(
    file,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

const sameAcquisition = (a: LockInfo | null, b: LockInfo) =>
  a !== null &&
  !a.unreadable &&
  a.token === b.token &&
  a.run === b.run &&
  a.pid === b.pid &&
  a.host === b.host;

const KINDS: readonly [string, (s: import('node:fs').Stats) => boolean][] = [
  ['a symbolic link', (s) => s.isSymbolicLink()],
  ['a folder', (s) => s.isDirectory()],
  ['a named pipe', (s) => s.isFIFO()],
  ['a socket', (s) => s.isSocket()],
];

export class FileRunStore implements RunStore {
  private heartbeat: NodeJS.Timeout | null = null;
  /** The lock this process holds, when it holds one: its journals may be written. */
  private held: LockInfo | null = null;

  constructor(
    readonly dir: string,
    readonly storeArgs = '',
  ) {}

  get where(): string {
    return this.dir;
  }

  private get lockFile(): string {
    return join(this.dir, 'lock.json');
  }

  /** A folder that cannot be used as the runs folder: one line, what and why. */
  private unusable(err: unknown): Error {
    if (err instanceof JournalRefused || err instanceof RunNotFound || err instanceof LockRefused) return err;
    const code = (err as NodeJS.ErrnoException).code;
    return new RunStoreUnavailable(
      `${this.dir} cannot be used as the runs folder (${code ?? (err as Error).message})`,
    );
  }

  async currentLock(): Promise<LockInfo | null> {
    let st: import('node:fs').Stats;
    try {
      st = await lstat(this.lockFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.unusable(err);
    }
    const kind = KINDS.find(([, is]) => is(st));
    if (kind) return unreadableLock(`${this.lockFile} is ${kind[0]}, not a lock file citycloud wrote`);
    try {
      const { bytes, handle } = await readRegular(this.lockFile, MAX_LOCK_BYTES);
      await handle.close();
      return (
        lockOf(JSON.parse(bytes.toString('utf8'))) ??
        unreadableLock(`${this.lockFile} is not a lock citycloud wrote`)
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      // a lock file cut short by a crash while it was written: still a lock, of unknown owner
      return unreadableLock(`${this.lockFile} cannot be read (${(err as Error).message.split('\n')[0]})`);
    }
  }

  /**
   * Alive when its pid runs on this host (however old its heartbeat: a process stopped with
   * Ctrl-Z wakes up), dead when its pid is gone from this host, stale when its heartbeat is old.
   */
  static liveness(lock: LockInfo, now = Date.now()): Liveness {
    if (lock.unreadable) return { state: 'stale', why: lock.unreadable };
    if (lock.host === hostname() && lock.pid > 0)
      return pidAlive(lock.pid)
        ? { state: 'alive', why: `pid ${lock.pid} is running on this host` }
        : { state: 'dead', why: `pid ${lock.pid} is not running on this host` };
    const beat = Date.parse(lock.heartbeatAt);
    if (!Number.isFinite(beat)) return { state: 'stale', why: 'its heartbeat cannot be read' };
    if (now - beat > lock.expiresAfterSeconds * 1000)
      return {
        state: 'stale',
        why: `no heartbeat for ${Math.round((now - beat) / 1000)} s (it expires after ${lock.expiresAfterSeconds} s)`,
      };
    return { state: 'alive', why: `its heartbeat is ${Math.max(0, Math.round((now - beat) / 1000))} s old` };
  }

  liveness(lock: LockInfo): Promise<Liveness> {
    return Promise.resolve(FileRunStore.liveness(lock));
  }

  private newLock(owner: Actor & { run: string }): LockInfo {
    const now = new Date().toISOString();
    return {
      run: owner.run,
      token: randomBytes(16).toString('hex'),
      user: owner.user,
      host: owner.host,
      pid: owner.pid,
      startedAt: now,
      heartbeatAt: now,
      expiresAfterSeconds: LOCK_EXPIRES_SECONDS,
    };
  }

  /**
   * Writes the lock file whole, over whatever was there: a temporary file of a random name,
   * created exclusively (never through a link planted in its place), then renamed.
   */
  private async replaceLock(info: LockInfo): Promise<void> {
    const tmp = join(this.dir, `.lock.json.${randomBytes(8).toString('hex')}`);
    await createNew(tmp, JSON.stringify(info));
    await rename(tmp, this.lockFile);
  }

  /** Starts the heartbeat of a lock taken, and gives the handle that releases it. */
  private hold(info: LockInfo): HeldLock {
    this.held = info;
    this.heartbeat = setInterval(() => void this.beat(info), HEARTBEAT_SECONDS * 1000);
    this.heartbeat.unref();
    return {
      info,
      release: async () => {
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.heartbeat = null;
        this.held = null;
        if (sameAcquisition(await this.currentLock().catch(() => null), info))
          await rm(this.lockFile, { force: true });
      },
    };
  }

  async acquire(
    owner: Actor & { run: string },
    options: { takeOverDeadOf?: string } = {},
  ): Promise<{ lock: HeldLock; tookOver: LockInfo | null }> {
    const info = this.newLock(owner);
    let tookOver: LockInfo | null = null;
    try {
      await mkdir(this.dir, { recursive: true });
      // created exclusively: two processes cannot both take it, and a link in its place is a lock
      await createNew(this.lockFile, JSON.stringify(info));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw this.unusable(err);
      const held =
        (await this.currentLock()) ?? unreadableLock(`${this.lockFile} vanished while it was read`);
      const live = FileRunStore.liveness(held);
      // a resume may take over its own run's lock when its holder is certainly dead
      if (!(options.takeOverDeadOf === held.run && live.state === 'dead'))
        throw new LockRefused(held, live, this.storeArgs);
      await this.replaceLock(info).catch((e) => {
        throw this.unusable(e);
      });
      tookOver = held;
    }
    return { lock: this.hold(info), tookOver };
  }

  private async beat(info: LockInfo): Promise<void> {
    const held = await this.currentLock().catch(() => null);
    // broken and maybe taken by someone else: never write over their lock
    if (!sameAcquisition(held, info)) return;
    await this.replaceLock({ ...info, heartbeatAt: new Date().toISOString() }).catch(() => {});
  }

  async breakLock(
    owner: Actor & { run: string },
    expected?: LockInfo,
  ): Promise<{ broken: LockInfo; lock: HeldLock } | null> {
    const broken = await this.currentLock();
    if (!broken) return null;
    // the lock judged is the lock broken: a holder that changed meanwhile is not broken blind
    if (expected && JSON.stringify(expected) !== JSON.stringify(broken))
      throw new LockRefused(broken, FileRunStore.liveness(broken), this.storeArgs);
    const info = this.newLock(owner);
    await this.replaceLock(info).catch((e) => {
      throw this.unusable(e);
    });
    return { broken, lock: this.hold(info) };
  }

  /** Throws unless this process still holds the lock it took: only the holder writes a journal. */
  private async holding(): Promise<void> {
    const mine = this.held;
    const now = await this.currentLock().catch(() => null);
    if (mine && sameAcquisition(now, mine)) return;
    throw new JournalUnwritable(
      now && !now.unreadable
        ? `the fleet's runbook lock was broken: it is now held by ${now.user}@${now.host} pid ${now.pid} (run ${now.run}); this run stopped writing its journal and acts on nothing more`
        : "the fleet's runbook lock was broken; this run stopped writing its journal and acts on nothing more",
    );
  }

  async journal(run: string, options: { create: boolean }): Promise<Journal> {
    if (!RUN_ID.test(run))
      throw new RunNotFound(`"${run.slice(0, 60)}" is not a run id (such as upgrade-20261201-220000-1a2b)`);
    const dir = join(this.dir, run);
    const file = join(dir, 'journal.jsonl');
    if (options.create) {
      try {
        await mkdir(dir);
        // a new run's journal is new: one already there (a run id guessed ahead) is refused
        await createNew(file, '');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST')
          throw new JournalRefused(`${file} exists already: a new run's journal must be new`);
        throw this.unusable(err);
      }
    }
    let bytes: Buffer;
    try {
      const st = await lstat(dir).catch(() => null);
      if (st && !st.isDirectory()) throw new JournalRefused(`${dir} is not a folder`);
      const read = await readRegular(file, MAX_JOURNAL_BYTES);
      await read.handle.close();
      bytes = read.bytes;
    } catch (err) {
      if (err instanceof JournalRefused) throw err;
      if (
        (err as NodeJS.ErrnoException).code === 'ENOENT' ||
        (err as NodeJS.ErrnoException).code === 'ENOTDIR'
      )
        throw new RunNotFound(`no run ${run} in ${this.dir}`);
      throw refusedFile(file, err);
    }
    const { goodBytes, head } = parseJournal(bytes, file, run);
    return fileJournal(file, run, head, goodBytes < bytes.length ? goodBytes : null, () => this.holding());
  }

  async runs(): Promise<string[]> {
    try {
      return (await readdir(this.dir, { withFileTypes: true }))
        .filter((e) => e.isDirectory() && RUN_ID.test(e.name))
        .map((e) => e.name)
        .sort();
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
  }
}
