/**
 * `citycloud runbook restore-drill --executor local` against Debian's real PostgreSQL: a stand-in
 * shard archiving to a folder, restored point-in-time into a scratch cluster and verified. Each
 * case has its own site, runs folder and reports, and they run side by side (the one that must
 * wait a minute for its recovery point to age waits beside the others).
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { type ClusterOwner, clusterOwner } from '../../exec/postgres-server.ts';
import {
  baseBackups,
  connect,
  ensureSource,
  shardFolders,
  stopCluster,
} from '../../runbooks/drill/local-site.ts';
import { drillReportSchema } from '../../runbooks/drill/report-schema.ts';
import { parseLsn, SEGMENT_BYTES, SEGMENT_NAME, segmentNumber } from '../../runbooks/drill/wal-segments.ts';
import { FileRunStore } from '../../runbooks/engine/file-store.ts';
import { smallCityEdited, tempDir } from '../helpers/city.ts';
import { spawnCli } from '../helpers/local-fleet.ts';
import { describeWith, POSTGRES } from '../helpers/needs.ts';

/** The small city, its warehouse PostgreSQL, its recovery point objective a minute. */
const city = () =>
  smallCityEdited(
    ['engine: clickhouse', 'engine: postgresql'],
    ['connectsTo: [national-db]', 'connectsTo: [national-db]\n    backup: {rpoMinutes: 1, rtoMinutes: 30}'],
  );
const SHARD = 'wa-s01';
const sites: string[] = [];

interface Drill {
  readonly inventory: string;
  readonly site: string;
  readonly runs: string;
  readonly reports: string;
}

function drill(): Drill {
  const dir = tempDir();
  // PostgreSQL runs as the postgres user: the site must be reachable to it
  chmodSync(dir, 0o755);
  const d = {
    inventory: city(),
    site: join(dir, 'site'),
    runs: join(dir, 'runs'),
    reports: join(dir, 'reports'),
  };
  sites.push(d.site);
  return d;
}

const args = (d: Drill, ...more: string[]) => [
  'runbook',
  'restore-drill',
  '--executor',
  'local',
  '--warehouse',
  'wa',
  '--inventory',
  d.inventory,
  '--site',
  d.site,
  '--runs-dir',
  d.runs,
  '--report-dir',
  d.reports,
  '--size-mb',
  '8',
  ...more,
];

/** The drill's JSON report (the one in the reports folder). */
function report(d: Drill) {
  const file = readdirSync(d.reports).find((f) => f.endsWith('.json')) as string;
  return JSON.parse(readFileSync(join(d.reports, file), 'utf8')) as {
    passed: boolean;
    shards: {
      recoveryPoint: { measuredSeconds: number | null; objectiveSeconds: number; met: boolean };
      recoveryTime: { measuredSeconds: number | null; met: boolean };
      verification: {
        restored: boolean;
        corruption: string[];
        differences: string[];
        compared: boolean;
        tables: number;
        rows: number;
      };
      problems: string[];
    }[];
  };
}

const owner = () => clusterOwner() as ClusterOwner;

/** The command line run beside the other cases (not blocking them): its exit code and output. */
async function cli(argv: readonly string[]): Promise<{ code: number | null; out: string }> {
  const c = spawnCli(argv);
  const end = await c.exited;
  return { code: end.code, out: c.output() };
}

/** The stand-in shard made (as a drill makes it) and running. */
async function source(d: Drill) {
  const folders = shardFolders(d.site, SHARD);
  await ensureSource(owner(), folders, { sizeMb: 8, rpoSeconds: 60, fullBackupsKept: 2 });
  return folders;
}

