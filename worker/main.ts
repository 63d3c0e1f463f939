import pino from 'pino';
import { loadConfig } from '../config';
import { createActivities } from '../activities';
import { createDb, migrateToLatest } from '../db/client';
import { connectWorker } from '../infra/temporal';
import { startDelivery } from '../delivery';
import { createWorker } from './create-worker';

/** Production worker entry: needs TEMPORAL_ADDRESS and DATABASE_URL (npm start runs it in-process instead). */
async function main() {
  const config = loadConfig(process.env);
  if (!config.database.url) throw new Error('DATABASE_URL là bắt buộc khi chạy worker riêng');
  const db = createDb(config.database.url);
  await migrateToLatest(db);
  const connection = await connectWorker(config.temporal);
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({ db }),
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
  });
  // The outbox's delivery (inbox, e-mail, webhooks) runs beside the worker, in the same process.
  const delivery = startDelivery({ db, config, logger: pino({ level: config.logLevel }) });
  // Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks are done (the SDK installs the handlers).
  await worker.run();
  await delivery.stop();
  await connection.close();
  await db.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
