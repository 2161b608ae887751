/**
 * The local stand-in for a warehouse shard and its second site, for the `local` drill executor:
 * a real PostgreSQL cluster (the source) archiving every WAL segment to a folder (`archive_command`,
 * a segment at least every RPO through `archive_timeout`), with full backups taken by
 * `pg_basebackup` into that folder, the newest `fullBackupsKept` kept. Only Unix sockets in the
 * site's own folders: nothing listens on the network.
 *
 *   <site>/<shard>/source/           the source cluster       <site>/<shard>/source-run/  its socket, log
 *   <site>/<shard>/archive/wal/      archived WAL segments    <site>/<shard>/archive/base/<label>/
 *   <site>/<shard>/scratch/          a drill's restored copy  <site>/<shard>/scratch-run/ its socket
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { writeWhole } from '../../exec/atomic-file.ts';
import { type ClusterOwner, ownFolder, runPostgresTool } from '../../exec/postgres-server.ts';
import type { Ran } from '../../exec/run-argv.ts';
import { compactUtc } from './drill-plan.ts';

/** The port number in every socket's name (`.s.PGSQL.5432`): each cluster has its own folder. */
export const SOCKET_PORT = 5432;

/** A site folder reaches postgresql.conf and archive_command: plain path characters only. */
export const SITE_PATH = /^\/[A-Za-z0-9_./-]{1,200}$/;

export interface ShardFolders {
  readonly root: string;
  readonly source: string;
  readonly sourceRun: string;
  readonly wal: string;
  readonly base: string;
  readonly scratch: string;
  readonly scratchRun: string;
}

export function shardFolders(site: string, shard: string): ShardFolders {
  // a shard's folder is one name right under the site's: nothing else is ever made or removed
  if (!/^[a-z0-9][a-z0-9-]{0,80}$/.test(shard))
    throw new Error(`${JSON.stringify(shard).slice(0, 80)} is not a shard's name: no folder is made for it`);
  const root = join(site, shard);
  return {
    root,
    source: join(root, 'source'),
    sourceRun: join(root, 'source-run'),
    wal: join(root, 'archive', 'wal'),
    base: join(root, 'archive', 'base'),
    scratch: join(root, 'scratch'),
    scratchRun: join(root, 'scratch-run'),
  };
}

/** A tool's failure, in one line: its last line of stderr. */
export function failed(what: string, r: Ran): Error {
  const last = r.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
  return new Error(`${what} failed (exit ${r.code}): ${last || 'no message'}`);
}

async function must(what: string, ran: Promise<Ran>): Promise<Ran> {
  const r = await ran;
  if (r.code !== 0) throw failed(what, r);
  return r;
}

/** A connection to a cluster of the site over its socket, as the superuser. */
export async function connect(run: string, database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client({ host: run, port: SOCKET_PORT, user: 'postgres', database });
  // a connection the server drops fails the query under way, not the process
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Whether the cluster in `data` has a live postmaster (its pid file names a running process). */
export async function running(owner: ClusterOwner, data: string): Promise<boolean> {
  if (!existsSync(join(data, 'postmaster.pid'))) return false;
  return (await runPostgresTool(owner, 'pg_ctl', ['-D', data, 'status'])).code === 0;
}

/** Starts a cluster of the site (its settings are in its postgresql.auto.conf). */
export async function startCluster(owner: ClusterOwner, data: string, run: string, wait: boolean) {
  await must(
    `pg_ctl start ${data}`,
    runPostgresTool(owner, 'pg_ctl', [
      '-D',
      data,
      '-l',
      join(run, 'postgresql.log'),
      wait ? '-w' : '-W',
      'start',
    ]),
  );
}

export async function stopCluster(owner: ClusterOwner, data: string, mode: 'fast' | 'immediate') {
  if (!(await running(owner, data))) return;
  await must(`pg_ctl stop ${data}`, runPostgresTool(owner, 'pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']));
}

/** A folder of the site, made and handed to the clusters' owner. */
export function ownedFolder(owner: ClusterOwner, dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  ownFolder(owner, dir);
  return dir;
}

/** Appends settings to a cluster's postgresql.auto.conf (the last of a name wins). */
export function addSettings(owner: ClusterOwner, data: string, settings: Record<string, string>) {
  const lines = Object.entries(settings)
    .map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'\n`)
    .join('');
  const file = join(data, 'postgresql.auto.conf');
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  writeFileSync(file, `${before}${lines}`);
  ownFolder(owner, file);
}

/** A full backup in the archive: its folder's name and what pg_basebackup's manifest says. */
export interface BaseBackup {
  readonly label: string;
  readonly timeline: number;
  readonly startLsn: string;
  readonly endLsn: string;
  /** When it finished (unix s). */
  readonly finishedAt: number;
}

/** The archive's full backups, oldest first (their records, written once each finished). */
export function baseBackups(folders: ShardFolders): BaseBackup[] {
  if (!existsSync(folders.base)) return [];
  return readdirSync(folders.base)
    .filter((f) => /^base-\d{8}T\d{6}Z\.json$/.test(f))
    .sort()
    .flatMap((f) => {
      try {
        const b = JSON.parse(readFileSync(join(folders.base, f), 'utf8')) as BaseBackup;
        return existsSync(join(folders.base, b.label)) ? [b] : [];
      } catch {
        return [];
      }
    });
}

