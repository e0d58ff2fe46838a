import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // The handlers build their app when imported; keep its logs out of the test output.
    env: { GALAPAGOS_LOG_LEVEL: 'silent' },
  },
});
