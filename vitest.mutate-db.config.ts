import { defineConfig } from 'vitest/config';

// The database half of the mutation tests (stryker.db.config.mjs): rules written as SQL
// (src/services/stats/contributions.ts) are only exercised against a real database. PGlite by
// default; DATABASE_URL points it at PostgreSQL as for the main suite.
export default defineConfig({
  test: {
    include: ['tests/integration/stats-contributions.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
