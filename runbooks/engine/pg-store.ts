/**
 * The team's run store, in PostgreSQL: operators on several machines share one lock and the
 * journals, so two cannot run at once and either can resume the other's run.
 *
 * - The lock is a session advisory lock (`pg_try_advisory_lock`) of the store's database:
 *   held while the holder's connection lives, released by the server when it dies (a `kill -9`,
 *   a lost machine), so it cannot go stale the way a file can. Who holds it is kept beside it
 *   (`lock_holder`), with a heartbeat. `unlock` ends the holder's session (`pg_terminate_backend`,
 *   in this database only), which is what breaks an advisory lock held by a hung process.
 * - The journal is a table of (run, seq, at, record). Triggers refuse UPDATE, DELETE and TRUNCATE,
 *   and an INSERT unless its session holds the fleet's lock and its seq follows the run's last:
 *   one writer, append-only. Records carry the chain of runbooks/engine/journal-chain.ts, checked
 *   whenever a journal is read. Records appended while a flush is under way share the next INSERT
 *   (group commit); a record is durable when its transaction commits.
 * - The runbooks' role needs only SELECT and INSERT on the journal (and SELECT, INSERT, UPDATE,
 *   DELETE on lock_holder); an administrator creates the schema once, as docs/runbooks.md shows
 *   (`DDL` below), or the first run does it when its role may.
 * - A connection lost mid-run fails the next journal write: the run stops there, resumable.
 */
import pg from 'pg';
import { parse } from 'pg-connection-string';
import { groupCommitJournal } from './group-commit.ts';
import { type ChainHead, checkChain } from './journal-chain.ts';
import type { Actor, JournalRecord } from './journal-records.ts';
import {
  HEARTBEAT_SECONDS,
  type HeldLock,
  type Journal,
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

export const SCHEMA = 'citycloud_runbooks';
/** The advisory lock's key: one fleet, one runbook at a time (advisory locks belong to a database). */
const FLEET_LOCK = 7_279_001;
/** A second key, for creating the tables once when several clients start together. */
const DDL_LOCK = 7_279_002;
/** The fleet lock's row in pg_locks: this database's, granted. */
const FLEET_LOCK_ROWS = `locktype = 'advisory' AND granted AND classid = 0 AND objid = ${FLEET_LOCK} AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** The version of the schema below: an older one is brought up to it (by a role that may). */
const SCHEMA_VERSION = 'citycloud-runbooks/v2';

/** The store's schema, for an administrator to run once (docs/runbooks.md prints it). */
export const DDL = `
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
CREATE OR REPLACE FUNCTION ${SCHEMA}.one_writer() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_locks WHERE ${FLEET_LOCK_ROWS} AND pid = pg_backend_pid()) THEN
    RAISE EXCEPTION 'the runbook journal is written only by the holder of the fleet''s runbook lock';
  END IF;
  IF NEW.run !~ '^[a-z]+-[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$' OR (NEW.record->>'seq') IS DISTINCT FROM NEW.seq::text THEN
    RAISE EXCEPTION 'a journal row must have a run id and carry its own seq';
  END IF;
  SELECT max(seq) INTO last FROM ${SCHEMA}.journal WHERE run = NEW.run;
  IF NEW.seq IS DISTINCT FROM coalesce(last, 0) + 1 THEN
    RAISE EXCEPTION 'run % record % does not follow its last record %', NEW.run, NEW.seq, coalesce(last, 0);
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON ${SCHEMA}.journal
  FOR EACH ROW EXECUTE FUNCTION ${SCHEMA}.refuse_change();
CREATE OR REPLACE TRIGGER journal_no_truncate BEFORE TRUNCATE ON ${SCHEMA}.journal
  FOR EACH STATEMENT EXECUTE FUNCTION ${SCHEMA}.refuse_change();
CREATE OR REPLACE TRIGGER journal_one_writer BEFORE INSERT ON ${SCHEMA}.journal
  FOR EACH ROW EXECUTE FUNCTION ${SCHEMA}.one_writer();
