import pino from 'pino';
import { loadConfig } from '../config';
import { createDb, migrateToLatest } from '../db/client';
import { connectClient } from '../infra/temporal';
import { apiLogDestination, createApp } from './app';
import { startTokenCache } from './auth';
import { createMetrics, temporalClientInterceptor } from './metrics';
import { listen } from './server';

/** Production API entry: needs TEMPORAL_ADDRESS and DATABASE_URL (npm start runs it in-process instead). */
async function main() {
  const config = loadConfig(process.env);
  if (!config.database.url) throw new Error('DATABASE_URL là bắt buộc khi chạy API riêng');
  const logger = pino({ level: config.logLevel }, apiLogDestination());
  const db = createDb(config.database.url);
  await migrateToLatest(db);
  const metrics = createMetrics();
  const temporal = await connectClient(config.temporal, undefined, { interceptors: { workflow: [temporalClientInterceptor(metrics)] } });
  const { tokens, close: closeTokens } = await startTokenCache({ db, connectionString: config.database.url, ttlMs: config.api.tokenCacheTtlMs, logger });
  const server = await listen(
    createApp({ db, temporal, taskQueue: config.temporal.taskQueue, logger, evidenceMaxBytes: config.evidence.maxBytes, metrics, rateLimitPerMinute: config.api.rateLimitPerMinute, tokens }),
    config.api.host,
    config.api.port,
  );
  logger.info(`API: ${config.api.publicBaseUrl}/api/v1`);
  // The first signal drains: no new connections, in-flight requests finish (10 s at most), then
  // the connections close. `once`: a second signal gets Node's default, an immediate exit.
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'Đang dừng API: chờ các yêu cầu đang xử lý hoàn tất');
    try {
      await server.close();
      await closeTokens();
      await temporal.connection.close();
      await db.destroy();
      logger.info('API đã dừng');
    } catch (err) {
      logger.error({ err }, 'Lỗi khi dừng API');
      process.exitCode = 1;
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
