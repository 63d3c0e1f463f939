import pino, { type Logger } from 'pino';
import type { Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import { createActivities } from '../activities';
import { createDb, migrateDatabase } from '../db/client';
import type { Database } from '../db/schema';
import { startDelivery } from '../delivery';
import { connectWorker } from '../infra/temporal';
import { createWorker } from '../worker/create-worker';
import { startCheckpointSchedule } from './checkpoint-schedule';
import { Teardown } from './teardown';

/** A running worker: its pool, the Worker polling, and (unless turned off) the outbox's delivery. */
export interface WorkerProcess {
  db: Kysely<Database>;
  worker: Worker;
  /** Migrations this start applied (empty when the schema was current). */
  migrations: string[];
  /** Settles when `Worker.run()` ends: after `stop()`, or rejecting when the worker fails. */
  running: Promise<void>;
  /**
   * Stops the delivery loop, drains the worker (shut down once, whoever asked first), then closes
   * the worker's connection and the pool. Idempotent; never rejects.
   */
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  /** Default: JSON lines at LOG_LEVEL on stdout. */
  logger?: Logger;
  /** Run the delivery dispatcher beside the worker (default true; benchmarks measure the worker alone). */
  delivery?: boolean;
}

/**
 * The worker process's composition root (`worker/main.ts`, `npm start`, the benchmarks): a pool on
 * DATABASE_URL (migrated), a worker connection, `createWorker` with the real activities on
 * TEMPORAL_TASK_QUEUE, running, the delivery dispatcher and the signed audit checkpoints.
 *
 * Install the Runtime with `shutdownSignals: []` before calling this: the SDK's own signal handlers
 * would start a shutdown behind the caller's back, and this root's `stop()` is the one way to stop.
 */
export async function startWorkerProcess(config: Config, o: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  if (!config.database.url) throw new Error('DATABASE_URL là bắt buộc khi chạy worker');
  const logger = o.logger ?? pino({ level: config.logLevel });
  const teardown = new Teardown((what, err) => logger.error({ err }, `Không dừng được ${what}: ${(err as Error)?.message ?? err}`));
  try {
    const db = createDb(config.database.url);
    teardown.add('pool PostgreSQL của worker', () => db.destroy());
    const migrations = await migrateDatabase(db, config.database);
    const connection = await connectWorker(config.temporal);
    teardown.add('kết nối Temporal của worker', () => connection.close());
    const worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createActivities({ db }),
      maxCachedWorkflows: config.worker.maxCachedWorkflows,
    });
    const running = worker.run();
    // Observed here so a failure before anyone awaits it is not an unhandled rejection; callers
    // still see it through `running`.
    running.catch(() => undefined);
    teardown.add('worker', async () => {
      // Only a running worker may be asked to shut down; one draining already (or failed) is awaited.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch((err) => logger.error({ err }, `Worker dừng với lỗi: ${(err as Error).message}`));
    });
    if (o.delivery ?? true) {
      // The outbox's delivery (inbox, e-mail, webhooks) runs beside the worker, in the same process.
      const delivery = startDelivery({ db, config, logger });
      teardown.add('gửi thông báo', () => delivery.stop());
    }
    const checkpoints = startCheckpointSchedule({ db, config, logger });
    teardown.add('ký điểm kiểm tra nhật ký', () => checkpoints.stop());
    return { db, worker, migrations, running, stop: () => teardown.run() };
  } catch (err) {
    await teardown.run();
    throw err;
  }
}
