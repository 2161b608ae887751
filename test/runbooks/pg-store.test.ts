/**
 * The PostgreSQL run store against a hostile or careless user of the database: the journal is
 * written by the lock's holder only, never changed or emptied, its chain checked on every read;
 * the runbooks' role needs only the grants docs/runbooks.md lists; unlock stays in its database;
 * a connection lost mid-run stops the writer.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgRunStore, SCHEMA } from '../../runbooks/engine/pg-store.ts';
import { JournalRefused, JournalUnwritable } from '../../runbooks/engine/run-store.ts';
import { describeWith, POSTGRES } from '../helpers/needs.ts';
import { startPostgres, type ThrowAwayPostgres } from '../helpers/postgres.ts';

const RUN = 'upgrade-20261201-220000-0a0b';
const me = { user: 'lan', host: hostname(), pid: process.pid };

/** The grants of docs/runbooks.md, for a role that may run the runbooks and nothing more. */
const GRANTS = `
CREATE ROLE citycloud_runbook LOGIN;
GRANT USAGE ON SCHEMA ${SCHEMA} TO citycloud_runbook;
GRANT SELECT, INSERT ON ${SCHEMA}.journal TO citycloud_runbook;
GRANT SELECT, INSERT, UPDATE, DELETE ON ${SCHEMA}.lock_holder TO citycloud_runbook;
`;

