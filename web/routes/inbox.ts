import { Router } from 'express';
import { h } from 'preact';
import { findInInbox, listInbox, markRead } from '../../db/repositories/inbox';
import { actorOfUser, requireSignIn, webUserOf } from '../auth/session';
import { WebError } from '../errors';
import { inboxQuerySchema, parseForm } from '../forms';
import { InboxEntryRead, InboxPage } from '../pages/inbox-page';
import { sendFragment, sendPage } from '../render';
import type { WebContext } from './context';

const INBOX_PAGE_SIZE = 20;

/** Thông báo: the in-app inbox and "đánh dấu đã đọc". */
export function inboxRoutes(ctx: WebContext): Router {
  const { db } = ctx;
  const router = Router();

  router.get('/inbox', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    const q = parseForm(inboxQuerySchema, req.query);
    const { page, unread } = q.ok ? q.data : { page: 1, unread: undefined };
    const list = await listInbox(db, actorOfUser(user), {
      limit: INBOX_PAGE_SIZE,
      offset: (page - 1) * INBOX_PAGE_SIZE,
      unreadOnly: unread === 'true',
    });
    sendPage(
      res,
      q.ok ? 200 : 400,
      h(InboxPage, {
        user,
        items: list.items,
        total: list.total,
        unreadCount: list.unreadCount,
        page,
        pageSize: INBOX_PAGE_SIZE,
        unreadOnly: unread === 'true',
        errors: q.ok ? [] : q.errors,
      }),
    );
  });

  router.post('/inbox/:id/read', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    const id = String(req.params.id);
    // Someone else's notification is answered like a missing one.
    const item = /^[1-9][0-9]{0,17}$/.test(id) ? await findInInbox(db, actorOfUser(user), id) : null;
    if (!item) throw new WebError(404, 'Không tìm thấy thông báo', `Không có thông báo số ${id} trong hộp thư của bạn.`);
    const readAt = await markRead(db, user.login, id);
    if (!req.get('hx-request')) return res.redirect(303, '/inbox');
    sendFragment(
      res,
      200,
      h(InboxEntryRead, { item: { ...item, readAt }, csrfToken: user.csrfToken, unreadCount: await ctx.unreadCount(user) }),
    );
  });

  return router;
}
