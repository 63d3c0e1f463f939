import { afterAll, afterEach, beforeAll } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { testDb, testWorker, timeSkippingEnv } from './servers';
import { endStartedTasks } from './tasks';

export interface TimeSkippingHarness {
  db: ReturnType<typeof testDb>;
  env: TestWorkflowEnvironment;
  taskQueue: string;
}

/**
 * The hooks every time-skipping test file needs: an environment on the shared server, a worker
 * with the real activities on its own queue, and teardown that ends the file's tasks first (a task
 * left running would freeze the shared clock for later files). `env` and `taskQueue` are set in beforeAll.
 */
export function useTimeSkippingWorker(): TimeSkippingHarness {
  const harness = { db: testDb() } as TimeSkippingHarness;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    harness.env = await timeSkippingEnv();
    ({ worker, taskQueue: harness.taskQueue } = await testWorker(harness.env.nativeConnection, createActivities({ db: harness.db })));
    running = worker.run();
  });

  afterEach(() => endStartedTasks(harness.env));

  afterAll(async () => {
    await endStartedTasks(harness.env);
    worker.shutdown();
    await running;
    await harness.env.teardown();
    await harness.db.destroy();
  });

  return harness;
}
