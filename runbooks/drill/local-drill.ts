/**
 * The `local` drill executor: Debian's real PostgreSQL on this machine. A shard's source and its
 * archive are a local site (local-site.ts); its restore is a real point-in-time recovery of the
 * newest full backup, replaying archived WAL with `restore_command`, into a scratch cluster that
 * listens only on a socket in a folder of its own (it cannot serve traffic) and archives nothing;
 * then `pg_amcheck` and the drill's figures (table-figures.ts).
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { type ClusterOwner, ownFolder, runAsOwner, runPostgresTool } from '../../exec/postgres-server.ts';
import { sleep } from '../engine/run-engine.ts';
import { AMCHECK_ARGS, amcheckFindings } from './amcheck.ts';
import { type ArchiverReading, awaitArchived } from './archiving.ts';
import type {
  DrillAction,
  DrillExecutor,
  DrillShard,
  RecoveryPointReading,
  RestoredCopy,
  RestoreState,
  RestoreTarget,
  SourceMark,
} from './drill-executor.ts';
import {
  addSettings,
  type BaseBackup,
  baseBackups,
  connect,
  failed,
  ownedFolder,
  running,
  type ShardFolders,
  SOCKET_PORT,
  shardFolders,
  startCluster,
  stopCluster,
} from './local-site.ts';
import { DATABASES_SQL, type DatabaseFigures, TABLES_SQL, tableFiguresSql } from './table-figures.ts';
import {
  formatLsn,
  missingSegments,
  parseLsn,
  SEGMENT_BYTES,
  SEGMENT_NAME,
  segmentNumber,
  walCommits,
} from './wal-segments.ts';

/**
 * Ready, and when: the time of the copy's own log line saying it accepts connections (a drill
 * stopped while it recovered does not count the pause).
 */
function readyAt(log: string): RestoreState {
  const line = (existsSync(log) ? readFileSync(log, 'utf8') : '')
    .split('\n')
    .filter((l) => l.includes('database system is ready to accept connections'))
    .at(-1);
  const t = Date.parse(
    `${/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) UTC/.exec(line ?? '')?.[1]?.replace(' ', 'T') ?? ''}Z`,
  );
  return Number.isFinite(t) ? { state: 'ready', readyAt: t / 1000 } : { state: 'ready' };
}

/** The oldest segment a cluster keeps in its pg_wal: where its log starts when nothing is archived. */
const oldestSegment = (dir: string): string =>
  readdirSync(dir)
    .filter((n) => SEGMENT_NAME.test(n))
    .sort()[0] ?? '';

/** A connection to each database of a cluster, keyed by name. */
async function eachDatabase(run: string): Promise<Map<string, pg.Client>> {
  const first = await connect(run);
  try {
    const names = (await first.query<{ datname: string }>(DATABASES_SQL)).rows.map((r) => r.datname);
    const clients = new Map<string, pg.Client>();
    for (const name of names) clients.set(name, await connect(run, name));
    return clients;
  } finally {
    await first.end();
  }
}

const closeAll = async (clients: ReadonlyMap<string, pg.Client>) => {
  for (const c of clients.values()) await c.end().catch(() => {});
};

export class LocalDrillExecutor implements DrillExecutor {
  readonly name = 'local';
  readonly fleet: string;
  readonly stateRoot: string;

  constructor(
    private readonly owner: ClusterOwner,
    /** The site's folder (absolute, SITE_PATH). */
    private readonly site: string,
  ) {
    this.fleet = `local site ${site}`;
    this.stateRoot = join(site, 'drills');
  }

  private folders(s: DrillShard): ShardFolders {
    return shardFolders(this.site, s.shard);
  }

  describe(action: DrillAction, s: DrillShard, detail: string): string {
    const f = this.folders(s);
    switch (action) {
      case 'mark':
        return `psql -h ${f.sourceRun} -c "SELECT pg_create_restore_point('${detail}')" (and the figures as of it), then pg_switch_wal()`;
      case 'restore':
        return `cp -a ${f.base}/<newest full backup> ${f.scratch} && pg_ctl -D ${f.scratch} start (recovery ${detail}, restore_command cp ${f.wal}/%f %p)`;
      case 'teardown':
        return `pg_ctl -D ${f.scratch} -m immediate stop && rm -rf ${f.scratch}`;
    }
  }

