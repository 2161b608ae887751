/**
 * A suite without the tools it drives is skipped and named at the end of the run, with what it
 * lacked and how to get it — and under CI (CI=true) it fails the run instead, naming the tool.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './city.ts';

const vitest = (env: NodeJS.ProcessEnv) => {
  const { CI: _ci, CITYCLOUD_SKIPPED_FILE: _file, ...rest } = process.env;
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/fixtures/needs/vitest.config.ts'],
    { cwd: ROOT, encoding: 'utf8', env: { ...rest, ...env } },
  );
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
};

describe('a suite whose tools are missing', () => {
  it('is skipped, and named at the end of the run with what it lacks and how to get it', () => {
    const r = vitest({});
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(
      'citycloud tests: 1 suite(s) skipped for want of their tools:\n  - a suite that drives a missing tool: missing a tool no machine has (apt-get install no-such-tool)',
    );
  });

  it('fails the run under CI=true, naming the tool', () => {
    const r = vitest({ CI: 'true' });
    expect(r.code).toBe(1);
    expect(r.output).toContain(
      'missing a tool no machine has (apt-get install no-such-tool): under CI=true no suite is skipped',
    );
  });
});
