/**
 * What the backup targets hold — the city's second site (one store, every warehouse backing up
 * there) and each warehouse's off-site bucket — now and over the review's horizon, and, where the
 * model gives a target's capacity, when it crosses the storage threshold and when it fills.
 *
 * Each warehouse's part is sized from one copy of its data (a shard's replicas are copies of one
 * another): its volumes' used share as the review forecasts it × shards × storagePerReplicaTiB,
 * or, with no forecast, its volumes taken full and grown as the model's
 * storageGrowthPercentPerMonth says. What a target keeps of it follows from the promise
 * (schedule, fullBackupsKept) and from how that target deletes:
 * - off-site, nothing the agent does deletes (it may not): the bucket's lifecycle expires an
 *   object (fullBackupsKept + 1) periods old (model/offsite-names.ts backupExpiryDays) and, the
 *   bucket being versioned, keeps it offsite.noncurrentExpireDays more as a noncurrent version;
 *   object lock holds it backupRetentionDays at least (constructs/warehouse-backup.ts);
 * - on the second site, ClickHouse's backups expire when the store's rule on `clickhouse/` says,
 *   the same (fullBackupsKept + 1) periods (the operators set it: README); PostgreSQL's are deleted
 *   by `wal-g delete retain FULL K` (K = fullBackupsKept), which each shard's leader runs every
 *   day 12 hours after the backups' time (constructs/warehouse/spilo-backup.ts retentionCronLine):
 *   it keeps the K newest full backups and the WAL since the oldest of them, whatever the
 *   schedule. At the peak, from a new full backup to the next run of the line, there are K + 1 and
 *   the WAL of K periods and that wait, counted as a day. Spilo's own deletion before each full
 *   backup (postgres_backup.sh, BACKUP_NUM_TO_RETAIN = K read as days) never keeps less, and after
 *   the line has run it has nothing left to delete.
 *
 * The one figure the metrics do not give is how much a warehouse writes a day — its WAL, or the
 * parts ClickHouse writes and merges, which incremental backups copy: the WAL-G exporter reports
 * times and counts, not bytes. It is assumed: WRITE_AMPLIFICATION × the day's growth (full-page
 * images and index entries; merges) plus `changeSharePerDay` of the data (updates, deletes and
 * rewrites that do not grow it; --change-share). ClickHouse's incremental backups are each based on
 * the newest full backup, so each holds every change since it: over a period of n incrementals
 * they hold (n − 1)/2 periods of changes. Sizes are as on the volumes: WAL-G's compression only
 * makes them smaller. Growth below zero counts as none: what was backed up stays until it expires.
 */
import { CITY_UTC_OFFSET } from '../../model/city-time.ts';
import type { CityModel, Warehouse, WarehouseEngine } from '../../model/index.ts';
import { backupExpiryDays, offsiteBucketName } from '../../model/offsite-names.ts';
import { schedulePeriodDays } from '../../model/rules/backup-promises.ts';
import { MAX_FORECAST_DAYS } from './forecast.ts';

/** The bytes a warehouse writes (WAL, merged parts) for each byte its data grows. */
export const WRITE_AMPLIFICATION = 2;
/** The share of a warehouse's data assumed rewritten a day (--change-share). */
export const DEFAULT_CHANGE_SHARE_PER_DAY = 0.01;

const DAY = 86_400;

export type BackupTargetKind = 'second-site' | 'offsite-bucket';

/** TiB a day, with the bounds the forecast's slope gives. */
export interface Growth {
  readonly mid: number;
  readonly low: number;
  readonly high: number;
}

