/**
 * A warehouse that backs up off-site has a way to write there: its shards' backup agent assumes
 * the warehouse's role through IAM Roles Anywhere, with the trust anchor and profile that
 * `offsite.rolesAnywhere` names. Without them the stacks give its shards no credentials and
 * configure none of its backups (stacks/warehouse-stack.ts), while the off-site stack still makes
 * its bucket and role and the restore drill still runs: backups promised, never written.
 */
import { backupAgentArns, offsiteBucketName, offsiteWarehouses } from '../offsite-names.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function offsiteBackupCredentials(model: CityModel): RuleResult {
  const o = model.offsite;
  const warehouses = offsiteWarehouses(model);
  const v: Violation[] = [];
  for (const w of warehouses) {
    // the same test the warehouse's stack makes: no ARNs, no backup target
    if (backupAgentArns(o, w.id) !== null) continue;
    const arn = (kind: string) => `arn:aws:rolesanywhere:${o.region}:<account>:${kind}/<id>`;
    v.push({
      path: w.path,
      field: 'backupTo',
      message: `warehouse ${w.id} backs up off-site (backupTo: offsite, the default), but the inventory names no offsite.rolesAnywhere: its shards would get no credentials for its bucket ${offsiteBucketName(model.city.code, w.id)} and no backup would be configured, so its backups could never be written`,
      expected: `offsite.rolesAnywhere with the trust anchor and profile the city's PKI team made, e.g. offsite: {rolesAnywhere: {trustAnchorArn: ${arn('trust-anchor')}, profileArn: ${arn('profile')}}}; or backupTo: second-site`,
    });
  }
  return resultOf(warehouses.length > 0, v);
}
