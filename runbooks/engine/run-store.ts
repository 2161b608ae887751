/**
 * Where a runbook keeps its lock and its journals: files under .citycloud/runs/ on one machine
 * (runbooks/engine/file-store.ts), or PostgreSQL for a team working from several machines
 * (runbooks/engine/pg-store.ts). Both give the same guarantees: one run at a time per fleet, a
 * journal record durable before `append` resolves, and records that are never changed.
 */
import { UserError } from '../../model/index.ts';
import type { Actor, JournalEvent, JournalRecord } from './journal-records.ts';

/** What a run's id looks like: the runbook, the time (UTC) and four random hex digits. */
export const RUN_ID = /^[a-z][a-z0-9-]{0,47}-\d{8}-\d{6}-[0-9a-f]{4}$/;

export interface LockInfo extends Actor {
  readonly run: string;
  /** Set when the lock is held but cannot be read: why (a file cut short, not a file, not a lock). */
  readonly unreadable?: string;
  /** Random, per acquisition: the holder's journal writes check the lock still carries it. */
  readonly token?: string;
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
  close(): Promise<void>;
}

/**
 * A lock's holder: `alive` (its pid runs on this host, or its heartbeat is fresh), `dead` (its pid
 * is gone from this host, or its database session ended) or `stale` (no heartbeat for longer than
 * the lock allows: hung, or on a machine that is gone).
 */
export interface Liveness {
  readonly state: 'alive' | 'dead' | 'stale';
  readonly why: string;
}

/** The lock is held by another run (alive, or a dead or stale one): who, since when, and what to do. */
export class LockRefused extends UserError {
  /** Exit 1: another run holds the fleet. */
  readonly exitCode = 1;
  constructor(
    readonly lock: LockInfo,
    readonly liveness: Liveness,
    /** The store's non-default options, repeated in the commands suggested. */
    storeArgs: string,
  ) {
    const who = `run ${lock.run} by ${lock.user}@${lock.host} (pid ${lock.pid}, since ${lock.startedAt}, last heartbeat ${lock.heartbeatAt})`;
    super(
      lock.unreadable
        ? `the fleet's runbook lock is held but cannot be read: ${lock.unreadable}. Make sure no run is going, then break it with: citycloud runbook unlock --reason "…"${storeArgs}`
        : liveness.state === 'alive'
          ? `another runbook holds the fleet's lock: ${who}; wait for it to finish, or see it with: citycloud runbook status ${lock.run}${storeArgs}`
          : liveness.state === 'dead'
            ? `the fleet's runbook lock is held by a run that is dead: ${who}; ${liveness.why}. Continue that run (it takes the lock over) with: citycloud runbook resume ${lock.run}${storeArgs}`
            : `the fleet's runbook lock is stale: ${who}; ${liveness.why}. Make sure it is not running, break the lock with: citycloud runbook unlock --reason "…"${storeArgs}, then continue that run with: citycloud runbook resume ${lock.run}${storeArgs}`,
    );
  }
}

export interface RunStore {
  /** Where the runs are kept, for messages. */
  readonly where: string;
  /** The options that name this store when they are not the defaults (` --runs-dir DIR`), for hints. */
  readonly storeArgs: string;
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
  /** Whether the lock's holder is alive, dead or stale, and why it looks so. */
  liveness(lock: LockInfo): Promise<Liveness>;
  /**
   * Breaks the lock, whoever holds it, and takes it for `owner` (so the break can be journaled by
   * the only writer); returns what it was, or null when no lock was held.
   */
  breakLock(
    owner: Actor & { run: string },
    /** The lock judged before: when the lock found is another, nothing is broken (LockRefused). */
    expected?: LockInfo,
  ): Promise<{ broken: LockInfo; lock: HeldLock } | null>;
  journal(run: string, options: { create: boolean }): Promise<Journal>;
  /** Every run's id, oldest first. */
  runs(): Promise<string[]>;
  close(): Promise<void>;
}

/** The run asked for is not in the store, or its id is malformed. */
export class RunNotFound extends UserError {
  /** Exit 2: bad usage. */
  readonly exitCode = 2;
}

/**
 * A journal that was changed outside citycloud (its chain or a record's shape is wrong), or that
 * cannot be obeyed as it is: nothing in it is acted on. The message says where and what.
 */
export class JournalRefused extends UserError {
  /** Exit 2: unreadable input: the journal fails its checks. */
  readonly exitCode = 2;
}

/**
 * The journal cannot be written any more: the lock was broken (`unlock --force`) or the store's
 * connection was lost. Nothing more is acted on, since nothing could be journaled; the run stops,
 * resumable (exit 75).
 */
export class JournalUnwritable extends UserError {
  /** Exit 75: stopped, resumable. */
  readonly exitCode = 75;
  /** The run that stopped, once known (set by the runbook that was writing). */
  run: string | null = null;
}

/** The store cannot be reached (a database down, a folder that cannot be written). */
export class RunStoreUnavailable extends UserError {
  /** Exit 75: try again when the store answers. */
  readonly exitCode = 75;
}

/** A lock's fields as read back (from a file or a table anyone may have written), or null. */
export function lockOf(v: unknown): LockInfo | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const l = v as Record<string, unknown>;
  const text = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= 256;
  if (
    typeof l.run !== 'string' ||
    !RUN_ID.test(l.run) ||
    !text(l.user) ||
    !text(l.host) ||
    !Number.isSafeInteger(l.pid) ||
    (l.pid as number) < 0 ||
    !text(l.startedAt) ||
    !text(l.heartbeatAt) ||
    typeof l.expiresAfterSeconds !== 'number' ||
    !((l.expiresAfterSeconds as number) > 0) ||
    (l.token !== undefined && typeof l.token !== 'string')
  )
    return null;
  return l as unknown as LockInfo;
}

/** A lock that is held but cannot be read: of unknown owner, and never obeyed as a run's. */
export const unreadableLock = (why: string): LockInfo => ({
  run: '(unknown)',
  unreadable: why,
  user: '?',
  host: '?',
  pid: 0,
  startedAt: '?',
  heartbeatAt: '?',
  expiresAfterSeconds: LOCK_EXPIRES_SECONDS,
});

/** Seconds between heartbeats, and after how many without one a lock is stale. */
export const HEARTBEAT_SECONDS = 10;
export const LOCK_EXPIRES_SECONDS = 60;
