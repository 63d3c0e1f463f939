import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { h } from 'preact';
import { HttpProblem } from '../../api/problems';
import { COMMAND_ROUTES, updateIdFor, type CommandRoute } from '../../api/routes/task-commands';
import { seesAll } from '../../api/visibility';
import { verifyAuditChain } from '../../db/repositories/audit';
import type { SessionUser } from '../../db/repositories/sessions';
import { findTaskDetail, searchTasks, taskStateSnapshot, taskTimeline, unitOptions } from '../../db/repositories/task-views';
import { taskUnits } from '../../db/repositories/tasks';
import { grantsAnyRole } from '../../domain/roles';
import { actorOfUser, requireSignIn, webUserOf } from '../auth/session';
import { availableCommands, sendTaskCommand, uploadEvidence } from '../commands';
import { WebError } from '../errors';
import { evidenceFormSchema, parseForm, taskSearchQuerySchema, textOf } from '../forms';
import { TASK_FORMS, type FailedForm, type TaskForm } from '../pages/task-actions';
import { TaskPage, TasksPage } from '../pages/task-pages';
import { sendPage } from '../render';
import type { WebContext } from './context';
import { backTo, DONE, FORM_COMMANDS, typedValues } from './task-forms';

/** Evidence files one upload form takes at once. */
export const EVIDENCE_MAX_FILES = 5;

const TASKS_PAGE_SIZE = 25;

/**
 * The evidence form is multipart: its body (with the CSRF token) is read before the CSRF check,
 * only for a signed-in officer, within the same limits as the API's upload. Mounted before `csrfProtection`.
 */
export function evidenceUploads(ctx: WebContext): Router {
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: ctx.evidenceMaxBytes,
      files: EVIDENCE_MAX_FILES,
      fields: 10,
      fieldSize: 16 * 1024,
      parts: EVIDENCE_MAX_FILES + 10,
    },
    defParamCharset: 'utf8',
  }).array('files', EVIDENCE_MAX_FILES);
  router.post('/tasks/:id/evidence', (req, res, next) => {
    if (!req.webUser || !grantsAnyRole(req.webUser.roles, ['unit_officer']) || !req.is('multipart/form-data')) return next();
    upload(req, res, (err: unknown) => {
      if (err) ctx.uploadErrors.set(req, err instanceof multer.MulterError ? err : new multer.MulterError('LIMIT_PART_COUNT'));
      next();
    });
  });
  return router;
}

/** The task search (Nhiệm vụ), a task's page with its timeline, and the forms of its commands. */
export function taskRoutes(ctx: WebContext): Router {
  const { db, now } = ctx;
  const router = Router();
  const maxBytes = ctx.evidenceMaxBytes;

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
      ctx.unreadCount(user),
      all ? unitOptions(db) : [],
      ctx.workingCalendar(),
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
    res: Response,
    status: number,
    extra: { failed?: FailedForm; notice?: string; uploadedIds?: string[]; back?: string } = {},
  ) {
    const user = webUserOf(req);
    const id = String(req.params.id);
    const task = await visibleTask(user, id);
    const [events, chain, count, cal, state] = await Promise.all([
      taskTimeline(db, id),
      verifyAuditChain(db, id),
      ctx.unreadCount(user),
      ctx.workingCalendar(),
      taskStateSnapshot(db, id),
    ]);
    const at = now();
    const available = state && ctx.temporal ? availableCommands(state, actorOfUser(user), at) : new Set<never>();
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
  async function refuse(req: Request, res: Response, form: TaskForm, err: unknown) {
    if (!(err instanceof HttpProblem)) throw err;
    if (err.status === 404) throw new WebError(404, 'Không tìm thấy nhiệm vụ', err.detail ?? err.title);
    const failed: FailedForm = { form, errors: [{ field: '', message: err.detail ?? err.title }], values: typedValues(req.body) };
    await showTask(req, res, err.status, { failed, back: backTo(req.body) ?? undefined });
  }

  router.post('/tasks/:id/evidence', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    const id = String(req.params.id);
    await visibleTask(user, id);
    const temporal = ctx.commandSender();
    const refused = (errors: FailedForm['errors'], status = 400) =>
      showTask(req, res, status, { failed: { form: 'evidence', errors, values: typedValues(req.body) } });
    const tooMany = ctx.uploadErrors.get(req);
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
    const temporal = ctx.commandSender();
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

  return router;
}
