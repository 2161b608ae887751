/**
 * Runs a rule pack over the model; every violation becomes a located finding. The rules of what
 * servers can hold run twice when a phase is planned or a server is out of service: on the whole
 * model (the plan must fit once built) and on what is in service (what runs today must fit on
 * what exists today). What fails only for want of the servers out of service (failed, awaiting
 * their replacement) is a warning: the inventory must be able to say a server died, and a
 * shortfall it leaves is said without blocking every change until the replacement is racked.
 */
import type { Finding, Level } from './finding.ts';
import { deployedModel } from './phases.ts';
import { CITY_PACK, type PackEntry } from './rules/pack.ts';
import type { Violation } from './rules/rule.ts';
import type { InventorySources } from './source.ts';
import type { CityModel } from './types.ts';

/** Every violation of a pack's rules, with the pack entry that found it. */
export function runPack(
  model: CityModel,
  pack: readonly PackEntry[],
): { readonly entry: PackEntry; readonly violation: Violation; readonly level: Level }[] {
  const out: { entry: PackEntry; violation: Violation; level: Level }[] = [];
  const deployed = deployedModel(model);
  const down = model.outOfService;
  // what is in service but for the servers out of service: a shortfall there is the plan's
  const planned = down.length > 0 ? deployedModel({ ...model, outOfService: [] }) : deployed;
  const failed = `while ${down.length === 1 ? `server ${down[0]?.server} is` : `${down.length} servers are`} out of service`;
  for (const entry of pack) {
    const result = entry.rule(model);
    const found = result.status === 'non-compliant' ? result.violations : [];
    for (const violation of found) out.push({ entry, violation, level: entry.level });
    if (!entry.inService || deployed === model) continue;
    const today = entry.rule(deployed);
    if (today.status !== 'non-compliant') continue;
    const seen = new Set(found.map((v) => `${v.path}\u0000${v.message}`));
    const plannedShort =
      planned === deployed
        ? null
        : new Set(
            ((r) => (r.status === 'non-compliant' ? r.violations : []))(entry.rule(planned)).map(
              (v) => v.path,
            ),
          );
    for (const v of today.violations) {
      if (seen.has(`${v.path}\u0000${v.message}`)) continue;
      const theirs = plannedShort !== null && !plannedShort.has(v.path);
      out.push(
        theirs
          ? { entry, violation: { ...v, message: `${failed}: ${v.message}` }, level: 'warning' }
          : {
              entry,
              violation: { ...v, message: `in service (planned phases left out): ${v.message}` },
              level: entry.level,
            },
      );
    }
  }
  return out;
}

export function validateCity(
  model: CityModel,
  sources: InventorySources,
  pack: readonly PackEntry[] = CITY_PACK,
): Finding[] {
  return runPack(model, pack).map(({ entry, violation: v, level }) => ({
    rule: entry.id,
    ruleName: entry.name,
    level,
    path: v.path,
    message: v.message,
    expected: v.expected,
    location: sources.locateModel(v.path, v.field),
    why: entry.why,
  }));
}
