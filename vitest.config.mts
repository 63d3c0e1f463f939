import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no server; `integration` shares one PostgreSQL, one
// time-skipping test server and one Temporal dev server for the whole run (test/global-setup.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/temporal/**/*.test.ts', 'test/db/**/*.test.ts', 'test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-runtime.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // The time-skipping server's clock is shared: a file skipping days must not move another
          // file's time, so files run one after another (tests within a file are sequential too).
          fileParallelism: false,
        },
      },
    ],
  },
});
