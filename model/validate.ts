/** Runs a rule pack over the model; every violation becomes a located finding. */
import type { Finding } from './finding.ts';
import { CITY_PACK, type PackEntry } from './rules/pack.ts';
import type { InventorySources } from './source.ts';
import type { CityModel } from './types.ts';

export function validateCity(
  model: CityModel,
  sources: InventorySources,
  pack: readonly PackEntry[] = CITY_PACK,
): Finding[] {
  const findings: Finding[] = [];
  for (const entry of pack) {
    const result = entry.rule(model);
    if (result.status !== 'non-compliant') continue;
    for (const v of result.violations)
      findings.push({
        rule: entry.id,
        ruleName: entry.name,
        level: entry.level,
        path: v.path,
        message: v.message,
        expected: v.expected,
        location: sources.locateModel(v.path, v.field),
        why: entry.why,
      });
  }
  return findings;
}
