/** Runs a rule pack over the model; every violation becomes a located finding. */
import type { Finding } from './finding.ts';
import { CITY_PACK, type PackEntry } from './rules/pack.ts';
import type { Violation } from './rules/rule.ts';
import type { InventorySources } from './source.ts';
import type { CityModel } from './types.ts';

/** Every violation of a pack's rules, with the pack entry that found it. */
export function runPack(
  model: CityModel,
  pack: readonly PackEntry[],
): { readonly entry: PackEntry; readonly violation: Violation }[] {
  const out: { entry: PackEntry; violation: Violation }[] = [];
  for (const entry of pack) {
    const result = entry.rule(model);
    if (result.status === 'non-compliant')
      for (const violation of result.violations) out.push({ entry, violation });
  }
  return out;
}

export function validateCity(
  model: CityModel,
  sources: InventorySources,
  pack: readonly PackEntry[] = CITY_PACK,
): Finding[] {
  return runPack(model, pack).map(({ entry, violation: v }) => ({
    rule: entry.id,
    ruleName: entry.name,
    level: entry.level,
    path: v.path,
    message: v.message,
    expected: v.expected,
    location: sources.locateModel(v.path, v.field),
    why: entry.why,
  }));
}
