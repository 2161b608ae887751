import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn real processes; the machine has two cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
