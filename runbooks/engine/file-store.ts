/**
 * The local run store: `<dir>/lock.json` (created exclusively, so two processes cannot both take
 * it) and `<dir>/<run>/journal.jsonl`, one JSON record a line, appended and fsynced. Records
 * appended while a flush is under way share the next one (group commit), so a wave of steps
 * running side by side costs a few fsyncs, not one each.
 *
 * A `kill -9` can leave a torn last line: it was never durable, so no action followed it, and
 * opening the journal drops it.
 */

import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { GroupCommit } from './group-commit.ts';
import type { Actor, JournalEvent, JournalRecord } from './journal-records.ts';
import {
  HEARTBEAT_SECONDS,
  type HeldLock,
  type Journal,
  LOCK_EXPIRES_SECONDS,
  type LockInfo,
  LockRefused,
  pidAlive,
  RunNotFound,
  type RunStore,
} from './run-store.ts';

const RUN_ID = /^[a-z]+-\d{8}-\d{6}-[0-9a-f]{4}$/;

/** Parses the journal's text; returns the records and the length of the good part. */
export function parseJournal(text: string, file: string): { records: JournalRecord[]; goodBytes: number } {
  const records: JournalRecord[] = [];
  let offset = 0;
  let good = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const complete = i < lines.length - 1;
    if (!complete) break; // no newline yet: torn
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      if (i === lines.length - 2) break; // a torn last line
      throw new Error(`${file}:${i + 1}: a journal line that is not JSON; the journal was changed by hand`);
    }
    offset += Buffer.byteLength(line) + 1;
    good = offset;
  }
  return { records, goodBytes: good };
}

class FileJournal implements Journal {
  private readonly commits: GroupCommit;

  constructor(
    private readonly handle: FileHandle,
    private readonly file: string,
    seq: number,
  ) {
    this.commits = new GroupCommit(async (batch) => {
      await handle.write(batch.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await handle.datasync();
    }, seq);
  }

  get flushes(): number {
    return this.commits.flushes;
  }

  append(event: JournalEvent): Promise<JournalRecord> {
    return this.commits.append(event);
  }

  async read(): Promise<JournalRecord[]> {
    return parseJournal(await readFile(this.file, 'utf8'), this.file).records;
  }

  async close(): Promise<void> {
    await this.commits.settled();
    await this.handle.close();
  }
}

export class FileRunStore implements RunStore {
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(readonly dir: string) {}

  get where(): string {
    return this.dir;
  }

  private get lockFile(): string {
    return join(this.dir, 'lock.json');
  }

  async currentLock(): Promise<LockInfo | null> {
    try {
      return JSON.parse(await readFile(this.lockFile, 'utf8')) as LockInfo;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      // a lock file cut short by a crash while it was written: still a lock, of unknown owner
      return {
        run: '(unreadable lock file)',
        user: '?',
        host: '?',
        pid: 0,
        startedAt: '?',
        heartbeatAt: '?',
        expiresAfterSeconds: LOCK_EXPIRES_SECONDS,
      };
    }
  }

  /** Why a lock is stale, or null when its holder may be alive. */
  static staleness(lock: LockInfo, now = Date.now()): string | null {
    if (lock.host === hostname() && lock.pid > 0 && !pidAlive(lock.pid))
      return `pid ${lock.pid} is not running on this host`;
    const beat = Date.parse(lock.heartbeatAt);
    if (!Number.isFinite(beat)) return 'its heartbeat cannot be read';
    if (now - beat > lock.expiresAfterSeconds * 1000)
      return `no heartbeat for ${Math.round((now - beat) / 1000)} s (it expires after ${lock.expiresAfterSeconds} s)`;
    return null;
  }

  async acquire(
    owner: Actor & { run: string },
    options: { takeOverDeadOf?: string } = {},
  ): Promise<{ lock: HeldLock; tookOver: LockInfo | null }> {
    await mkdir(this.dir, { recursive: true });
    const now = new Date().toISOString();
    const info: LockInfo = {
      run: owner.run,
      user: owner.user,
      host: owner.host,
      pid: owner.pid,
      startedAt: now,
      heartbeatAt: now,
      expiresAfterSeconds: LOCK_EXPIRES_SECONDS,
    };
    let tookOver: LockInfo | null = null;
    try {
      await writeFile(this.lockFile, JSON.stringify(info), { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = (await this.currentLock()) as LockInfo;
      const stale = FileRunStore.staleness(held);
      // a resume may take over its own run's lock when its holder is certainly dead
      const dead = held.host === hostname() && held.pid > 0 && !pidAlive(held.pid);
      if (!(options.takeOverDeadOf === held.run && dead)) throw new LockRefused(held, stale);
      const tmp = `${this.lockFile}.${process.pid}`;
      await writeFile(tmp, JSON.stringify(info));
      await rename(tmp, this.lockFile);
      tookOver = held;
    }
    this.heartbeat = setInterval(() => void this.beat(info), HEARTBEAT_SECONDS * 1000);
    this.heartbeat.unref();
    return {
      lock: {
        info,
        release: async () => {
          if (this.heartbeat) clearInterval(this.heartbeat);
          this.heartbeat = null;
          const held = await this.currentLock();
          if (held && held.run === info.run && held.pid === info.pid)
            await rm(this.lockFile, { force: true });
        },
      },
      tookOver,
    };
  }

  private async beat(info: LockInfo): Promise<void> {
    const held = await this.currentLock();
    // broken and maybe taken by someone else: never write over their lock
    if (!held || held.run !== info.run || held.pid !== info.pid) return;
    const tmp = `${this.lockFile}.${process.pid}`;
    await writeFile(tmp, JSON.stringify({ ...held, heartbeatAt: new Date().toISOString() }));
    await rename(tmp, this.lockFile);
  }

  async breakLock(): Promise<LockInfo | null> {
    const held = await this.currentLock();
    await rm(this.lockFile, { force: true });
    return held;
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
    const text = await handle.readFile({ encoding: 'utf8' });
    const { records, goodBytes } = parseJournal(text, file);
    // drop a torn last line: it never became durable, so nothing acted on it
    if (goodBytes < Buffer.byteLength(text)) await handle.truncate(goodBytes);
    await handle.close();
    const appendHandle = await open(file, 'a+');
    return new FileJournal(appendHandle, file, records.at(-1)?.seq ?? 0);
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
