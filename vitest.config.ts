import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Every test file gets its own process: an embedded PGlite instance costs 200-500 MB that
    // is only returned when the process ends. Two workers fit the 2-core machines we run on.
    pool: 'forks',
    isolate: true,
    maxWorkers: 2,
    // Generous: these bound a hung test, they measure nothing (speed lives in bench/). On a loaded
    // 2-core machine a file's set-up (import, train) took over 120 s.
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
