/**
 * The warehouses' backups, watched against what each warehouse's backups promise (model
 * BackupPromise), so every threshold is the warehouse's own:
 * - PostgreSQL shards, by the WAL-G exporter beside each pod (metrics/walg.ts): the newest full
 *   backup older than its schedule's period and a margin; WAL archiving stopped (the last segment
 *   archived longer ago than the RPO while segments wait) or falling behind (segments piling up
 *   for an RPO); fewer full backups than kept, or an oldest one younger than the point-in-time
 *   window; a shard whose backups nothing reports.
 * - ClickHouse shards, by their backup CronJob `<shard>-backup`, and every warehouse's restore
 *   drill `<warehouse>-restore-drill`, by kube-state-metrics: the last success older than the
 *   schedule's period and a margin (or none since the CronJob was made), or a Job that failed
 *   after the last success.
 * A new shard is not judged on backups it cannot have had yet: its StatefulSet's (or CronJob's)
 * creation time says how old it is. The WAL-G series are per pod (only the leader's exporter
 * reports), the StatefulSets' ages are kube-state-metrics': records per shard join them, which
 * with Prometheus shards the global does from the partials (rules/shard-split.ts).
 */
import { type CityModel, type Warehouse, warehouseNamespace } from '../../model/index.ts';
import { schedulePeriodDays } from '../../model/rules/backup-promises.ts';
import { KSM } from '../metrics/kube-state.ts';
import {
  WALG_BASEBACKUP_COUNT,
  WALG_LAST_UPLOAD,
  WALG_OLDEST_BASEBACKUP,
  WALG_WAL_READY,
} from '../metrics/walg.ts';
import {
  type AlertInput,
  type AlertSpec,
  alertRule,
  type RecordingRule,
  type TestSeries,
} from '../rule-types.ts';
import type { RuleSet } from './rule-set.ts';

/** The scrape job of the WAL-G exporters (prometheus-config.ts). */
export const WALG_JOB = 'walg';
const KSM_JOB = 'job="kube-state-metrics"';

/**
 * How late a full backup may be past its schedule's period: WAL-G dates a backup by its start and
 * lists it once it has finished, and a shard's full backup (12 TiB) takes hours.
 */
export const BACKUP_MARGIN_SECONDS = 6 * 3600;
/** Segments waiting for upload beyond which archiving is falling behind (4 × 16 MiB). */
export const WAL_BACKLOG_SEGMENTS = 4;

/** Per warehouse shard: the newest full backup's start (0: none), across the shard's pods. */
export const LAST_FULL_BACKUP = 'warehouse_shard:walg_last_upload_basebackup:max';
/** Per warehouse shard: when a WAL segment was last archived. */
export const LAST_WAL_ARCHIVED = 'warehouse_shard:walg_last_upload_wal:max';
export const WAL_READY = `warehouse_shard:${WALG_WAL_READY}:max`;
export const FULL_BACKUPS = `warehouse_shard:${WALG_BASEBACKUP_COUNT}:max`;
export const OLDEST_FULL_BACKUP = `warehouse_shard:${WALG_OLDEST_BASEBACKUP}:max`;
/** Per PostgreSQL warehouse shard: when its StatefulSet was made (its age). */
export const SHARD_CREATED = `warehouse_shard:${KSM.statefulSetCreated}:min`;

const DAY = 86_400;

/** A schedule's period in seconds (CC025 refuses one it cannot read: a model here has none). */
function periodSeconds(schedule: string): number {
  const p = schedulePeriodDays(schedule);
  if ('problem' in p) throw new Error(`schedule "${schedule}" ${p.problem}`);
  return p.days * DAY;
}

