import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // Each file gets its own temporary database and fake upstream; files run in parallel.
    pool: 'forks',
  },
});
