import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCity } from '../../../model/index.ts';
import { offsiteBackupCredentials } from '../../../model/rules/offsite-backup-credentials.ts';
import { runValidate } from '../../../scripts/commands/validate.ts';
import {
  findingLines,
  loadData,
  modelOf,
  type RawCity,
  smallCity,
  violationLines,
  writeCity,
} from '../../helpers/city.ts';

const SECOND_SITE = {
  id: 'dr',
  name: 'Disaster-recovery site',
  endpoint: 'https://s3.dr.example.vn',
  cidr: '172.20.10.0/24',
  jurisdiction: 'VN',
};

/** The small city without `offsite.rolesAnywhere` (its warehouse wa backs up off-site by default). */
function withoutRolesAnywhere(): RawCity {
  const city = smallCity();
  delete city.offsite.rolesAnywhere;
  return city;
}

const MISSING =
  "warehouses[wa]: warehouse wa backs up off-site (backupTo: offsite, the default), but the inventory names no offsite.rolesAnywhere: its shards would get no credentials for its bucket citycloud-99-backup-wa and no backup would be configured, so its backups could never be written; offsite.rolesAnywhere with the trust anchor and profile the city's PKI team made, e.g. offsite: {rolesAnywhere: {trustAnchorArn: arn:aws:rolesanywhere:ap-southeast-1:<account>:trust-anchor/<id>, profileArn: arn:aws:rolesanywhere:ap-southeast-1:<account>:profile/<id>}}; or backupTo: second-site";

/** What `citycloud validate` prints and the exit code it gives, run in this process. */
function validate(inventory: string): { code: number; out: string } {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const code = runValidate({ inventory });
  const out = log.mock.calls.map((c) => c.join(' ')).join('\n');
  return { code, out };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('offsite-backup-credentials', () => {
  it('is compliant when the inventory names the trust anchor and profile (the small city does)', () => {
    expect(offsiteBackupCredentials(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable when no warehouse backs up off-site', () => {
    const none = withoutRolesAnywhere();
    none.warehouses = [];
    none.tenants[0].reaches = [];
    expect(offsiteBackupCredentials(modelOf(none))).toEqual({ status: 'not-applicable' });
    // a warehouse backing up to the second site has keys from its Secret, not Roles Anywhere
    const secondSite = withoutRolesAnywhere();
    secondSite.warehouses[0].backupTo = 'second-site';
    secondSite.secondSite = SECOND_SITE;
    expect(offsiteBackupCredentials(modelOf(secondSite))).toEqual({ status: 'not-applicable' });
  });

  it('refuses a warehouse backing up off-site when the inventory names no Roles Anywhere', () => {
    expect(violationLines(offsiteBackupCredentials, withoutRolesAnywhere())).toEqual([MISSING]);
    // with no offsite section at all, the same, in the region of the defaults
    const bare = smallCity();
    delete bare.offsite;
    expect(violationLines(offsiteBackupCredentials, bare)).toEqual([MISSING]);
    // in another region, the example is that region's
    const elsewhere = withoutRolesAnywhere();
    elsewhere.offsite.region = 'ap-southeast-2';
    expect(violationLines(offsiteBackupCredentials, elsewhere)).toEqual([
      MISSING.replaceAll('ap-southeast-1', 'ap-southeast-2'),
    ]);
  });

  it('is an error of validate at the line of the warehouse, and the command exits 1', () => {
    const file = writeCity({ 'city.yaml': withoutRolesAnywhere() });
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.indexOf('  - id: wa') + 1;
    expect(at).toBeGreaterThan(0);
    expect(findingLines(loadCity(file))).toEqual([
      `city.yaml:${at}:5: error CC026 ${MISSING.replace('; ', '; expected ')}`,
    ]);
    const { code, out } = validate(file);
    expect(out).toContain(`city.yaml:${at}:5: error CC026 warehouses[wa]: warehouse wa backs up off-site`);
    expect(out).toContain('✗');
    expect(code).toBe(1);
  });

  it('passes validate with offsite.rolesAnywhere, and the command exits 0', () => {
    const file = writeCity({ 'city.yaml': smallCity() });
    expect(findingLines(loadCity(file)).filter((l) => l.includes('CC026'))).toEqual([]);
    const { code, out } = validate(file);
    expect(out).not.toContain('CC026');
    expect(code).toBe(0);
  });

  it('refuses, in the schema, a rolesAnywhere without its profile or trust anchor', () => {
    for (const key of ['profileArn', 'trustAnchorArn']) {
      const city = smallCity();
      delete city.offsite.rolesAnywhere[key];
      const { model, findings } = loadData(city);
      expect(model).toBeNull();
      expect(findings.map((f) => `${f.rule} ${f.path}: ${f.message}`)).toContain(
        `CC000 offsite.rolesAnywhere.${key}: required field "${key}" is missing`,
      );
    }
  });
});
