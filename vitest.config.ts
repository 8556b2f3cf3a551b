import { availableParallelism } from 'node:os';
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
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core machine. Much of
    // the suite waits on sockets and child processes, so a worker per core (at least two) took npm test
    // from 83 s to about 55 s here.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
