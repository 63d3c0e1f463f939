import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createSmtpMailer, type Mailer } from '../../delivery/email';

export interface ReceivedMail {
  raw: Buffer;
  parsed: ParsedMail;
  /** RCPT TO of the SMTP session. */
  to: string[];
  /** The login the client authenticated with. */
  user: string | undefined;
}

/**
 * A real SMTP server on loopback (smtp-server) that keeps every message it accepts, parsed
 * with mailparser: what a mailbox would hold. Plain SMTP with AUTH (no STARTTLS on loopback).
 */
export async function startMailbox(credentials: { user: string; password: string }) {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: false,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            messages.push({ raw, parsed, to: session.envelope.rcptTo.map((r) => r.address), user: session.user as string | undefined });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    messages,
    /** Messages whose Message-ID is one of ours for the given delivery keys. */
    byMessageId: (messageId: string) => messages.filter((m) => m.parsed.messageId === messageId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Mailbox = Awaited<ReturnType<typeof startMailbox>>;

/** The engine's SMTP mailer, sending to `mailbox` over loopback with the credentials the mailbox was started with. */
export function mailerFor(
  mailbox: Mailbox,
  credentials: { user: string; password: string },
  from = 'Hệ thống theo dõi nhiệm vụ <no-reply@thainguyen.gov.vn>',
): Mailer {
  return createSmtpMailer({ host: '127.0.0.1', port: mailbox.port, secure: false, ...credentials, from });
}
