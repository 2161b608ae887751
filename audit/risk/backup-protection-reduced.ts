/**
 * Critical: a backup kept for less time — an object-locked bucket's retention shortened or its
 * lock removed, noncurrent versions expired sooner, the off-site retention lowered. A backup
 * that is gone cannot be restored, and a lock that is shorter lets ransomware delete sooner.
 */
import type { Change } from '../change.ts';

import { COMPLIANT, firedIf, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function backupProtectionReduced(c: Change): RiskOutcome {
  const f = c.facts;
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
