import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // Keep the handlers' logs out of the test output.
    env: { GALAPAGOS_LOG_LEVEL: 'silent' },
  },
});
