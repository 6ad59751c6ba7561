// @ts-check
// The database half of mutation testing (`npm run mutate` runs it after stryker.config.mjs):
// the statistics SQL of contributions.ts, against tests/integration/stats-contributions.test.ts
// on PGlite (vitest.mutate-db.config.ts). Scores and survivors: README, "Mutation testing".
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  ...base,
  vitest: { configFile: 'vitest.mutate-db.config.ts', related: false },
  mutate: ['src/services/stats/contributions.ts'],
  jsonReporter: { fileName: 'reports/mutation/mutation-db.json' },
  incrementalFile: 'reports/stryker-incremental-db.json',
  tempDirName: '.stryker-tmp-db',
};
export default config;