COMMENT ON FUNCTION ${SCHEMA}.one_writer() IS '${SCHEMA_VERSION}';
`;
const TRIGGERS = ['journal_append_only', 'journal_no_truncate', 'journal_one_writer'];

/** Whether a connection string is a postgres:// URL (the keyword form is not read here). */
export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/** Whether a connection string holds a password (or a key's passphrase). */
export function hasPassword(url: string): boolean {
  try {
    const c = parse(url) as { password?: string; sslpassword?: string };
    return Boolean(c.password) || Boolean(c.sslpassword) || /[?&]sslpassword=/i.test(url);
  } catch {
    return false;
  }
}

/** Where a connection string points, without its password, for messages (pg's own parser). */
export function describeUrl(url: string): string {
  if (!isPostgresUrl(url)) return 'PostgreSQL (a connection string that is not a postgres:// URL)';
  try {
    const c = parse(url);
    const host = !c.host ? '(socket)' : c.host.startsWith('/') ? `socket ${c.host}` : c.host;
    return `PostgreSQL at ${host}${c.port && !c.host?.startsWith('/') ? `:${c.port}` : ''}/${c.database ?? ''}`;
  } catch {
    return 'PostgreSQL (a connection string that cannot be read)';
  }
}

/** Why a query failed, in a few words (the server's message, or the connection's error code). */
const why = (err: unknown) => {
  const e = err as Error & { code?: string };
  return (e.message || e.code || String(err)).split('\n')[0] as string;
};

/** A run's journal in the database: each batch of the group commit one INSERT, durable when it commits. */
function pgJournal(client: pg.Client, run: string, where: string, head: ChainHead): Journal {
  return groupCommitJournal(head, {
    write: async (batch) => {
      const values: unknown[] = [];
      const rows = batch.map((r, i) => {
        values.push(run, r.seq, r.at, JSON.stringify(r));
        return `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`;
      });
      try {
        await client.query(
          `INSERT INTO ${SCHEMA}.journal (run, seq, at, record) VALUES ${rows.join(', ')}`,
          values,
        );
      } catch (err) {
        throw new JournalUnwritable(
          `the journal in ${where} cannot be written (${why(err)}); this run acts on nothing more`,
        );
      }
    },
    read: () => readJournal(client, run, where).then((j) => j.records),
  });
}

/** A run's records in order, checked in the chain (JournalRefused names the first wrong one). */
async function readJournal(
  client: pg.Client,
  run: string,
  where: string,
): Promise<{ records: JournalRecord[]; head: ChainHead }> {
  const r = await client.query(`SELECT seq, record FROM ${SCHEMA}.journal WHERE run = $1 ORDER BY seq`, [
    run,
  ]);
  const records = r.rows.map((row: { record: unknown }) => row.record);
  const head = checkChain(records, run, (i) => `${where}, run ${run}, row seq ${r.rows[i]?.seq}`);
  return { records: records as JournalRecord[], head };
}

export class PgRunStore implements RunStore {
  private client: pg.Client | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    readonly storeArgs = '',
  ) {}

  get where(): string {
    return describeUrl(this.url);
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    let client: pg.Client;
    try {
      // the client reads TLS files named in the string (sslkey, sslcert) as it is made
      client = new pg.Client({ connectionString: this.url, application_name: 'citycloud-runbook' });
    } catch (err) {
      const e = err as Error & { code?: string };
      throw new RunStoreUnavailable(`${this.where} cannot be used (${e.code ?? e.message.split('\n')[0]})`);
    }
    // a connection lost mid-run fails the next query; it must not crash the process
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (err) {
      const e = err as Error & { code?: string };
      throw new RunStoreUnavailable(`${this.where} is unreachable (${e.code ?? e.message.split('\n')[0]})`);
    }
    try {
      await this.ensureSchema(client);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    this.client = client;
    return client;
  }

  /** Creates the schema when a part is missing and the role may; says what to do when it may not. */
  private async ensureSchema(client: pg.Client): Promise<void> {
    const present = await client.query(
      `SELECT to_regclass($1) IS NOT NULL AS holder,
              (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass($2) AND tgname = ANY($3))::int AS triggers,
              (SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = $4 AND p.proname = 'one_writer') AS version`,
      [`${SCHEMA}.lock_holder`, `${SCHEMA}.journal`, TRIGGERS, SCHEMA],
    );
    const row = present.rows[0];
    if (row?.holder && row?.triggers === TRIGGERS.length && row?.version === SCHEMA_VERSION) return;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
      await client.query(DDL);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw new RunStoreUnavailable(
        `${this.where} has no runbook store schema (${SCHEMA}) or an old one, and this role cannot create it (${why(err)}); an administrator creates it once as docs/runbooks.md shows`,
      );
    }
  }

  async currentLock(): Promise<LockInfo | null> {
    const c = await this.connect();
    const held = await c.query(`SELECT 1 FROM pg_locks WHERE ${FLEET_LOCK_ROWS}`);
    if (held.rowCount === 0) return null;
    const r = await c.query(`SELECT info FROM ${SCHEMA}.lock_holder WHERE fleet = 'fleet'`);
    if (r.rows.length === 0) return unreadableLock('its holder has not said who it is');
    return lockOf(r.rows[0]?.info) ?? unreadableLock('its lock_holder row is not a lock citycloud wrote');
  }

  /** The holder's session is alive while it holds the lock: stale only when its heartbeat stopped. */
  async liveness(lock: LockInfo, now = Date.now()): Promise<Liveness> {
    if (lock.unreadable) return { state: 'stale', why: lock.unreadable };
    const beat = Date.parse(lock.heartbeatAt);
    if (!Number.isFinite(beat))
      return { state: 'stale', why: 'its session holds the lock, but its heartbeat cannot be read' };
    if (now - beat > lock.expiresAfterSeconds * 1000)
      return {
        state: 'stale',
        why: `its session holds the lock, but sent no heartbeat for ${Math.round((now - beat) / 1000)} s (hung?)`,
      };
    return {
      state: 'alive',
      why: `its session holds the lock and its heartbeat is ${Math.max(0, Math.round((now - beat) / 1000))} s old`,
    };
  }

  /** Records who holds the lock just taken, starts its heartbeat, gives the handle that releases it. */
  private async hold(c: pg.Client, owner: Actor & { run: string }): Promise<HeldLock> {
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
      info,
      release: async () => {
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.heartbeat = null;
        // a lost connection has released the lock already
        await c.query(`DELETE FROM ${SCHEMA}.lock_holder WHERE fleet = 'fleet'`).catch(() => {});
        await c.query('SELECT pg_advisory_unlock($1)', [FLEET_LOCK]).catch(() => {});
      },
    };
  }

  async acquire(owner: Actor & { run: string }): Promise<{ lock: HeldLock; tookOver: LockInfo | null }> {
    const c = await this.connect();
    const got = await c.query('SELECT pg_try_advisory_lock($1) AS ok', [FLEET_LOCK]);
    if (!got.rows[0]?.ok) {
      const held = (await this.currentLock()) ?? unreadableLock('it was released while it was read');
      throw new LockRefused(held, await this.liveness(held), this.storeArgs);
    }
    return { lock: await this.hold(c, owner), tookOver: null };
  }

  async breakLock(
    owner: Actor & { run: string },
    expected?: LockInfo,
  ): Promise<{ broken: LockInfo; lock: HeldLock } | null> {
    const c = await this.connect();
    const broken = await this.currentLock();
    if (!broken) return null;
    // the lock judged is the lock broken: a holder that changed meanwhile is not broken blind
    if (expected && JSON.stringify(expected) !== JSON.stringify(broken))
      throw new LockRefused(broken, await this.liveness(broken), this.storeArgs);
    // end the holder's session (this database's only), then wait for the server to release its lock
    await c.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE ${FLEET_LOCK_ROWS} AND pid <> pg_backend_pid()`,
    );
    try {
      await c.query('BEGIN');
      await c.query("SET LOCAL lock_timeout = '30s'");
      await c.query('SELECT pg_advisory_lock($1)', [FLEET_LOCK]);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw new RunStoreUnavailable(
        `ended the session of run ${broken.run}, but its lock was not released within 30 s (${why(err)}); try again`,
      );
    }
    return { broken, lock: await this.hold(c, owner) };
  }

  async journal(run: string, options: { create: boolean }): Promise<Journal> {
    if (!RUN_ID.test(run))
      throw new RunNotFound(`"${run.slice(0, 60)}" is not a run id (such as upgrade-20261201-220000-1a2b)`);
    const c = await this.connect();
    const { records, head } = await readJournal(c, run, this.where);
    if (records.length === 0 && !options.create)
      throw new RunNotFound(`no run ${run.slice(0, 60)} in ${this.where}`);
    return pgJournal(c, run, this.where, head);
  }

  async runs(): Promise<string[]> {
    const c = await this.connect();
    // a run id of another shape (anyone with INSERT may write one) is none of the runbooks'
    const r = await c.query(`SELECT DISTINCT run FROM ${SCHEMA}.journal WHERE run ~ $1 ORDER BY run`, [
      RUN_ID.source,
    ]);
    return r.rows.map((row: { run: string }) => row.run);
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}