/** No server runs from the folder: no postmaster's command line names it. */
const serversIn = (dir: string) => {
  try {
    return execFileSync('pgrep', ['-f', `postgres -D ${dir}`], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

describeWith([POSTGRES], 'citycloud runbook restore-drill --executor local (real PostgreSQL)', () => {
  afterAll(async () => {
    for (const site of sites) {
      const f = shardFolders(site, SHARD);
      await stopCluster(owner(), f.scratch, 'immediate').catch(() => {});
      await stopCluster(owner(), f.source, 'immediate').catch(() => {});
      rmSync(site, { recursive: true, force: true });
    }
  });

  it.concurrent('restores and verifies a real PostgreSQL, prints the recovery point and time against the objectives, and leaves nothing behind', async () => {
    const d = drill();
    // as the stacks' CronJob runs it: approved by the inventory's drill schedule
    const r = await cli(args(d, '--scheduled'));
    expect(r.out).toMatch(/✓ succeeded/);
    const journal = readdirSync(d.runs).find((f) => f.startsWith('restore-drill-')) as string;
    expect(readFileSync(join(d.runs, journal, 'journal.jsonl'), 'utf8')).toContain(
      '"approvedBy":"the inventory’s backup.drill schedule"',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /wa-s01: passed: recovery point [\d.]+ s \(objective 60 s\), recovery time [\d.]+ s \(objective 1800 s\)/,
    );
    expect(r.out).toMatch(/report: .*\.json \(SHA-256 [0-9a-f]{64}\)/);
    const rep = report(d);
    // the report is what its documented schema says
    expect(drillReportSchema.parse(rep)).toEqual(rep);
    expect(rep.passed).toBe(true);
    const s = rep.shards[0];
    expect(s?.verification).toMatchObject({
      restored: true,
      corruption: [],
      differences: [],
      compared: true,
      tables: 2,
    });
    // the stand-in's citizens (8 MB at about 200 bytes a row) and the requests written after its full backup
    expect(s?.verification.rows).toBeGreaterThan(40_000);
    expect(s?.recoveryTime.measuredSeconds).toBeGreaterThan(0);
    const f = shardFolders(d.site, SHARD);
    expect(existsSync(f.scratch)).toBe(false);
    expect(serversIn(f.scratch)).toBe('');
    // the drill stops the stand-in it started
    expect(serversIn(f.source)).toBe('');
    expect(readFileSync(join(f.root, 'restores.log'), 'utf8').trim().split('\n')).toHaveLength(1);
    // the Markdown and the page say the same
    const md = readdirSync(d.reports).find((x) => x.endsWith('.md')) as string;
    expect(readFileSync(join(d.reports, md), 'utf8')).toMatch(
      /\| wa-s01 \| restore point citycloud-drill-\d{8}T\d{6}Z-wa-s01-1 \| [\d.]+ s \(60 s\) \|/,
    );
  });

  it.concurrent('restores to a point in time when asked: what was committed after it is not there', async () => {
    const d = drill();
    const f = await source(d);
    const c = await connect(f.sourceRun, 'warehouse');
    const before = Number(
      (
        await c.query<{ n: string }>(
          'SELECT (SELECT count(*) FROM citizens) + (SELECT count(*) FROM requests) AS n',
        )
      ).rows[0]?.n,
    );
    // the point asked for, a second past the last commit before it; then more rows, archived
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const at = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await c.query(
      `INSERT INTO requests (citizen, at, kind) SELECT i, now(), 'late' FROM generate_series(1, 777) i`,
    );
    await c.query('SELECT pg_switch_wal()');
    await c.end();
    const r = await cli(args(d, '--to', at));
    expect(r.code).toBe(0);
    const s = report(d).shards[0];
    expect(s?.verification).toMatchObject({ restored: true, compared: false, rows: before });
    expect(r.out).toContain(`restore drill of wa-s01 to ${at}`);
  });

  it.concurrent('a backup with a WAL segment removed fails, naming the segment the restore lacks', async () => {
    const d = drill();
    const f = await source(d);
    const base = baseBackups(f).at(-1);
    // more WAL after the full backup, then one segment of it lost from the archive
    const c = await connect(f.sourceRun, 'warehouse');
    for (let i = 0; i < 3; i++) {
      await c.query(
        `INSERT INTO requests (citizen, at, kind) SELECT i, now(), 'move' FROM generate_series(1, 2000) i`,
      );
      await c.query('SELECT pg_switch_wal()');
    }
    await c.end();
    const start = (parseLsn(base?.startLsn ?? '') as bigint) / SEGMENT_BYTES;
    const lost = readdirSync(f.wal)
      .filter((n) => SEGMENT_NAME.test(n))
      .sort()
      .find((n) => segmentNumber(n).segno > start + 1n) as string;
    expect(lost).toBeDefined();
    rmSync(join(f.wal, lost));
    const r = await cli(args(d));
    expect(r.code).toBe(1);
    const rep = report(d);
    expect(rep.passed).toBe(false);
    expect(rep.shards[0]?.verification.restored).toBe(false);
    expect(rep.shards[0]?.problems.join(' ')).toContain(`the archive lacks WAL segment ${lost}`);
    expect(r.out).toContain(lost);
    // torn down all the same
    expect(existsSync(f.scratch)).toBe(false);
    expect(serversIn(f.scratch)).toBe('');
  });

  it.concurrent('a corrupted page in the full backup is found by pg_amcheck', async () => {
    const d = drill();
    const f = await source(d);
    const c = await connect(f.sourceRun, 'warehouse');
    const path = (await c.query<{ p: string }>("SELECT pg_relation_filepath('citizens') AS p")).rows[0]
      ?.p as string;
    await c.end();
    const base = baseBackups(f).at(-1)?.label as string;
    // block 3 of the citizens table, which nothing writes after the full backup: its tuples overwritten
    const fd = openSync(join(f.base, base, path), 'r+');
    writeSync(fd, Buffer.alloc(2000, 0x5a), 0, 2000, 3 * 8192 + 1000);
    closeSync(fd);
    const r = await cli(args(d));
    expect(r.code).toBe(1);
    const s = report(d).shards[0];
    expect(s?.verification.restored).toBe(true);
    expect(s?.verification.corruption.length).toBeGreaterThan(0);
    expect(s?.problems.join(' ')).toMatch(/pg_amcheck found corruption/);
    expect(r.out).toMatch(/pg_amcheck found corruption/);
  });

  it.concurrent('a recovery point objective missed is exit 1 with the measured figure', async () => {
    const d = drill();
    const f = await source(d);
    const c = await connect(f.sourceRun, 'warehouse');
    // archiving breaks; the source goes on committing
    await c.query(`ALTER SYSTEM SET archive_command = 'false'`);
    await c.query('SELECT pg_reload_conf()');
    await c.query(
      `INSERT INTO requests (citizen, at, kind) SELECT i, now(), 'death' FROM generate_series(1, 100) i`,
    );
    // the newest archived commit ages past the objective of a minute (the drill measures it)
    await new Promise((resolve) => setTimeout(resolve, 65_000));
    await c.query(`INSERT INTO requests (citizen, at, kind) VALUES (1, now(), 'marriage')`);
    await c.end();
    const r = await cli(args(d));
    expect(r.code).toBe(1);
    const s = report(d).shards[0];
    expect(s?.recoveryPoint.met).toBe(false);
    expect(s?.recoveryPoint.measuredSeconds).toBeGreaterThan(60);
    const figure = s?.recoveryPoint.measuredSeconds as number;
    expect(r.out).toContain(
      `recovery point objective missed: the oldest transaction not archived was committed ${figure} s before the drill, the objective is 60 s`,
    );
    // what was archived is still restored and checked, though not compared with the source
    expect(s?.verification).toMatchObject({ restored: true, corruption: [], compared: false });
    expect(s?.problems.join(' ')).toMatch(/never reached the archive: archiving fails/);
  }, 180_000);

  it.concurrent('a journal naming a shard the inventory does not have is refused before anything is made for it', async () => {
    const d = drill();
    const victim = join(dirname(d.site), 'victim-s01');
    mkdirSync(join(victim, 'source'), { recursive: true });
    writeFileSync(join(victim, 'source', 'keep.txt'), 'precious');
    // a forger who knows the chain writes the run through the real store
    const run = 'restore-drill-20261205-170000-abcd';
    const store = new FileRunStore(d.runs);
    const { lock } = await store.acquire({ user: 'mallory', host: hostname(), pid: process.pid, run });
    const j = await store.journal(run, { create: true });
    await j.append({
      kind: 'run-started',
      runbook: 'restore-drill',
      by: { user: 'mallory', host: hostname(), pid: process.pid },
      executor: 'drill-local',
      fleet: `local site ${d.site}`,
      plan: {
        format: 'citycloud-drill-plan/v1',
        drill: '20261205T170000Z',
        to: null,
        shards: [{ warehouse: 'wa', shard: 'wa-s/../../victim-s01' }],
      },
      options: { executor: 'local' },
    });
    await j.append({ kind: 'approval', approvedBy: 'mallory', operator: 'mallory', fourEyes: false });
    await j.close();
    await lock.release();
    await store.close();
    const r = await cli(args(d, '--resume', run));
    expect(r.out).toMatch(
      /shard "wa-s\/\.\.\/\.\.\/victim-s01" of warehouse "wa" is not one the inventory has/,
    );
    expect(r.code).not.toBe(0);
    expect(readFileSync(join(victim, 'source', 'keep.txt'), 'utf8')).toBe('precious');
    expect(readdirSync(victim)).toEqual(['source']);
    expect(existsSync(d.site) ? readdirSync(d.site).filter((f) => f !== 'drills') : []).toEqual([]);
  });

  it.concurrent('a second drill on a site another drill holds is refused, exit 75, and touches nothing', async () => {
    const d = drill();
    mkdirSync(d.site, { recursive: true });
    // the lock as a drill running now holds it (this process is alive)
    writeFileSync(
      join(d.site, '.drill-lock.json'),
      JSON.stringify({
        drill: '20261205T170000Z',
        pid: process.pid,
        host: hostname(),
        since: new Date().toISOString(),
      }),
    );
    const r = await cli(args(d));
    expect(r.out).toContain(`drill 20261205T170000Z runs on ${d.site} (pid ${process.pid}`);
    expect(r.code).toBe(75);
    expect(readdirSync(d.site)).toEqual(['.drill-lock.json']);
  });

  it.concurrent('kill -9 mid-restore, then resume: the shard restored once, no scratch cluster left', async () => {
    const d = drill();
    const killed = spawnCli(args(d), { CITYCLOUD_CRASH_AFTER: 'restore:1' });
    const run = (
      (await killed.line(/run restore-drill-\d{8}-\d{6}-[0-9a-f]{4}:/)).match(
        /restore-drill-\d{8}-\d{6}-[0-9a-f]{4}/,
      ) as RegExpMatchArray
    )[0];
    const end = await killed.exited;
    expect(end.signal).toBe('SIGKILL');
    const f = shardFolders(d.site, SHARD);
    // the restore it began goes on without it
    expect(existsSync(f.scratch)).toBe(true);
    // the generic resume points at the drill's own (its executor and site are the drill's options)
    const generic = await cli(['runbook', 'resume', run, '--inventory', d.inventory, '--runs-dir', d.runs]);
    expect(generic.code).toBe(2);
    expect(generic.out).toContain(
      `run ${run} is a restore drill: resume it with citycloud runbook restore-drill --resume ${run} --executor local`,
    );
    const resumed = await cli(args(d, '--resume', run));
    expect(resumed.out).toMatch(/✓ succeeded/);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toMatch(/restore under way|restored/);
    expect(report(d).passed).toBe(true);
    expect(readFileSync(join(f.root, 'restores.log'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(existsSync(f.scratch)).toBe(false);
    expect(serversIn(f.scratch)).toBe('');
    // a second resume finds the run finished and touches nothing
    const again = await cli(args(d, '--resume', run));
    expect(again.code).toBe(0);
    expect(readFileSync(join(f.root, 'restores.log'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
