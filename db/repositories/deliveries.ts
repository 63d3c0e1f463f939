import type { Kysely, Selectable, Transaction } from 'kysely';
import { deliveryKeyFor } from '../../delivery/model';
import type { Database, DeliveriesTable, DeliveryChannel, DeliveryContent } from '../schema';

/* Deliveries of the outbox and of daily digests (`deliveries`, `delivery_attempts`, `digest_runs`). */

/**
 * The `deliveries` of a task with every attempt, oldest first: the delivery part of its history.
 * Recipients by login or endpoint id; addresses and URLs stay out (a bridge URL may carry a token).
 */
export async function deliveryHistory(db: Kysely<Database>, taskId: string) {
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('notifications as n', 'n.id', 'd.notification_id')
    .select([
      'd.id',
      'd.delivery_key',
      'n.key as notification_key',
      'd.channel',
      'd.recipient',
      'd.state',
      'd.attempts',
      'd.last_error',
      'd.sent_at',
      'd.next_attempt_at',
      'd.created_at',
    ])
    .select((eb) => eb.ref('d.content', '->>').key('subject').as('subject'))
    .where('d.task_id', '=', taskId)
    .orderBy('d.id')
    .execute();
  const attempts = rows.length
    ? await db
        .selectFrom('delivery_attempts')
        .select(['delivery_id', 'attempt', 'started_at', 'finished_at', 'outcome', 'detail'])
        .where(
          'delivery_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('delivery_id')
        .orderBy('attempt')
        .execute()
    : [];
  return rows.map(({ id, ...r }) => ({
    ...r,
    attempt_log: attempts.filter((a) => a.delivery_id === id).map(({ delivery_id: _d, ...a }) => a),
  }));
}

/** A message to write for a source (a notification or a digest): one recipient on one channel. */
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
      .values(
        inbox.map((r) => ({
          delivery_id: r.id,
          attempt: 1,
          started_at: source.now,
          finished_at: source.now,
          outcome: 'sent' as const,
          detail: 'hiển thị trong hộp thư',
        })),
      )
      .execute();
  }
  return inserted.length;
}

/** A delivery claimed for one attempt (its number is `attempts`). */
export interface ClaimedDelivery {
  id: string;
  deliveryKey: string;
  channel: DeliveryChannel;
  recipient: string;
  address: string | null;
  content: DeliveryContent;
  attempts: number;
  createdAt: Date;
}

const claimedColumns = ['id', 'delivery_key', 'channel', 'recipient', 'address', 'content', 'attempts', 'created_at'] as const;

/** The one mapper from a `deliveries` row to a claimed delivery. */
function toClaimed(row: Pick<Selectable<DeliveriesTable>, (typeof claimedColumns)[number]>): ClaimedDelivery {
  const { id, channel, recipient, address, content, attempts } = row;
  return { id, deliveryKey: row.delivery_key, channel, recipient, address, content, attempts, createdAt: row.created_at };
}

/**
 * Claims up to `limit` due deliveries (not the inbox's), committed before anything is sent: each
 * becomes 'sending' with an open attempt and a lease until `now + leaseMs`. Rows whose holder died
 * mid-attempt (their lease ran out) get that attempt closed as interrupted; those interrupted on
 * their last attempt go dead instead. `picked` counts those too.
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  now: Date,
  limit: number,
  policy: { maxAttempts: number; leaseMs: number },
): Promise<{ picked: number; claimed: ClaimedDelivery[] }> {
  return db.transaction().execute(async (trx) => {
    const picked = await trx
      .selectFrom('deliveries')
      .select(['id', 'state', 'attempts'])
      .where('state', 'in', ['pending', 'retrying', 'sending'])
      .where('next_attempt_at', '<=', now)
      .where('channel', '<>', 'inbox')
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (!picked.length) return { picked: 0, claimed: [] };
    const ids = picked.map((p) => p.id);
    await trx
      .updateTable('delivery_attempts')
      .set({ outcome: 'interrupted', finished_at: now, detail: 'tiến trình gửi dừng trước khi ghi nhận kết quả' })
      .where('delivery_id', 'in', ids)
      .where('outcome', 'is', null)
      .execute();
    const exhausted = picked.filter((p) => p.state === 'sending' && p.attempts >= policy.maxAttempts).map((p) => p.id);
    if (exhausted.length) {
      await trx
        .updateTable('deliveries')
        .set({ state: 'dead', last_error: 'lần gửi cuối bị gián đoạn, không rõ kết quả' })
        .where('id', 'in', exhausted)
        .execute();
    }
    const live = ids.filter((id) => !exhausted.includes(id));
    if (!live.length) return { picked: picked.length, claimed: [] };
    const rows = await trx
      .updateTable('deliveries')
      .set((eb) => ({ state: 'sending', attempts: eb('attempts', '+', 1), next_attempt_at: new Date(now.getTime() + policy.leaseMs) }))
      .where('id', 'in', live)
      .returning(claimedColumns)
      .execute();
    await trx
      .insertInto('delivery_attempts')
      .values(
        rows.map((r) => ({ delivery_id: r.id, attempt: r.attempts, started_at: now, finished_at: null, outcome: null, detail: null })),
      )
      .execute();
    return { picked: picked.length, claimed: rows.map(toClaimed) };
  });
}

/**
 * Records how an attempt ended and moves the delivery on: `sent`, `dead`, or `retrying` at
 * `retryAt`. The delivery changes only if it is still this attempt's (had the lease run out,
 * another process owns its state now).
 */
export async function finishAttempt(
  db: Kysely<Database>,
  d: Pick<ClaimedDelivery, 'id' | 'attempts'>,
  at: Date,
  result: { outcome: 'sent'; detail: string } | { outcome: 'failed'; detail: string; retryAt: Date | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('delivery_attempts')
      .set({ outcome: result.outcome, finished_at: at, detail: result.detail.slice(0, 2000) })
      .where('delivery_id', '=', d.id)
      .where('attempt', '=', d.attempts)
      .where('outcome', 'is', null)
      .execute();
    await trx
      .updateTable('deliveries')
      .set(
        result.outcome === 'sent'
          ? { state: 'sent', sent_at: at, last_error: null }
          : result.retryAt
            ? { state: 'retrying', last_error: result.detail, next_attempt_at: result.retryAt }
            : { state: 'dead', last_error: result.detail },
      )
      .where('id', '=', d.id)
      .where('state', '=', 'sending')
      .where('attempts', '=', d.attempts)
      .execute();
  });
}

/** The units among `unitCodes` whose digest of `day` is written already. */
export async function unitsWithDigest(db: Kysely<Database>, day: string, unitCodes: readonly string[]): Promise<Set<string>> {
  if (!unitCodes.length) return new Set();
  const rows = await db.selectFrom('digest_runs').select('unit_code').where('day', '=', day).where('unit_code', 'in', unitCodes).execute();
  return new Set(rows.map((r) => r.unit_code));
}

/** Records a unit's digest of a day; its id, or undefined when that digest exists already (another tick or worker wrote it). */
export async function insertDigestRun(
  trx: Transaction<Database>,
  run: { unitCode: string; day: string; items: unknown; now: Date },
): Promise<string | undefined> {
  const row = await trx
    .insertInto('digest_runs')
    .values({ unit_code: run.unitCode, day: run.day, items: JSON.stringify(run.items), created_at: run.now })
    .onConflict((oc) => oc.columns(['unit_code', 'day']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}
