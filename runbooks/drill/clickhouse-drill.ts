/**
 * The `kubectl` drill of a ClickHouse shard: its backups are ClickHouse 24.8's own, written by the
 * shard's CronJobs (constructs/warehouse/clickhouse-backup.ts) as `<endpoint>/<bucket>/clickhouse/
 * <shard>/<full|incremental>-<UTC time>/`, a backup's `.backup` file written last.
 *
 * - The recovery point: the oldest part written on a replica of the shard since the newest
 *   finished backup began (`system.parts.modification_time`, ClickHouse's own databases left
 *   out). A merge writes a new part of old rows, so this errs toward a larger figure, never a
 *   smaller one.
 * - The mark: no restore point can be written into a ClickHouse backup; the drill names the backup
 *   it restores (the newest finished one) and reads the source's rows per partition where every
 *   active part is older than that backup's start: the partitions the backup holds exactly as the
 *   source has them now. Partitions written since are not compared (the backup cannot hold them).
 * - The restore: a scratch namespace (the PostgreSQL drill's deny-all policy, and within it only
 *   the restore job reaching the server) with one ClickHouse server of the shard's own image,
 *   running an embedded Keeper of its own for the Replicated tables (their paths in Keeper are the
 *   source's, so they must never reach the source's quorum: the policy lets nothing out but the
 *   backup store and DNS), the macros `cluster`, `shard` and `replica` and the warehouse's cluster
 *   of one local replica for Distributed tables, and merges switched off so the copy stays as
 *   restored (a ReplacingMergeTree's merge would change its counts). A Job runs, once
 *   (`backoffLimit: 0`), `RESTORE ALL EXCEPT DATABASES system, … FROM S3('<url>/<backup>') ASYNC`
 *   and polls `system.backups` until RESTORED or RESTORE_FAILED: its status in the API server is
 *   the restore's, whatever happens to this process.
 * - The checks: `CHECK TABLE` of every MergeTree table of the copy (each part's files against its
 *   checksums; `check_query_single_value_result = 0`: a row per part), and the rows per partition
 *   compared with the source's.
 *
 * Read: ClickHouse docs (operations/backup, system-tables/backups: the statuses; formats/One,
 * 23.11 on: `_path` without reading a file; sql-reference/statements/check-table), and the
 * server image's docker/server/entrypoint.sh (ClickHouse/ClickHouse at 00b7432): with
 * `CLICKHOUSE_USER` and `CLICKHOUSE_PASSWORD` set it replaces the user `default` with that one,
 * reachable from any address (the policy is what confines it). The readings of a source replica
 * run as the backup jobs' user `backup`, its password given on kubectl's stdin, never in an argv;
 * it needs `SHOW TABLES` for `system.parts` besides `BACKUP` and `S3` (README).
 */
import { randomBytes } from 'node:crypto';
import { AGENT_METADATA_ENDPOINT } from '../../model/backup-agent.ts';
import {
  BACKUP_CREDENTIAL_KEYS,
  backupAgentSecret,
  backupCredentialsSecret,
  CLICKHOUSE_BACKUP_USER,
  CLICKHOUSE_SYSTEM_DATABASES,
  clickhouseBackupKey,
  clickhouseBackupOf,
} from '../../model/backup-target.ts';
import { type CityModel, type Warehouse, warehouseNamespace } from '../../model/index.ts';
import { escapeHtml } from '../../view/html-page.ts';
import type {
  DrillShard,
  KubectlSession,
  RecoveryPointReading,
  RestoredCopy,
  RestoreState,
  RestoreTarget,
  SourceMark,
} from './drill-executor.ts';
import {
  agentParts,
  drillStore,
  type OffsiteAgent,
  readOffsiteAgent,
  scratchFrame,
  sourcePodArgv,
} from './scratch-store.ts';
import type { DatabaseFigures, TableFigures } from './table-figures.ts';

