import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { DeliveryChannel, DeliveryContent } from '../db/schema';
import { deliveryKeyFor } from './model';

export interface NewDelivery {
  channel: DeliveryChannel;
  recipient: string;
  address: string | null;
  content: DeliveryContent;
}

/**
 * Writes deliveries for one source (a notification or a digest), keyed by `delivery_key`, so
 * writing them twice writes nothing new. Inbox deliveries are complete as written: the inbox
 * row is the notification itself, visible to its recipients from now on.
 */
export async function insertDeliveries(
  trx: Transaction<Database>,
  source: { sourceKey: string; notificationId: string | null; digestRunId: string | null; taskId: string | null; now: Date },
  rows: readonly NewDelivery[],
): Promise<number> {
  if (!rows.length) return 0;
  const inserted = await trx
    .insertInto('deliveries')
    .values(
      rows.map((r) => ({
        delivery_key: deliveryKeyFor(source.sourceKey, r.channel, r.recipient),
        source_key: source.sourceKey,
        notification_id: source.notificationId,
        digest_run_id: source.digestRunId,
        task_id: source.taskId,
        channel: r.channel,
        recipient: r.recipient,
        address: r.address,
        content: JSON.stringify(r.content),
        state: r.channel === 'inbox' ? ('sent' as const) : ('pending' as const),
        attempts: r.channel === 'inbox' ? 1 : 0,
        next_attempt_at: source.now,
        sent_at: r.channel === 'inbox' ? source.now : null,
        created_at: source.now,
      })),
    )
    .onConflict((oc) => oc.column('delivery_key').doNothing())
    .returning(['id', 'channel'])
    .execute();
  const inbox = inserted.filter((r) => r.channel === 'inbox');
  if (inbox.length) {
    await trx
      .insertInto('delivery_attempts')
      .values(inbox.map((r) => ({ delivery_id: r.id, attempt: 1, started_at: source.now, finished_at: source.now, outcome: 'sent' as const, detail: 'hiển thị trong hộp thư' })))
      .execute();
  }
  return inserted.length;
}