  async recoveryPoint(s: DrillShard): Promise<RecoveryPointReading> {
    const f = this.folders(s);
    const at = Date.now() / 1000;
    const newest = existsSync(f.wal)
      ? (readdirSync(f.wal)
          .filter((n) => SEGMENT_NAME.test(n))
          .sort()
          .at(-1) ?? null)
      : null;
    const client = await connect(f.sourceRun);
    let insert: string;
    let timeline: number;
    try {
      const row = (
        await client.query<{ lsn: string; timeline: number }>(
          'SELECT pg_current_wal_insert_lsn()::text AS lsn, timeline_id AS timeline FROM pg_control_checkpoint()',
        )
      ).rows[0] as { lsn: string; timeline: number };
      ({ lsn: insert, timeline } = row);
    } finally {
      await client.end();
    }
    const end = parseLsn(insert) as bigint;
    const from = newest ? (segmentNumber(newest).segno + 1n) * SEGMENT_BYTES : null;
    if (from !== null && from >= end) return { at, archivedThrough: newest, oldestUnarchivedCommit: null };
    // the log the source has and the archive has not, read where the source keeps it
    const r = await runPostgresTool(this.owner, 'pg_waldump', [
      '--rmgr=Transaction',
      `--timeline=${timeline}`,
      '-p',
      join(f.source, 'pg_wal'),
      ...(from === null ? [] : [`--start=${formatLsn(from)}`]),
      `--end=${insert}`,
      ...(from === null ? [oldestSegment(join(f.source, 'pg_wal'))] : []),
    ]);
    const commits = walCommits(r.stdout);
    return { at, archivedThrough: newest, oldestUnarchivedCommit: commits[0]?.at ?? null };
  }

  async mark(s: DrillShard, name: string, waitSeconds: number): Promise<SourceMark> {
    const f = this.folders(s);
    const clients = await eachDatabase(f.sourceRun);
    let lsn: string;
    let at: number;
    let segment: string;
    let databases: DatabaseFigures[];
    try {
      // every database's snapshot is taken, the last one by the statement writing the restore
      // point: the figures are the data as of it (but for a commit in that very instant)
      const list = [...clients.values()];
      for (const c of list) await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      for (const c of list.slice(0, -1)) await c.query('SELECT 1');
      const last = list.at(-1) as pg.Client;
      const point = (
        await last.query<{ lsn: string; segment: string; at: number }>(
          'SELECT lsn::text AS lsn, pg_walfile_name(lsn) AS segment, extract(epoch from now())::float8 AS at FROM pg_create_restore_point($1) AS lsn',
          [name],
        )
      ).rows[0] as { lsn: string; segment: string; at: number };
      ({ lsn, segment, at } = point);
      databases = await figuresOf(clients);
      for (const c of list) await c.query('COMMIT');
    } finally {
      await closeAll(clients);
    }
    const admin = await connect(f.sourceRun);
    try {
      const before = (
        await admin.query<{ failed: string }>('SELECT failed_count::text AS failed FROM pg_stat_archiver')
      ).rows[0]?.failed;
      await admin.query('SELECT pg_switch_wal()');
      const read = async () => {
        const a = (
          await admin.query<ArchiverReading>(
            `SELECT coalesce(last_archived_wal, '') AS last, failed_count::text AS failed,
                    coalesce(last_failed_wal, '') AS "lastFailed", coalesce(last_failed_time::text, '') AS "failedAt"
               FROM pg_stat_archiver`,
          )
        ).rows[0];
        return a ?? { last: '', failed: '', lastFailed: '', failedAt: '' };
      };
      const verdict = await awaitArchived(read, segment, before ?? '', waitSeconds, 250);
      return { restorePoint: name, lsn, at, segment, databases, ...verdict };
    } finally {
      await admin.end();
    }
  }