/** What one warehouse puts in its target. */
export interface WarehouseBackups {
  readonly warehouse: string;
  readonly name: string;
  readonly engine: WarehouseEngine;
  /** Its data's size and growth: from its volumes' forecast, or the model's volumes taken full. */
  readonly source: 'measured' | 'model';
  /** One copy of its data, TiB, now. */
  readonly storedTiB: number;
  readonly storedGrowthTiBPerDay: Growth;
  /** Its schedule's period, days (a month is 31). */
  readonly periodDays: number;
  /** What it writes a day, TiB (WAL, or the changes incremental backups copy): the assumption above. */
  readonly changesTiBPerDay: number;
  /** Full backups the target holds at the peak. */
  readonly fullBackups: number;
  /** Days of changes the target holds: WAL, or what ClickHouse's incremental backups copy. */
  readonly changeDays: number;
  /** Days an object stays in the target at most. */
  readonly keptDays: number;
  /** How the target keeps its backups, one sentence. */
  readonly retention: string;
  readonly holdsTiB: number;
  readonly growthTiBPerDay: Growth;
}

/** A day the target's holdings reach a figure: the city date and days from now, with the slope's bounds. */
export interface TargetCrossing {
  readonly on: string;
  readonly days: number;
  readonly earliest: string;
  readonly daysEarliest: number;
  /** Null: at the low slope it never does (within a century). */
  readonly latest: string | null;
  readonly daysLatest: number | null;
}

export interface BackupTargetReview {
  readonly kind: BackupTargetKind;
  /** The second site's id, or the off-site bucket's name. */
  readonly id: string;
  readonly name: string;
  readonly warehouses: readonly WarehouseBackups[];
  readonly holdsTiB: number;
  /** What it holds at the review's horizon. */
  readonly atHorizonTiB: number;
  readonly growthTiBPerDay: Growth;
  /** What it can hold, TiB; null when the model does not say (an S3 bucket has no limit). */
  readonly capacityTiB: number | null;
  /** The share of the capacity it may fill (--storage-threshold), TiB; null with no capacity. */
  readonly thresholdTiB: number | null;
  /** When it reaches the threshold; null with no capacity, or when it never does. */
  readonly crosses: TargetCrossing | null;
  /** When it reaches its capacity; null likewise. */
  readonly fills: TargetCrossing | null;
  readonly runsShort: boolean;
}

/** A warehouse's data now and its growth, TiB: one copy, from the review's storage forecast. */
export interface StoredData {
  readonly source: 'measured' | 'model';
  readonly storedTiB: number;
  readonly growthTiBPerDay: Growth;
}

export interface BackupTargetSettings {
  readonly horizonDays: number;
  /** The share of a target's capacity it may fill. */
  readonly storageThreshold: number;
  readonly changeSharePerDay: number;
  /** The review's first day ahead: unix seconds of the last city midnight. */
  readonly from: number;
}

/** A warehouse's volumes taken full and grown as the model says: for one the history cannot forecast. */
export function modelStoredData(w: Warehouse): StoredData {
  const storedTiB = w.shards * w.storagePerReplicaTiB;
  const g = (storedTiB * w.storageGrowthPercentPerMonth) / 100 / 30;
  return { source: 'model', storedTiB, growthTiBPerDay: { mid: g, low: g, high: g } };
}

/** A warehouse's data from its volumes' used share (now, and its slope with bounds, per day). */
export function measuredStoredData(
  w: Warehouse,
  share: { readonly now: number; readonly slope: number; readonly low: number; readonly high: number },
): StoredData {
  const size = w.shards * w.storagePerReplicaTiB;
  return {
    source: 'measured',
    storedTiB: share.now * size,
    growthTiBPerDay: { mid: share.slope * size, low: share.low * size, high: share.high * size },
  };
}

/**
 * The interval between a ClickHouse shard's incremental backups: the RPO rounded down to what cron
 * repeats evenly, as constructs/warehouse/clickhouse-backup.ts incrementalSchedule makes it.
 */
export function incrementalEveryMinutes(rpoMinutes: number): number {
  if (rpoMinutes < 60)
    return [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30].filter((d) => d <= rpoMinutes).at(-1) ?? 1;
  return 60 * ([1, 2, 3, 4, 6, 8, 12, 24].filter((d) => d * 60 <= rpoMinutes).at(-1) ?? 1);
}

