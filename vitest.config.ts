import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apis/**/*.test.ts', 'policies/**/*.test.ts', 'shared/**/*.test.ts', 'openapi/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: files in parallel, but not more workers than the machine can carry.
    maxWorkers: 2,
  },
});
