import { describe, expect, it } from 'vitest';
import { personalDataResidency } from '../../../model/rules/personal-data-residency.ts';
import { modelOf, type RawCity, smallCity, violationLines } from '../../helpers/city.ts';

const SECOND_SITE = {
  id: 'dr',
  name: 'Disaster-recovery site',
  endpoint: 'https://s3.dr.example.vn',
  cidr: '172.20.10.0/24',
  jurisdiction: 'VN',
};

/** The small city whose warehouse holds personal data and backs up to `backupTo`. */
function personal(backupTo: 'offsite' | 'second-site', extra: (c: RawCity) => void = () => {}): RawCity {
  const city = smallCity();
  city.warehouses[0].classification = 'personal';
  city.warehouses[0].backupTo = backupTo;
  city.secondSite = SECOND_SITE;
  extra(city);
  return city;
}

describe('personal-data-residency', () => {
  it('is compliant when personal data backs up to the second site in the country', () => {
    expect(personalDataResidency(modelOf(personal('second-site')))).toEqual({ status: 'compliant' });
  });

  it('is compliant when only data that may leave goes off-site', () => {
    expect(personalDataResidency(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable without warehouses', () => {
    const city = smallCity();
    city.warehouses = [];
    city.tenants[0].reaches = [];
    expect(personalDataResidency(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('refuses personal data backed up to the AWS region abroad', () => {
    expect(violationLines(personalDataResidency, personal('offsite'))).toEqual([
      'warehouses[wa]: holds personal data but backs up to the off-site tier in ap-southeast-1 (SG); backups kept in VN: backupTo: second-site',
    ]);
  });

  it('refuses personal data sent to a system abroad', () => {
    const city = personal('second-site', (c) => {
      c.externalSystems[0].jurisdiction = 'US';
    });
    expect(violationLines(personalDataResidency, city)).toEqual([
      'warehouses[wa]: holds personal data but sends it to national-db (National database) in US; systems in VN only',
    ]);
  });

  it('refuses a backup to a second site the inventory does not declare', () => {
    const city = personal('second-site', (c) => {
      delete c.secondSite;
    });
    expect(violationLines(personalDataResidency, city)).toEqual([
      'warehouses[wa]: backs up to the second site, but the inventory declares none; a secondSite section (the S3-compatible store in the country), or backupTo: offsite',
    ]);
  });

  it('asks where an unknown off-site region is', () => {
    const city = personal('offsite', (c) => {
      c.offsite = { region: 'hcmc-local-1' };
    });
    expect(violationLines(personalDataResidency, city)).toEqual([
      'warehouses[wa]: holds personal data and backs up to the off-site tier in hcmc-local-1, whose country is not known; offsite.jurisdiction set, and one of VN',
    ]);
  });
});
