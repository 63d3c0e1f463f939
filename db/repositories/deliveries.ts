import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/**
 * The `deliveries` of a task with every attempt, oldest first: the delivery part of its history.
 * Recipients by login or endpoint id; addresses and URLs stay out (a bridge URL may carry a token).
 */
export async function deliveryHistory(db: Kysely<Database>, taskId: string) {
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('notifications as n', 'n.id', 'd.notification_id')
    .select(['d.id', 'd.delivery_key', 'n.key as notification_key', 'd.channel', 'd.recipient', 'd.state', 'd.attempts', 'd.last_error', 'd.sent_at', 'd.next_attempt_at', 'd.created_at'])
    .select((eb) => eb.ref('d.content', '->>').key('subject').as('subject'))
    .where('d.task_id', '=', taskId)
    .orderBy('d.id')
    .execute();
  const attempts = rows.length
    ? await db
        .selectFrom('delivery_attempts')
        .select(['delivery_id', 'attempt', 'started_at', 'finished_at', 'outcome', 'detail'])
        .where('delivery_id', 'in', rows.map((r) => r.id))
        .orderBy('delivery_id')
        .orderBy('attempt')
        .execute()
    : [];
  return rows.map(({ id, ...r }) => ({
    ...r,
    attempt_log: attempts.filter((a) => a.delivery_id === id).map(({ delivery_id: _d, ...a }) => a),
  }));
}

