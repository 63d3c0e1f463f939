import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import fs from 'node:fs';
import multer from 'multer';
import type { Client } from '@temporalio/client';
import { HttpProblem } from '../api/problems';
import { updateIdFor } from '../api/routes/task-commands';
import { COMMAND_ROUTES, type CommandRoute } from '../api/routes/task-commands';
import { OPEN_STATUSES } from '../domain/task';
import { availableCommands, sendTaskCommand, uploadEvidence } from './commands';
import {
  acknowledgeFormSchema,
  approveFormSchema,
  endOfVnDay,
  evidenceFormSchema,
  extensionDecisionFormSchema,
  extensionFormSchema,
  measurementFormSchema,
  progressFormSchema,
  reportFormSchema,
  returnFormSchema,
  submitFormSchema,
} from './forms';
import { TASK_FORMS, type FailedForm, type TaskForm } from './pages/task-actions';
import { MyWorkPage, OverviewPage, ReviewPage } from './pages/work-pages';
import { reportByUnit } from '../db/repositories/reports';
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
import { findTaskDetail, searchTasks, taskQueue, taskStateSnapshot, taskTimeline, unitOptions } from '../db/repositories/task-views';
import type { Database } from '../db/schema';
import { DEFAULT_CALENDAR_OVERRIDES, WorkingCalendar, type CalendarOverride } from '../domain/calendar';
import { grantsAnyRole, type Role } from '../domain/roles';
import { formatCivilDate, vnCivilDate } from '../domain/time';
import { seesAll } from '../api/visibility';
import { taskUnits } from '../db/repositories/tasks';
import { ASSET_FILES } from './assets';
import { ANONYMOUS_CSRF_COOKIE, clearCookie, cookieOptions, SESSION_COOKIE } from './auth/cookies';
import { anonymousCsrfToken, csrfProtection } from './auth/csrf';
import { decoyHash, hashPassword, verifyPassword } from './auth/passwords';
import { actorOfUser, loadSession, requireSignIn, safeNext, webUserOf } from './auth/session';
import { WebError } from './errors';
import {
  changePasswordFormSchema,
  inboxQuerySchema,
  parseForm,
  signInFormSchema,
  taskSearchQuerySchema,
  textOf,
  type FormResult,
} from './forms';
import { ChangePasswordPage, ErrorPage, SignInPage, type SignInNotice } from './pages/auth-pages';
import { InboxEntryRead, InboxPage } from './pages/inbox-page';
import { TaskPage, TasksPage } from './pages/task-pages';
import { sendFragment, sendPage } from './render';
import { securityHeaders } from './security-headers';
import { EXPORT_PATHS, exportsRouter } from './routes/exports';
import { inspectionRouter } from './routes/inspection';
import { REPORT_PATHS, reportPagesRouter } from './routes/reports';

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
  /** Where the task pages send their commands (Workflow Updates); without it, pages only read. */
  temporal?: Client;
  /** Largest evidence file accepted, as the API's (`EVIDENCE_MAX_BYTES`). */
  evidenceMaxBytes?: number;
}

/** Evidence files one upload form takes at once. */
export const EVIDENCE_MAX_FILES = 5;

/** Each form of the task page, its fields turned into the body of the API command it is. */
const FORM_COMMANDS: { [F in TaskForm]: { api: keyof typeof COMMAND_ROUTES | null; parse: (body: unknown) => FormResult<unknown> } } = {
  acknowledge: { api: 'acknowledge', parse: (b) => parseForm(acknowledgeFormSchema, b) },
  progress: {
    api: 'progress',
    parse: (b) => mapForm(parseForm(progressFormSchema, b), (f) => ({ text: f.text, percent: f.percent ?? null })),
  },
  measurement: { api: 'measurements', parse: (b) => parseForm(measurementFormSchema, b) },
  evidence: { api: null, parse: (b) => parseForm(evidenceFormSchema, b) },
  submit: { api: 'submit', parse: (b) => parseForm(submitFormSchema, b) },
  extension: {
    api: 'extension-requests',
    parse: (b) => mapForm(parseForm(extensionFormSchema, b), (f) => ({ requestedDueAt: endOfVnDay(f.requestedDue), reason: f.reason })),
  },
  report: { api: 'reports', parse: (b) => parseForm(reportFormSchema, b) },
  approve: { api: 'approve', parse: (b) => parseForm(approveFormSchema, b) },
  return: { api: 'return', parse: (b) => parseForm(returnFormSchema, b) },
  'extension-decision': {
    api: 'extension-decision',
    parse: (b) =>
      mapForm(parseForm(extensionDecisionFormSchema, b), (f) => ({
        approve: f.decision === 'approve',
        newDueAt: f.decision === 'approve' && f.newDue ? endOfVnDay(f.newDue) : null,
        reason: f.reason,
      })),
  },
};

