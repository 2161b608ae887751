/**
 * The one entry point from an inventory file to a city model: read, check the schema, expand,
 * validate. Unusable input throws InventoryInputError; problems in a readable inventory come
 * back as findings, all of them at once.
 */

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
}

export interface LoadOptions {
  /** Files parsed before, by digest (see InventoryParseCache). */
  readonly parseCache?: InventoryParseCache | undefined;
}

export function loadCity(path: string, options: LoadOptions = {}): CityLoad {
  const { raw, sources } = readInventory(path, options.parseCache);
  const schema = checkSchema(raw, sources);
  if (!schema.inventory) return { model: null, findings: sortFindings(schema.findings), sources };
  const tooLarge = checkExpansionLimits(schema.inventory, sources);
  if (tooLarge.length > 0) return { model: null, findings: sortFindings(tooLarge), sources };
  const model = expandCity(schema.inventory, sources);
  return { model, findings: sortFindings(validateCity(model, sources)), sources };
}

/** True when any finding is an error (warnings alone do not fail). */
export const hasErrors = (findings: readonly Finding[]) => findings.some((f) => f.level === 'error');
