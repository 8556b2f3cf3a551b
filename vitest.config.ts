import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The package test installs a package (minutes, mostly compiling better-sqlite3): it runs on its
    // own afterwards (npm run test:package), not beside timing-sensitive tests.
    exclude: [...configDefaults.exclude, 'tests/package/**'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // Each file gets its own temporary database and fake upstream; files run in parallel.
    pool: 'forks',
  },
});
