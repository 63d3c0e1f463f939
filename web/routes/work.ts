import { Router } from 'express';
import { h } from 'preact';
import { reportByUnit } from '../../db/repositories/reports';
import { taskQueue, taskTimeline } from '../../db/repositories/task-views';
import { OPEN_STATUSES } from '../../domain/task';
import { grantsAnyRole } from '../../domain/roles';
import { formatCivilDate, vnCivilDate } from '../../domain/time';
import { actorOfUser, requireSignIn, webUserOf } from '../auth/session';
import { availableCommands } from '../commands';
import { WebError } from '../errors';
import { MyWorkPage, OverviewPage, ReviewPage } from '../pages/work-pages';
import { sendPage } from '../render';
import type { WebContext } from './context';
import { EVIDENCE_MAX_FILES } from './tasks';

/** The instant the coming Monday begins in +07:00: "due this week" runs until then. */
function weekEnd(at: Date): Date {
  const d = vnCivilDate(at);
  const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  const sunday = new Date(Date.UTC(d.year, d.month - 1, d.day + ((7 - weekday) % 7) + 1));
  return new Date(Date.parse(`${sunday.toISOString().slice(0, 10)}T00:00:00+07:00`));
}

/** The work lists: Việc của tôi (a unit), Chờ duyệt and Tổng quan (the secretariat). */
export function workRoutes(ctx: WebContext): Router {
  const { db, now } = ctx;
  const router = Router();
  const evidenceLimits = { maxBytes: ctx.evidenceMaxBytes, maxFiles: EVIDENCE_MAX_FILES };

  router.get('/my-work', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    if (!grantsAnyRole(user.roles, ['unit_officer'])) throw new WebError(404, 'Không tìm thấy trang', 'Trang này dành cho cán bộ đơn vị.');
    const at = now();
    const cal = await ctx.workingCalendar();
    const soon = new Date(Date.parse(`${formatCivilDate(cal.addWorkingDays(vnCivilDate(at), 5))}T00:00:00+07:00`));
    const working = ['assigned', 'acknowledged', 'in_progress', 'returned'] as const;
    const limit = 50;
    const [toAcknowledge, returned, overdue, dueSoon, count] = await Promise.all([
      taskQueue(db, { leadUnit: user.unitCode, statuses: ['assigned'], limit }),
      taskQueue(db, { leadUnit: user.unitCode, statuses: ['returned'], limit }),
      taskQueue(db, { leadUnit: user.unitCode, statuses: working, dueBefore: at, limit }),
      taskQueue(db, { leadUnit: user.unitCode, statuses: working, dueFrom: at, dueBefore: soon, limit }),
      ctx.unreadCount(user),
    ]);
    sendPage(res, 200, h(MyWorkPage, { user, unreadCount: count, toAcknowledge, returned, overdue, dueSoon, now: at, calendar: cal }));
  });

  router.get('/review', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    if (!grantsAnyRole(user.roles, ['secretariat']))
      throw new WebError(404, 'Không tìm thấy trang', 'Trang này dành cho Cơ quan Thường trực.');
    const at = now();
    const limit = 30;
    const [claims, extensions, count, cal] = await Promise.all([
      taskQueue(db, { statuses: ['submitted'], limit }),
      taskQueue(db, { pendingExtension: true, limit }),
      ctx.unreadCount(user),
      ctx.workingCalendar(),
    ]);
    const ids = [...new Set([...claims.rows, ...extensions.rows].map((r) => r.id))];
    const timelines = new Map(await Promise.all(ids.map(async (id) => [id, await taskTimeline(db, id)] as const)));
    const actor = actorOfUser(user);
    sendPage(
      res,
      200,
      h(ReviewPage, {
        user,
        unreadCount: count,
        claims,
        extensions,
        timelines,
        now: at,
        calendar: cal,
        actionsFor: (row) =>
          row.state && ctx.temporal
            ? {
                taskId: row.id,
                state: row.state,
                available: availableCommands(row.state, actor, at),
                csrfToken: user.csrfToken,
                evidenceLimits,
                back: '/review',
                scope: `${row.id.replace(/[^a-z0-9]/gi, '')}-`,
              }
            : null,
      }),
    );
  });

  router.get('/overview', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    if (!grantsAnyRole(user.roles, ['secretariat', 'inspector', 'admin']))
      throw new WebError(404, 'Không tìm thấy trang', 'Trang này dành cho Cơ quan Thường trực.');
    const at = now();
    const [report, overdue, dueThisWeek, count, cal] = await Promise.all([
      reportByUnit(db, { asOf: at }),
      taskQueue(db, { statuses: OPEN_STATUSES, dueBefore: at, limit: 10 }),
      taskQueue(db, { statuses: OPEN_STATUSES, dueFrom: at, dueBefore: weekEnd(at), limit: 10 }),
      ctx.unreadCount(user),
      ctx.workingCalendar(),
    ]);
    sendPage(res, 200, h(OverviewPage, { user, unreadCount: count, totals: report.totals, overdue, dueThisWeek, now: at, calendar: cal }));
  });

  return router;
}
