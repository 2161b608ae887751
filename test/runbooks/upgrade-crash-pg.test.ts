/**
 * The same crash test with the lock and the journal in a real PostgreSQL (a throw-away cluster):
 * two operators cannot run at once, and either resumes the other's run.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { PgRunStore, SCHEMA } from '../../runbooks/engine/pg-store.ts';
import { LockRefused, RunStoreUnavailable } from '../../runbooks/engine/run-store.ts';
import { runCli } from '../helpers/city.ts';
import { fleetRecord, type LocalFleet, spawnCli, startFleet } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK, POSTGRES } from '../helpers/needs.ts';
import { startPostgres, type ThrowAwayPostgres } from '../helpers/postgres.ts';
import {
  crashCity,
  executeArgs,
  expectExactlyOnce,
  killAndResume,
  runArgs,
  UPGRADE_TIME_SCALE,
} from '../helpers/upgrade-crash.ts';

describeWith([POSTGRES, LOCAL_STACK], 'the upgrade runbook with its state in PostgreSQL', () => {
  let db: ThrowAwayPostgres;
  let fleet: LocalFleet;
  const city = crashCity();
  beforeAll(async () => {
    db = startPostgres();
    fleet = await startFleet(city, UPGRADE_TIME_SCALE);
  });
  afterAll(() => {
    fleet?.down();
    db?.stop();
  });

  it('holds one lock for every machine: a second store is refused while the first holds it', async () => {
    const a = new PgRunStore(db.url);
    const b = new PgRunStore(db.url);
    const { lock } = await a.acquire({
      user: 'lan',
      host: 'ops-1',
      pid: 11,
      run: 'upgrade-20261201-220000-0a0b',
    });
    const refused = (await b
      .acquire({ user: 'minh', host: 'ops-2', pid: 22, run: 'upgrade-20261201-220001-0c0d' })
      .catch((e) => e)) as LockRefused;
    expect(refused).toBeInstanceOf(LockRefused);
    expect(refused.message).toContain('run upgrade-20261201-220000-0a0b by lan@ops-1 (pid 11');
    await lock.release();
    const next = await b.acquire({
      user: 'minh',
      host: 'ops-2',
      pid: 22,
      run: 'upgrade-20261201-220001-0c0d',
    });
    await next.lock.release();
    await a.close();
    await b.close();
  });

  it('upgrades every server exactly once across 20 kill -9 and resumes, each resume by another operator', async () => {
    const store = ['--state', 'pg', '--state-url', db.url];
    const { run, kills, lockRefusal } = await killAndResume(fleet, city, store, 7);
    expect(kills).toBe(20);
    expect(lockRefusal.code).toBe(1);
    expect(lockRefusal.stderr).toContain(`another runbook holds the fleet's lock: run ${run} by minh@`);
    await expectExactlyOnce(fleet, city);
    const status = runCli(['runbook', 'status', run, ...store, '--json']);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as {
      state: string;
      startedBy: string;
      totals: Record<string, number>;
    };
    expect(s.state).toBe('succeeded');
    expect(s.startedBy).toMatch(/^minh@/);
    expect(s.totals.remaining).toBe(0);
    // the journal is append-only, in the database itself
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const resumed = await client.query(
        `SELECT count(*)::int AS n FROM ${SCHEMA}.journal WHERE run = $1 AND record->>'kind' = 'resumed'`,
        [run],
      );
      expect(resumed.rows[0].n).toBe(20);
      await expect(
        client.query(`UPDATE ${SCHEMA}.journal SET record = '{}' WHERE run = $1`, [run]),
      ).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(client.query(`DELETE FROM ${SCHEMA}.journal WHERE run = $1`, [run])).rejects.toThrow(
        /append-only: DELETE refused/,
      );
    } finally {
      await client.end();
    }
  }, 600_000);

  it('stops resumable (exit 75) when its database connection is lost mid-run, and a resume finishes it', async () => {
    const store = ['--state', 'pg', '--state-url', db.url];
    const common = runArgs(fleet, store, city);
    const before = (await fleetRecord(fleet.simulator)).upgrades;
    const cli = spawnCli([...executeArgs('2027.06'), '--operator', 'minh', ...common]);
    await cli.line(/: upgrade: /);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'citycloud-runbook'",
      );
    } finally {
      await client.end();
    }
    const end = await cli.exited;
    expect(end.code, cli.output().slice(-2000)).toBe(75);
    const last = cli.output().trim().split('\n').at(-1) as string;
    expect(last, cli.output().slice(-3000)).toMatch(
      /^‖ stopped: the journal in PostgreSQL at socket \S+ cannot be written \(.+\); this run acts on nothing more; the servers under way finished their current step\. Resume it once the store is back: citycloud runbook resume upgrade-\d{8}-\d{6}-[0-9a-f]{4} --state pg$/,
    );
    const run = (last.match(/upgrade-\d{8}-\d{6}-[0-9a-f]{4}/) as RegExpMatchArray)[0];
    const resumed = spawnCli(['runbook', 'resume', run, '--operator', 'lan', ...common]);
    expect((await resumed.exited).code, resumed.output().slice(-2000)).toBe(0);
    const after = (await fleetRecord(fleet.simulator)).upgrades;
    const model = loadCity(city).model as CityModel;
    for (const s of model.servers) expect((after[s.name] ?? 0) - (before[s.name] ?? 0), s.name).toBe(1);
  }, 600_000);

  it('says where it could not connect, without the password', async () => {
    const store = new PgRunStore('postgresql://ops:s3cret@127.0.0.1:1/citycloud');
    const err = (await store.runs().catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(RunStoreUnavailable);
    expect(err.message).toBe('PostgreSQL at 127.0.0.1:1/citycloud is unreachable (ECONNREFUSED)');
    await store.close();
  });
});