const DONE: Record<TaskForm, string> = {
  acknowledge: 'Đã xác nhận tiếp nhận nhiệm vụ.',
  progress: 'Đã gửi báo cáo tiến độ.',
  measurement: 'Đã ghi nhận số liệu chỉ tiêu.',
  evidence: 'Đã tải lên minh chứng.',
  submit: 'Đã gửi đề nghị công nhận hoàn thành; Cơ quan Thường trực sẽ xem xét.',
  extension: 'Đã gửi đề nghị gia hạn; Cơ quan Thường trực sẽ quyết định.',
  report: 'Đã nộp báo cáo định kỳ.',
  approve: 'Đã duyệt hoàn thành nhiệm vụ.',
  return: 'Đã trả lại đề nghị hoàn thành, kèm lý do.',
  'extension-decision': 'Đã ghi quyết định về đề nghị gia hạn.',
};

function mapForm<T, U>(r: FormResult<T>, f: (t: T) => U): FormResult<U> {
  return r.ok ? { ok: true, data: f(r.data) } : r;
}

/** What the person typed, to put back in a refused form (the CSRF token and key aside). */
function typedValues(body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (k === '_csrf' || k === '_key') continue;
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) out[k] = v as string | string[];
  }
  return out;
}

/** Where a decision goes back to: the review page it came from, else the task. */
const backTo = (body: unknown) => (textOf(body, 'back') === '/review' ? '/review' : null);

