import { defineConfig } from 'vitest/config';

// One real Temporal dev server for the whole run (see test/global-setup.ts); test files share it,
// so they run one at a time. Forks, not threads: the SDK's native module crashes in worker threads.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
