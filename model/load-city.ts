/**
 * The one entry point from an inventory file to a city model: read, check the schema, expand,
 * validate. Unusable input throws InventoryInputError; problems in a readable inventory come
 * back as findings, all of them at once.
 */

import { readCompanionFiles } from './companion-files.ts';
import { expandCity } from './expand.ts';
import { checkExpansionLimits } from './expansion-limits.ts';
import { type Finding, sortFindings } from './finding.ts';
import { type InventoryParseCache, readInventory } from './read-inventory.ts';
import { checkSchema } from './schema-findings.ts';
import type { InventorySources } from './source.ts';
import type { CityModel } from './types.ts';
import { validateCity } from './validate.ts';

export interface CityLoad {
  /** The model, or null when the schema check failed and nothing could be expanded. */
  readonly model: CityModel | null;
  readonly findings: readonly Finding[];
  readonly sources: InventorySources;
  /** Every file read (the inventory's and its companions'), relative to the root file's folder, with its digest. */
  readonly inputs: readonly { readonly path: string; readonly sha256: string }[];
}

export interface LoadOptions {
  /** Files parsed before, by digest (see InventoryParseCache). */
  readonly parseCache?: InventoryParseCache | undefined;
}

export function loadCity(path: string, options: LoadOptions = {}): CityLoad {
  const { raw, sources } = readInventory(path, options.parseCache);
  const inputs = sources.files.map((f) => ({ path: f.relativePath, sha256: f.sha256 }));
  const schema = checkSchema(raw, sources);
  if (!schema.inventory) return { model: null, findings: sortFindings(schema.findings), sources, inputs };
  const tooLarge = checkExpansionLimits(schema.inventory, sources);
  if (tooLarge.length > 0) return { model: null, findings: sortFindings(tooLarge), sources, inputs };
  const companions = readCompanionFiles(path, schema.inventory.deploy.allowedSigners, sources);
  const model = expandCity(schema.inventory, sources, companions);
  return {
    model,
    findings: sortFindings(validateCity(model, sources)),
    sources,
    inputs: [...inputs, ...companions.inputs],
  };
}

/** True when any finding is an error (warnings alone do not fail). */
export const hasErrors = (findings: readonly Finding[]) => findings.some((f) => f.level === 'error');
