/** Test helpers: the small test city, written to temporary files, loaded, or run through the CLI. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { type CityLoad, type CityModel, formatFinding, loadCity, type Rule } from '../../model/index.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SMALL_CITY = join(ROOT, 'test/fixtures/small-city.yaml');
export const BUILTIN_CITY = join(ROOT, 'inventory/city.yaml');
export const BIN = join(ROOT, 'bin/citycloud.mjs');

// biome-ignore lint/suspicious/noExplicitAny: tests reshape the raw inventory freely
export type RawCity = any;

/** A fresh temporary folder. */
export const tempDir = (prefix = 'citycloud-test-') => mkdtempSync(join(tmpdir(), prefix));

/** The small city as plain data, to change before writing it out. */
export function smallCity(): RawCity {
  return parse(readFileSync(SMALL_CITY, 'utf8'));
}

/** Writes files (name → YAML text or data) into a new folder; returns the path of the first. */
export function writeCity(files: Record<string, string | object>, dir = tempDir()): string {
  let first = '';
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : stringify(content, { lineWidth: 0 }));
    if (!first) first = path;
  }
  return first;
}

/** Loads a city given as data (written to a temporary file first). */
export function loadData(city: RawCity): CityLoad {
  return loadCity(writeCity({ 'city.yaml': city }));
}

/** The expanded model of a city given as data; fails the test if it does not expand. */
export function modelOf(city: RawCity): CityModel {
  const { model, findings } = loadData(city);
  if (!model) throw new Error(`the test city did not expand:\n${findings.map((f) => f.message).join('\n')}`);
  return model;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real citycloud command line (with `env` on top of this process's environment). */
export function runCli(args: readonly string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The small city's text with each `from` replaced by `to` (each must occur); returns the file. */
export function smallCityEdited(...edits: readonly [from: string, to: string][]): string {
  let text = readFileSync(SMALL_CITY, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the test fixture has no "${from}"`);
    text = text.replace(from, to);
  }
  return writeCity({ 'city.yaml': text });
}

/** The findings of a city, one formatted line each, with the file name only. */
export function findingLines(load: CityLoad): string[] {
  return load.findings.map((f) =>
    formatFinding({ ...f, location: { ...f.location, file: f.location.file.split('/').at(-1) as string } }),
  );
}

/** A rule's violations on a city given as data, one `path: message; expected` line each. */
export function violationLines(rule: Rule, city: RawCity): string[] {
  const result = rule(modelOf(city));
  return result.status === 'non-compliant'
    ? result.violations.map((v) => `${v.path}: ${v.message}; ${v.expected}`)
    : [];
}