/** The shards' container, and the scratch server's. */
export const CLICKHOUSE_CONTAINER = 'clickhouse';
/** The scratch server (a one-pod StatefulSet and its headless Service) and the restore Job. */
const SERVER = 'drill';
const SERVER_POD = `${SERVER}-0`;
const RESTORE_JOB = 'restore';
/** The scratch Secret: the drill's own password for the scratch server, and the store's keys. */
const SCRATCH_SECRET = 'drill-clickhouse';
const DRILL_USER = 'drill';
/** The restore's id in `system.backups`. */
const RESTORE_ID = 'citycloud-drill';

/** Every reading of the API server the ClickHouse drill makes through readingArgv. */
export const CLICKHOUSE_READINGS = ['secret', 'job', 'job-logs'] as const;

/** A query run in a ClickHouse server, its JSON rows. */
type Query = (sql: string, what: string) => Promise<Record<string, unknown>[]>;

/** A source replica that answers, and its query as the backup jobs' user. */
interface Replica {
  readonly pod: string;
  readonly query: Query;
}

/** A string as a ClickHouse string literal. */
export const sqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
/** A name as a ClickHouse identifier. */
export const sqlName = (s: string) => `\`${s.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;

const SYSTEM = CLICKHOUSE_SYSTEM_DATABASES.map(sqlString).join(', ');

/** The finished backups under a URL: every `<backup>/.backup`, listed without reading one. */
export const backupsSql = (url: string) =>
  `SELECT _path FROM s3(${sqlString(`${url}/*/.backup`)}, 'One') FORMAT JSONEachRow`;

/** The oldest part written since `since` (unix s), and how many there are. */
export const newerPartsSql = (since: number) =>
  `SELECT toUnixTimestamp(min(modification_time)) AS oldest, count() AS parts FROM system.parts WHERE active AND database NOT IN (${SYSTEM}) AND modification_time >= toDateTime(${Math.trunc(since)}) FORMAT JSONEachRow`;

/**
 * The rows of each table's partitions. With `before` (unix s, a backup's start): the rows of the
 * active parts older than it (`settled_rows`: the backup holds those parts as they are, and a merge
 * since wrote a newer part, so the copy holds at least as many) and whether every part is
 * (`all_settled`: then the copy holds exactly as many). Without: every row (`total_rows`), the copy's.
 */
export const partitionsSql = (before: number | null) => {
  const t = before === null ? '' : `toDateTime(${Math.trunc(before)})`;
  const figures =
    before === null
      ? 'sum(rows) AS total_rows'
      : `sumIf(rows, modification_time < ${t}) AS settled_rows, max(modification_time) < ${t} AS all_settled`;
  return `SELECT database, table, partition_id, ${figures} FROM system.parts WHERE active AND database NOT IN (${SYSTEM}) GROUP BY database, table, partition_id${before === null ? '' : ' HAVING settled_rows > 0'} ORDER BY database, table, partition_id FORMAT JSONEachRow`;
};

/**
 * When a backup says it began: the `<timestamp>` ClickHouse writes into its `.backup` file
 * (BackupImpl::writeBackupMetadata, `LocalDateTime` of the backup's start, the server's zone: UTC
 * in the image), read from that one file.
 */
export const backupTimestampSql = (url: string, name: string) =>
  `SELECT extract(raw_blob, '<timestamp>([^<]+)</timestamp>') AS began FROM s3(${sqlString(`${url}/${name}/.backup`)}, 'RawBLOB') FORMAT JSONEachRow`;

/** How far a backup's own start may be from its name's time (the job's clock, then a queue). */
const NAME_TO_START_SECONDS = 3600;

/**
 * Whether a backup is what its name says: null when its own record began within the hour after
 * the time its name gives; else why not (renamed, copied from an older one, or not ClickHouse's).
 */
export function backupNameProblem(
  name: string,
  at: number,
  rows: readonly Record<string, unknown>[],
): string | null {
  const began = str(rows[0]?.began);
  const t = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(began)
    ? Date.parse(`${began.replace(' ', 'T')}Z`) / 1000
    : Number.NaN;
  if (!Number.isFinite(t))
    return `backup ${name} holds no start time ClickHouse wrote (${JSON.stringify(began.slice(0, 40))})`;
  return t >= at - 60 && t <= at + NAME_TO_START_SECONDS
    ? null
    : `backup ${name}'s own record says it began at ${began} UTC, not at its name's time: renamed, copied or put there by another hand`;
}

/** The copy's tables CHECK TABLE reads. */
export const TABLES_SQL = `SELECT database, name FROM system.tables WHERE engine LIKE '%MergeTree%' AND database NOT IN (${SYSTEM}) ORDER BY database, name FORMAT JSONEachRow`;

export const checkTableSql = (database: string, table: string) =>
  `CHECK TABLE ${sqlName(database)}.${sqlName(table)} SETTINGS check_query_single_value_result = 0 FORMAT JSONEachRow`;

/** How many polls in a row may go unanswered before the restore job gives up (10 s apart). */
const POLLS_UNANSWERED = 30;

/**
 * The restore Job's script: waits for the scratch server (saying why it does not answer yet),
 * restores once, and polls to the end; a poll unanswered is tried again, a restore the server no
 * longer knows (it restarted: `system.backups` is not kept) is a failure, said so.
 */
export const RESTORE_SCRIPT = `set -euo pipefail
q() { clickhouse-client --host ${SERVER_POD}.${SERVER} --query "$1"; }
until out=$(q 'SELECT 1' 2>&1); do echo "waiting for the scratch server: $(printf '%s' "$out" | tail -n 1)"; sleep 5; done
echo "RESTORE from $BACKUP_URL/$BACKUP_NAME"
url=$(printf '%s' "$BACKUP_URL/$BACKUP_NAME" | sed "s/[\\\\\\\\']/\\\\\\\\&/g")
q "RESTORE ALL EXCEPT DATABASES ${CLICKHOUSE_SYSTEM_DATABASES.join(', ')} FROM S3('$url') SETTINGS id = '${RESTORE_ID}' ASYNC" >/dev/null
unanswered=0
while :; do
  if ! status=$(q "SELECT status FROM system.backups WHERE id = '${RESTORE_ID}'" 2>&1); then
    unanswered=$((unanswered + 1))
    if [ "$unanswered" -ge ${POLLS_UNANSWERED} ]; then echo "RESTORE: the scratch server stopped answering: $(printf '%s' "$status" | tail -n 1)" >&2; exit 1; fi
    sleep 10; continue
  fi
  unanswered=0
  case "$status" in
    RESTORED) echo "restored $BACKUP_NAME"; exit 0 ;;
    RESTORING) sleep 10 ;;
    '') echo "RESTORE: the scratch server no longer knows restore ${RESTORE_ID} (it restarted: nothing of that restore can be trusted)" >&2; exit 1 ;;
    *) echo "RESTORE $status: $(q "SELECT error FROM system.backups WHERE id = '${RESTORE_ID}'" || true)" >&2; exit 1 ;;
  esac
