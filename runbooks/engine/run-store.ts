/**
 * Where a runbook keeps its lock and its journals: files under .citycloud/runs/ on one machine
 * (runbooks/engine/file-store.ts), or PostgreSQL for a team working from several machines
 * (runbooks/engine/pg-store.ts). Both give the same guarantees: one run at a time per fleet, a
 * journal record durable before `append` resolves, and records that are never changed.
 */
import type { Actor, JournalEvent, JournalRecord } from './journal-records.ts';

export interface LockInfo extends Actor {
  readonly run: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  /** A lock whose heartbeat is older than this is stale. */
  readonly expiresAfterSeconds: number;
}

export interface HeldLock {
  readonly info: LockInfo;
  release(): Promise<void>;
}

export interface Journal {
  /** Appends a record; resolves once it is durable (records appended together share one flush). */
  append(event: JournalEvent): Promise<JournalRecord>;
  read(): Promise<JournalRecord[]>;
  /** Flushes made (fsyncs or commits), for the benchmark. */
  readonly flushes: number;
  close(): Promise<void>;
}

/** The lock is held by another run (or a stale one): who, since when, and what to do. */
export class LockRefused extends Error {
  constructor(
    readonly lock: LockInfo,
    /** Why the lock looks stale, or null when its holder is alive. */
    readonly stale: string | null,
  ) {
    const who = `run ${lock.run} by ${lock.user}@${lock.host} (pid ${lock.pid}, since ${lock.startedAt}, last heartbeat ${lock.heartbeatAt})`;
    super(
      stale
        ? `the fleet's runbook lock is stale: ${who}; ${stale}. Make sure it is not running, then break the lock with: citycloud runbook unlock --reason "…"`
        : `another runbook holds the fleet's lock: ${who}; wait for it to finish, or see it with: citycloud runbook status ${lock.run}`,
    );
    this.name = 'LockRefused';
  }
}

export interface RunStore {
  /** Where the runs are kept, for messages. */
  readonly where: string;
  /**
   * Takes the fleet's lock for `run`, or throws LockRefused. `takeOverDeadOf`: a resume may take
   * over the lock of that same run when its holder is certainly dead (a pid gone on this host,
   * or a PostgreSQL session gone); the caller journals it. Never any other stale lock.
   */
  acquire(
    owner: Actor & { run: string },
    options?: { takeOverDeadOf?: string },
  ): Promise<{ lock: HeldLock; tookOver: LockInfo | null }>;
  currentLock(): Promise<LockInfo | null>;
  /** Breaks the lock whoever holds it; returns what it was. */
  breakLock(): Promise<LockInfo | null>;
  journal(run: string, options: { create: boolean }): Promise<Journal>;
  /** Every run's id, oldest first. */
  runs(): Promise<string[]>;
  close(): Promise<void>;
}

/** The run asked for is not in the store, or its id is malformed. */
export class RunNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunNotFound';
  }
}

/** The store cannot be reached (a database down, a folder that cannot be written). */
export class RunStoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunStoreUnavailable';
  }
}

/** Seconds between heartbeats, and after how many without one a lock is stale. */
export const HEARTBEAT_SECONDS = 10;
export const LOCK_EXPIRES_SECONDS = 60;

/** Whether a pid names a live process on this machine. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
