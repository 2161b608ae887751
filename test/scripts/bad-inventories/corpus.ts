/**
 * The bad-input corpus: inventories broken the ways people and attackers break them, each with the
 * exit code citycloud must give and the place its message must name. The cases are made from the
 * small test city by small edits, so the place is found by what the edit wrote, not by a number
 * copied from the tool's own output.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, runCli, SMALL_CITY, tempDir } from '../../helpers/city.ts';

export const SMALL_TEXT = readFileSync(SMALL_CITY, 'utf8');

/** The small city with each `from` replaced by `to`; each must occur in it. */
export function edited(...edits: readonly [from: string, to: string][]): string {
  let text = SMALL_TEXT;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the small city has no "${from}"`);
    text = text.replace(from, to);
  }
  return text;
}

/** The small city split into a root file and an include holding `section` and what follows it. */
export function splitAt(section: string, rootExtra = ''): { 'city.yaml': string; 'part.yaml': string } {
  const at = SMALL_TEXT.indexOf(`\n${section}:`);
  return {
    'city.yaml': `${SMALL_TEXT.slice(0, at + 1)}include: [part.yaml]\n${rootExtra}`,
    'part.yaml': SMALL_TEXT.slice(at + 1),
  };
}

export interface BadInventory {
  readonly name: string;
  /** Writes the case into `dir`; returns the inventory to name on the command line. */
  readonly setup: (dir: string) => string;
  readonly exit: 0 | 1 | 2;
  /**
   * Where the first message must point: a file of the case and the text written on the line it
   * must name (or the line number, or nothing when the problem is the whole file).
   */
  readonly at?: readonly [file: string, marker?: string | number];
  /** What the message at that place says. */
  readonly says?: RegExp;
  /** At most this many lines of problems (a flood is a defect too). */
  readonly maxLines?: number;
  /** Text the output must never contain (a secret, a whole long value). */
  readonly never?: readonly string[];
}

/** Writes files (name → text or bytes) into `dir`; returns the path of the first. */
export function files(dir: string, content: Record<string, string | Buffer>): string {
  let first = '';
  for (const [name, text] of Object.entries(content)) {
    writeFileSync(join(dir, name), text);
    if (!first) first = join(dir, name);
  }
  return first;
}

/** The line a marker is written on in a file of the case. */
function lineOf(dir: string, file: string, marker: string | number): number {
  if (typeof marker === 'number') return marker;
  const lines = readFileSync(join(dir, file), 'utf8').split(/\r?\n/);
  const i = lines.findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`the case's ${file} has no line with "${marker}"`);
  return i + 1;
}

/** sha256 of every file under a folder, by relative path. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** A line that reports a problem: `file:line:col: …` or `file: …`; its file's base name and line. */
const PROBLEM = /^(\S+?):(?:(\d+):\d+:)? /;
const problemLines = (r: RunResult) => `${r.stdout}${r.stderr}`.split('\n').filter((l) => PROBLEM.test(l));
const placeOf = (l: string) => {
  const m = PROBLEM.exec(l) as RegExpExecArray;
  return { file: (m[1] as string).split('/').at(-1), line: m[2] === undefined ? undefined : Number(m[2]) };
};

/**
 * Runs `synth` on the case into `out` and checks the exit code, the place and the message; a
 * rejected case must leave `out` byte for byte as it was.
 */
export function checkCase(c: BadInventory, dir: string, out: string, cache: string): void {
  const root = c.setup(dir);
  const before = treeDigest(out);
  const r = runCli(['synth', '-i', root, '--out', out, '--cache', cache], dir);
  const said = `${r.stdout}${r.stderr}`;
  expect(r.code, said).toBe(c.exit);
  expect(said, 'a stack trace reached the user').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(said).not.toMatch(/internal error/);
  if (c.exit !== 0) expect(treeDigest(out), 'a rejected inventory changed out/').toEqual(before);
  if (c.at) {
    const [file, marker] = c.at;
    const want = marker === undefined ? undefined : lineOf(dir, file, marker);
    const there = problemLines(r).filter((l) => {
      const place = placeOf(l);
      return place.file === file.split('/').at(-1) && place.line === want;
    });
    expect(there.length, `no problem at ${file}:${want ?? ''} in:\n${said}`).toBeGreaterThan(0);
    if (c.says)
      expect(
        there.some((l) => c.says?.test(l)),
        `none of these says ${c.says}:\n${there.join('\n')}`,
      ).toBe(true);
  }
  for (const text of c.never ?? []) expect(said).not.toContain(text);
  if (c.maxLines !== undefined) expect(problemLines(r).length, said).toBeLessThanOrEqual(c.maxLines);
}

/** mkfifo, for the cases that name a named pipe. */
export function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed`);
}

/**
 * Runs each case through `citycloud synth` into one previous output (the small city's), which
 * every rejected case must leave byte for byte as it was.
 */
export function describeCorpus(title: string, cases: readonly BadInventory[], atLeast: number): void {
  describe(title, () => {
    let out = '';
    let cache = '';
    beforeAll(() => {
      const dir = tempDir();
      out = join(dir, 'out');
      cache = join(dir, 'cache');
      mkdirSync(cache);
      const r = runCli(['synth', '-i', SMALL_CITY, '--out', out, '--cache', cache]);
      expect(r.code, r.stderr).toBe(0);
    });

    it(`has at least ${atLeast} cases`, () => {
      expect(cases.length).toBeGreaterThanOrEqual(atLeast);
    });

    it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
      checkCase(c, tempDir(), out, cache);
    });
  });
}
