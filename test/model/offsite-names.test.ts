import { describe, expect, it } from 'vitest';
import {
  backupAgentArns,
  backupAgentRoleName,
  backupExpiryDays,
  type CityModel,
  loadCity,
  offsiteBucketName,
  offsiteS3Endpoint,
} from '../../model/index.ts';
import { BUILTIN_CITY, findingLines, loadData, modelOf, smallCity } from '../helpers/city.ts';

const TA =
  'arn:aws:rolesanywhere:ap-southeast-1:111122223333:trust-anchor/8f5f6b1e-3d2a-4c1b-9e7f-2a6d0c4b5e31';
const PROFILE =
  'arn:aws:rolesanywhere:ap-southeast-1:111122223333:profile/4c0e2d7a-91b3-4f6e-8a25-d3b1f0c97e42';

describe('the off-site names', () => {
  it('name a warehouse’s bucket and agent role from the model, the same for both tiers', () => {
    expect(offsiteBucketName('79', 'construction')).toBe('citycloud-79-backup-construction');
    expect(backupAgentRoleName('construction')).toBe('citycloud-backup-agent-construction');
    expect(offsiteS3Endpoint('ap-southeast-1')).toBe('https://s3.ap-southeast-1.amazonaws.com');
  });

  it('give the agent’s ARNs from the inventory’s trust anchor and profile, the role in their account', () => {
    const city = loadCity(BUILTIN_CITY).model as CityModel;
    expect(backupAgentArns(city.offsite, 'construction')).toEqual({
      trustAnchorArn: TA,
      profileArn: PROFILE,
      roleArn: 'arn:aws:iam::111122223333:role/citycloud-backup-agent-construction',
    });
  });

  it('give none when the inventory names no trust anchor (defaults; CC026 refuses it)', () => {
    const city = smallCity();
    delete city.offsite;
    expect(backupAgentArns(modelOf(city).offsite, 'wa')).toBeNull();
  });

  it('keep a backup its full backups kept a period apart, and one period more', () => {
    expect(backupExpiryDays({ schedule: '0 1 * * *', fullBackupsKept: 8 })).toBe(9);
    expect(backupExpiryDays({ schedule: '0 1 * * 0', fullBackupsKept: 5 })).toBe(42);
    expect(backupExpiryDays({ schedule: '0 3 2 * *', fullBackupsKept: 3 })).toBe(124);
  });

  it('fails if the trust anchor and profile are in two accounts, or outside the off-site region', () => {
    const raw = smallCity();
    raw.offsite = {
      region: 'ap-southeast-1',
      rolesAnywhere: { trustAnchorArn: TA, profileArn: PROFILE.replace('111122223333', '444455556666') },
    };
    expect(findingLines(loadData(raw)).join('\n')).toContain(
      'the profile is in ap-southeast-1:444455556666, the trust anchor in ap-southeast-1:111122223333: expected one region and account',
    );
    raw.offsite = { region: 'eu-west-1', rolesAnywhere: { trustAnchorArn: TA, profileArn: PROFILE } };
    expect(findingLines(loadData(raw)).join('\n')).toContain(
      'the trust anchor is in ap-southeast-1, the off-site tier in eu-west-1: expected the off-site region',
    );
    raw.offsite = {
      region: 'ap-southeast-1',
      rolesAnywhere: { trustAnchorArn: 'arn:aws:iam::1:role/x', profileArn: PROFILE },
    };
    expect(findingLines(loadData(raw)).join('\n')).toContain('the ARN of a Roles Anywhere trust anchor');
  });
});
