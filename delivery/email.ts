import nodemailer from 'nodemailer';
import { messageIdFor } from './model';

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string | undefined;
  password: string | undefined;
  from: string;
}

export interface EmailMessage {
  deliveryKey: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Fixed when the delivery was created, so a resend is the same message. */
  date: Date;
}

/** Sends one e-mail; resolves once the SMTP server accepted it, throws otherwise. */
export interface Mailer {
  send(message: EmailMessage): Promise<{ response: string }>;
  close(): void;
}

/** A mailer over SMTP (nodemailer); the Message-ID is derived from the delivery key. */
export function createSmtpMailer(smtp: SmtpSettings): Mailer {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    async send(m) {
      const info = await transport.sendMail({
        from: smtp.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        date: m.date,
        messageId: messageIdFor(m.deliveryKey),
        headers: { 'X-Delivery-Id': m.deliveryKey, 'Auto-Submitted': 'auto-generated' },
      });
      return { response: info.response };
    },
    close() {
      transport.close();
    },
  };
}
