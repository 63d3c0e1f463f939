import pino from 'pino';
import { loadConfig } from '../config';
import { createDb, migrateToLatest } from '../db/client';
import { connectClient } from '../infra/temporal';
import { createApp } from './app';
import { listen } from './server';

/** Production API entry: needs TEMPORAL_ADDRESS and DATABASE_URL (npm start runs it in-process instead). */
async function main() {
  const config = loadConfig(process.env);
  if (!config.database.url) throw new Error('DATABASE_URL là bắt buộc khi chạy API riêng');
  const logger = pino({ level: config.logLevel });
  const db = createDb(config.database.url);
  await migrateToLatest(db);
  const temporal = await connectClient(config.temporal);
  const server = await listen(createApp({ db, temporal, taskQueue: config.temporal.taskQueue, logger }), config.api.host, config.api.port);
  logger.info(`API: ${config.api.publicBaseUrl}/api/v1`);
  const shutdown = async () => {
    await server.close();
    await temporal.connection.close();
    await db.destroy();
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
