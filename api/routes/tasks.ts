import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import { verifyAuditChain } from '../../db/repositories/audit';
import { deliveryHistory } from '../../db/repositories/deliveries';
import { launchTaskSchema, type CompleteLaunch } from '../../domain/schemas/task';
import { missingSixClear, OPEN_STATUSES, SIX_CLEAR_LABELS_VI, taskIdFor, workflowIdFor, type DirectiveTaskInput } from '../../domain/task';
import { getStateQuery } from '../../workflows/messages';
import { actorOf, requireRole } from '../auth';
import { HttpProblem, notFound, parseOr400, PROBLEM_TYPES } from '../problems';
import { assertCanRead, seesAll } from '../visibility';
import { taskIdParams } from './params';

export interface TasksRouterDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
}

export const taskListQuerySchema = z.object({
  unit: z.string().regex(/^[A-Z0-9_]{2,40}$/).optional(),
  directive: z.string().min(1).max(100).optional(),
  statusGroup: z.enum(['completed_on_time', 'completed_late', 'in_progress_on_time', 'in_progress_overdue', 'cancelled']).optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  dueFrom: z.iso.datetime({ offset: true }).optional(),
  dueTo: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** Launching, listing and reading tasks. */
export function tasksRouter({ db, temporal, taskQueue }: TasksRouterDeps): Router {
  const router = Router();

  router.post('/', requireRole('secretariat'), async (req, res) => {
    const body = parseOr400(launchTaskSchema, req.body);
    const missing = missingSixClear(body);
    if (missing.length) {
      throw new HttpProblem(
        422,
        PROBLEM_TYPES.missingSixClear,
        'Nhiệm vụ chưa đủ "6 rõ"',
        `Chưa thể giao nhiệm vụ: còn thiếu ${missing.map((m) => SIX_CLEAR_LABELS_VI[m]).join('; ')}`,
        missing.map((m) => ({ path: m, reason: SIX_CLEAR_LABELS_VI[m] })),
      );
    }
    const taskId = taskIdFor(body.directiveNumber, body.ref);
    const input: DirectiveTaskInput = { taskId, launch: body as CompleteLaunch };
    let created = true;
    try {
      await temporal.workflow.start('directiveTask', { taskQueue, workflowId: workflowIdFor(taskId), args: [input] });
    } catch (err) {
      // The id is derived from (directive, ref): a repeated launch finds the running workflow.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      created = false;
    }
    const location = `${req.baseUrl}/${taskId}`;
    res.status(created ? 202 : 200).location(location).json({ id: taskId, workflowId: workflowIdFor(taskId), created, location });
  });

  router.get('/', async (req, res) => {
    const q = parseOr400(taskListQuerySchema, req.query, 'query');
    const actor = actorOf(req);
    let query = db.selectFrom('tasks');
    if (!seesAll(actor)) {
      query = query.where((eb) =>
        eb.or([eb('lead_unit', '=', actor.unitCode), eb('co_lead_unit', '=', actor.unitCode), eb(sql.val(actor.unitCode), '=', eb.fn.any('coordinating_units'))]),
      );
    }
    if (q.unit) query = query.where((eb) => eb.or([eb('lead_unit', '=', q.unit!), eb('co_lead_unit', '=', q.unit!)]));
    if (q.directive) query = query.where('directive_number', '=', q.directive);
    if (q.dueFrom) query = query.where('due_at', '>=', new Date(q.dueFrom));
    if (q.dueTo) query = query.where('due_at', '<=', new Date(q.dueTo));
    const open = [...OPEN_STATUSES];
    if (q.overdue !== undefined) {
      query = q.overdue
        ? query.where('status', 'in', open).where('due_at', '<', sql<Date>`now()`)
        : query.where((eb) => eb.not(eb.and([eb('status', 'in', open), eb('due_at', '<', sql<Date>`now()`)])));
    }
    switch (q.statusGroup) {
      case 'completed_on_time':
      case 'completed_late':
        query = query.where('outcome', '=', q.statusGroup);
        break;
      case 'in_progress_overdue':
        query = query.where('status', 'in', open).where('due_at', '<', sql<Date>`now()`);
        break;
      case 'in_progress_on_time':
        query = query.where('status', 'in', open).where((eb) => eb.or([eb('due_at', 'is', null), eb('due_at', '>=', sql<Date>`now()`)]));
        break;
      case 'cancelled':
        query = query.where('status', '=', 'cancelled');
        break;
    }
    const { total } = await query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
    const items = await query
      .select(['id', 'directive_number', 'ref', 'title', 'lead_unit', 'co_lead_unit', 'coordinating_units', 'status', 'original_due_at', 'due_at', 'outcome', 'extension_count', 'escalation_level', 'late_units', 'launched_at', 'completed_at'])
      .orderBy('due_at', (ob) => ob.asc().nullsLast())
      .orderBy('id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    res.json({ items, page: q.page, pageSize: q.pageSize, total: Number(total) });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params, 'path');
    await assertCanRead(db, actorOf(req), id);
    let state;
    try {
      state = await temporal.workflow.getHandle(workflowIdFor(id)).query(getStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`Không có nhiệm vụ ${id}`);
      throw err;
    }
    const { state: _snapshot, ...record } = (await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as Record<string, unknown>;
    res.json({ id, state, record });
  });

  router.get('/:id/history', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params, 'path');
    await assertCanRead(db, actorOf(req), id);
    const events = await db
      .selectFrom('audit_events')
      .select(['seq', 'kind', 'occurred_at', 'actor', 'payload', 'prev_hash', 'hash', 'recorded_at'])
      .where('task_id', '=', id)
      .orderBy('seq')
      .execute();
    const notifications = await db
      .selectFrom('notifications')
      .select(['key', 'audit_seq', 'kind', 'step', 'level', 'recipient_role', 'recipient_unit', 'scheduled_at', 'subject', 'status', 'dispatched_at'])
      .where('task_id', '=', id)
      .orderBy('audit_seq')
      .execute();
    // Every delivery of those notifications, with each attempt and its outcome (inbox, e-mail, webhook).
    const deliveries = await deliveryHistory(db, id);
    res.json({ id, events, notifications, deliveries });
  });

  router.get('/:id/audit/verify', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params, 'path');
    await assertCanRead(db, actorOf(req), id);
    res.json(await verifyAuditChain(db, id));
  });

  return router;
}
