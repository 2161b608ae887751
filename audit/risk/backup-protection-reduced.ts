/**
 * Critical: a backup kept for less time — an object-locked bucket's retention shortened or its
 * lock removed, noncurrent versions expired sooner, the off-site retention lowered. A backup
 * that is gone cannot be restored, and a lock that is shorter lets ransomware delete sooner.
 */
import type { Change } from '../change.ts';

const num = (v: unknown) => Number(v ?? 0);

export function backupProtectionReduced(c: Change): string | null {
  const f = c.facts;
  const why: string[] = [];
  if (c.kind === 'AWS::S3::Bucket' && c.action !== 'add') {
    if (num(f.lockDaysAfter) < num(f.lockDaysBefore) && c.action !== 'remove')
      why.push(`object-lock retention ${f.lockDaysBefore} → ${f.lockDaysAfter} days`);
    if (num(f.noncurrentDaysAfter) < num(f.noncurrentDaysBefore) && c.action !== 'remove')
      why.push(`noncurrent versions kept ${f.noncurrentDaysBefore} → ${f.noncurrentDaysAfter} days`);
  }
  if (c.kind === 'offsite' && num(f.retentionDaysAfter) < num(f.retentionDaysBefore))
    why.push(`off-site backup retention ${f.retentionDaysBefore} → ${f.retentionDaysAfter} days`);
  return why.length ? `${c.id}: ${why.join('; ')}` : null;
}
