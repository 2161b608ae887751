/**
 * The off-site backups' lifecycle is one WarehouseBackup can build: Glacier Instant Retrieval
 * before Deep Archive, and at least its 90-day minimum in Glacier Instant Retrieval (leaving it
 * earlier is billed as if it stayed, and the construct refuses it).
 */
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

/** Days Glacier Instant Retrieval bills at least. */
export const GLACIER_IR_MINIMUM_DAYS = 90;

export function offsiteBackupLifecycle(model: CityModel): RuleResult {
  const o = model.offsite;
  const v: Violation[] = [];
  if (!(o.infrequentAfterDays < o.archiveAfterDays))
    v.push({
      path: o.path,
      field: 'archiveAfterDays',
      message: `backups go to Deep Archive after ${o.archiveAfterDays} days, not after they reach Glacier Instant Retrieval (${o.infrequentAfterDays} days)`,
      expected: 'infrequentAfterDays before archiveAfterDays',
    });
  else if (o.archiveAfterDays - o.infrequentAfterDays < GLACIER_IR_MINIMUM_DAYS)
    v.push({
      path: o.path,
      field: 'archiveAfterDays',
      message: `backups would leave Glacier Instant Retrieval after ${o.archiveAfterDays - o.infrequentAfterDays} days, under its ${GLACIER_IR_MINIMUM_DAYS}-day minimum`,
      expected: `archiveAfterDays ≥ infrequentAfterDays + ${GLACIER_IR_MINIMUM_DAYS} (${o.infrequentAfterDays + GLACIER_IR_MINIMUM_DAYS})`,
    });
  return resultOf(model.warehouses.length > 0, v);
}