/** Seconds as the alerts' descriptions say them: whole hours, or days and hours. */
export function spoken(seconds: number): string {
  const hours = Math.round(seconds / 3600);
  if (hours < 48) return `${hours} hours`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} days` : `${days} days ${hours % 24} hours`;
}

/** What each warehouse is held to: derived from its promise, for the alerts and their tests. */
export interface BackupThresholds {
  /** Its newest full backup older than this, seconds: late. */
  readonly fullBackupAgeSeconds: number;
  /** Its last WAL archived longer ago than this while segments wait, seconds: the RPO. */
  readonly walAgeSeconds: number;
  readonly fullBackupsKept: number;
  readonly pointInTimeSeconds: number;
  /** A shard younger than this may not have all its full backups yet, seconds. */
  readonly keptAfterSeconds: number;
  /** A shard younger than this may not have its point-in-time window yet, seconds. */
  readonly windowAfterSeconds: number;
  /** The drill's last success older than this, seconds: late (null: no drill). */
  readonly drillAgeSeconds: number | null;
}

export function backupThresholds(w: Warehouse): BackupThresholds {
  const b = w.backup;
  const period = periodSeconds(b.schedule);
  const late = period + BACKUP_MARGIN_SECONDS;
  return {
    fullBackupAgeSeconds: late,
    walAgeSeconds: b.rpoMinutes * 60,
    fullBackupsKept: b.fullBackupsKept,
    pointInTimeSeconds: b.pointInTimeDays * DAY,
    // the first full backup comes within a period (and its margin) of the shard, one a period after
    keptAfterSeconds: late + (b.fullBackupsKept - 1) * period,
    windowAfterSeconds: late + b.pointInTimeDays * DAY,
    // a drill restores within the RTO, and its Job's success is dated when it ends
    drillAgeSeconds: b.drill === null ? null : periodSeconds(b.drill) + b.rtoMinutes * 60 + 3600,
  };
}

/** A per-shard maximum (or minimum) of a series, which the global takes again of the shards' own. */
function perShard(record: string, agg: 'max' | 'min', expr: string): RecordingRule {
  const e = `${agg} by (warehouse, shard) (${expr})`;
  return {
    record,
    expr: e,
    sharded: {
      partials: [{ record: `shard_${record}`, expr: e }],
      expr: `${agg} by (warehouse, shard) (shard_${record})`,
    },
  };
}

/** The shard's value before minute 2 and from it: a scenario's series in promtool's notation. */
const step = (before: number, after: number, minutes = 40) => `${before} ${before} ${after}x${minutes}`;
/** A constant that makes `time() - v > threshold` hold from minute 2 and not at minute 1. */
const ageFromMinute2 = (thresholdSeconds: number) => 90 - thresholdSeconds;

export function backupRules(model: CityModel): RuleSet {
  const base = model.monitoring.runbookBaseUrl;
  const alerts: AlertSpec[] = [];
  const add = (input: AlertInput) => alerts.push(alertRule(input, base));
  const postgres = model.warehouses.filter((w) => w.engine === 'postgresql');
  const shardsOf = (ws: readonly Warehouse[]) => ws.map((w) => w.id).join('|');

  const walg = (type: string) => `${WALG_LAST_UPLOAD}{job="${WALG_JOB}",type=~"${type}"}`;
  // a PostgreSQL shard's StatefulSet, as the warehouse and shard its WAL-G series carry
  const created = `label_replace(label_replace(${KSM.statefulSetCreated}{${KSM_JOB},namespace=~"${warehouseNamespace('')}(${shardsOf(postgres)})",statefulset=~".+-s[0-9]+"}, "warehouse", "$1", "namespace", "${warehouseNamespace('')}(.+)"), "shard", "$1", "statefulset", "(.+)")`;
  const recording: RecordingRule[] =
    postgres.length === 0
      ? []
      : [
          perShard(LAST_FULL_BACKUP, 'max', walg('basebackup')),
          // xlog is read from pg_stat_archiver at each scrape, wal once a WAL-G loop: the newer
          perShard(LAST_WAL_ARCHIVED, 'max', walg('xlog|wal')),
          perShard(WAL_READY, 'max', `${WALG_WAL_READY}{job="${WALG_JOB}"}`),
          perShard(FULL_BACKUPS, 'max', `${WALG_BASEBACKUP_COUNT}{job="${WALG_JOB}"}`),
          perShard(OLDEST_FULL_BACKUP, 'max', `${WALG_OLDEST_BASEBACKUP}{job="${WALG_JOB}"}`),
          perShard(SHARD_CREATED, 'min', created),
        ];

  for (const w of postgres) {
    const t = backupThresholds(w);
    const sel = `{warehouse="${w.id}"}`;
    const shard = `${w.id}-s01`;
    const series = (name: string, labels: string, values: string): TestSeries => ({
      series: `${name}{job="${WALG_JOB}",warehouse="${w.id}",shard="${shard}",pod="${shard}-0"${labels}}`,
      values,
    });
    // a shard younger than `seconds` has not had the time to make what is judged
    const unlessYounger = (seconds: number) =>
      `unless on (warehouse, shard) (${SHARD_CREATED}${sel} > time() - ${seconds})`;
    const firing = { warehouse: w.id, shard };
    const labels = { warehouse: w.id };
    add({
      alert: 'WarehouseFullBackupLate',
      expr: `time() - ${LAST_FULL_BACKUP}${sel} > ${t.fullBackupAgeSeconds} ${unlessYounger(t.fullBackupAgeSeconds)}`,
      for: '15m',
      severity: 'warning',
      labels,
      summary: 'A warehouse shard has no full backup as recent as its schedule promises.',
      description: `Shard {{ $labels.shard }} of warehouse {{ $labels.warehouse }} has had no full backup for over ${spoken(t.fullBackupAgeSeconds)} (its schedule "${w.backup.schedule}" and ${spoken(BACKUP_MARGIN_SECONDS)} for one to finish): a restore replays ever more WAL, and the retention counts backups that are not being made.`,
      scenario: {
        series: [
          series(WALG_LAST_UPLOAD, ',type="basebackup"', `${ageFromMinute2(t.fullBackupAgeSeconds)}x40`),
        ],
        activeFromMinute: 2,
        firingLabels: firing,
      },
    });
    add({
      alert: 'WarehouseWalArchivingStopped',
      // an idle database archives nothing (archive_timeout switches only a segment with writes):
      // old alone is not stopped; old while segments wait to be uploaded is
      expr: `(time() - ${LAST_WAL_ARCHIVED}${sel} > ${t.walAgeSeconds}) and on (warehouse, shard) (${WAL_READY}${sel} > 0)`,
      for: '5m',
      severity: 'critical',
      labels,
      summary: 'A warehouse shard archives no WAL: its recovery point objective is being missed.',
      description: `Shard {{ $labels.shard }} of warehouse {{ $labels.warehouse }} has archived no WAL segment for over ${w.backup.rpoMinutes} minutes (its RPO) while segments wait for upload: what it writes now would be lost with it.`,
      scenario: {
        series: [
          series(WALG_LAST_UPLOAD, ',type="xlog"', `${ageFromMinute2(t.walAgeSeconds)}x40`),
          series(WALG_WAL_READY, '', '1x40'),
        ],
        activeFromMinute: 2,
        firingLabels: firing,
      },
    });
    add({
      alert: 'WarehouseWalArchiveBacklog',
      expr: `${WAL_READY}${sel} > ${WAL_BACKLOG_SEGMENTS}`,
      for: `${w.backup.rpoMinutes}m`,
      severity: 'warning',
      labels,
      summary: 'A warehouse shard archives WAL slower than it writes it.',
      description: `Shard {{ $labels.shard }} of warehouse {{ $labels.warehouse }} has had more than ${WAL_BACKLOG_SEGMENTS} WAL segments waiting for upload for ${w.backup.rpoMinutes} minutes (its RPO): archiving falls behind, and the recovery point with it.`,
      scenario: {
        series: [series(WALG_WAL_READY, '', step(0, WAL_BACKLOG_SEGMENTS + 2, w.backup.rpoMinutes + 10))],
        activeFromMinute: 2,
        firingLabels: firing,
      },
    });
    add({
      alert: 'WarehouseFullBackupsShort',
      expr: `${FULL_BACKUPS}${sel} < ${t.fullBackupsKept} ${unlessYounger(t.keptAfterSeconds)}`,
      for: '30m',
      severity: 'warning',
      labels,
      summary: 'A warehouse shard keeps fewer full backups than it promises.',
      description: `Shard {{ $labels.shard }} of warehouse {{ $labels.warehouse }} keeps fewer full backups than the ${t.fullBackupsKept} it promises: backups were missed, or deleted by a retention shorter than the promise.`,
      scenario: {
        series: [series(WALG_BASEBACKUP_COUNT, '', step(t.fullBackupsKept, t.fullBackupsKept - 1))],
        activeFromMinute: 2,
        firingLabels: firing,
      },
    });
    add({
      alert: 'WarehousePointInTimeWindowShort',
      // 0 is none (the exporter's), which FullBackupsShort says: only a backup younger than the window
      expr: `(time() - ${OLDEST_FULL_BACKUP}${sel} < ${t.pointInTimeSeconds}) and on (warehouse, shard) (${OLDEST_FULL_BACKUP}${sel} != 0) ${unlessYounger(t.windowAfterSeconds)}`,
      for: '30m',
      severity: 'warning',
      labels,
      summary: 'A warehouse shard cannot be restored as far back as it promises.',
      description: `The oldest full backup of shard {{ $labels.shard }} of warehouse {{ $labels.warehouse }} is younger than ${w.backup.pointInTimeDays} days: a point in time older than it, which the warehouse promises to restore, cannot be.`,
      scenario: {
        // the oldest backup deleted: the next oldest is a few minutes old
        series: [series(WALG_OLDEST_BASEBACKUP, '', step(-t.pointInTimeSeconds, 100))],
        activeFromMinute: 2,
        firingLabels: firing,
      },
    });
  }
  if (postgres.length > 0) {
    const w = postgres[0] as Warehouse;
    const shard = `${w.id}-s01`;
    add({
      alert: 'WarehouseBackupsUnwatched',
      expr: `${SHARD_CREATED} unless on (warehouse, shard) ${LAST_FULL_BACKUP}`,
      for: '15m',
      severity: 'warning',
      summary: 'Nothing reports a PostgreSQL warehouse shard’s backups.',
      description:
        'No WAL-G exporter of shard {{ $labels.shard }} of warehouse {{ $labels.warehouse }} reports its backups: none of the alerts on them can fire. Check the exporter on its leader.',
      scenario: {
        series: [
          {
            series: `${KSM.statefulSetCreated}{${KSM_JOB},namespace="${warehouseNamespace(w.id)}",statefulset="${shard}"}`,
            values: '0x40',
          },
          {
            series: `${WALG_LAST_UPLOAD}{job="${WALG_JOB}",type="basebackup",warehouse="${w.id}",shard="${shard}",pod="${shard}-0"}`,
            values: '60 60 stale',
          },
        ],
        activeFromMinute: 2,
        firingLabels: { warehouse: w.id, shard },
      },
    });
  }

  for (const w of model.warehouses) {
    const t = backupThresholds(w);
    const ns = warehouseNamespace(w.id);
    if (w.engine === 'clickhouse')
      cronJobAlerts(add, {
        warehouse: w,
        namespace: ns,
        cronjob: `${w.id}-s[0-9]+-backup`,
        example: `${w.id}-s01-backup`,
        // the incremental backups between (every RPO) fail as the full ones do
        failing: `${w.id}-s[0-9]+-backup(-incremental)?`,
        ageSeconds: t.fullBackupAgeSeconds,
        late: 'WarehouseBackupJobLate',
        failed: 'WarehouseBackupJobFailed',
        what: 'backup',
        schedule: w.backup.schedule,
      });
    if (t.drillAgeSeconds !== null && w.backup.drill !== null) drillScratchAlert(add, w);
    if (t.drillAgeSeconds !== null && w.backup.drill !== null)
      cronJobAlerts(add, {
        warehouse: w,
        namespace: ns,
        cronjob: `${w.id}-restore-drill`,
        example: `${w.id}-restore-drill`,
        ageSeconds: t.drillAgeSeconds,
        late: 'WarehouseRestoreDrillLate',
        failed: 'WarehouseRestoreDrillFailed',
        what: 'restore drill',
        schedule: w.backup.drill,
      });
  }
  return { name: 'citycloud-backups', recording, alerts };
}

/** How long a drill may hold a scratch namespace (runbooks/drill/scratch-store.ts: a day). */
export const DRILL_SCRATCH_SECONDS = DAY;

/**
 * A restore drill's scratch namespace (`warehouse-<id>-drill-sNN`) older than a drill may run: a
 * drill killed left a copy of the shard's data there, and off-site its backup agent's key. The next
 * drill of the warehouse removes it; until then, it is said.
 */
function drillScratchAlert(add: (input: AlertInput) => void, w: Warehouse) {
  const scratch = `${warehouseNamespace(w.id)}-drill-s01`;
  add({
    alert: 'WarehouseDrillScratchLeft',
    expr: `time() - max by (namespace) (${KSM.namespaceCreated}{${KSM_JOB},namespace=~"${warehouseNamespace(w.id)}-drill-s[0-9]+"}) > ${DRILL_SCRATCH_SECONDS}`,
    for: '1h',
    severity: 'warning',
    labels: { warehouse: w.id },
    summary: 'A restore drill left its scratch namespace, with a copy of a warehouse shard, behind.',
    description: `Namespace {{ $labels.namespace }} of warehouse ${w.id}'s restore drill is over ${spoken(DRILL_SCRATCH_SECONDS)} old: a drill was stopped before its teardown. It holds a copy of the shard's data (off-site, the backup agent's key too).`,
    perTarget: true,
    scenario: {
      series: [
        {
          series: `${KSM.namespaceCreated}{${KSM_JOB},namespace="${scratch}"}`,
          values: `${ageFromMinute2(DRILL_SCRATCH_SECONDS)}x90`,
        },
      ],
      activeFromMinute: 2,
      firingLabels: { namespace: scratch, warehouse: w.id },
    },
  });
}