/** Takes a full backup of the source into the archive, keeping the newest `keep`. */
export async function takeBaseBackup(owner: ClusterOwner, folders: ShardFolders, keep: number) {
  const label = `base-${compactUtc(new Date())}`;
  const dir = join(folders.base, label);
  // WAL comes from the archive, as WAL-G's backups take it: the backup alone is not restorable
  await must(
    'pg_basebackup',
    runPostgresTool(owner, 'pg_basebackup', [
      '-h',
      folders.sourceRun,
      '-p',
      String(SOCKET_PORT),
      '-U',
      'postgres',
      '-D',
      dir,
      '-X',
      'none',
      '--checkpoint=fast',
    ]),
  );
  const manifest = JSON.parse(readFileSync(join(dir, 'backup_manifest'), 'utf8')) as {
    'WAL-Ranges': { Timeline: number; 'Start-LSN': string; 'End-LSN': string }[];
  };
  const range = manifest['WAL-Ranges'][0] as { Timeline: number; 'Start-LSN': string; 'End-LSN': string };
  const record: BaseBackup = {
    label,
    timeline: range.Timeline,
    startLsn: range['Start-LSN'],
    endLsn: range['End-LSN'],
    finishedAt: Date.now() / 1000,
  };
  writeWhole(join(folders.base, `${label}.json`), `${JSON.stringify(record, null, 2)}\n`);
  for (const old of baseBackups(folders).slice(0, -keep)) {
    rmSync(join(folders.base, `${old.label}.json`), { force: true });
    rmSync(join(folders.base, old.label), { recursive: true, force: true });
  }
  return record;
}

/** Rows of the stand-in population table, about 200 bytes each. */
const ROW_BYTES = 200;

export interface SourceOptions {
  /** About how much data the source holds. */
  readonly sizeMb: number;
  /** archive_timeout: a segment reaches the archive at least this often. */
  readonly rpoSeconds: number;
  readonly fullBackupsKept: number;
}

/**
 * The shard's source: made when the site has none (a cluster with data checksums, its data, a
 * full backup, then more writes only the WAL archive holds), started when it is not running.
 * Says what it did.
 */
export async function ensureSource(
  owner: ClusterOwner,
  folders: ShardFolders,
  opts: SourceOptions,
): Promise<'running' | 'started' | 'made'> {
  if (existsSync(join(folders.source, 'PG_VERSION'))) {
    if (await running(owner, folders.source)) return 'running';
    await startCluster(owner, folders.source, folders.sourceRun, true);
    return 'started';
  }
  // the site's own folder stays root's, open to the clusters' owner to pass through
  mkdirSync(dirname(folders.root), { recursive: true, mode: 0o755 });
  for (const d of [folders.root, join(folders.root, 'archive'), folders.wal, folders.base, folders.sourceRun])
    ownedFolder(owner, d);
  rmSync(folders.source, { recursive: true, force: true });
  await must(
    'initdb',
    runPostgresTool(owner, 'initdb', [
      '-D',
      folders.source,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--data-checksums',
      '--no-sync',
    ]),
  );
  addSettings(owner, folders.source, {
    listen_addresses: '',
    unix_socket_directories: folders.sourceRun,
    port: String(SOCKET_PORT),
    wal_level: 'replica',
    archive_mode: 'on',
    archive_command: `test ! -f ${folders.wal}/%f && cp %p ${folders.wal}/%f`,
    archive_timeout: `${opts.rpoSeconds}s`,
  });
  await startCluster(owner, folders.source, folders.sourceRun, true);
  const rows = Math.max(1000, Math.round((opts.sizeMb * 1024 * 1024) / ROW_BYTES));
  let client = await connect(folders.sourceRun);
  await client.query('CREATE DATABASE warehouse');
  await client.end();
  client = await connect(folders.sourceRun, 'warehouse');
  try {
    await client.query(`CREATE TABLE citizens (
      id bigint PRIMARY KEY, ward integer NOT NULL, born date NOT NULL, name text NOT NULL, record text NOT NULL)`);
    await client.query(
      `INSERT INTO citizens SELECT i, 1 + i % 312, date '1940-01-01' + (i % 29000)::integer,
         'citizen ' || i, repeat(md5(i::text), 4) FROM generate_series(1, $1::bigint) i`,
      [rows],
    );
    await client.query(
      'CREATE TABLE requests (id bigserial PRIMARY KEY, citizen bigint NOT NULL, at timestamptz NOT NULL, kind text NOT NULL)',
    );
    // settled as a warehouse's older data is: hint bits and the visibility map set (with data
    // checksums, the first reads after a load would otherwise write every page again into the WAL)
    await client.query('VACUUM (FREEZE, ANALYZE)');
    await client.query('CHECKPOINT');
    await takeBaseBackup(owner, folders, opts.fullBackupsKept);
    // written after the full backup: only the WAL archive holds them
    await client.query(
      `INSERT INTO requests (citizen, at, kind) SELECT 1 + i * 7 % $1::bigint, now(), 'birth-registration'
         FROM generate_series(1, 5000) i`,
      [rows],
    );
    await client.query('SELECT pg_switch_wal()');
  } finally {
    await client.end();
  }
  return 'made';
}
