import { describe, expect, it } from 'vitest';
import { utcSchedule } from '../../../model/city-time.ts';
import { BACKUP_DEFAULTS } from '../../../model/expand.ts';
import { backupPromises, schedulePeriodDays } from '../../../model/rules/backup-promises.ts';
import { loadData, modelOf, type RawCity, smallCity, violationLines } from '../../helpers/city.ts';

/** The small city with its warehouse's classification and backup promise set. */
const withBackup = (backup: object | undefined, classification = 'personal', backups?: object): RawCity => {
  const city = smallCity();
  city.warehouses[0].classification = classification;
  if (backup) city.warehouses[0].backup = backup;
  if (backups) city.backups = backups;
  return city;
};

describe('backup-promises', () => {
  it('is compliant with every classification’s defaults, which it resolves field by field', () => {
    for (const c of ['personal', 'internal', 'open'])
      expect(backupPromises(modelOf(withBackup(undefined, c)))).toEqual({ status: 'compliant' });
    // the warehouse's own field, else its classification's, else the default
    const model = modelOf(withBackup({ rpoMinutes: 1 }, 'internal', { internal: { rtoMinutes: 60 } }));
    expect(model.warehouses[0]?.backup).toEqual({
      ...BACKUP_DEFAULTS.internal,
      rpoMinutes: 1,
      rtoMinutes: 60,
      path: 'warehouses[wa].backup',
    });
  });

  it('reads daily, weekly and monthly schedules, and says what is wrong with others', () => {
    expect(schedulePeriodDays('0 1 * * *')).toEqual({ days: 1 });
    expect(schedulePeriodDays('30 23 * * 0')).toEqual({ days: 7 });
    expect(schedulePeriodDays('0 3 28 * *')).toEqual({ days: 31 });
    expect(schedulePeriodDays('0 3 31 * *')).toEqual({
      problem: 'runs on day 31 of the month, which not every month has: expected 1–28',
    });
    expect(schedulePeriodDays('0 3 1 * 1')).toEqual({
      problem: 'names a day of the month and a day of the week (cron runs on either)',
    });
    expect(schedulePeriodDays('60 1 * * *')).toEqual({ problem: 'has minute 60: expected 0–59' });
    // what the schema takes is checked again here; a form it refuses never reaches the rule
    expect(loadData(withBackup({ schedule: '*/5 * * * *' })).findings.map((f) => f.expected)).toContainEqual(
      expect.stringContaining('a daily (M H * * *), weekly (M H * * D) or monthly (M H D * *) schedule'),
    );
  });

  it('says each schedule in UTC, the clock of the pods’ cron, and refuses one UTC cannot say', () => {
    expect(utcSchedule('0 1 * * *')).toBe('0 18 * * *');
    expect(utcSchedule('30 9 * * *')).toBe('30 2 * * *');
    // Sunday 01:00 in the city is Saturday 18:00 UTC; the 2nd at 03:00 is the 1st at 20:00
    expect(utcSchedule('0 1 * * 0')).toBe('0 18 * * 6');
    expect(utcSchedule('0 3 2 * *')).toBe('0 20 1 * *');
    expect(utcSchedule('0 8 1 * *')).toBe('0 1 1 * *');
    expect(utcSchedule('0 3 1 * *')).toBeNull();
    expect(violationLines(backupPromises, withBackup({ schedule: '0 3 1 * *', fullBackupsKept: 3 }))).toEqual(
      [
        "warehouses[wa].backup: warehouse wa's backups run on day 1 of the month before 07:00 (\"0 3 1 * *\"), the previous month's last day in UTC, the clock the database pods' cron keeps; a day of the month from 2, or an hour from 07:00",
      ],
    );
  });

  it('finds full backups kept too few for the point-in-time window promised', () => {
    expect(
      violationLines(
        backupPromises,
        withBackup({ fullBackupsKept: 2, schedule: '0 1 * * 0', pointInTimeDays: 10 }),
      ),
    ).toEqual([
      'warehouses[wa].backup: warehouse wa keeps 2 full backups 7 days apart: the oldest is 7 days old just after a new one, short of the 10 days of point-in-time restore it promises; fullBackupsKept ≥ 3, or pointInTimeDays ≤ 7',
    ]);
    expect(violationLines(backupPromises, withBackup({ fullBackupsKept: 3, pointInTimeDays: 14 }))).toEqual([
      'warehouses[wa].backup: warehouse wa keeps 3 full backups a day apart: the oldest is 2 days old just after a new one, short of the 14 days of point-in-time restore it promises; fullBackupsKept ≥ 15, or pointInTimeDays ≤ 2',
    ]);
  });

  it('finds personal data never restored in a drill, and a drill schedule it cannot read', () => {
    expect(violationLines(backupPromises, withBackup({ drill: false }))).toEqual([
      'warehouses[wa].backup: warehouse wa holds personal data and its backups are never restored in a drill; a restore drill schedule (monthly by default: "0 3 2 * *")',
    ]);
    expect(backupPromises(modelOf(withBackup({ drill: false }, 'open')))).toEqual({ status: 'compliant' });
    // the drill's CronJob keeps UTC too
    expect(violationLines(backupPromises, withBackup({ drill: '0 3 1 * *' }))).toEqual([
      'warehouses[wa].backup: warehouse wa\'s restore drill runs on day 1 of the month before 07:00 ("0 3 1 * *"), the previous month\'s last day in UTC, the clock of its CronJob; a day of the month from 2, or an hour from 07:00',
    ]);
    expect(violationLines(backupPromises, withBackup({ drill: '0 25 * * *' }))).toEqual([
      'warehouses[wa].backup: warehouse wa\'s restore drill schedule "0 25 * * *" has hour 25: expected 0–23; a daily, weekly or monthly schedule, or false for none',
    ]);
  });

  it('refuses an id whose backups would name objects longer than Kubernetes keeps', () => {
    const city = withBackup(undefined);
    city.warehouses[0].id = 'a-warehouse-named-at-length-xy';
    expect(violationLines(backupPromises, city)).toEqual([
      "warehouses[a-warehouse-named-at-length-xy]: warehouse a-warehouse-named-at-length-xy's backups would name objects longer than Kubernetes keeps: a-warehouse-named-at-length-xy-s01-backup-incremental (53 > 52); a shorter warehouse id",
    ]);
  });

  it('refuses a warehouse whose namespace is one of another’s drill scratch namespaces (that drill creates and deletes them)', () => {
    const city = withBackup(undefined);
    city.warehouses.push({ ...city.warehouses[0], id: 'wa-drill-s01' });
    expect(violationLines(backupPromises, city)).toEqual([
      "warehouses[wa-drill-s01]: warehouse wa-drill-s01's namespace warehouse-wa-drill-s01 is one of warehouse wa's restore drill scratch namespaces (warehouse-wa-drill-*), which that drill creates and deletes; an id that does not begin with wa-drill-",
    ]);
    city.warehouses[1].id = 'wa-drills';
    expect(violationLines(backupPromises, city)).toEqual([]);
  });
});