  /** The full backup a restore to `target` starts from. */
  private baseFor(f: ShardFolders, target: RestoreTarget): BaseBackup {
    const all = baseBackups(f);
    if (all.length === 0) throw new Error(`there is no full backup in ${f.base}`);
    if (target.kind !== 'time') return all.at(-1) as BaseBackup;
    const at = Date.parse(target.at) / 1000;
    const before = all.filter((b) => b.finishedAt <= at);
    if (before.length === 0)
      throw new Error(
        `no full backup had finished by ${target.at}: the oldest kept finished at ${new Date((all[0] as BaseBackup).finishedAt * 1000).toISOString()}`,
      );
    return before.at(-1) as BaseBackup;
  }

  async restore(s: DrillShard, target: RestoreTarget): Promise<{ base: string }> {
    const f = this.folders(s);
    const base = this.baseFor(f, target);
    await stopCluster(this.owner, f.scratch, 'immediate');
    rmSync(f.scratch, { recursive: true, force: true });
    ownedFolder(this.owner, f.scratchRun);
    const log = join(f.scratchRun, 'postgresql.log');
    writeFileSync(log, '');
    ownFolder(this.owner, log);
    // every restore begun, one line each: what a drill's "restored once" is checked against
    appendFileSync(
      join(f.root, 'restores.log'),
      `${new Date().toISOString()} ${base.label} to ${target.kind === 'restore-point' ? target.name : target.kind === 'time' ? target.at : 'the archive end'}\n`,
    );
    const copied = await runAsOwner(this.owner, ['cp', '-a', join(f.base, base.label), f.scratch]);
    if (copied.code !== 0) throw failed('copying the full backup', copied);
    rmSync(join(f.scratch, 'postmaster.pid'), { force: true });
    addSettings(this.owner, f.scratch, {
      restore_command: `cp ${f.wal}/%f %p`,
      ...(target.kind === 'restore-point' ? { recovery_target_name: target.name } : {}),
      // as PostgreSQL's recovery_target_time reads it (it refuses ISO 8601's T…Z)
      ...(target.kind === 'time'
        ? { recovery_target_time: `${target.at.replace('T', ' ').replace(/Z$/, '')}+00` }
        : {}),
      ...(target.kind === 'latest' ? {} : { recovery_target_action: 'promote' }),
      // the copy archives nothing (the site is the source's) and serves nothing
      archive_mode: 'off',
      archive_command: '',
      listen_addresses: '',
      unix_socket_directories: f.scratchRun,
      port: String(SOCKET_PORT),
      hot_standby: 'off',
    });
    const signal = join(f.scratch, 'recovery.signal');
    writeFileSync(signal, '');
    ownFolder(this.owner, signal);
    await startCluster(this.owner, f.scratch, f.scratchRun, false);
    // started once its pid file is there (or it has stopped already, its log saying why)
    for (let i = 0; i < 120 && !existsSync(join(f.scratch, 'postmaster.pid')); i++) {
      if (/\b(FATAL|PANIC):/.test(readFileSync(log, 'utf8'))) break;
      await sleep(250);
    }
    return { base: base.label };
  }

  async restoreState(s: DrillShard): Promise<RestoreState> {
    const f = this.folders(s);
    if (!existsSync(f.scratch)) return { state: 'absent' };
    const state = async () =>
      /Database cluster state:\s+(.*)/.exec(
        (await runPostgresTool(this.owner, 'pg_controldata', ['-D', f.scratch])).stdout,
      )?.[1] ?? '';
    if (await running(this.owner, f.scratch)) {
      const now = await state();
      if (now !== 'in production') return { state: 'recovering', detail: now };
      // promoted: ready once it takes connections (its end-of-recovery checkpoint done)
      const ready = await runPostgresTool(this.owner, 'pg_isready', [
        '-h',
        f.scratchRun,
        '-p',
        String(SOCKET_PORT),
      ]);
      return ready.code === 0
        ? readyAt(join(f.scratchRun, 'postgresql.log'))
        : { state: 'recovering', detail: 'starting after recovery' };
    }
    const log = join(f.scratchRun, 'postgresql.log');
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const fatal = text
      .split('\n')
      .filter((l) => /\b(FATAL|PANIC):/.test(l))
      .at(-1);
    if (fatal) return { state: 'failed', problem: fatal.replace(/^.*?\b(FATAL|PANIC):\s*/, '') };
    if (!existsSync(join(f.scratch, 'recovery.signal')) && (await state()) === 'in production')
      return { state: 'ready' };
    return text.includes('starting PostgreSQL')
      ? { state: 'failed', problem: 'the server stopped' }
      : { state: 'partial' };
  }

