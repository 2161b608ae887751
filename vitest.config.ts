import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn real processes; the machine has two cores. Vitest's default on two cores is
    // one file at a time, and the integration files (a local Prometheus, reboots, gates) mostly
    // wait: three at once lets them overlap with the files that compute.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
