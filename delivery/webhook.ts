import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Signed webhooks, for OTT/Zalo bridges and other systems: the headers each POST carries are in
 * README, "Notifications: inbox, e-mail, webhooks"; docs/architecture.md, "Delivery and the inbox".
 */

export const WEBHOOK_HEADERS = Object.freeze({
  deliveryId: 'X-Delivery-Id',
  timestamp: 'X-Timestamp',
  signature: 'X-Signature',
});

/** Five minutes either way, as common webhook schemes allow. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** `sha256=<hex>` over `<timestamp>.<body>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface VerifyInput {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  /** The receiver's clock. */
  now?: Date;
  toleranceSeconds?: number;
}

/** What a receiver checks: the signature matches and the timestamp is fresh. */
export function verifyWebhookSignature({
  secret,
  body,
  timestamp,
  signature,
  now = new Date(),
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
}: VerifyInput): { ok: true } | { ok: false; reason: string } {
  if (!timestamp || !/^\d+$/.test(timestamp)) return { ok: false, reason: 'missing timestamp' };
  if (!signature) return { ok: false, reason: 'missing signature' };
  const ts = Number(timestamp);
  if (Math.abs(now.getTime() / 1000 - ts) > toleranceSeconds) return { ok: false, reason: 'stale timestamp' };
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad signature' };
  return { ok: true };
}

export interface WebhookRequest {
  url: string;
  secret: string;
  deliveryKey: string;
  body: string;
  now: Date;
}

/** Posts a signed body; resolves when the receiver answered 2xx, throws otherwise. */
export type WebhookPoster = (request: WebhookRequest) => Promise<{ status: number }>;

/** The production poster: Node's fetch, a bounded wait, no redirects (a signed body goes where it was registered). */
export function createWebhookPoster({ timeoutMs = 10_000, userAgent = 'directive-engine-webhook/1' } = {}): WebhookPoster {
  return async ({ url, secret, deliveryKey, body, now }) => {
    const timestamp = Math.floor(now.getTime() / 1000);
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': userAgent,
        [WEBHOOK_HEADERS.deliveryId]: deliveryKey,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, body),
      },
      body,
    });
    // Drain the body so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}`);
    return { status: response.status };
  };
}