/** How a target keeps one warehouse's backups: full backups and days of changes held, and for how long. */
export function retentionOf(
  model: Pick<CityModel, 'offsite'>,
  w: Warehouse,
): { fullBackups: number; changeDays: number; keptDays: number; retention: string } {
  const p = schedulePeriodDays(w.backup.schedule);
  // CC025 refuses a schedule it cannot read: a model that reaches here has a period
  const period = 'days' in p ? p.days : 31;
  const kept = w.backup.fullBackupsKept;
  // ClickHouse's incrementals, each based on the newest full backup: (n − 1)/2 periods of changes a period
  const n = (period * 1440) / incrementalEveryMinutes(w.backup.rpoMinutes);
  const changesPerDayKept = w.engine === 'clickhouse' ? (n - 1) / 2 : 1;
  const expiry = backupExpiryDays(w.backup);
  const what = w.engine === 'clickhouse' ? 'incremental backups' : 'WAL';
  const byExpiry = (days: number, retention: string) => ({
    fullBackups: Math.ceil(days / period),
    changeDays: days * changesPerDayKept,
    keptDays: days,
    retention,
  });
  if (w.backupTo === 'offsite') {
    const o = model.offsite;
    const days = Math.max(expiry + o.noncurrentExpireDays, o.backupRetentionDays);
    return byExpiry(
      days,
      `the bucket expires objects ${expiry} days old ((fullBackupsKept + 1) periods) and, versioned, keeps them ${o.noncurrentExpireDays} days more (offsite.noncurrentExpireDays; object lock ${o.backupRetentionDays}): ${days} days of full backups and ${what}`,
    );
  }
  if (w.engine === 'clickhouse')
    return byExpiry(
      expiry,
      `the store expires clickhouse/ after ${expiry} days ((fullBackupsKept + 1) periods, the CronJob's expire-after-days): full and incremental backups of ${expiry} days`,
    );
  // wal-g delete retain FULL K every day: K + 1 full backups from a new one to the next run, within a day
  const days = kept * period + 1;
  return {
    fullBackups: kept + 1,
    changeDays: days,
    keptDays: days,
    retention: `WAL-G keeps the newest ${kept} full backups (fullBackupsKept) and the WAL since the oldest, deleting the rest daily on each shard's leader: ${kept + 1} full backups at the peak, until the next deletion after a new one, and ${days} days of WAL`,
  };
}

/** What one warehouse's backups hold in its target now, and how fast that grows. */
export function warehouseBackups(
  model: Pick<CityModel, 'offsite'>,
  w: Warehouse,
  data: StoredData,
  changeSharePerDay: number,
): WarehouseBackups {
  const r = retentionOf(model, w);
  const p = schedulePeriodDays(w.backup.schedule);
  const periodDays = 'days' in p ? p.days : 31;
  const grows = (g: number) => Math.max(0, g);
  const changes = (g: number) => WRITE_AMPLIFICATION * grows(g) + changeSharePerDay * data.storedTiB;
  // held = fullBackups × data + changeDays × changes a day, every backup sized as the data is then
  const holdsTiB = r.fullBackups * data.storedTiB + r.changeDays * changes(data.growthTiBPerDay.mid);
  // every target deletes what it no longer keeps: only the backups' size grows, with the data
  const growth = (g: number) => (r.fullBackups + r.changeDays * changeSharePerDay) * grows(g);
  return {
    warehouse: w.id,
    name: w.name,
    engine: w.engine,
    source: data.source,
    storedTiB: data.storedTiB,
    storedGrowthTiBPerDay: data.growthTiBPerDay,
    periodDays,
    changesTiBPerDay: changes(data.growthTiBPerDay.mid),
    ...r,
    holdsTiB,
    growthTiBPerDay: {
      mid: growth(data.growthTiBPerDay.mid),
      low: growth(data.growthTiBPerDay.low),
      high: growth(data.growthTiBPerDay.high),
    },
  };
}

const cityDate = (t: number) => new Date((t + CITY_UTC_OFFSET) * 1000).toISOString().slice(0, 10);