interface CronJobWatch {
  readonly warehouse: Warehouse;
  readonly namespace: string;
  /** The CronJobs' names, a regular expression. */
  readonly cronjob: string;
  /** One of them, for the tests. */
  readonly example: string;
  /** The CronJobs whose failed Jobs are watched, a regular expression; the same by default. */
  readonly failing?: string;
  readonly ageSeconds: number;
  readonly late: string;
  readonly failed: string;
  readonly what: string;
  readonly schedule: string;
}

/**
 * A CronJob's last success too old (or none since it was made, which kube-state-metrics shows as
 * no last-success series at all), and a Job of it that failed after its last success. A failed Job
 * stays listed (the CronJob's failedJobsHistoryLimit) after a later success: only one newer than
 * the last success is a last run that failed.
 */
function cronJobAlerts(add: (input: AlertInput) => void, c: CronJobWatch) {
  const cron = `{${KSM_JOB},namespace="${c.namespace}",cronjob=~"${c.cronjob}"}`;
  const failing = `{${KSM_JOB},namespace="${c.namespace}",cronjob=~"${c.failing ?? c.cronjob}"}`;
  const jobs = `{${KSM_JOB},namespace="${c.namespace}",job_name=~"(${c.failing ?? c.cronjob})-[0-9]+"}`;
  const success = `max by (namespace, cronjob) (${KSM.cronJobLastSuccess}${cron})`;
  const made = `max by (namespace, cronjob) (${KSM.cronJobCreated}${cron})`;
  const failingSuccess = `max by (namespace, cronjob) (${KSM.cronJobLastSuccess}${failing})`;
  const failingMade = `max by (namespace, cronjob) (${KSM.cronJobCreated}${failing})`;
  const w = c.warehouse;
  const labels = { warehouse: w.id };
  const k = (name: string, extra: string) =>
    `${name}{job="kube-state-metrics",namespace="${c.namespace}",${extra}}`;
  const firing = { namespace: c.namespace, cronjob: c.example, warehouse: w.id };
  add({
    alert: c.late,
    expr: `(time() - ${success} > ${c.ageSeconds}) or (time() - ${made} > ${c.ageSeconds} unless on (namespace, cronjob) ${success})`,
    for: '15m',
    severity: 'warning',
    labels,
    summary: `A warehouse's ${c.what} has not succeeded as recently as its schedule says.`,
    description: `CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} of warehouse ${w.id} has not succeeded for over ${spoken(c.ageSeconds)} (its schedule "${c.schedule}" and the time one takes).`,
    perTarget: true,
    scenario: {
      series: [
        { series: k(KSM.cronJobCreated, `cronjob="${c.example}"`), values: '0x40' },
        {
          series: k(KSM.cronJobLastSuccess, `cronjob="${c.example}"`),
          values: `${ageFromMinute2(c.ageSeconds)}x40`,
        },
      ],
      activeFromMinute: 2,
      firingLabels: firing,
    },
  });
  const job = `${c.example}-29000000`;
  add({
    alert: c.failed,
    expr: `max by (namespace, cronjob, job_name) (label_replace(${KSM.jobStartTime}${jobs} and on (namespace, job_name) (${KSM.jobFailed}${jobs} > 0), "cronjob", "$1", "job_name", "(.+)-[0-9]+")) > on (namespace, cronjob) group_left () (${failingSuccess} or ${failingMade} * 0)`,
    for: '5m',
    severity: 'warning',
    labels,
    summary: `A warehouse's ${c.what} failed.`,
    description: `Job {{ $labels.namespace }}/{{ $labels.job_name }} of warehouse ${w.id}'s ${c.what} failed, and none has succeeded since.`,
    perTarget: true,
    scenario: {
      series: [
        { series: k(KSM.cronJobCreated, `cronjob="${c.example}"`), values: '0x20' },
        { series: k(KSM.cronJobLastSuccess, `cronjob="${c.example}"`), values: '50x20' },
        { series: k(KSM.jobStartTime, `job_name="${job}"`), values: '100x20' },
        { series: k(KSM.jobFailed, `job_name="${job}",reason="BackoffLimitExceeded"`), values: '0 0 1x20' },
      ],
      activeFromMinute: 2,
      firingLabels: { namespace: c.namespace, cronjob: c.example, job_name: job, warehouse: w.id },
    },
  });
}
