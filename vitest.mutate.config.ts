import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant (npm run mutate): the pure unit tests, which need
// no database and take seconds. The statistics SQL of contributions.ts is measured against the
// database tests of vitest.mutate-db.config.ts (stryker.db.config.mjs).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    exclude: ['tests/unit/model/**', 'tests/unit/ml/classifier.test.ts', 'tests/unit/lock.test.ts'],
    // One worker, files not isolated: a mutant of a word list is "static" (it runs when the module
    // loads), so Stryker runs every test against it; per-file process start-up was 80 % of that time.
    pool: 'threads',
    isolate: false,
    maxWorkers: 1,
    testTimeout: 60_000,
  },
});
