import { defineConfig } from 'vitest/config';

/** Browser tests (npm run test:e2e): Debian's Chromium driven by playwright-core against the real server. */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One browser per file is plenty on a 2-core machine.
    fileParallelism: false,
  },
});
