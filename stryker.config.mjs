// @ts-check
// Mutation testing of the decision core and the rules that protect data: `npm run mutate`
// (all files below, then stryker.db.config.mjs) or `npx stryker run --mutate src/services/pipeline/router.ts`
// (one file).
// Scores per file and the surviving mutants are in the README ("Mutation testing").
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  mutate: [
    'src/services/pipeline/decide.ts',
    'src/services/pipeline/router.ts',
    'src/services/pipeline/resolver.ts',
    'src/services/export/redact.ts',
    'src/ml/rules.ts',
    'src/ml/language.ts',
    // The validation (stageRow, stageMessages, parseTimestamp), not the staging table's DDL and column list above it.
    'src/services/import/rows.ts:161-510',
  ],
  coverageAnalysis: 'perTest',
  // Incremental: a run re-tests only the mutants whose code or covering tests changed since the
  // last (reports/ holds the results); `npm run mutate -- --force` re-tests everything.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  // TypeScript 7 (the native compiler) has no compiler API for Stryker to rewrite tsconfig.json
  // with; the tests run the sources through vitest, which needs no tsconfig rewrite.
  tsconfigFile: 'stryker-no-tsconfig.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
export default config;
