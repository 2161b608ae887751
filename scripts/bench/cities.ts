/**
 * The inventories the benches run on: the built-in city and its 10x copy, laid out in files as
 * the built-in is (a section per file), generated once per run.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROVIDER_LOCK_FILE } from '../../model/index.ts';
import { BUILTIN_INVENTORY } from '../cli/defaults.ts';
import { generateCityFiles } from '../generate-city.ts';
import { toCompactYaml } from '../generators/scale-city.ts';

export interface BenchCity {
  readonly scale: '1x' | '10x';
  readonly file: string;
}

let written: string | null = null;

function writeFiles(dir: string, files: Record<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

export function benchCities(workDir: string): BenchCity[] {
  const tenX = join(workDir, 'city-10x', 'city.yaml');
  if (written !== tenX || !existsSync(tenX)) {
    writeFiles(join(workDir, 'city-10x'), generateCityFiles(BUILTIN_INVENTORY, 10));
    written = tenX;
  }
  return [
    { scale: '1x', file: BUILTIN_INVENTORY },
    { scale: '10x', file: tenX },
  ];
}

/** The 30x city (30,000+ servers, 24,000+ points), laid out the same way, for the synth bench alone. */
export function thirtyXCity(workDir: string): string {
  const file = join(workDir, 'city-30x', 'city.yaml');
  writeFiles(join(workDir, 'city-30x'), generateCityFiles(BUILTIN_INVENTORY, 30));
  return file;
}

/** The text of a city's root file, of every file it includes, and of its provider lock file, by name. */
function filesOfCity(city: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of ['city.yaml', ...(parse(readFileSync(city, 'utf8')).include as string[])])
    files[name] = readFileSync(join(city, '..', name), 'utf8');
  const lock = join(city, '..', PROVIDER_LOCK_FILE);
  if (existsSync(lock)) files[PROVIDER_LOCK_FILE] = readFileSync(lock, 'utf8');
  return files;
}

type ServerRange = { u: number; count: number; model: string; pool: string };
type RackData = { servers: ServerRange[]; heightU?: number };

/**
 * One more one-unit server after the last range of a rack, of its model and pool, when that range
 * is of one-unit servers and the rack has a unit free above it; false when it has not.
 */
function addOneServer(rack: RackData, defaultHeight: number): boolean {
  const last = rack.servers.at(-1) as ServerRange;
  const next = last.u + last.count * (last.model === 'r650' ? 1 : 2);
  if (last.model !== 'r650' || next + 1 > (rack.heightU ?? defaultHeight)) return false;
  rack.servers.push({ u: next, count: 1, model: last.model, pool: last.pool });
  return true;
}

/**
 * A copy of a generated city with one more server: a one-unit range after the last range of the
 * first rack that has room, in datacentre.yaml (so that one file of the inventory changes).
 */
export function withOneServer(city: string, into: string): string {
  const files = filesOfCity(city);
  const data = parse(files['datacentre.yaml'] as string);
  const height: number = data.datacentre.rackDefaults.heightU;
  for (const hall of data.datacentre.halls)
    for (const row of hall.rows)
      for (const rack of row.racks)
        if (addOneServer(rack, height)) {
          files['datacentre.yaml'] = toCompactYaml(data, ' one server added by the synth bench');
          writeFiles(into, files);
          return join(into, 'city.yaml');
        }
  throw new Error(`${city}: no rack with room for one more server`);
}

/**
 * A copy of a generated city with one more ward: in the first district, its code one above the
 * highest ward code of the city, in network.yaml (so that one file of the inventory changes).
 */
export function withOneWard(city: string, into: string): string {
  const files = filesOfCity(city);
  const data = parse(files['network.yaml'] as string);
  type Ward = { code: string; name: string; type: string };
  const districts = data.network.districts as { wards: Ward[] }[];
  const highest = Math.max(...districts.flatMap((d) => d.wards.map((w) => Number(w.code))));
  districts[0]?.wards.push({ code: String(highest + 1), name: 'Phường Thử Nghiệm', type: 'ward' });
  files['network.yaml'] = toCompactYaml(data, ' one ward added by the synth bench');
  writeFiles(into, files);
  return join(into, 'city.yaml');
}

/**
 * A copy of a generated city changed in about 1% of its resources, in several stacks: the land
 * warehouse's replicas asking for 44 cores instead of 48 (its StatefulSets), one server added to
 * each rack of the first row that has room (node labels and taints in that row's stack), and
 * every tenant's app image bumped (the apps and portal stacks).
 */
export function withOnePercentChanged(city: string, into: string): string {
  const files = filesOfCity(city);
  const data = parse(files['datacentre.yaml'] as string);
  const height: number = data.datacentre.rackDefaults.heightU;
  for (const rack of data.datacentre.halls[0].rows[0].racks) addOneServer(rack, height);
  files['datacentre.yaml'] = toCompactYaml(data, ' servers added by the diff bench');
  const land = /(\n {2}- id: land\n(?: {4}.*\n)*? {4}perReplica: \{ cpuCores: )48/;
  if (!land.test(files['warehouses.yaml'] as string))
    throw new Error(`${city}: no land warehouse asking for 48 cores`);
  files['warehouses.yaml'] = (files['warehouses.yaml'] as string).replace(land, '$144');
  files['tenants.yaml'] = (files['tenants.yaml'] as string).replace(
    /(image: [^\s,}]+:)(\d+)\.(\d+)\.(\d+)/g,
    (_, head: string, major: string, minor: string, patch: string) =>
      `${head}${major}.${minor}.${Number(patch) + 1}`,
  );
  writeFiles(into, files);
  return join(into, 'city.yaml');
}