/** Days until `holds` growing by `perDay` reaches `limit`: 0 when there already, null when never (within a century). */
export function daysToReach(holds: number, perDay: number, limit: number): number | null {
  if (holds >= limit) return 0;
  const d = perDay > 0 ? (limit - holds) / perDay : null;
  return d !== null && Number.isFinite(d) && d <= MAX_FORECAST_DAYS ? d : null;
}

function crossing(holds: number, growth: Growth, limit: number | null, from: number): TargetCrossing | null {
  if (limit === null) return null;
  const days = daysToReach(holds, growth.mid, limit);
  if (days === null) return null;
  // the high slope reaches it no later than the middle one
  const early = daysToReach(holds, growth.high, limit) ?? days;
  const late = daysToReach(holds, growth.low, limit);
  const at = (d: number) => cityDate(from + d * DAY);
  return {
    on: at(days),
    days,
    earliest: at(early),
    daysEarliest: early,
    latest: late === null ? null : at(late),
    daysLatest: late,
  };
}

/** One target's review from its warehouses' parts. */
function targetReview(
  kind: BackupTargetKind,
  id: string,
  name: string,
  capacityTiB: number | null,
  parts: readonly WarehouseBackups[],
  s: BackupTargetSettings,
): BackupTargetReview {
  const sum = (f: (p: WarehouseBackups) => number) => parts.reduce((a, p) => a + f(p), 0);
  const holdsTiB = sum((p) => p.holdsTiB);
  const growthTiBPerDay = {
    mid: sum((p) => p.growthTiBPerDay.mid),
    low: sum((p) => p.growthTiBPerDay.low),
    high: sum((p) => p.growthTiBPerDay.high),
  };
  const thresholdTiB = capacityTiB === null ? null : capacityTiB * s.storageThreshold;
  const crosses = crossing(holdsTiB, growthTiBPerDay, thresholdTiB, s.from);
  return {
    kind,
    id,
    name,
    warehouses: parts,
    holdsTiB,
    atHorizonTiB: holdsTiB + growthTiBPerDay.mid * s.horizonDays,
    growthTiBPerDay,
    capacityTiB,
    thresholdTiB,
    crosses,
    fills: crossing(holdsTiB, growthTiBPerDay, capacityTiB, s.from),
    runsShort: crosses !== null && crosses.days <= s.horizonDays,
  };
}

/**
 * The second site (when the model has one) and every off-site bucket, from each warehouse's data
 * (`stored`, by warehouse id; a warehouse not in it is sized from the model), soonest to cross first.
 */
export function backupTargets(
  model: Pick<CityModel, 'city' | 'offsite' | 'secondSite' | 'warehouses'>,
  stored: ReadonlyMap<string, StoredData>,
  settings: BackupTargetSettings,
): BackupTargetReview[] {
  const part = (w: Warehouse) =>
    warehouseBackups(model, w, stored.get(w.id) ?? modelStoredData(w), settings.changeSharePerDay);
  const out: BackupTargetReview[] = [];
  const site = model.secondSite;
  if (site)
    out.push(
      targetReview(
        'second-site',
        site.id,
        site.name,
        site.capacityTiB,
        model.warehouses.filter((w) => w.backupTo === 'second-site').map(part),
        settings,
      ),
    );
  for (const w of model.warehouses)
    if (w.backupTo === 'offsite')
      out.push(
        targetReview(
          'offsite-bucket',
          offsiteBucketName(model.city.code, w.id),
          `${w.name}, off-site (${model.offsite.region})`,
          null,
          [part(w)],
          settings,
        ),
      );
  const left = (t: BackupTargetReview) => t.crosses?.days ?? Number.POSITIVE_INFINITY;
  return out.sort((a, b) => left(a) - left(b));
}

/** TiB as the reports write it. */
export const tib = (v: number) =>
  `${v.toLocaleString('en-US', { maximumFractionDigits: v >= 100 ? 0 : 1 })} TiB`;
