/**
 * The warehouses' backups as the simulator shows them: what each PostgreSQL shard's WAL-G
 * exporter reads (metrics/walg.ts), and the ClickHouse shards' backup CronJobs and the restore
 * drills' as kube-state-metrics shows them (metrics/kube-cronjobs.ts), from each warehouse's
 * promise: full backups on its schedule (in the city's time), as many kept as it promises, WAL
 * archived within a minute. Faults change one shard or drill (faults.ts BACKUP_FAULT_KINDS):
 * - backups-stopped: the shard's newest full backup is the one two periods before the fault;
 * - wal-archive-stuck: nothing archived since an RPO and a minute before the fault, and a
 *   segment more waiting every minute (of the stack's time scale);
 * - backup-job-failed / drill-failed: the CronJob's Job started at the fault failed, and none has
 *   succeeded since.
 */
import { BACKUP_SCHEDULE, type CityModel, cityMidnight, type Warehouse } from '../../model/index.ts';
import { schedulePeriodDays } from '../../model/rules/backup-promises.ts';
import type { KubeCronJobs } from '../metrics/kube-cronjobs.ts';
import type { WalgReading } from '../metrics/walg.ts';
import type { Fault } from './faults.ts';
import { jitter } from './load-model.ts';

const DAY = 86_400;
/** How long the simulated full backups and restore drills take. */
const RUN_SECONDS = 3600;

/** The latest start of a daily, weekly or monthly schedule of the city's clock at or before `t`. */
export function lastRun(schedule: string, t: number): number {
  const m = BACKUP_SCHEDULE.exec(schedule);
  if (!m) throw new Error(`schedule "${schedule}" is not daily, weekly or monthly`);
  const [, minute, hour, day, weekday] = m.map(String) as [string, string, string, string, string];
  for (let midnight = cityMidnight(t); ; midnight -= DAY) {
    const local = new Date((midnight + 7 * 3600) * 1000);
    const matches =
      (day === '*' || local.getUTCDate() === Number(day)) &&
      (weekday === '*' || local.getUTCDay() === Number(weekday));
    const start = midnight + Number(hour) * 3600 + Number(minute) * 60;
    if (matches && start <= t) return start;
  }
}

const periodOf = (schedule: string) => {
  const p = schedulePeriodDays(schedule);
  return 'days' in p ? p.days * DAY : DAY;
};

/** A warehouse's shards by name, as the stacks name them (constructs/warehouse/warehouse-shards.ts). */
export const shardName = (w: Pick<Warehouse, 'id'>, shard: number) =>
  `${w.id}-s${String(shard).padStart(2, '0')}`;

export class WarehouseBackups {
  private readonly byPod = new Map<string, { warehouse: Warehouse; shard: number }>();

  constructor(
    private readonly model: CityModel,
    /** When the simulated CronJobs were made, unix seconds. */
    private readonly epoch: number,
    private readonly timeScale = 1,
  ) {
    for (const w of model.warehouses)
      if (w.engine === 'postgresql')
        for (let s = 1; s <= w.shards; s++)
          for (let r = 0; r < w.replicas; r++)
            this.byPod.set(`${shardName(w, s)}-${r}`, { warehouse: w, shard: s });
  }

  /** Whether a pod of a PostgreSQL shard has a WAL-G exporter. */
  hasPod(pod: string): boolean {
    return this.byPod.has(pod);
  }

  /**
   * What the WAL-G exporter beside `pod` reads now (every pod answers as its shard's leader:
   * the simulator has no failover), or null for a pod it does not know.
   */
  walg(pod: string, faults: readonly Fault[], t: number): WalgReading | null {
    const found = this.byPod.get(pod);
    if (!found) return null;
    const { warehouse: w, shard } = found;
    const b = w.backup;
    const period = periodOf(b.schedule);
    const on = (kind: Fault['kind']) =>
      faults.find((f) => f.kind === kind && f.target === w.id && f.shard === shard);
    const stopped = on('backups-stopped');
    // a backup is listed once it has finished; stopped: the one two periods before the fault
    const last = lastRun(b.schedule, (stopped ? stopped.since - 2 * period : t) - RUN_SECONDS);
    const stuck = on('wal-archive-stuck');
    return {
      lastBasebackup: last,
      basebackups: b.fullBackupsKept,
      oldestBasebackup: last - (b.fullBackupsKept - 1) * period,
      lastWal: stuck
        ? stuck.since - b.rpoMinutes * 60 - 60
        : t - 30 * jitter(`${w.id}/${shard}/wal/${Math.floor(t / 30)}`),
      walReady: stuck ? 1 + Math.floor(((t - stuck.since) * this.timeScale) / 60) : 0,
    };
  }

  /** The backup CronJobs of the ClickHouse shards and every warehouse's drill, with their Jobs. */
  cronJobs(faults: readonly Fault[], t: number): KubeCronJobs {
    const out: KubeCronJobs[number][] = [];
    for (const w of this.model.warehouses) {
      const namespace = `warehouse-${w.id}`;
      const add = (cronjob: string, schedule: string, failed: Fault | undefined) => {
        const success = lastRun(schedule, (failed ? failed.since : t) - RUN_SECONDS) + RUN_SECONDS / 2;
        out.push({
          namespace,
          cronjob,
          created: this.epoch,
          lastSuccess: success > this.epoch ? success : null,
          jobs: failed
            ? [{ job: `${cronjob}-${Math.floor(failed.since / 60)}`, start: failed.since, failed: 1 }]
            : [],
        });
      };
      if (w.engine === 'clickhouse')
        for (let s = 1; s <= w.shards; s++) {
          const failed = faults.find(
            (f) => f.kind === 'backup-job-failed' && f.target === w.id && f.shard === s,
          );
          add(`${shardName(w, s)}-backup`, w.backup.schedule, failed);
        }
      if (w.backup.drill !== null)
        add(
          `${w.id}-restore-drill`,
          w.backup.drill,
          faults.find((f) => f.kind === 'drill-failed' && f.target === w.id),
        );
    }
    return out;
  }
}
