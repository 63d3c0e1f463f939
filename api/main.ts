import pino from 'pino';
import { loadConfig } from '../config';
import { startApiProcess } from '../app/api-process';
import { onShutdownSignals } from '../app/signals';
import { apiLogDestination } from './app';

/** Production API entry: needs TEMPORAL_ADDRESS and DATABASE_URL (npm start runs the same root in-process). */
async function main() {
  const config = loadConfig(process.env);
  if (!config.database.url) throw new Error('DATABASE_URL là bắt buộc khi chạy API riêng');
  const logger = pino({ level: config.logLevel }, apiLogDestination());
  const api = await startApiProcess(config, { logger });
  logger.info(`API: ${config.api.publicBaseUrl}/api/v1`);
  // The first signal drains: no new connections, in-flight requests finish (10 s at most), then
  // the connections close. Later signals (npm passing the same Ctrl-C on) do not cut that short.
  onShutdownSignals(
    ['SIGINT', 'SIGTERM'],
    (signal) => {
      logger.info({ signal }, 'Đang dừng API: chờ các yêu cầu đang xử lý hoàn tất');
      void api.stop().then(() => logger.info('API đã dừng'));
    },
    (signal) => logger.info({ signal }, 'Đang dừng API, xin chờ'),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