done
`;

/** The JSON lines ClickHouse printed, each an object (a line that is not is the output's fault). */
export function jsonRows(text: string, what: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        const row = JSON.parse(l) as unknown;
        if (row && typeof row === 'object' && !Array.isArray(row)) return row as Record<string, unknown>;
      } catch {}
      throw new Error(`${what}: ClickHouse answered ${JSON.stringify(l.slice(0, 80))}, not a JSON row`);
    });
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
/** A count as ClickHouse prints it (64-bit integers quoted). */
const count = (v: unknown) => {
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : -1;
};

/** How far a backup's name may run ahead of this machine's clock (the jobs' clocks differ a little). */
const CLOCK_SKEW_SECONDS = 300;

/**
 * The backups a listing names, oldest first. Paths not of a backup's `.backup`, and names dated
 * after `now` (unix s): no job wrote those yet, whoever put them in the bucket, and the newest
 * backup is the one a drill restores.
 */
export function backupsListed(rows: readonly Record<string, unknown>[], now: number) {
  const names = new Set(rows.map((r) => /\/([^/]+)\/\.backup$/.exec(str(r._path))?.[1] ?? ''));
  return [...names]
    .map(clickhouseBackupOf)
    .filter((b): b is NonNullable<typeof b> => b !== null && b.at <= now + CLOCK_SKEW_SECONDS)
    .sort((a, b) => a.at - b.at || a.name.localeCompare(b.name));
}

/**
 * Rows per partition as DatabaseFigures, a "table" per partition (`events partition 202612`), from
 * one replica's rows or several's: per partition the most any replica holds (a replica behind the
 * others, which a backup may have been taken on, shows as a copy with fewer), exact only where every
 * replica's parts are all older than the backup.
 */
export function partitionFigures(
  ...replicas: readonly (readonly Record<string, unknown>[])[]
): DatabaseFigures[] {
  const byKey = new Map<string, { database: string; figures: TableFigures }>();
  for (const rows of replicas)
    for (const r of rows) {
      const table = `${str(r.table)} partition ${str(r.partition_id)}`;
      const key = JSON.stringify([str(r.database), table]);
      const n = count(r.settled_rows ?? r.total_rows);
      const exact =
        !('all_settled' in r) || r.all_settled === 1 || r.all_settled === '1' || r.all_settled === true;
      const had = byKey.get(key)?.figures;
      const rowsOf = had === undefined ? n : had.rows < 0 || n < 0 ? -1 : Math.max(had.rows, n);
      byKey.set(key, {
        database: str(r.database),
        figures: {
          table,
          rows: rowsOf,
          sampled: 0,
          checksum: '',
          ...((had?.atLeast ?? false) || !exact ? { atLeast: true } : {}),
        },
      });
    }
  const dbs = new Map<string, TableFigures[]>();
  for (const { database, figures } of [...byKey.values()].sort((a, b) =>
    a.database === b.database
      ? a.figures.table.localeCompare(b.figures.table)
      : a.database.localeCompare(b.database),
  ))
    dbs.set(database, [...(dbs.get(database) ?? []), figures]);
  return [...dbs].map(([database, tables]) => ({ database, tables }));
}

/** The parts CHECK TABLE did not pass, a phrase each. */
export const failedParts = (database: string, table: string, rows: readonly Record<string, unknown>[]) =>
  rows
    .filter((r) => !(r.is_passed === 1 || r.is_passed === '1' || r.is_passed === true))
    .map(
      (r) =>
        `${database}.${table} part ${str(r.part_path).slice(0, 120)}: ${str(r.message).split('\n')[0]?.slice(0, 200) ?? ''}`,
    );

/** The scratch server's configuration (config.d): Keeper, macros, the cluster, no merges. */
export function scratchConfig(w: Pick<Warehouse, 'id'>, shard: string): string {
  const x = escapeHtml;
  // a cluster is an XML element: only a name XML takes (ids may begin with a digit)
  const cluster = /^[a-z][a-z0-9-]*$/.test(w.id)
    ? `  <remote_servers><${w.id}><shard><replica><host>127.0.0.1</host><port>9000</port></replica></shard></${w.id}></remote_servers>\n`
    : '';
  return `<clickhouse>
  <keeper_server>
    <tcp_port>9181</tcp_port>
    <server_id>1</server_id>
    <log_storage_path>/var/lib/clickhouse/coordination/log</log_storage_path>
    <snapshot_storage_path>/var/lib/clickhouse/coordination/snapshots</snapshot_storage_path>
    <raft_configuration><server><id>1</id><hostname>127.0.0.1</hostname><port>9234</port></server></raft_configuration>
  </keeper_server>
  <zookeeper><node><host>127.0.0.1</host><port>9181</port></node></zookeeper>
  <macros><cluster>${x(w.id)}</cluster><shard>${x(shard)}</shard><replica>drill</replica></macros>
