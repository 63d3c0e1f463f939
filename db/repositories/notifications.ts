import { sql, type Kysely, type QueryCreator, type Transaction } from 'kysely';
import type { OutboxNotification } from '../../domain/task';
import type { Database } from '../schema';
import type { AppendScope } from './audit';

/*
 * The outbox (`notifications`): written alongside the audit event that plans each notification
 * (`outboxWrite`), expanded into deliveries by the dispatcher (`dueNotifications`,
 * `markDispatched`). The inbox's reading of it is db/repositories/inbox.ts.
 */

/** A notification of the outbox waiting to be expanded into deliveries. */
export interface DueNotification {
  id: string;
  key: string;
  taskId: string;
  auditSeq: number;
  kind: string;
  step: string;
  level: number | null;
  recipientRole: string;
  recipientUnit: string | null;
  subject: string;
  body: string;
}

/** The columns of a notification that say what it is and to whom, between its id and its text. */
const addressColumns = ['key', 'task_id', 'audit_seq', 'kind', 'step', 'level', 'recipient_role', 'recipient_unit'] as const;
const dueColumns = ['id', ...addressColumns, 'subject', 'body'] as const;
const outboxColumns = [...addressColumns, 'scheduled_at', 'subject', 'body'] as const;

/** The event's notifications, each once by key, only once the event is in the chain (`linked`): a write that goes with an audit append. */
export function outboxWrite(db: QueryCreator<AppendScope>, taskId: string, auditSeq: number, notifications: readonly OutboxNotification[]) {
  const rows = notifications.map((n) => ({
    key: n.key,
    task_id: taskId,
    audit_seq: auditSeq,
    kind: n.kind,
    step: n.step,
    level: n.level,
    recipient_role: n.recipientRole,
    recipient_unit: n.recipientUnit,
    scheduled_at: n.scheduledAt,
    subject: n.subject,
    body: n.body,
  }));
  return db
    .insertInto('notifications')
    .columns([...outboxColumns])
    .expression(
      db
        .selectFrom(['linked', sql`jsonb_populate_recordset(null::notifications, ${JSON.stringify(rows)}::jsonb)`.as('n')])
        .select(outboxColumns.map((c) => sql.ref(`n.${c}`).as(c))),
    )
    .onConflict((oc) => oc.column('key').doNothing());
}

/**
 * Up to `limit` notifications due by `now` and not yet dispatched, locked for this transaction;
 * rows another dispatcher holds are skipped, so several processes share the work.
 */
export async function dueNotifications(trx: Transaction<Database>, now: Date, limit: number): Promise<DueNotification[]> {
  const rows = await trx
    .selectFrom('notifications')
    .select(dueColumns)
    .where('dispatched_at', 'is', null)
    .where('scheduled_at', '<=', now)
    .orderBy('scheduled_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map(({ id, key, kind, step, level, subject, body, ...n }) => ({
    id,
    key,
    taskId: n.task_id,
    auditSeq: n.audit_seq,
    kind,
    step,
    level,
    recipientRole: n.recipient_role,
    recipientUnit: n.recipient_unit,
    subject,
    body,
  }));
}

/** Records that a notification was expanded: `dispatched`, or `unrouted` when it reached nobody. */
export async function markDispatched(trx: Transaction<Database>, id: string, now: Date, routed: boolean): Promise<void> {
  await trx
    .updateTable('notifications')
    .set({ dispatched_at: now, status: routed ? 'dispatched' : 'unrouted' })
    .where('id', '=', id)
    .execute();
}

/** A task's notifications in the order they were planned, as its history publishes them. */
export async function taskNotifications(db: Kysely<Database>, taskId: string) {
  return db
    .selectFrom('notifications')
    .select([
      'key',
      'audit_seq',
      'kind',
      'step',
      'level',
      'recipient_role',
      'recipient_unit',
      'scheduled_at',
      'subject',
      'status',
      'dispatched_at',
    ])
    .where('task_id', '=', taskId)
    .orderBy('audit_seq')
    .execute();
}
