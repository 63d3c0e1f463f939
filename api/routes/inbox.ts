import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import { findInInbox, listInbox, markRead, type InboxItem } from '../../db/repositories/inbox';
import { toVnIso } from '../../domain/time';
import { actorOf } from '../auth';
import { notFound, parseOr400 } from '../problems';

export interface InboxRouterDeps {
  db: Kysely<Database>;
}

export const inboxQuerySchema = z.object({
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const notificationIdParams = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, 'mã thông báo không hợp lệ') });

const view = (n: InboxItem) => ({
  id: n.id,
  taskId: n.taskId,
  task: `/api/v1/tasks/${n.taskId}`,
  kind: n.kind,
  step: n.step,
  level: n.level,
  recipientRole: n.recipientRole,
  recipientUnit: n.recipientUnit,
  scheduledAt: toVnIso(n.scheduledAt),
  subject: n.subject,
  body: n.body,
  read: n.readAt !== null,
  readAt: n.readAt && toVnIso(n.readAt),
});

/** The caller's notifications (domain/inbox-routing.ts decides which), and marking them read. */
export function inboxRouter({ db }: InboxRouterDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const q = parseOr400(inboxQuerySchema, req.query, 'query');
    const actor = actorOf(req);
    const { items, total, unreadCount } = await listInbox(db, actor, {
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
      unreadOnly: q.unread,
    });
    res.json({ items: items.map(view), page: q.page, pageSize: q.pageSize, total, unreadCount });
  });

  router.post('/:id/read', async (req, res) => {
    const { id } = parseOr400(notificationIdParams, req.params, 'path');
    const actor = actorOf(req);
    // Someone else's notification is answered like a missing one: its existence is not the caller's business.
    const notification = await findInInbox(db, actor, id);
    if (!notification) throw notFound(`Không có thông báo ${id} trong hộp thư của ${actor.login}`);
    const readAt = await markRead(db, actor.login, id);
    res.json({ id, read: true, readAt: toVnIso(readAt) });
  });

  return router;
}