${cluster}  <merge_tree>
    <max_bytes_to_merge_at_max_space_in_pool>1</max_bytes_to_merge_at_max_space_in_pool>
    <max_bytes_to_merge_at_min_space_in_pool>1</max_bytes_to_merge_at_min_space_in_pool>
    <max_number_of_merges_with_ttl_in_pool>0</max_number_of_merges_with_ttl_in_pool>
  </merge_tree>
</clickhouse>
`;
}

/** An image reference as a pod spec names it. */
const IMAGE = /^[a-z0-9][a-z0-9._/:@-]{0,254}$/;

export class ClickHouseKubectlDrill {
  constructor(
    private readonly model: CityModel,
    private readonly k: KubectlSession,
  ) {}

  private warehouse(s: DrillShard): Warehouse {
    const w = this.model.warehouses.find((x) => x.id === s.warehouse);
    if (!w) throw new Error(`warehouse ${s.warehouse} is not in the inventory`);
    return w;
  }

  /** The backups' URL, path-style: `<endpoint>/<bucket>/clickhouse/<shard>`, as the jobs write them. */
  backupUrl(s: DrillShard): string {
    const store = drillStore(this.model, this.warehouse(s));
    return `${store.endpoint}/${store.bucket}/${clickhouseBackupKey(s.shard)}`;
  }

  /**
   * The argv of a reading in a source replica: clickhouse-client as the backup user, its password
   * the first line of stdin and the query the rest, so neither is in an argv.
   */
  sourceArgv(s: DrillShard, pod: string): string[] {
    return this.k.execArgv(
      warehouseNamespace(s.warehouse),
      pod,
      [
        'bash',
        '-c',
        `IFS= read -r CLICKHOUSE_PASSWORD; export CLICKHOUSE_PASSWORD CLICKHOUSE_USER=${CLICKHOUSE_BACKUP_USER}; exec clickhouse-client`,
      ],
      { container: CLICKHOUSE_CONTAINER, stdin: true },
    );
  }

  /** The argv of a query in the scratch server, as the drill's user (the container's environment). */
  scratchArgv(s: DrillShard, sql: string): string[] {
    return this.k.execArgv(this.k.scratchNamespace(s), SERVER_POD, ['clickhouse-client', '--query', sql], {
      container: CLICKHOUSE_CONTAINER,
    });
  }

  /** The argv of each reading of the API server the ClickHouse drill makes. */
  readingArgv(q: (typeof CLICKHOUSE_READINGS)[number], s: DrillShard) {
    const ns = warehouseNamespace(s.warehouse);
    const scratch = this.k.scratchNamespace(s);
    switch (q) {
      case 'secret':
        return [
          ...this.k.base(),
          'get',
          'secret',
          backupCredentialsSecret(s.warehouse),
          '-n',
          ns,
          '-o',
          'json',
        ];
      case 'job':
        return [
          ...this.k.base(),
          'get',
          'job',
          RESTORE_JOB,
          '-n',
          scratch,
          '--ignore-not-found',
          '-o',
          'jsonpath={.metadata.name}|{.status.succeeded}|{.status.failed}|{.status.completionTime}|{.status.conditions[?(@.type=="Failed")].message}',
        ];
      case 'job-logs':
        return [...this.k.base(), 'logs', '-n', scratch, `job/${RESTORE_JOB}`, '--tail=20'];
    }
  }

  private async secretData(s: DrillShard): Promise<Record<string, string>> {
    const secret = JSON.parse(await this.k.run(this.readingArgv('secret', s))) as {
      data?: Record<string, string>;
    };
    return secret.data ?? {};
  }

  /**
   * The warehouse's backup Secret, read once, and the shard's replicas that answer (every one, or
   * the first), the first first (as the backup jobs pick theirs), each with its query as the backup
   * jobs' user; none answering is an error naming the last refusal.
   */
  private async replicas(
    s: DrillShard,
    all: boolean,
  ): Promise<{ data: Record<string, string>; found: [Replica, ...Replica[]] }> {
    const data = await this.secretData(s);
    const password = Buffer.from(data[BACKUP_CREDENTIAL_KEYS.clickhousePassword] ?? '', 'base64').toString();
    if (password === '' || /[\r\n]/.test(password))
      throw new Error(
        `${backupCredentialsSecret(s.warehouse)} has no usable ${BACKUP_CREDENTIAL_KEYS.clickhousePassword}: the drill reads the shard as the backup jobs' user`,
      );
    const queryOn =
      (pod: string): Query =>
      async (sql, what) =>
        jsonRows(await this.k.run(this.sourceArgv(s, pod), `${password}\n${sql}`), what);
    const found: Replica[] = [];
    const refused: string[] = [];
    for (let i = 0; i < this.warehouse(s).replicas && (all || found.length === 0); i += 1) {
      const pod = `${s.shard}-${i}`;
      try {
        await queryOn(pod)('SELECT 1 AS one FORMAT JSONEachRow', pod);
        found.push({ pod, query: queryOn(pod) });
      } catch (err) {
        refused.push((err as Error).message.split(' failed: ').at(-1) ?? '');
      }
    }
    const [first, ...rest] = found;
    if (!first)
      throw new Error(
        `no replica of ${s.shard} answers in ${warehouseNamespace(s.warehouse)} (${refused.at(-1)?.slice(0, 200) ?? 'none tried'})`,
      );
    return { data, found: [first, ...rest] };
  }

  /** The first replica that answers, and the backup Secret. */
  private async source(s: DrillShard): Promise<Replica & { data: Record<string, string> }> {
    const { data, found } = await this.replicas(s, false);
    return { ...found[0], data };
  }

  async backups(s: DrillShard, query: Query) {
    return backupsListed(
      await query(backupsSql(this.backupUrl(s)), `the backups of ${s.shard}`),
      Date.now() / 1000,
    );
  }

  /**
   * The newest finished backup, and whether it is what its name says (a backup named later than
   * it began would pass for a recovery point it never held, and be restored).
   */
  private async newestBackup(s: DrillShard, query: Query) {
    const newest = (await this.backups(s, query)).at(-1) ?? null;
    if (!newest) return { newest: null, problem: `no finished backup of ${s.shard} in ${this.backupUrl(s)}` };
    const rows = await query(
      backupTimestampSql(this.backupUrl(s), newest.name),
      `backup ${newest.name}'s record`,
    );
    return { newest, problem: backupNameProblem(newest.name, newest.at, rows) };
  }

  async recoveryPoint(s: DrillShard): Promise<RecoveryPointReading> {
    const { query } = await this.source(s);
    const at = Date.now() / 1000;
    const found = await this.newestBackup(s, query);
    // a backup that is not what its name says holds nothing the recovery point may count on
    const newest = found.problem === null ? found.newest : null;
    const [row] = await query(newerPartsSql(newest?.at ?? 0), `the parts of ${s.shard}`);
    const parts = count(row?.parts);
    const oldest = Number(row?.oldest);
    return {
      at,
      archivedThrough: newest?.name ?? null,
      oldestUnarchivedCommit: parts > 0 && Number.isFinite(oldest) ? oldest : null,
    };
  }

  async mark(s: DrillShard): Promise<SourceMark> {
    // every replica that answers: a backup taken on one behind the others holds less than they do
    const { found: replicas } = await this.replicas(s, true);
    const { newest, problem } = await this.newestBackup(s, replicas[0].query);
    if (!newest || problem !== null)
      return {
        restorePoint: newest?.name ?? '',
        lsn: '',
        at: Date.now() / 1000,
        segment: '',
        archived: false,
        archiveProblem: problem,
        databases: [],
      };
    const rows = await Promise.all(
      replicas.map((r) => r.query(partitionsSql(newest.at), `the partitions of ${s.shard} on ${r.pod}`)),
    );
    return {
      restorePoint: newest.name,
      lsn: '',
      at: newest.at,
      segment: '',
      archived: true,
      archiveProblem: null,
      databases: partitionFigures(...rows),
    };
  }

  /** The backup a restore to `target` takes: a restore point names it; else the newest before. */
  private async chosen(s: DrillShard, target: RestoreTarget, query: Query) {
    const all = await this.backups(s, query);
    const before = target.kind === 'time' ? Date.parse(target.at) / 1000 : Number.POSITIVE_INFINITY;
    const b =
      target.kind === 'restore-point'
        ? all.find((x) => x.name === target.name)
        : all.filter((x) => x.at <= before).at(-1);
    if (!b)
      throw new Error(
        target.kind === 'restore-point'
          ? `backup ${target.name} of ${s.shard} is no longer in ${this.backupUrl(s)}`
          : `no finished backup of ${s.shard}${target.kind === 'time' ? ` begun at or before ${target.at}` : ''} in ${this.backupUrl(s)}`,
      );
    const problem = backupNameProblem(
      b.name,
      b.at,
      await query(backupTimestampSql(this.backupUrl(s), b.name), `backup ${b.name}'s record`),
    );
    if (problem !== null) throw new Error(`${problem}; nothing was restored from it`);
    return b;
  }

  async restore(s: DrillShard, target: RestoreTarget): Promise<{ base: string }> {
    const { pod, query, data } = await this.source(s);
    const backup = await this.chosen(s, target, query);
    const w = this.warehouse(s);
    // the scratch server runs the shard's own image (and, off-site, its backup agent)
    const podJson = await this.k.run(sourcePodArgv(this.k, w, pod));
    const image = String(
      (
        JSON.parse(podJson) as { spec?: { containers?: { name?: string; image?: string }[] } }
      ).spec?.containers?.find((c) => c.name === CLICKHOUSE_CONTAINER)?.image ?? '',
    );
    if (!IMAGE.test(image))
      throw new Error(
        `${pod} runs no ClickHouse image the drill can read (${JSON.stringify(image.slice(0, 80))})`,
      );
    const offsite =
      drillStore(this.model, w).kind === 'offsite'
        ? await readOffsiteAgent(this.k, this.model, w)
        : undefined;
    // the scratch place is made from nothing each time (kubectl-drill.ts restore): a password of its own
    const password = Buffer.from(randomBytes(24).toString('hex')).toString('base64');
    const manifests = this.scratchManifests(
      s,
      backup.name,
      image,
      {
        'access-key-id': data[BACKUP_CREDENTIAL_KEYS.accessKeyId] ?? '',
        'secret-access-key': data[BACKUP_CREDENTIAL_KEYS.secretAccessKey] ?? '',
        password,
      },
      offsite,
    );
    await this.k.run(this.k.actionArgv('apply', s), JSON.stringify(manifests));
    return { base: `${backup.kind} backup ${backup.name}` };
  }

  /** The scratch namespace's objects, one List for `kubectl apply -f -`. */
  scratchManifests(
    s: DrillShard,
    backup: string,
    image: string,
    secretData: Readonly<Record<'access-key-id' | 'secret-access-key' | 'password', string>>,
    offsite?: OffsiteAgent,
  ): object {
    const w = this.warehouse(s);
    const ns = this.k.scratchNamespace(s);
    const store = drillStore(this.model, w);
    if (store.kind === 'offsite' && !offsite)
      throw new Error(`${s.shard}: an off-site warehouse's copy needs the shard's backup agent beside it`);
    const agent = store.kind === 'offsite' && offsite ? agentParts(offsite, w) : null;
    // within the namespace, only the restore job's connection to the server
    const { labels, meta, items } = scratchFrame(ns, s, store, 9000);
    const server = { ...labels, 'app.kubernetes.io/name': 'clickhouse-drill' };
    const fromSecret = (name: string, key: string) => ({
      name,
      valueFrom: { secretKeyRef: { name: SCRATCH_SECRET, key } },
    });
    const user = [
      { name: 'CLICKHOUSE_USER', value: DRILL_USER },
      fromSecret('CLICKHOUSE_PASSWORD', 'password'),
    ];
    return {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        ...items,
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: meta(SCRATCH_SECRET),
          type: 'Opaque',
          data: secretData,
        },
        ...(offsite
          ? [
              {
                apiVersion: 'v1',
                kind: 'Secret',
                metadata: meta(backupAgentSecret(w.id)),
                type: 'kubernetes.io/tls',
                data: offsite.tls,
              },
            ]
          : []),
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: meta(SERVER),
          data: { 'drill.xml': scratchConfig(w, s.shard) },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta(SERVER),
          spec: { clusterIP: 'None', selector: server, ports: [{ name: 'native', port: 9000 }] },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: meta(SERVER),
          spec: {
            serviceName: SERVER,
            replicas: 1,
            selector: { matchLabels: server },
            template: {
              metadata: { labels: server },
              spec: {
                automountServiceAccountToken: false,
                containers: [
                  {
                    name: CLICKHOUSE_CONTAINER,
                    image,
                    env: [
                      // the S3 client's keys as the shards' servers have them: the second site's,
                      // or the backup agent's role served beside it
                      ...(offsite
                        ? [{ name: 'AWS_EC2_METADATA_SERVICE_ENDPOINT', value: AGENT_METADATA_ENDPOINT }]
                        : [
                            fromSecret('AWS_ACCESS_KEY_ID', 'access-key-id'),
                            fromSecret('AWS_SECRET_ACCESS_KEY', 'secret-access-key'),
                          ]),
                      ...user,
                    ],
                    ports: [{ name: 'native', containerPort: 9000 }],
                    readinessProbe: { httpGet: { path: '/ping', port: 8123 }, periodSeconds: 10 },
                    resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '16Gi' } },
                    volumeMounts: [
                      { name: 'data', mountPath: '/var/lib/clickhouse' },
                      {
                        name: 'config',
                        mountPath: '/etc/clickhouse-server/config.d/drill.xml',
                        subPath: 'drill.xml',
                      },
                    ],
                  },
                  ...(agent ? [agent.container] : []),
                ],
                volumes: [{ name: 'config', configMap: { name: SERVER } }, ...(agent ? [agent.volume] : [])],
              },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  storageClassName: w.storageClass,
                  resources: { requests: { storage: `${w.storagePerReplicaTiB}Ti` } },
                },
              },
            ],
          },
        },
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: meta(RESTORE_JOB),
          spec: {
            // once: a RESTORE begun again would meet the tables the first one made
            backoffLimit: 0,
            activeDeadlineSeconds: w.backup.rtoMinutes * 60 * 4,
            template: {
              metadata: { labels },
              spec: {
                automountServiceAccountToken: false,
                restartPolicy: 'Never',
                containers: [
                  {
                    name: RESTORE_JOB,
                    image,
                    command: ['bash', '-c', RESTORE_SCRIPT],
                    env: [
                      { name: 'BACKUP_URL', value: this.backupUrl(s) },
                      { name: 'BACKUP_NAME', value: backup },
                      ...user,
                    ],
                    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
                  },
                ],
              },
            },
          },
        },
      ],
    };
  }

  async restoreState(s: DrillShard): Promise<RestoreState> {
    const [name = '', succeeded = '', failed = '', completed = '', why = ''] = (
      await this.k.run(this.readingArgv('job', s))
    )
      .trim()
      .split('|');
    // the namespace without its Job: an apply cut short; the restore is begun again
    if (name === '') return { state: 'partial' };
    if (Number(succeeded) >= 1) {
      const at = Date.parse(completed) / 1000;
      return Number.isFinite(at) ? { state: 'ready', readyAt: at } : { state: 'ready' };
    }
    if (Number(failed) >= 1 || why !== '') {
      const logs = await this.k.run(this.readingArgv('job-logs', s)).catch((e: Error) => e.message);
      const last =
        logs
          .split('\n')
          .filter((l) => /RESTORE|Code: \d+|error/i.test(l))
          .at(-1) ??
        logs.trim().split('\n').at(-1) ??
        '';
      return {
        state: 'failed',
        problem: `the restore job failed${why ? ` (${why.slice(0, 120)})` : ''}: ${last.slice(0, 300)}`,
      };
    }
    return { state: 'recovering', detail: 'RESTORE from the store runs' };
  }

  async inspect(s: DrillShard): Promise<RestoredCopy> {
    const q = async (sql: string, what: string) => jsonRows(await this.k.run(this.scratchArgv(s, sql)), what);
    const corruption: string[] = [];
    let checkFailed: string | null = null;
    for (const t of await q(TABLES_SQL, 'the restored tables')) {
      const [db, table] = [str(t.database), str(t.name)];
      try {
        corruption.push(
          ...failedParts(db, table, await q(checkTableSql(db, table), `CHECK TABLE ${db}.${table}`)),
        );
      } catch (err) {
        checkFailed ??= `CHECK TABLE ${db}.${table}: ${(err as Error).message.split(' failed: ').at(-1)?.slice(0, 200)}`;
      }
    }
    return {
      corruption,
      checkFailed,
      databases: partitionFigures(await q(partitionsSql(null), 'the restored partitions')),
    };
  }
}
