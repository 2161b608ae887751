/**
 * Personal data stays where the residency policy allows: a warehouse classified `personal` (the
 * population database of Project 06, health and land records) backs up only to a store in an
 * allowed country and exchanges data only with systems there. The AWS off-site tier is in another
 * country (ap-southeast-1 is Singapore), so such warehouses back up to the city's second site.
 */
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function personalDataResidency(model: CityModel): RuleResult {
  const allowed = new Set(model.residency.personalDataIn);
  const allowedText = [...allowed].join(', ');
  const externals = new Map(model.externalSystems.map((e) => [e.id, e]));
  const v: Violation[] = [];
  for (const w of model.warehouses) {
    if (w.backupTo === 'second-site' && !model.secondSite) {
      v.push({
        path: w.path,
        field: 'backupTo',
        message: 'backs up to the second site, but the inventory declares none',
        expected: 'a secondSite section (the S3-compatible store in the country), or backupTo: offsite',
      });
      continue;
    }
    if (w.classification !== 'personal') continue;
    const target =
      w.backupTo === 'offsite'
        ? { where: `the off-site tier in ${model.offsite.region}`, country: model.offsite.jurisdiction }
        : {
            where: `the second site ${model.secondSite?.id}`,
            country: model.secondSite?.jurisdiction ?? null,
          };
    if (target.country === null)
      v.push({
        path: w.path,
        field: 'backupTo',
        message: `holds personal data and backs up to ${target.where}, whose country is not known`,
        expected: `offsite.jurisdiction set, and one of ${allowedText}`,
      });
    else if (!allowed.has(target.country))
      v.push({
        path: w.path,
        field: 'backupTo',
        message: `holds personal data but backs up to ${target.where} (${target.country})`,
        expected: `backups kept in ${allowedText}: backupTo: second-site${model.secondSite ? '' : ', with a secondSite in the country'}`,
      });
    for (const id of w.connectsTo) {
      const e = externals.get(id);
      if (e && !allowed.has(e.jurisdiction))
        v.push({
          path: w.path,
          field: 'connectsTo',
          message: `holds personal data but sends it to ${e.id} (${e.name}) in ${e.jurisdiction}`,
          expected: `systems in ${allowedText} only`,
        });
    }
  }
  return resultOf(model.warehouses.length > 0, v);
}
