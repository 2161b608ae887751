/**
 * Critical: a backup kept for less time — an object-locked bucket's retention shortened or its
 * lock removed, noncurrent versions expired sooner, the off-site retention lowered — or a
 * warehouse's backups promising less: full backups further apart, fewer kept, a shorter
 * point-in-time window, more transactions or more time lost, the restore drill turned off or
 * made rarer, the backups sent elsewhere. A backup that is gone cannot be restored, and a lock
 * that is shorter lets ransomware delete sooner.
 */
import { schedulePeriodDays } from '../../model/rules/backup-promises.ts';
import type { Change, WarehouseBackupFacts } from '../change.ts';

import { COMPLIANT, firedIf, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

/** What a warehouse's backup promise lost between two sides, each said. */
function promiseReduced(a: WarehouseBackupFacts, b: WarehouseBackupFacts): string[] {
  const days = (s: string) => {
    const p = schedulePeriodDays(s);
    return 'days' in p ? p.days : Number.POSITIVE_INFINITY;
  };
  const why: string[] = [];
  if (b.backupTo !== a.backupTo) why.push(`backups moved from ${a.backupTo} to ${b.backupTo}`);
  if (days(b.schedule) > days(a.schedule))
    why.push(
      `full backups every ${days(a.schedule)} → ${days(b.schedule)} days ("${a.schedule}" → "${b.schedule}")`,
    );
  if (b.fullBackupsKept < a.fullBackupsKept)
    why.push(`full backups kept ${a.fullBackupsKept} → ${b.fullBackupsKept}`);
  if (b.pointInTimeDays < a.pointInTimeDays)
    why.push(`point-in-time window ${a.pointInTimeDays} → ${b.pointInTimeDays} days`);
  if (b.rpoMinutes > a.rpoMinutes)
    why.push(`recovery point objective ${a.rpoMinutes} → ${b.rpoMinutes} minutes`);
  if (b.rtoMinutes > a.rtoMinutes)
    why.push(`recovery time objective ${a.rtoMinutes} → ${b.rtoMinutes} minutes`);
  if (a.drill !== null && b.drill === null) why.push('the restore drill turned off');
  else if (a.drill !== null && b.drill !== null && days(b.drill) > days(a.drill))
    why.push(`restore drills every ${days(a.drill)} → ${days(b.drill)} days`);
  return why;
}

export function backupProtectionReduced(c: Change): RiskOutcome {
  const f = c.facts;
  if (f.of === 'warehouse')
    return f.backupBefore && f.backupAfter
      ? firedIf(promiseReduced(f.backupBefore, f.backupAfter), `${c.id}: `)
      : COMPLIANT;
  if (f.of === 'offsite')
    return firedIf(
      f.retentionDaysAfter < f.retentionDaysBefore
        ? [`off-site backup retention ${f.retentionDaysBefore} → ${f.retentionDaysAfter} days`]
        : [],
      `${c.id}: `,
    );
  if (f.of !== 'cloudformation-resource' || !f.bucket) return NOT_APPLICABLE;
  if (c.action === 'add' || c.action === 'remove') return COMPLIANT;
  const b = f.bucket;
  const why: string[] = [];
  if (b.lockDaysAfter < b.lockDaysBefore)
    why.push(`object-lock retention ${b.lockDaysBefore} → ${b.lockDaysAfter} days`);
  if (b.noncurrentDaysAfter < b.noncurrentDaysBefore)
    why.push(`noncurrent versions kept ${b.noncurrentDaysBefore} → ${b.noncurrentDaysAfter} days`);
  return firedIf(why, `${c.id}: `);
}
