import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Activities } from '../activities';
import { BUNDLER_OPTIONS, WORKFLOWS_PATH } from './bundle';

/** The worker that runs every workflow and activity of the system on one task queue. */
export function createWorker(o: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  maxCachedWorkflows: number;
}): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    bundlerOptions: BUNDLER_OPTIONS,
    activities: o.activities,
    // Bounded cache: memory stays flat however many tasks are open (evicted ones replay on demand).
    maxCachedWorkflows: o.maxCachedWorkflows,
  });
}
