/**
 * A task worker in a process of its own, for tests that kill it with SIGKILL mid-life. Not a
 * test file: test/temporal/task-worker-restart.test.ts spawns it with `tsx` and reads "ready"
 * on stdout once it polls. Its servers come from the environment, as a production worker's do.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createDb } from '../../db/client';

async function main() {
  const { TEMPORAL_ADDRESS, DATABASE_URL, TASK_QUEUE, WORKFLOW_BUNDLE, MAX_CACHED_WORKFLOWS } = process.env;
  if (!TEMPORAL_ADDRESS || !DATABASE_URL || !TASK_QUEUE || !WORKFLOW_BUNDLE)
    throw new Error('TEMPORAL_ADDRESS, DATABASE_URL, TASK_QUEUE and WORKFLOW_BUNDLE are required');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  const db = createDb(DATABASE_URL, 2);
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: { codePath: WORKFLOW_BUNDLE },
    activities: createActivities({ db }),
    identity: `doomed-worker@${process.pid}`,
    ...(MAX_CACHED_WORKFLOWS ? { maxCachedWorkflows: Number(MAX_CACHED_WORKFLOWS) } : {}),
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
