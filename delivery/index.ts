import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { Database } from '../db/schema';
import { createDispatcher, type DeliveryLogger } from './dispatcher';
import { createSmtpMailer } from './email';

/**
 * Starts the delivery dispatcher of a worker process from the configuration; `stop()` ends the
 * loop after the tick in progress and closes the SMTP transport.
 */
export function startDelivery({ db, config, logger }: { db: Kysely<Database>; config: Config; logger?: DeliveryLogger }): {
  stop(): Promise<void>;
} {
  const mailer = config.delivery.smtp ? createSmtpMailer(config.delivery.smtp) : null;
  if (!mailer) logger?.info({}, 'SMTP_HOST chưa đặt: không gửi thư điện tử (hộp thư và webhook vẫn hoạt động)');
  const dispatcher = createDispatcher({
    db,
    mailer,
    publicBaseUrl: config.api.publicBaseUrl,
    retry: { maxAttempts: config.delivery.maxAttempts },
    logger,
  });
  dispatcher.start(config.delivery.pollMs);
  return {
    async stop() {
      await dispatcher.stop();
      mailer?.close();
    },
  };
}

export { createDispatcher, type Dispatcher, type TickResult } from './dispatcher';
