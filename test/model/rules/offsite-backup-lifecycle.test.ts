import { describe, expect, it } from 'vitest';
import { offsiteBackupLifecycle } from '../../../model/rules/offsite-backup-lifecycle.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

const withOffsite = (infrequentAfterDays: number, archiveAfterDays: number) => {
  const city = smallCity();
  city.offsite = { infrequentAfterDays, archiveAfterDays };
  return city;
};

describe('offsite-backup-lifecycle', () => {
  it('is compliant with the defaults (30 and 120 days)', () => {
    expect(offsiteBackupLifecycle(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable without warehouses to back up', () => {
    const city = smallCity();
    city.warehouses = [];
    city.tenants[0].reaches = [];
    expect(offsiteBackupLifecycle(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('finds Deep Archive before Glacier Instant Retrieval', () => {
    expect(violationLines(offsiteBackupLifecycle, withOffsite(200, 120))).toEqual([
      'offsite: backups go to Deep Archive after 120 days, not after they reach Glacier Instant Retrieval (200 days); infrequentAfterDays before archiveAfterDays',
    ]);
  });

  it('finds a stay in Glacier Instant Retrieval under its 90-day minimum', () => {
    expect(violationLines(offsiteBackupLifecycle, withOffsite(30, 60))).toEqual([
      'offsite: backups would leave Glacier Instant Retrieval after 30 days, under its 90-day minimum; archiveAfterDays ≥ infrequentAfterDays + 90 (120)',
    ]);
  });
});
