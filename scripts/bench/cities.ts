/** The inventories the benches run on: the built-in city and its 10x copy, generated once per run. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_INVENTORY } from '../cli/defaults.ts';
import { generateCityYaml } from '../generate-city.ts';

export interface BenchCity {
  readonly scale: '1x' | '10x';
  readonly file: string;
}

let written: string | null = null;

export function benchCities(workDir: string): BenchCity[] {
  const tenX = join(workDir, 'city-10x.yaml');
  if (written !== tenX || !existsSync(tenX)) {
    writeFileSync(tenX, generateCityYaml(BUILTIN_INVENTORY, 10));
    written = tenX;
  }
  return [
    { scale: '1x', file: BUILTIN_INVENTORY },
    { scale: '10x', file: tenX },
  ];
}
