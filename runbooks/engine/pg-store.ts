/**
 * The team's run store, in PostgreSQL: operators on several machines share one lock and the
 * journals, so two cannot run at once and either can resume the other's run.
 *
 * - The lock is a session advisory lock (`pg_try_advisory_lock`): held while the holder's
 *   connection lives, released by the server when it dies (a `kill -9`, a lost machine), so it
 *   cannot go stale the way a file can. Who holds it is kept beside it (`lock_holder`), with a
 *   heartbeat. `unlock` ends the holder's session (`pg_terminate_backend`), which is what breaks
 *   an advisory lock held by a hung process.
 * - The journal is a table of (run, seq, at, record); a trigger refuses UPDATE and DELETE, so it
 *   is append-only. Records appended while a flush is under way share the next INSERT (group
 *   commit); a record is durable when its transaction commits.
 */
import pg from 'pg';
import { GroupCommit } from './group-commit.ts';
import type { Actor, JournalEvent, JournalRecord } from './journal-records.ts';
import {
  HEARTBEAT_SECONDS,
  type HeldLock,
  type Journal,
  LOCK_EXPIRES_SECONDS,
  type LockInfo,
  LockRefused,
  RunNotFound,
  type RunStore,
  RunStoreUnavailable,
} from './run-store.ts';

export const SCHEMA = 'citycloud_runbooks';
/** The advisory lock's key: one fleet, one runbook at a time. */
const FLEET_LOCK = 7_279_001;
/** A second key, for creating the tables once when several clients start together. */
const DDL_LOCK = 7_279_002;

const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.journal (
  run text NOT NULL,
  seq bigint NOT NULL,
  at timestamptz NOT NULL,
  record jsonb NOT NULL,
  PRIMARY KEY (run, seq)
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.lock_holder (
  fleet text PRIMARY KEY,
  info jsonb NOT NULL
);
CREATE OR REPLACE FUNCTION ${SCHEMA}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the runbook journal is append-only: % refused', TG_OP;
END $$;
CREATE OR REPLACE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON ${SCHEMA}.journal
  FOR EACH ROW EXECUTE FUNCTION ${SCHEMA}.refuse_change();
`;

/** Where a connection string points, without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || '(socket)';
    return `PostgreSQL at ${host}${u.port ? `:${u.port}` : ''}/${u.pathname.replace(/^\//, '')}`;
  } catch {
    return 'PostgreSQL (a connection string that is not a URL)';
  }
}

class PgJournal implements Journal {
  private readonly commits: GroupCommit;

  constructor(
    private readonly client: pg.Client,
    private readonly run: string,
    seq: number,
  ) {
    // one INSERT of every record waiting: durable when it commits
    this.commits = new GroupCommit(async (batch) => {
      const values: unknown[] = [];
      const rows = batch.map((r, i) => {
        values.push(run, r.seq, r.at, JSON.stringify(r));
        return `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`;
      });
      await client.query(
        `INSERT INTO ${SCHEMA}.journal (run, seq, at, record) VALUES ${rows.join(', ')}`,
        values,
      );
    }, seq);
  }

  get flushes(): number {
    return this.commits.flushes;
  }

  append(event: JournalEvent): Promise<JournalRecord> {
    return this.commits.append(event);
  }

  async read(): Promise<JournalRecord[]> {
    const r = await this.client.query(`SELECT record FROM ${SCHEMA}.journal WHERE run = $1 ORDER BY seq`, [
      this.run,
    ]);
    return r.rows.map((row: { record: JournalRecord }) => row.record);
  }

  close(): Promise<void> {
    return this.commits.settled();
  }
}

export class PgRunStore implements RunStore {
  private client: pg.Client | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly url: string) {}

  get where(): string {
    return describeUrl(this.url);
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.url, application_name: 'citycloud-runbook' });
    // a connection lost mid-run fails the next query; it must not crash the process
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (err) {
      const e = err as Error & { code?: string };
      throw new RunStoreUnavailable(`${this.where} is unreachable (${e.code ?? e.message.split('\n')[0]})`);
    }
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
    await client.query(DDL);
    await client.query('COMMIT');
    this.client = client;
    return client;
  }

  async currentLock(): Promise<LockInfo | null> {
    const c = await this.connect();
    const held = await c.query(
      "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1",
      [FLEET_LOCK],
    );
    if (held.rowCount === 0) return null;
    const r = await c.query(`SELECT info FROM ${SCHEMA}.lock_holder WHERE fleet = 'fleet'`);
    return (r.rows[0]?.info as LockInfo | undefined) ?? null;
  }

  async acquire(owner: Actor & { run: string }): Promise<{ lock: HeldLock; tookOver: LockInfo | null }> {
    const c = await this.connect();
    const got = await c.query('SELECT pg_try_advisory_lock($1) AS ok', [FLEET_LOCK]);
    if (!got.rows[0]?.ok) {
      const held = (await this.currentLock()) ?? {
        run: '(unknown)',
        user: '?',
        host: '?',
        pid: 0,
        startedAt: '?',
        heartbeatAt: '?',
        expiresAfterSeconds: LOCK_EXPIRES_SECONDS,
      };
      // the holder's session is alive (the server would have released the lock otherwise)
      throw new LockRefused(held, null);
    }
    const now = new Date().toISOString();
    const info: LockInfo = {
      ...owner,
      startedAt: now,
      heartbeatAt: now,
      expiresAfterSeconds: LOCK_EXPIRES_SECONDS,
    };
    await c.query(
      `INSERT INTO ${SCHEMA}.lock_holder (fleet, info) VALUES ('fleet', $1)
       ON CONFLICT (fleet) DO UPDATE SET info = EXCLUDED.info`,
      [JSON.stringify(info)],
    );
    this.heartbeat = setInterval(() => {
      c.query(
        `UPDATE ${SCHEMA}.lock_holder SET info = jsonb_set(info, '{heartbeatAt}', to_jsonb($1::text)) WHERE fleet = 'fleet'`,
        [new Date().toISOString()],
      ).catch(() => {});
    }, HEARTBEAT_SECONDS * 1000);
    this.heartbeat.unref();
    return {
      lock: {
        info,
        release: async () => {
          if (this.heartbeat) clearInterval(this.heartbeat);
          this.heartbeat = null;
          await c.query(`DELETE FROM ${SCHEMA}.lock_holder WHERE fleet = 'fleet'`);
          await c.query('SELECT pg_advisory_unlock($1)', [FLEET_LOCK]);
        },
      },
      tookOver: null,
    };
  }

  async breakLock(): Promise<LockInfo | null> {
    const c = await this.connect();
    const held = await this.currentLock();
    await c.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1 AND pid <> pg_backend_pid()",
      [FLEET_LOCK],
    );
    await c.query(`DELETE FROM ${SCHEMA}.lock_holder WHERE fleet = 'fleet'`);
    return held;
  }

  async journal(run: string, options: { create: boolean }): Promise<Journal> {
    const c = await this.connect();
    const r = await c.query(`SELECT max(seq) AS seq FROM ${SCHEMA}.journal WHERE run = $1`, [run]);
    const seq = r.rows[0]?.seq === null || r.rows[0]?.seq === undefined ? null : Number(r.rows[0].seq);
    if (seq === null && !options.create) throw new RunNotFound(`no run ${run.slice(0, 60)} in ${this.where}`);
    return new PgJournal(c, run, seq ?? 0);
  }

  async runs(): Promise<string[]> {
    const c = await this.connect();
    const r = await c.query(`SELECT DISTINCT run FROM ${SCHEMA}.journal ORDER BY run`);
    return r.rows.map((row: { run: string }) => row.run);
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}