async function sql<T>(url: string, go: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  try {
    return await go(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** A run's first records, as a run writes them, with the lock taken and left held. */
async function startRun(store: PgRunStore, run = RUN) {
  const { lock } = await store.acquire({ ...me, run });
  const j = await store.journal(run, { create: true });
  await j.append({ kind: 'run-started', runbook: 'upgrade', by: me, executor: 'sim', plan: {}, options: {} });
  await j.append({ kind: 'approval', approvedBy: 'minh', operator: 'lan', fourEyes: true });
  return { j, lock };
}

describeWith([POSTGRES], 'the PostgreSQL run store, used carelessly or against it', () => {
  let db: ThrowAwayPostgres;
  let admin: string;
  let runbook: string;
  beforeAll(async () => {
    db = startPostgres();
    admin = db.url;
    // the administrator creates the schema once, then the runbooks' role gets its grants
    const store = new PgRunStore(admin);
    await store.runs();
    await store.close();
    await sql(admin, (c) => c.query(GRANTS));
    runbook = admin.replace('postgres@', 'citycloud_runbook@');
  });
  afterAll(() => db?.stop());

  it('runs with SELECT and INSERT on the journal only; UPDATE, DELETE and TRUNCATE are refused', async () => {
    const store = new PgRunStore(runbook);
    const { j, lock } = await startRun(store);
    await j.append({ kind: 'wave-started', wave: 0 });
    expect((await j.read()).map((r) => r.kind)).toEqual(['run-started', 'approval', 'wave-started']);
    await j.close();
    await lock.release();
    await store.close();
    await sql(runbook, async (c) => {
      await expect(c.query(`UPDATE ${SCHEMA}.journal SET record = '{}'`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(c.query(`DELETE FROM ${SCHEMA}.journal`)).rejects.toThrow(/permission denied/);
      await expect(c.query(`TRUNCATE ${SCHEMA}.journal`)).rejects.toThrow(/permission denied/);
    });
    // the owner too is refused by the triggers
    await sql(admin, async (c) => {
      await expect(c.query(`TRUNCATE ${SCHEMA}.journal`)).rejects.toThrow(/append-only: TRUNCATE refused/);
      await expect(c.query(`DELETE FROM ${SCHEMA}.journal`)).rejects.toThrow(/append-only: DELETE refused/);
      const n = await c.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.journal WHERE run = $1`, [RUN]);
      expect(n.rows[0].n).toBe(3);
    });
  });

  it('refuses an INSERT from a session that does not hold the lock, or out of sequence', async () => {
    const run = 'upgrade-20261201-220001-0c0d';
    const store = new PgRunStore(runbook);
    const { j, lock } = await startRun(store, run);
    const forged = (seq: number) =>
      sql(runbook, (c) =>
        c.query(`INSERT INTO ${SCHEMA}.journal (run, seq, at, record) VALUES ($1, $2, now(), '{}')`, [
          run,
          seq,
        ]),
      );
    // the holder is alive: another session may not write its journal
    await expect(forged(3)).rejects.toThrow(/written only by the holder of the fleet's runbook lock/);
    await j.close();
    await lock.release();
    // with the lock taken by the forger, a record out of sequence is refused still
    await sql(runbook, async (c) => {
      await c.query('SELECT pg_advisory_lock(7279001)');
      await expect(
        c.query(`INSERT INTO ${SCHEMA}.journal (run, seq, at, record) VALUES ($1, 9, now(), '{"seq":9}')`, [
          run,
        ]),
      ).rejects.toThrow(/does not follow its last record 2/);
      // a row of a run id of another shape, or whose record names another seq, is refused
      await expect(
        c.query(`INSERT INTO ${SCHEMA}.journal (run, seq, at, record) VALUES ($1, 1, now(), '{"seq":1}')`, [
          `z${'z'.repeat(1000)}`,
        ]),
      ).rejects.toThrow(/a journal row must have a run id and carry its own seq/);
      await expect(
        c.query(`INSERT INTO ${SCHEMA}.journal (run, seq, at, record) VALUES ($1, 3, now(), '{"seq":4}')`, [
          run,
        ]),
      ).rejects.toThrow(/a journal row must have a run id and carry its own seq/);
      // in sequence it goes in, and the chain finds it at its place
      await c.query(`INSERT INTO ${SCHEMA}.journal (run, seq, at, record) VALUES ($1, 3, now(), $2)`, [
        run,
        JSON.stringify({
          seq: 3,
          at: new Date().toISOString(),
          prev: 'f'.repeat(64),
          kind: 'paused',
          reason: 'x',
        }),
      ]);
    });
    const err = (await store.journal(run, { create: false }).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(JournalRefused);
    expect(err.message).toBe(
      `${new PgRunStore(runbook).where}, run ${run}, row seq 3: it has no "digest" (written by hand, or by a citycloud without journal chains)`,
    );
    await store.close();
  });

  it('breaks a lock of its own database only', async () => {
    await sql(admin, (c) => c.query('CREATE DATABASE other'));
    const otherUrl = admin.replace('/postgres?', '/other?');
    const other = new PgRunStore(otherUrl);
    const held = await other.acquire({ ...me, user: 'minh', run: RUN });
    const here = new PgRunStore(admin);
    expect(await here.currentLock()).toBeNull();
    expect(await here.breakLock({ ...me, run: RUN })).toBeNull();
    // the other database's holder is untouched: it still holds its lock
    expect((await other.currentLock())?.user).toBe('minh');
    await held.lock.release();
    await other.close();
    await here.close();
  });

  it('stops the writer whose connection is lost, and says so', async () => {
    const run = 'upgrade-20261201-220002-0e0f';
    const store = new PgRunStore(runbook);
    const { j } = await startRun(store, run);
    await sql(admin, (c) =>
      c.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'citycloud-runbook' AND usename = 'citycloud_runbook'",
      ),
    );
    const err = (await j.append({ kind: 'wave-started', wave: 0 }).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(JournalUnwritable);
    expect(err.message).toMatch(
      /^the journal in PostgreSQL at socket \/tmp\/citycloud-pg-\w+\/postgres cannot be written \(.+\); this run acts on nothing more$/,
    );
    await store.close();
    // nothing of it was written after the two records
    const n = await sql(admin, (c) =>
      c.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.journal WHERE run = $1`, [run]),
    );
    expect(n.rows[0].n).toBe(2);
  });
});
