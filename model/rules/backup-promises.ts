/**
 * What a warehouse's backups promise holds together: its schedules are ones citycloud can read
 * (daily, weekly or monthly, in the city's time), the full backups it keeps reach as far back as
 * the point-in-time window it promises, and personal data is restored on a schedule — a backup
 * nobody has restored is not a backup.
 */
import { utcSchedule } from '../city-time.ts';
import { warehouseNamespace, warehouseShardName } from '../kubernetes-names.ts';
import { BACKUP_SCHEDULE } from '../schema.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

/** A schedule's period in days, or why it is not one citycloud reads. */
export function schedulePeriodDays(schedule: string): { days: number } | { problem: string } {
  const m = BACKUP_SCHEDULE.exec(schedule);
  if (!m) return { problem: 'is not cron five fields of a daily, weekly or monthly schedule' };
  const [, minute, hour, day, weekday] = m as unknown as [string, string, string, string, string];
  if (Number(minute) > 59) return { problem: `has minute ${minute}: expected 0–59` };
  if (Number(hour) > 23) return { problem: `has hour ${hour}: expected 0–23` };
  if (day !== '*' && weekday !== '*')
    return { problem: 'names a day of the month and a day of the week (cron runs on either)' };
  if (day !== '*' && !(Number(day) >= 1 && Number(day) <= 28))
    return { problem: `runs on day ${day} of the month, which not every month has: expected 1–28` };
  // a month is 31 days at most: what is promised of a monthly schedule must hold in the longest
  return { days: day !== '*' ? 31 : weekday !== '*' ? 7 : 1 };
}

/**
 * The longest names a warehouse's backups give Kubernetes objects, and the most Kubernetes takes:
 * a CronJob's 52 characters (its Jobs add 11), a namespace's 63.
 */
function longNames(w: CityModel['warehouses'][number]): string[] {
  const shard = warehouseShardName(w.id, w.shards);
  const names: [string, number][] = [
    [`${w.id}-restore-drill`, 52],
    [`${warehouseNamespace(w.id)}-drill-${shard.slice(w.id.length + 1)}`, 63],
    ...(w.engine === 'clickhouse' ? ([[`${shard}-backup-incremental`, 52]] as [string, number][]) : []),
  ];
  return names.filter(([n, max]) => n.length > max).map(([n, max]) => `${n} (${n.length} > ${max})`);
}

export function backupPromises(model: CityModel): RuleResult {
  const v: Violation[] = [];
  for (const w of model.warehouses) {
    const b = w.backup;
    const long = longNames(w);
    if (long.length > 0)
      v.push({
        path: w.path,
        field: 'id',
        message: `warehouse ${w.id}'s backups would name objects longer than Kubernetes keeps: ${long.join(', ')}`,
        expected: 'a shorter warehouse id',
      });
    // a drill's scratch namespaces are warehouse-<id>-drill-…, which its account may create and
    // delete: no other warehouse's namespace may be one of them
    const under = model.warehouses.find((o) => o !== w && w.id.startsWith(`${o.id}-drill-`));
    if (under)
      v.push({
        path: w.path,
        field: 'id',
        message: `warehouse ${w.id}'s namespace ${warehouseNamespace(w.id)} is one of warehouse ${under.id}'s restore drill scratch namespaces (${warehouseNamespace(under.id)}-drill-*), which that drill creates and deletes`,
        expected: `an id that does not begin with ${under.id}-drill-`,
      });
    const period = schedulePeriodDays(b.schedule);
    if ('problem' in period)
      v.push({
        path: b.path,
        field: 'schedule',
        message: `warehouse ${w.id}'s backup schedule "${b.schedule}" ${period.problem}`,
        expected: 'a daily (M H * * *), weekly (M H * * D) or monthly (M H D * *) schedule',
      });
    else if (utcSchedule(b.schedule) === null)
      v.push({
        path: b.path,
        field: 'schedule',
        message: `warehouse ${w.id}'s backups run on day 1 of the month before 07:00 ("${b.schedule}"), the previous month's last day in UTC, the clock the database pods' cron keeps`,
        expected: 'a day of the month from 2, or an hour from 07:00',
      });
    // just after a full backup, the oldest kept is (kept − 1) periods old: the window's floor
    else if ((b.fullBackupsKept - 1) * period.days < b.pointInTimeDays)
      v.push({
        path: b.path,
        field: 'fullBackupsKept',
        message: `warehouse ${w.id} keeps ${b.fullBackupsKept} full backups ${period.days === 1 ? 'a day apart' : `${period.days} days apart`}: the oldest is ${(b.fullBackupsKept - 1) * period.days} days old just after a new one, short of the ${b.pointInTimeDays} days of point-in-time restore it promises`,
        expected: `fullBackupsKept ≥ ${Math.ceil(b.pointInTimeDays / period.days) + 1}, or pointInTimeDays ≤ ${(b.fullBackupsKept - 1) * period.days}`,
      });
    if (b.drill !== null) {
      const drill = schedulePeriodDays(b.drill);
      if ('problem' in drill)
        v.push({
          path: b.path,
          field: 'drill',
          message: `warehouse ${w.id}'s restore drill schedule "${b.drill}" ${drill.problem}`,
          expected: 'a daily, weekly or monthly schedule, or false for none',
        });
      else if (utcSchedule(b.drill) === null)
        v.push({
          path: b.path,
          field: 'drill',
          message: `warehouse ${w.id}'s restore drill runs on day 1 of the month before 07:00 ("${b.drill}"), the previous month's last day in UTC, the clock of its CronJob`,
          expected: 'a day of the month from 2, or an hour from 07:00',
        });
    } else if (w.classification === 'personal')
      v.push({
        path: b.path,
        field: 'drill',
        message: `warehouse ${w.id} holds personal data and its backups are never restored in a drill`,
        expected: 'a restore drill schedule (monthly by default: "0 3 2 * *")',
      });
  }
  return resultOf(model.warehouses.length > 0, v);
}
