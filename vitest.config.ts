import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Every test file, relative to the project. */
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );

/**
 * A file is an integration test when it drives real tools (a suite that names what it needs),
 * runs another process (the citycloud command line, a tool) — itself or through a module of its
 * folder — or says so in a first line `// integration: why` (the whole city synthesized, the 10x
 * city): the rest, the unit tests, run in seconds (`npm run test:unit`); `npm test` runs both.
 */
const INTEGRATION =
  /helpers\/needs\.ts'|^\/\/ integration: |\brunCli\(|\bspawnCli\(|\bspawnSync\(|\bspawn\(|\bexecFileSync\(|\bexecFile\(/m;
const drivesTools = (file: string): boolean => {
  const text = readFileSync(file, 'utf8');
  if (INTEGRATION.test(text)) return true;
  // a module of the test's own folder (a corpus, a fixture builder) that runs processes
  return [...text.matchAll(/from '\.\/([\w-]+\.ts)'/g)].some((m) =>
    INTEGRATION.test(readFileSync(join(dirname(file), m[1] as string), 'utf8')),
  );
};
const all = files('test');
const integration = all.filter(drivesTools);
const unit = all.filter((f) => !integration.includes(f));

/**
 * The files that take longest, in seconds on this 2-core machine (a fresh clone's CI run): they
 * start first, so the longest never starts last and the three workers end together. Without it a
 * fresh clone (no timings cached yet) starts the largest files first, and a short file that waits
 * long (the whole fleet upgraded) ran last, alone, for five minutes.
 */
const SLOW: Readonly<Record<string, number>> = {
  'test/runbooks/upgrade-builtin-fleet.test.ts': 290,
  'test/runbooks/upgrade-gates.test.ts': 225,
  'test/runbooks/upgrade-crash-pg.test.ts': 190,
  'test/monitoring/sharded-stack.test.ts': 145,
  'test/runbooks/upgrade-interrupts.test.ts': 140,
  'test/runbooks/runbooks-sharded.test.ts': 130,
  'test/monitoring/local-stack.test.ts': 130,
  'test/runbooks/upgrade-crash-file.test.ts': 120,
  'test/deploy/review-gate.test.ts': 115,
  'test/synth/synth-cache-trust.test.ts': 95,
  'test/scripts/citycloud.test.ts': 85,
};

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const weight = (f: TestSpecification) => SLOW[relative(import.meta.dirname, f.moduleId)] ?? 0;
    // a stable sort: the rest keep vitest's order (failed first, then the longest it timed)
    return [...(await super.sort(files))].sort((a, b) => weight(b) - weight(a));
  }
}

export default defineConfig({
  test: {
    // CLI tests spawn real processes; the machine has two cores. Vitest's default on two cores is
    // one file at a time, and the integration files (a local Prometheus, reboots, gates) mostly
    // wait: three at once lets them overlap with the files that compute.
    maxWorkers: 3,
    sequence: { sequencer: SlowFirst },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // lists the suites skipped for want of their tools at the end of every run
    globalSetup: ['test/helpers/skipped-suites.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: unit } },
      { extends: true, test: { name: 'integration', include: integration } },
    ],
  },
});
