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
 * This store protects one machine's runs folder. Two operators with two runs folders, or on two
 * machines, are two locks: a team shares the PostgreSQL store (docs/runbooks.md).
 */

import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { GroupCommit } from './group-commit.ts';
import { type ChainHead, checkChain } from './journal-chain.ts';
import type { Actor, JournalEvent, JournalRecord } from './journal-records.ts';
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
  pidAlive,
  RunNotFound,
  type RunStore,
} from './run-store.ts';

const RUN_ID = /^[a-z]+-\d{8}-\d{6}-[0-9a-f]{4}$/;

/**
 * Parses and checks the journal's text: the records (each checked in the chain) and the length of
 * the good part, without a torn last line.
 */
export function parseJournal(
  text: string,
  file: string,
  run: string,
): { records: JournalRecord[]; goodBytes: number; head: ChainHead } {
  const records: unknown[] = [];
  let good = 0;
  const lines = text.split('\n');
  // the last element follows the last newline: empty, or a torn line never made durable
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i] as string;
    try {
      records.push(JSON.parse(line));
    } catch {
      // a line with its newline was written whole (a record and its newline go in one write)
      throw new JournalRefused(
        `${file}:${i + 1}: a journal line that is not JSON; the journal was changed by hand`,
      );
    }
    good += Buffer.byteLength(line) + 1;
  }
  const head = checkChain(records, run, (i) => `${file}:${i + 1}`);
  return { records: records as JournalRecord[], goodBytes: good, head };
}

class FileJournal implements Journal {
  private readonly commits: GroupCommit;

  constructor(
    private readonly handle: FileHandle,
    private readonly file: string,
    private readonly run: string,
    head: ChainHead,
    /** Throws JournalUnwritable when this process no longer holds the lock. */
    holding: () => Promise<void>,
  ) {
    this.commits = new GroupCommit(async (batch) => {
      await holding();
      await handle.write(batch.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await handle.datasync();
    }, head);
  }

  get flushes(): number {
    return this.commits.flushes;
  }

  append(event: JournalEvent): Promise<JournalRecord> {
    return this.commits.append(event);
  }

  async read(): Promise<JournalRecord[]> {
    return parseJournal(await readFile(this.file, 'utf8'), this.file, this.run).records;
  }

  async close(): Promise<void> {
    await this.commits.settled();
    await this.handle.close();
  }
}

/** A lock file that cannot be read (cut short by a crash while written): still a lock, of unknown owner. */
const UNREADABLE_LOCK: LockInfo = {
  run: '(unreadable lock file)',
  user: '?',
  host: '?',
  pid: 0,
  startedAt: '?',
  heartbeatAt: '?',
  expiresAfterSeconds: LOCK_EXPIRES_SECONDS,
};

const sameAcquisition = (a: LockInfo | null, b: LockInfo) =>
  a !== null && a.token === b.token && a.run === b.run && a.pid === b.pid && a.host === b.host;

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

  async currentLock(): Promise<LockInfo | null> {
    let text: string;
    try {
      text = await readFile(this.lockFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const v = JSON.parse(text) as LockInfo;
      return v !== null && typeof v === 'object' && typeof v.run === 'string' ? v : UNREADABLE_LOCK;
    } catch {
      return UNREADABLE_LOCK;
    }
  }

  /** Dead when its pid is gone from this host, stale when its heartbeat is old, else alive. */
  static liveness(lock: LockInfo, now = Date.now()): Liveness {
    if (lock.host === hostname() && Number.isSafeInteger(lock.pid) && lock.pid > 0 && !pidAlive(lock.pid))
      return { state: 'dead', why: `pid ${lock.pid} is not running on this host` };
    const beat = Date.parse(lock.heartbeatAt);
    if (!Number.isFinite(beat)) return { state: 'stale', why: 'its heartbeat cannot be read' };
    const expires = Number.isFinite(lock.expiresAfterSeconds)
      ? lock.expiresAfterSeconds
      : LOCK_EXPIRES_SECONDS;
    if (now - beat > expires * 1000)
      return {
        state: 'stale',
        why: `no heartbeat for ${Math.round((now - beat) / 1000)} s (it expires after ${expires} s)`,
      };
    return {
      state: 'alive',
      why:
        lock.host === hostname()
          ? `pid ${lock.pid} is running on this host`
          : `its heartbeat is ${Math.max(0, Math.round((now - beat) / 1000))} s old`,
    };
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

  /** Writes the lock file whole (a temporary file, then rename), over whatever was there. */
  private async replaceLock(info: LockInfo): Promise<void> {
    const tmp = `${this.lockFile}.${process.pid}`;
    await writeFile(tmp, JSON.stringify(info));
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
        if (sameAcquisition(await this.currentLock(), info)) await rm(this.lockFile, { force: true });
      },
    };
  }

  async acquire(
    owner: Actor & { run: string },
    options: { takeOverDeadOf?: string } = {},
  ): Promise<{ lock: HeldLock; tookOver: LockInfo | null }> {
    await mkdir(this.dir, { recursive: true });
    const info = this.newLock(owner);
    let tookOver: LockInfo | null = null;
    try {
      await writeFile(this.lockFile, JSON.stringify(info), { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = (await this.currentLock()) ?? UNREADABLE_LOCK;
      const live = FileRunStore.liveness(held);
      // a resume may take over its own run's lock when its holder is certainly dead
      if (!(options.takeOverDeadOf === held.run && live.state === 'dead'))
        throw new LockRefused(held, live, this.storeArgs);
      await this.replaceLock(info);
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

  async breakLock(owner: Actor & { run: string }): Promise<{ broken: LockInfo; lock: HeldLock } | null> {
    const broken = await this.currentLock();
    if (!broken) return null;
    const info = this.newLock(owner);
    await this.replaceLock(info);
    return { broken, lock: this.hold(info) };
  }

  /** Throws unless this process still holds the lock it took: only the holder writes a journal. */
  private async holding(): Promise<void> {
    const mine = this.held;
    const now = await this.currentLock().catch(() => null);
    if (mine && sameAcquisition(now, mine)) return;
    throw new JournalUnwritable(
      now
        ? `the fleet's runbook lock was broken: it is now held by ${now.user}@${now.host} pid ${now.pid} (run ${now.run}); this run stopped writing its journal and acts on nothing more`
        : "the fleet's runbook lock was broken (lock.json removed); this run stopped writing its journal and acts on nothing more",
    );
  }

  async journal(run: string, options: { create: boolean }): Promise<Journal> {
    if (!RUN_ID.test(run))
      throw new RunNotFound(`"${run.slice(0, 60)}" is not a run id (such as upgrade-20261201-220000-1a2b)`);
    const dir = join(this.dir, run);
    const file = join(dir, 'journal.jsonl');
    if (options.create) await mkdir(dir, { recursive: true });
    let handle: FileHandle;
    try {
      handle = await open(file, options.create ? 'a+' : 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new RunNotFound(`no run ${run} in ${this.dir}`);
      throw err;
    }
    let head: ChainHead;
    try {
      const text = await handle.readFile({ encoding: 'utf8' });
      const parsed = parseJournal(text, file, run);
      head = parsed.head;
      const goodBytes = parsed.goodBytes;
      // drop a torn last line: it never became durable, so nothing acted on it (only the holder may)
      if (goodBytes < Buffer.byteLength(text) && this.held?.run === run) await handle.truncate(goodBytes);
    } finally {
      await handle.close();
    }
    const appendHandle = await open(file, 'a');
    return new FileJournal(appendHandle, file, run, head, () => this.holding());
  }

  async runs(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => RUN_ID.test(n)).sort();
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
  }
}
