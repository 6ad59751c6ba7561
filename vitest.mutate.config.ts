import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant (npm run mutate): the pure unit tests, which need
// no database and take seconds. Rules whose only tests talk to a database (the statistics SQL of
// contributions.ts) are measured with the command tests named in stryker.config.mjs.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    exclude: ['tests/unit/model/**', 'tests/unit/ml/classifier.test.ts', 'tests/unit/lock.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
