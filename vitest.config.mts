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
      // The web app: repository and page tests, and a real Chromium (Debian's, driven by Playwright's
      // library) clicking through the pages served by createApp on the shared PostgreSQL and dev server.
      {
        test: {
          name: 'browser',
          include: ['test/web/**/*.test.ts', 'test/browser/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts', 'test/browser/chromium-setup.ts'],
          setupFiles: ['test/setup-runtime.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      // The fault suite (`npm run test:faults`), not part of `npm test`. Request-level faults use
      // the shared servers; process-level faults start, kill and restart servers of their own.
      {
        test: {
          name: 'faults-requests',
          include: ['test/faults/requests/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-runtime.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults-processes',
          include: ['test/faults/processes/**/*.test.ts'],
          setupFiles: ['test/setup-runtime.ts'],
          testTimeout: 1_200_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
