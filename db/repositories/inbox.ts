import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { inboxRulesFor, type InboxUser } from '../../domain/inbox-routing';
import type { Database } from '../schema';

/** A notification as its recipient's inbox shows it. */
export interface InboxItem {
  id: string;
  taskId: string;
  kind: string;
  step: string;
  level: number | null;
  recipientRole: string;
  recipientUnit: string | null;
  scheduledAt: Date;
  subject: string;
  body: string;
  readAt: Date | null;
}

export interface InboxReader extends InboxUser {
  login: string;
}

/**
 * The notifications addressed to a user, as SQL: the rules of domain/inbox-routing.ts (the one
 * routing table), one disjunct per recipient role the user receives.
 */
function addressedTo(eb: ExpressionBuilder<Database, 'notifications'>, user: InboxUser) {
  const rules = inboxRulesFor(user);
  if (!rules.length) return sql<boolean>`false`;
  return eb.or(
    rules.map((rule) => {
      const role = eb('notifications.recipient_role', '=', rule.recipientRole);
      switch (rule.unit) {
        case 'exact':
          return eb.and([role, eb('notifications.recipient_unit', '=', user.unitCode)]);
        case 'exact_or_none':
          return eb.and([
            role,
            eb.or([eb('notifications.recipient_unit', 'is', null), eb('notifications.recipient_unit', '=', user.unitCode)]),
          ]);
        case 'any':
          return role;
      }
    }),
  );
}

const itemColumns = [
  'notifications.id',
  'notifications.task_id',
  'notifications.kind',
  'notifications.step',
  'notifications.level',
  'notifications.recipient_role',
  'notifications.recipient_unit',
  'notifications.scheduled_at',
  'notifications.subject',
  'notifications.body',
  'r.read_at',
] as const;

function inboxQuery(db: Kysely<Database>, user: InboxReader) {
  return db
    .selectFrom('notifications')
    .leftJoin('notification_reads as r', (join) => join.onRef('r.notification_id', '=', 'notifications.id').on('r.login', '=', user.login))
    .where((eb) => addressedTo(eb, user));
}

type ItemRow = {
  id: string;
  task_id: string;
  kind: string;
  step: string;
  level: number | null;
  recipient_role: string;
  recipient_unit: string | null;
  scheduled_at: Date;
  subject: string;
  body: string;
  read_at: Date | null;
};

function toItem(r: ItemRow): InboxItem {
  return {
    id: r.id,
    taskId: r.task_id,
    kind: r.kind,
    step: r.step,
    level: r.level,
    recipientRole: r.recipient_role,
    recipientUnit: r.recipient_unit,
    scheduledAt: r.scheduled_at,
    subject: r.subject,
    body: r.body,
    readAt: r.read_at,
  };
}

/** A page of the user's inbox, newest first, with how many it holds and how many are unread. */
export async function listInbox(
  db: Kysely<Database>,
  user: InboxReader,
  o: { limit: number; offset: number; unreadOnly?: boolean },
): Promise<{ items: InboxItem[]; total: number; unreadCount: number }> {
  const counts = await inboxQuery(db, user)
    .select([sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) filter (where r.read_at is null))::int`.as('unread')])
    .executeTakeFirstOrThrow();
  let page = inboxQuery(db, user).select(itemColumns);
  if (o.unreadOnly) page = page.where('r.read_at', 'is', null);
  const rows = await page
    .orderBy('notifications.scheduled_at', 'desc')
    .orderBy('notifications.id', 'desc')
    .limit(o.limit)
    .offset(o.offset)
    .execute();
  return { items: rows.map(toItem), total: o.unreadOnly ? counts.unread : counts.total, unreadCount: counts.unread };
}

/** One notification, when it is addressed to the user; null otherwise (or when there is no such notification). */
export async function findInInbox(db: Kysely<Database>, user: InboxReader, id: string): Promise<InboxItem | null> {
  const row = await inboxQuery(db, user).select(itemColumns).where('notifications.id', '=', id).executeTakeFirst();
  return row ? toItem(row) : null;
}

/** Marks a notification read by a login; the first reading counts, a second changes nothing. Returns when it was first read. */
export async function markRead(db: Kysely<Database>, login: string, notificationId: string): Promise<Date> {
  const inserted = await db
    .insertInto('notification_reads')
    .values({ notification_id: notificationId, login })
    .onConflict((oc) => oc.columns(['notification_id', 'login']).doNothing())
    .returning('read_at')
    .executeTakeFirst();
  if (inserted) return inserted.read_at;
  const existing = await db
    .selectFrom('notification_reads')
    .select('read_at')
    .where('notification_id', '=', notificationId)
    .where('login', '=', login)
    .executeTakeFirstOrThrow();
  return existing.read_at;
}
