/**
 * Vitest's global setup: gives the test files a file to record the suites they skip in
 * (test/helpers/needs.ts), and at the end of the run lists them with what each lacked, so no run
 * skips silently.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  // each project of the run calls it: the first one keeps the list for the whole run
  if (process.env.CITYCLOUD_SKIPPED_FILE) return () => {};
  const dir = mkdtempSync(join(tmpdir(), 'citycloud-skipped-'));
  const file = join(dir, 'skipped.txt');
  writeFileSync(file, '');
  process.env.CITYCLOUD_SKIPPED_FILE = file;
  return () => {
    const lines = [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
    rmSync(dir, { recursive: true, force: true });
    console.log(
      lines.length === 0
        ? '\ncitycloud tests: no suite skipped'
        : `\ncitycloud tests: ${lines.length} suite(s) skipped for want of their tools:\n${lines.map((l) => `  - ${l}`).join('\n')}`,
    );
  };
}
