import { defineConfig } from 'vitest/config';

/**
 * The package test (npm run test:package; .ci/run runs it after npm test): builds the simple package, installs it
 * with --omit=dev — which compiles better-sqlite3 from source here, about two minutes — and starts it.
 */
export default defineConfig({
  test: {
    include: ['tests/package/**/*.test.ts'],
    testTimeout: 8 * 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
