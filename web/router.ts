import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import fs from 'node:fs';
import { h } from 'preact';
import { verifyAuditChain } from '../db/repositories/audit';
import { findInInbox, listInbox, markRead } from '../db/repositories/inbox';
import {
  changePassword,
  createSession,
  DEFAULT_SESSION_LIFETIME,
  DEFAULT_SIGN_IN_LIMITS,
  endSession,
  findCredentials,
  recordAuthEvent,
  signInBlockedUntil,
  type SessionLifetime,
  type SessionUser,
  type SignInLimits,
} from '../db/repositories/sessions';
import { findTaskDetail, searchTasks, taskTimeline, unitOptions } from '../db/repositories/task-views';
import type { Database } from '../db/schema';
import { DEFAULT_CALENDAR_OVERRIDES, WorkingCalendar, type CalendarOverride } from '../domain/calendar';
import { grantsAnyRole, type Role } from '../domain/roles';
import { vnCivilDate } from '../domain/time';
import { seesAll } from '../api/visibility';
import { taskUnits } from '../db/repositories/tasks';
import { ASSET_FILES } from './assets';
import { ANONYMOUS_CSRF_COOKIE, clearCookie, cookieOptions, SESSION_COOKIE } from './auth/cookies';
import { anonymousCsrfToken, csrfProtection } from './auth/csrf';
import { decoyHash, hashPassword, verifyPassword } from './auth/passwords';
import { actorOfUser, loadSession, requireSignIn, safeNext, webUserOf } from './auth/session';
import { WebError } from './errors';
import { changePasswordFormSchema, inboxQuerySchema, parseForm, signInFormSchema, taskSearchQuerySchema, textOf } from './forms';
import { ChangePasswordPage, ErrorPage, SignInPage, type SignInNotice } from './pages/auth-pages';
import { InboxEntryRead, InboxPage } from './pages/inbox-page';
import { TaskPage, TasksPage } from './pages/task-pages';
import { sendFragment, sendPage } from './render';
import { securityHeaders } from './security-headers';

export interface WebDeps {
  db: Kysely<Database>;
  logger: Logger;
  /** Session lifetimes; 30 minutes idle, 12 hours at most when absent. */
  sessionLifetime?: SessionLifetime;
  /** Failed sign-ins allowed per login and per address in a window. */
  signInLimits?: SignInLimits;
  /** Cookies marked `Secure` whatever the request; absent, when the request came over HTTPS. */
  secureCookies?: boolean;
  /** The clock the pages judge deadlines by. */
  now?: () => Date;
}

/** The web app's paths (pages for people, not API operations: the OpenAPI document leaves them out). */
export const WEB_PATHS: readonly string[] = ['/', '/sign-in', '/sign-out', '/password', '/inbox', '/tasks', '/assets'];

/** Whether a path belongs to the web app (itself or below one of WEB_PATHS). */
export const isWebPath = (path: string) => WEB_PATHS.some((p) => path === p || (p !== '/' && path.startsWith(`${p}/`)));

const INBOX_PAGE_SIZE = 20;
const TASKS_PAGE_SIZE = 25;
const CALENDAR_TTL_MS = 10 * 60_000;

/** Where each role starts: the inspection committee at its search, everyone else at their tasks. */
export function homeFor(roles: readonly Role[]): string {
  if (grantsAnyRole(roles, ['secretariat', 'inspector', 'unit_officer', 'admin'])) return '/tasks';
  return '/inbox';
}

/**
 * The web app: server-rendered pages for people, signed in with a password and a server-side
 * session. Mounted after the API; `/api/...` never reaches it.
 */
