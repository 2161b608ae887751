/**
 * Runs a rule pack over the model; every violation becomes a located finding. The rules of what
 * servers can hold run twice when a phase is planned: on the whole model (the plan must fit once
 * built) and on what is in service (what runs today must fit on what exists today).
 */
import type { Finding } from './finding.ts';
import { deployedModel } from './phases.ts';
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
  const deployed = deployedModel(model);
  for (const entry of pack) {
    const result = entry.rule(model);
    const found = result.status === 'non-compliant' ? result.violations : [];
    for (const violation of found) out.push({ entry, violation });
    if (!entry.inService || deployed === model) continue;
    const today = entry.rule(deployed);
    if (today.status !== 'non-compliant') continue;
    const seen = new Set(found.map((v) => `${v.path}\u0000${v.message}`));
    for (const v of today.violations)
      if (!seen.has(`${v.path}\u0000${v.message}`))
        out.push({
          entry,
          violation: { ...v, message: `in service (planned phases left out): ${v.message}` },
        });
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
