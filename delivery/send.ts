import type { Kysely } from 'kysely';
import { claimDueDeliveries, finishAttempt, type ClaimedDelivery } from '../db/repositories/deliveries';
import { endpointForSending } from '../db/repositories/webhooks';
import type { Database } from '../db/schema';
import type { DeliveryLogger } from './dispatcher';
import type { Mailer } from './email';
import { retryDelayMs, type RetryPolicy } from './model';
import type { WebhookPoster } from './webhook';

/*
 * Step 3 of the dispatcher's tick: due deliveries are claimed (committed BEFORE the message
 * leaves), sent, and their outcome recorded. A process killed in between leaves the row
 * 'sending'; when the lease runs out another tick takes it over and sends again with the same
 * Message-ID / X-Delivery-Id. Failures back off exponentially; after the last attempt the row is
 * 'dead' (the dead letter).
 */

export interface SendDeps {
  db: Kysely<Database>;
  mailer: Mailer | null;
  postWebhook: WebhookPoster;
  clock: () => Date;
  retry: RetryPolicy;
  /** Messages claimed and sent at once; small, so every claimed one is sent well within its lease. */
  sendConcurrency: number;
  log: DeliveryLogger;
}

/** A failure no retry can fix (no address, endpoint removed): the delivery goes dead at once. */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

/** Sends what is due until nothing is; returns the outcomes. */
export async function sendDue(deps: SendDeps, now: Date): Promise<{ sent: number; failed: number; dead: number }> {
  const totals = { sent: 0, failed: 0, dead: 0 };
  for (;;) {
    const { picked, claimed } = await claimDueDeliveries(deps.db, now, deps.sendConcurrency, deps.retry);
    const outcomes = await Promise.all(claimed.map((d) => attempt(deps, d)));
    for (const o of outcomes) totals[o]++;
    totals.dead += picked - claimed.length;
    if (picked < deps.sendConcurrency) return totals;
  }
}

async function attempt(deps: SendDeps, d: ClaimedDelivery): Promise<'sent' | 'failed' | 'dead'> {
  const { db, clock, retry, log } = deps;
  let detail: string;
  try {
    detail = await send(deps, d);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = clock();
    const dead = d.attempts >= retry.maxAttempts || err instanceof PermanentDeliveryError;
    await finishAttempt(db, d, at, {
      outcome: 'failed',
      detail: message,
      retryAt: dead ? null : new Date(at.getTime() + retryDelayMs(d.attempts, retry)),
    });
    const context = { delivery: d.deliveryKey, channel: d.channel, attempt: d.attempts, err: message };
    if (dead) log.error(context, 'delivery dead after its last attempt');
    else log.warn(context, 'delivery attempt failed; will retry');
    return dead ? 'dead' : 'failed';
  }
  await finishAttempt(db, d, clock(), { outcome: 'sent', detail });
  return 'sent';
}

async function send({ db, mailer, postWebhook, clock }: SendDeps, d: ClaimedDelivery): Promise<string> {
  if (d.channel === 'email') {
    if (!mailer) throw new PermanentDeliveryError('chưa cấu hình máy chủ thư (SMTP_HOST)');
    if (!d.address) throw new PermanentDeliveryError('người nhận không có địa chỉ thư');
    const { response } = await mailer.send({
      deliveryKey: d.deliveryKey,
      to: d.address,
      subject: d.content.subject,
      text: d.content.text,
      html: d.content.html ?? '',
      date: d.createdAt,
    });
    return response;
  }
  const endpoint = await endpointForSending(db, d.recipient);
  if (!endpoint || !endpoint.active) throw new PermanentDeliveryError('điểm nhận webhook đã bị gỡ hoặc tạm dừng');
  const { status } = await postWebhook({
    url: endpoint.url,
    secret: endpoint.secret,
    deliveryKey: d.deliveryKey,
    body: d.content.json ?? '{}',
    now: clock(),
  });
  return `HTTP ${status}`;
}