export function webRouter(deps: WebDeps): Router {
  const { db, logger } = deps;
  const lifetime = deps.sessionLifetime ?? DEFAULT_SESSION_LIFETIME;
  const limits = deps.signInLimits ?? DEFAULT_SIGN_IN_LIMITS;
  const now = deps.now ?? (() => new Date());
  const secure = deps.secureCookies;
  const router = Router();

  let calendar: { value: WorkingCalendar; at: number } | null = null;
  const workingCalendar = async (): Promise<WorkingCalendar> => {
    if (calendar && Date.now() - calendar.at < CALENDAR_TTL_MS) return calendar.value;
    const rows = await db.selectFrom('calendar_overrides').select(['day', 'kind', 'reason']).execute();
    const byDate = new Map<string, CalendarOverride>(DEFAULT_CALENDAR_OVERRIDES.map((o) => [o.date, o]));
    for (const r of rows) byDate.set(r.day, { date: r.day, kind: r.kind, reason: r.reason });
    const year = vnCivilDate(now()).year;
    calendar = { value: WorkingCalendar.forYears([year - 1, year, year + 1], [...byDate.values()]), at: Date.now() };
    return calendar.value;
  };
  const unreadCount = async (user: SessionUser) => (await listInbox(db, actorOfUser(user), { limit: 0, offset: 0 })).unreadCount;
  const origin = (req: Request) => ({ address: req.ip ?? null, userAgent: req.get('user-agent') ?? null });

  router.use((req, _res, next) => (req.path === '/api' || req.path.startsWith('/api/') ? next('router') : next()));
  router.use(securityHeaders());

  const assets = new Map(Object.entries(ASSET_FILES).map(([p, a]) => [p, { ...a, body: fs.readFileSync(a.file) }]));
  router.get('/assets/:file', (req, res, next) => {
    const asset = assets.get(req.path);
    if (!asset) return next();
    res.type(asset.type).set('Cache-Control', 'public, max-age=3600').send(asset.body);
  });

  router.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 50 }));
  router.use(loadSession(db, lifetime, secure));
  router.use(csrfProtection());

  router.get('/', (req, res) => {
    if (!req.webUser) return res.redirect(303, req.webSessionEnded ? '/sign-in?ended=1' : '/sign-in');
    res.redirect(303, req.webUser.mustChangePassword ? '/password' : homeFor(req.webUser.roles));
  });

  router.get('/sign-in', (req, res) => {
    if (req.webUser) return res.redirect(303, '/');
    const notice: SignInNotice | undefined =
      req.query.ended || req.webSessionEnded ? 'ended' : req.query.signedOut ? 'signed_out' : undefined;
    sendPage(res, 200, h(SignInPage, { csrfToken: anonymousCsrfToken(req, res, secure), next: safeNext(req.query.next), notice }));
  });

  router.post('/sign-in', async (req, res) => {
    const csrfToken = anonymousCsrfToken(req, res, secure);
    const next = safeNext(textOf(req.body, 'next') || '/');
    const typed = textOf(req.body, 'login');
    const form = parseForm(signInFormSchema, req.body);
    if (!form.ok) return sendPage(res, 400, h(SignInPage, { csrfToken, login: typed, next, errors: form.errors }));
    const { login, password } = form.data;
    const from = origin(req);

    const blockedUntil = await signInBlockedUntil(db, login, from.address, limits, now());
    if (blockedUntil) {
      await recordAuthEvent(db, 'sign_in_limited', { login, ...from });
      const minutes = Math.max(1, Math.ceil((blockedUntil.getTime() - now().getTime()) / 60_000));
      res.set('Retry-After', String(minutes * 60));
      return sendPage(
        res,
        429,
        h(SignInPage, {
          csrfToken,
          login: typed,
          next,
          problem: `Đã nhập sai quá nhiều lần. Để bảo vệ tài khoản, hãy thử lại sau ${minutes} phút.`,
        }),
      );
    }

    const credentials = await findCredentials(db, login);
    // An unknown login, one without a password, or a deactivated one cost the same scrypt as a wrong password.
    const matches = await verifyPassword(password, credentials?.passwordHash ?? (await decoyHash()));
    if (!credentials || !credentials.passwordHash || !credentials.active || !matches) {
      await recordAuthEvent(db, 'sign_in_failed', { login, userId: credentials?.userId ?? null, ...from });
      return sendPage(res, 401, h(SignInPage, { csrfToken, login: typed, next, problem: 'Tên đăng nhập hoặc mật khẩu không đúng.' }));
    }

    const session = await createSession(db, credentials.userId, from, { now: now(), lifetime });
    await recordAuthEvent(db, 'sign_in', { login, userId: credentials.userId, sessionId: session.sessionId, ...from });
    res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions(req, secure), expires: session.expiresAt });
    clearCookie(res, req, ANONYMOUS_CSRF_COOKIE, secure);
    res.redirect(303, credentials.mustChange ? '/password' : next);
  });

  router.post('/sign-out', async (req, res) => {
    const user = req.webUser;
    if (user) {
      await endSession(db, user.sessionId);
      await recordAuthEvent(db, 'sign_out', { login: user.login, userId: user.userId, sessionId: user.sessionId, ...origin(req) });
    }
    clearCookie(res, req, SESSION_COOKIE, secure);
    res.redirect(303, '/sign-in?signedOut=1');
  });

  router.get('/password', requireSignIn({ allowPasswordChange: true }), async (req, res) => {
    const user = webUserOf(req);
    sendPage(res, 200, h(ChangePasswordPage, { user, unreadCount: await unreadCount(user) }));
  });

  router.post('/password', requireSignIn({ allowPasswordChange: true }), async (req, res) => {
    const user = webUserOf(req);
    const form = parseForm(changePasswordFormSchema, req.body);
    if (!form.ok) return sendPage(res, 400, h(ChangePasswordPage, { user, errors: form.errors }));
    const credentials = await findCredentials(db, user.login);
    if (!credentials?.passwordHash || !(await verifyPassword(form.data.currentPassword, credentials.passwordHash))) {
      return sendPage(
        res,
        400,
        h(ChangePasswordPage, { user, errors: [{ field: 'currentPassword', message: 'Mật khẩu hiện tại không đúng' }] }),
      );
    }
    await changePassword(
      db,
      { userId: user.userId, login: user.login, sessionId: user.sessionId },
      await hashPassword(form.data.newPassword),
      origin(req),
    );
    res.redirect(303, homeFor(user.roles));
  });

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
      h(InboxEntryRead, { item: { ...item, readAt }, csrfToken: user.csrfToken, unreadCount: await unreadCount(user) }),
    );
  });

  router.get('/tasks', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    const all = seesAll(actorOfUser(user));
    const q = parseForm(taskSearchQuerySchema, req.query);
    const filters = q.ok ? q.data : { page: 1, q: undefined, unit: undefined, status: undefined, overdue: undefined };
    const at = now();
    const { rows, total } = await searchTasks(
      db,
      { unitCode: user.unitCode, seesAll: all },
      { text: filters.q, unit: all ? filters.unit : undefined, status: filters.status, overdue: filters.overdue === 'true' },
      { limit: TASKS_PAGE_SIZE, offset: (filters.page - 1) * TASKS_PAGE_SIZE },
      at,
    );
    sendPage(
      res,
      q.ok ? 200 : 400,
      h(TasksPage, {
        user,
        unreadCount: await unreadCount(user),
        seesAll: all,
        values: q.ok
          ? { q: filters.q, unit: filters.unit, status: filters.status, overdue: filters.overdue === 'true' }
          : { q: textOf(req.query, 'q'), unit: textOf(req.query, 'unit'), status: textOf(req.query, 'status') },
        errors: q.ok ? [] : q.errors,
        rows,
        total,
        page: filters.page,
        pageSize: TASKS_PAGE_SIZE,
        units: all ? await unitOptions(db) : [],
        now: at,
        calendar: await workingCalendar(),
      }),
    );
  });

  router.get('/tasks/:id', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    const id = String(req.params.id);
    const notFound = new WebError(
      404,
      'Không tìm thấy nhiệm vụ',
      `Không có nhiệm vụ "${id}", hoặc nhiệm vụ này không thuộc phạm vi của đơn vị bạn.`,
    );
    // A unit that has nothing to do with a task is told it does not exist: an id typed by hand reveals nothing.
    const units = /^[a-z0-9][a-z0-9.-]{0,200}$/.test(id) ? await taskUnits(db, id) : null;
    if (!units || (!seesAll(actorOfUser(user)) && !units.includes(user.unitCode))) throw notFound;
    const task = await findTaskDetail(db, id);
    if (!task) throw notFound;
    const [events, chain, count, cal] = await Promise.all([
      taskTimeline(db, id),
      verifyAuditChain(db, id),
      unreadCount(user),
      workingCalendar(),
    ]);
    sendPage(res, 200, h(TaskPage, { user, unreadCount: count, task, events, chain, now: now(), calendar: cal }));
  });

  router.use(async (req, _res, next) => {
    next(new WebError(404, 'Không tìm thấy trang', `Không có trang ${req.path}. Hãy kiểm tra lại địa chỉ.`));
  });

  const errorPage: ErrorRequestHandler = async (err, req, res, _next) => {
    const known =
      err instanceof WebError
        ? err
        : (err as { type?: string; status?: number }).type === 'entity.too.large'
          ? new WebError(413, 'Biểu mẫu quá lớn', 'Nội dung gửi lên vượt quá giới hạn cho phép.')
          : null;
    if (!known) logger.error({ err, url: req.originalUrl }, 'web page failed');
    const page =
      known ??
      new WebError(
        500,
        'Hệ thống đang gặp sự cố',
        'Đã có lỗi ngoài ý muốn khi xử lý yêu cầu. Hãy thử lại sau ít phút; nếu lỗi lặp lại, hãy báo quản trị hệ thống.',
      );
    const user = req.webUser && !req.webUser.mustChangePassword ? req.webUser : null;
    const count = user ? await unreadCount(user).catch(() => 0) : undefined;
    sendPage(res, page.status, h(ErrorPage, { status: page.status, title: page.title, detail: page.detail, user, unreadCount: count }));
  };
  router.use(errorPage);
  return router;
}
