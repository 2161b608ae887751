import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineConfig } from 'vitest/config';

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

export default defineConfig({
  test: {
    // CLI tests spawn real processes; the machine has two cores. Vitest's default on two cores is
    // one file at a time, and the integration files (a local Prometheus, reboots, gates) mostly
    // wait: three at once lets them overlap with the files that compute.
    maxWorkers: 3,
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