/** The web app's paths (pages for people, not API operations: the OpenAPI document leaves them out). */
export const WEB_PATHS: readonly string[] = [
  '/',
  '/sign-in',
  '/sign-out',
  '/password',
  '/inbox',
  '/tasks',
  '/my-work',
  '/review',
  '/overview',
  '/assets',
  ...REPORT_PATHS,
  ...EXPORT_PATHS,
];

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

  const uploadErrors = new WeakMap<Request, InstanceType<typeof multer.MulterError>>();
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
  // The evidence form is multipart: its body (with the CSRF token) is read before the CSRF check,
  // only for a signed-in officer, within the same limits as the API's upload.
  const maxBytes = deps.evidenceMaxBytes ?? 20 * 1024 * 1024;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: EVIDENCE_MAX_FILES, fields: 10, fieldSize: 16 * 1024, parts: EVIDENCE_MAX_FILES + 10 },
    defParamCharset: 'utf8',
  }).array('files', EVIDENCE_MAX_FILES);
  router.post('/tasks/:id/evidence', (req, res, next) => {
    if (!req.webUser || !grantsAnyRole(req.webUser.roles, ['unit_officer']) || !req.is('multipart/form-data')) return next();
    upload(req, res, (err: unknown) => {
      if (err) uploadErrors.set(req, err instanceof multer.MulterError ? err : new multer.MulterError('LIMIT_PART_COUNT'));
      next();
    });
  });
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
    const filters = q.ok ? q.data : { page: 1, q: undefined, unit: undefined, status: undefined, overdue: undefined, group: undefined };
    const at = now();
    // One round trip's wait, not four: the page's reads are independent (bench/web-render.ts).
    const [{ rows, total }, count, units, cal] = await Promise.all([
      searchTasks(
        db,
        { unitCode: user.unitCode, seesAll: all },
        {
          text: filters.q,
          unit: all ? filters.unit : undefined,
          status: filters.status,
          overdue: filters.overdue === 'true',
          group: filters.group,
        },
        { limit: TASKS_PAGE_SIZE, offset: (filters.page - 1) * TASKS_PAGE_SIZE },
        at,
      ),
      unreadCount(user),
      all ? unitOptions(db) : [],
      workingCalendar(),
    ]);
    sendPage(
      res,
      q.ok ? 200 : 400,
      h(TasksPage, {
        user,
        unreadCount: count,
        seesAll: all,
        values: q.ok
          ? { q: filters.q, unit: filters.unit, status: filters.status, overdue: filters.overdue === 'true', group: filters.group }
          : { q: textOf(req.query, 'q'), unit: textOf(req.query, 'unit'), status: textOf(req.query, 'status') },
        errors: q.ok ? [] : q.errors,
        rows,
        total,
        page: filters.page,
        pageSize: TASKS_PAGE_SIZE,
        units,
        now: at,
        calendar: cal,
      }),
    );
  });

  /** The task a person may see (404 otherwise, as for one that does not exist). */
  async function visibleTask(user: SessionUser, id: string) {
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
    return task;
  }

  const evidenceLimits = { maxBytes, maxFiles: EVIDENCE_MAX_FILES };

  async function showTask(
    req: Request,
    res: express.Response,
    status: number,
    extra: { failed?: FailedForm; notice?: string; uploadedIds?: string[]; back?: string } = {},
  ) {
    const user = webUserOf(req);
    const id = String(req.params.id);
    const task = await visibleTask(user, id);
    const [events, chain, count, cal, state] = await Promise.all([
      taskTimeline(db, id),
      verifyAuditChain(db, id),
      unreadCount(user),
      workingCalendar(),
      taskStateSnapshot(db, id),
    ]);
    const at = now();
    const available = state && deps.temporal ? availableCommands(state, actorOfUser(user), at) : new Set<never>();
    const actions =
      state && available.size
        ? { taskId: id, state, available, csrfToken: user.csrfToken, failed: extra.failed, evidenceLimits, back: extra.back }
        : null;
    const uploaded = extra.uploadedIds && state ? state.evidence.filter((e) => extra.uploadedIds!.includes(e.evidenceId)) : undefined;
    sendPage(
      res,
      status,
      h(TaskPage, {
        user,
        unreadCount: count,
        task,
        events,
        chain,
        now: at,
        calendar: cal,
        state,
        actions,
        notice: extra.notice,
        uploaded,
      }),
    );
  }

  router.get('/tasks/:id', requireSignIn(), async (req, res) => {
    const done = textOf(req.query, 'done') as TaskForm;
    const notice = Object.hasOwn(DONE, done) ? DONE[done] : undefined;
    const ev = textOf(req.query, 'ev');
    await showTask(req, res, 200, { notice, uploadedIds: ev ? ev.split(',').slice(0, EVIDENCE_MAX_FILES) : undefined });
  });

  /** A refusal (the form's fields, the workflow's 409/422/403, an outage) shown at the form, the input kept. */
  async function refuse(req: Request, res: express.Response, form: TaskForm, err: unknown) {
    if (!(err instanceof HttpProblem)) throw err;
    if (err.status === 404) throw new WebError(404, 'Không tìm thấy nhiệm vụ', err.detail ?? err.title);
    const failed: FailedForm = { form, errors: [{ field: '', message: err.detail ?? err.title }], values: typedValues(req.body) };
    await showTask(req, res, err.status, { failed, back: backTo(req.body) ?? undefined });
  }

  const commandSender = (): Client => {
    if (!deps.temporal) throw new WebError(503, 'Chưa thể gửi lệnh', 'Trang này chưa được nối với máy chủ điều phối quy trình.');
    return deps.temporal;
  };

  router.post('/tasks/:id/evidence', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    const id = String(req.params.id);
    await visibleTask(user, id);
    const temporal = commandSender();
    const refused = (errors: FailedForm['errors'], status = 400) =>
      showTask(req, res, status, { failed: { form: 'evidence', errors, values: typedValues(req.body) } });
    const tooMany = uploadErrors.get(req);
    if (tooMany) {
      const message =
        tooMany.code === 'LIMIT_FILE_SIZE'
          ? `Có tệp vượt quá giới hạn ${(maxBytes / 1024 / 1024).toLocaleString('vi-VN')} MB`
          : tooMany.code === 'LIMIT_FILE_COUNT' || tooMany.code === 'LIMIT_UNEXPECTED_FILE'
            ? `Mỗi lần tải lên tối đa ${EVIDENCE_MAX_FILES} tệp`
            : 'Biểu mẫu tải lên không hợp lệ';
      return refused([{ field: 'files', message }], tooMany.code === 'LIMIT_FILE_SIZE' ? 413 : 400);
    }
    const files = (Array.isArray(req.files) ? req.files : []) as Express.Multer.File[];
    const form = parseForm(evidenceFormSchema, req.body);
    if (!form.ok) return refused(form.errors);
    if (!files.length) return refused([{ field: 'files', message: 'Hãy chọn ít nhất một tệp minh chứng' }]);
    const stored: string[] = [];
    for (const file of files) {
      try {
        stored.push((await uploadEvidence(db, temporal, actorOfUser(user), id, file, form.data.description)).id);
      } catch (err) {
        if (!(err instanceof HttpProblem) || err.status === 404) return refuse(req, res, 'evidence', err);
        const before = stored.length ? `Đã tải lên ${stored.length} tệp đầu; ` : '';
        return refused([{ field: 'files', message: `${before}${err.detail ?? err.title}` }], err.status);
      }
    }
    res.redirect(303, `/tasks/${encodeURIComponent(id)}?done=evidence&ev=${stored.join(',')}`);
  });

  router.post('/tasks/:id/:form', requireSignIn(), async (req, res, next) => {
    const form = String(req.params.form) as TaskForm;
    if (!Object.hasOwn(TASK_FORMS, form) || form === 'evidence') return next();
    const user = webUserOf(req);
    const id = String(req.params.id);
    await visibleTask(user, id);
    const temporal = commandSender();
    const { api, parse } = FORM_COMMANDS[form];
    const parsed = parse(req.body);
    if (!parsed.ok)
      return showTask(req, res, 400, {
        failed: { form, errors: parsed.errors, values: typedValues(req.body) },
        back: backTo(req.body) ?? undefined,
      });
    const route = COMMAND_ROUTES[api!] as CommandRoute<unknown>;
    const key = textOf(req.body, '_key');
    const updateId = /^[0-9a-f-]{36}$/.test(key) ? updateIdFor(user.login, key, route.update.name) : undefined;
    try {
      await sendTaskCommand(temporal, actorOfUser(user), route, id, parsed.data, updateId);
    } catch (err) {
      return refuse(req, res, form, err);
    }
    res.redirect(303, backTo(req.body) ?? `/tasks/${encodeURIComponent(id)}?done=${form}`);
  });

  const weekEnd = (at: Date) => {
    const d = vnCivilDate(at);
    const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
    const sunday = new Date(Date.UTC(d.year, d.month - 1, d.day + ((7 - weekday) % 7) + 1));
    return new Date(Date.parse(`${sunday.toISOString().slice(0, 10)}T00:00:00+07:00`));
  };

  router.get('/my-work', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    if (!grantsAnyRole(user.roles, ['unit_officer'])) throw new WebError(404, 'Không tìm thấy trang', 'Trang này dành cho cán bộ đơn vị.');
    const at = now();
    const cal = await workingCalendar();
    const soon = new Date(Date.parse(`${formatCivilDate(cal.addWorkingDays(vnCivilDate(at), 5))}T00:00:00+07:00`));
    const working = ['assigned', 'acknowledged', 'in_progress', 'returned'] as const;
    const limit = 50;
    const [toAcknowledge, returned, overdue, dueSoon, count] = await Promise.all([
      taskQueue(db, { leadUnit: user.unitCode, statuses: ['assigned'], limit }),
      taskQueue(db, { leadUnit: user.unitCode, statuses: ['returned'], limit }),
      taskQueue(db, { leadUnit: user.unitCode, statuses: working, dueBefore: at, limit }),
      taskQueue(db, { leadUnit: user.unitCode, statuses: working, dueFrom: at, dueBefore: soon, limit }),
      unreadCount(user),
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
      unreadCount(user),
      workingCalendar(),
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
          row.state && deps.temporal
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
      unreadCount(user),
      workingCalendar(),
    ]);
    sendPage(res, 200, h(OverviewPage, { user, unreadCount: count, totals: report.totals, overdue, dueThisWeek, now: at, calendar: cal }));
  });

  router.use(reportPagesRouter(deps), exportsRouter(deps), inspectionRouter(deps));

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