  async missingWal(s: DrillShard, target: RestoreTarget, lsn: string | null): Promise<string[]> {
    const f = this.folders(s);
    const base = this.baseFor(f, target);
    const archived = new Set(readdirSync(f.wal).filter((n) => SEGMENT_NAME.test(n)));
    const from = parseLsn(base.startLsn) as bigint;
    const newest = [...archived].sort().at(-1);
    const to =
      lsn !== null
        ? (parseLsn(lsn) as bigint)
        : newest
          ? segmentNumber(newest).segno * 16n * 1024n * 1024n
          : from;
    return missingSegments(base.timeline, from, to, archived);
  }

  async inspect(s: DrillShard): Promise<RestoredCopy> {
    const f = this.folders(s);
    if (!(await running(this.owner, f.scratch)))
      await startCluster(this.owner, f.scratch, f.scratchRun, true);
    // the checks read the copy side by side: pg_amcheck, and the figures
    const clients = await eachDatabase(f.scratchRun);
    try {
      const [amcheck, databases] = await Promise.all([
        runPostgresTool(this.owner, 'pg_amcheck', [
          '-h',
          f.scratchRun,
          '-p',
          String(SOCKET_PORT),
          '-U',
          'postgres',
          ...AMCHECK_ARGS,
          '--jobs=2',
        ]),
        figuresOf(clients),
      ]);
      const found = amcheckFindings(amcheck);
      return { corruption: found.corruption, checkFailed: found.failed, databases };
    } finally {
      await closeAll(clients);
    }
  }

  async teardown(s: DrillShard): Promise<void> {
    const f = this.folders(s);
    if (existsSync(join(f.scratch, 'postmaster.pid'))) await stopCluster(this.owner, f.scratch, 'immediate');
    rmSync(f.scratch, { recursive: true, force: true });
    // its log stays, beside the socket folder, for whoever reads the drill afterwards
    const log = join(f.scratchRun, 'postgresql.log');
    if (existsSync(log)) writeFileSync(join(f.root, 'scratch.log'), readFileSync(log));
    rmSync(f.scratchRun, { recursive: true, force: true });
  }

  async scratchLeft(s: DrillShard): Promise<boolean> {
    const f = this.folders(s);
    return existsSync(f.scratch) || existsSync(f.scratchRun);
  }
}

/**
 * Each database's figures (each in its snapshot, when `clients` are in open transactions); a
 * table that cannot be read is said in place of its checksum.
 */
async function figuresOf(clients: ReadonlyMap<string, pg.Client>): Promise<DatabaseFigures[]> {
  const out: DatabaseFigures[] = [];
  for (const [database, client] of clients) {
    const tables = (await client.query<{ name: string }>(TABLES_SQL)).rows.map((r) => r.name);
    const figures = [];
    for (const table of tables) {
      try {
        const r = (
          await client.query<{ rows: string; sampled: string; checksum: string }>(tableFiguresSql(table))
        ).rows[0] as { rows: string; sampled: string; checksum: string };
        figures.push({ table, rows: Number(r.rows), sampled: Number(r.sampled), checksum: r.checksum });
      } catch (err) {
        figures.push({ table, rows: -1, sampled: 0, checksum: `unreadable: ${(err as Error).message}` });
      }
    }
    out.push({ database, tables: figures });
  }
  return out;
}
