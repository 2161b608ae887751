/**
 * A generated promtool test file cut down to the tests of some alerts, for a test that is about
 * those alerts: promtool evaluates every rule of the rules file at every step of every test, so a
 * whole file of a city's tests costs tens of seconds, once per run of it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * Writes beside `file` (relative to `dir`) the same test file with only the tests of the alerts
 * `keep` accepts (by name); returns its path relative to `dir`, and throws when none is kept.
 */
export function ruleTestsOf(dir: string, file: string, keep: (alert: string) => boolean): string {
  const doc = parse(readFileSync(join(dir, file), 'utf8')) as { tests: { name: string }[] };
  const tests = doc.tests.filter((t) => keep(t.name.split(' ')[0] as string));
  if (tests.length === 0) throw new Error(`${file}: no test of the alerts asked for`);
  const subset = file.replace(/\.yml$/, '.subset.yml');
  writeFileSync(join(dir, subset), stringify({ ...doc, tests }, { lineWidth: 0 }));
  return subset;
}
