/**
 * A delivery dispatcher in a process of its own, for the test that kills it with SIGKILL right
 * after the SMTP server accepted a message and before the outcome is recorded. Not a test
 * file: test/db/delivery-dispatcher.test.ts spawns it with tsx's loader. After an accepted
 * message whose delivery key is in HOLD_KEYS it prints "sent <delivery key>" and never returns
 * from the send, so the kill always lands in the window between sending and recording.
 */
import { createDb } from '../../db/client';
import { createDispatcher } from '../../delivery/dispatcher';
import { createSmtpMailer, type Mailer } from '../../delivery/email';

async function main() {
  const { DATABASE_URL, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, NOW, HOLD_KEYS = '' } = process.env;
  const hold = new Set(HOLD_KEYS.split(',').filter(Boolean));
  if (!DATABASE_URL || !SMTP_PORT || !NOW) throw new Error('DATABASE_URL, SMTP_PORT and NOW are required');
  const db = createDb(DATABASE_URL, 2);
  const smtp = createSmtpMailer({
    host: '127.0.0.1',
    port: Number(SMTP_PORT),
    secure: false,
    user: SMTP_USER,
    password: SMTP_PASSWORD,
    from: 'Hệ thống theo dõi nhiệm vụ <no-reply@directive-engine.local>',
  });
  const mailer: Mailer = {
    async send(message) {
      const result = await smtp.send(message);
      if (hold.has(message.deliveryKey)) {
        process.stdout.write(`sent ${message.deliveryKey}\n`);
        await new Promise(() => undefined);
      }
      return result;
    },
    close: () => smtp.close(),
  };
  const now = new Date(NOW);
  const dispatcher = createDispatcher({ db, mailer, publicBaseUrl: 'https://giaoviec.thainguyen.gov.vn', clock: () => now });
  await dispatcher.tick(now);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
