import { Runtime } from '@temporalio/worker';
import pino from 'pino';
import { loadConfig } from '../config';
import { startWorkerProcess } from '../app/worker-process';
import { onShutdownSignals } from '../app/signals';

/** Production worker entry: needs TEMPORAL_ADDRESS and DATABASE_URL (npm start runs the same root in-process). */
async function main() {
  const config = loadConfig(process.env);
  if (!config.database.url) throw new Error('DATABASE_URL là bắt buộc khi chạy worker riêng');
  // Signals are ours, not the SDK's: the worker is shut down once, by `stop()`, whoever asks again.
  Runtime.install({ shutdownSignals: [] });
  const logger = pino({ level: config.logLevel });
  const worker = await startWorkerProcess(config, { logger });
  // The first signal drains in-flight tasks, then the delivery loop, the connection and the pool close.
  onShutdownSignals(
    ['SIGINT', 'SIGTERM'],
    (signal) => {
      logger.info({ signal }, 'Đang dừng worker: chờ các tác vụ đang chạy hoàn tất');
      void worker.stop();
    },
    (signal) => logger.info({ signal }, 'Đang dừng worker, xin chờ'),
  );
  // A worker that fails on its own (not asked to stop) ends the process with an error, as before.
  try {
    await worker.running;
  } finally {
    await worker.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
