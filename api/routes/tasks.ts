import { Router } from 'express';
import { z } from 'zod';
import { verifyAuditChain } from '../../db/repositories/audit';
import { launchTaskSchema } from '../../domain/schemas/task';
import { reopenSchema } from '../../domain/schemas/task-commands';
import { SIX_CLEAR_LABELS_VI } from '../../domain/task';
import { reopenTask } from '../../services/task-reopen';
import { getTask, launchTask, listTasks, taskHistory, type TaskDeps } from '../../services/tasks';
import { actorOf, recordedActorOf, requireRole } from '../auth';
import { HttpProblem, parseOr400, PROBLEM_TYPES } from '../problems';
import { assertCanRead, seesAll } from '../visibility';
import { taskIdParams } from './params';

export const taskListQuerySchema = z.object({
  unit: z
    .string()
    .regex(/^[A-Z0-9_]{2,40}$/)
    .optional(),
  directive: z.string().min(1).max(100).optional(),
  statusGroup: z.enum(['completed_on_time', 'completed_late', 'in_progress_on_time', 'in_progress_overdue', 'cancelled']).optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  dueFrom: z.iso.datetime({ offset: true }).optional(),
  dueTo: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** Launching, listing and reading tasks. */
export function tasksRouter(deps: TaskDeps): Router {
  const router = Router();

  router.post('/', requireRole('secretariat'), async (req, res) => {
    const result = await launchTask(deps, parseOr400(launchTaskSchema, req.body), recordedActorOf(req));
    if (result.outcome === 'missing') {
      throw new HttpProblem(
        422,
        PROBLEM_TYPES.missingSixClear,
        'Nhiệm vụ chưa đủ "6 rõ"',
        `Chưa thể giao nhiệm vụ: còn thiếu ${result.missing.map((m) => SIX_CLEAR_LABELS_VI[m]).join('; ')}`,
        result.missing.map((m) => ({ path: m, reason: SIX_CLEAR_LABELS_VI[m] })),
      );
    }
    const created = result.outcome === 'launched';
    const location = `${req.baseUrl}/${result.taskId}`;
    res
      .status(created ? 202 : 200)
      .location(location)
      .json({ id: result.taskId, workflowId: result.workflowId, created, location });
  });

  // Not a COMMAND_ROUTES Update: a closed workflow takes none, so reopening starts the task's next run.
  router.post('/:id/reopen', requireRole('secretariat'), async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params, 'path');
    const command = parseOr400(reopenSchema, req.body);
    res.json({ id, state: await reopenTask(deps, id, command, recordedActorOf(req)) });
  });

  router.get('/', async (req, res) => {
    const { dueFrom, dueTo, ...q } = parseOr400(taskListQuerySchema, req.query, 'query');
    const actor = actorOf(req);
    const visibleToUnit = seesAll(actor) ? null : actor.unitCode;
    res.json(
      await listTasks(deps.db, {
        ...q,
        visibleToUnit,
        dueFrom: dueFrom ? new Date(dueFrom) : undefined,
        dueTo: dueTo ? new Date(dueTo) : undefined,
      }),
    );
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params, 'path');
    await assertCanRead(deps.db, actorOf(req), id, deps.temporal);
    res.json(await getTask(deps, id));
  });

  router.get('/:id/history', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params, 'path');
    await assertCanRead(deps.db, actorOf(req), id);
    res.json(await taskHistory(deps.db, id));
  });

  router.get('/:id/audit/verify', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params, 'path');
    await assertCanRead(deps.db, actorOf(req), id);
    res.json(await verifyAuditChain(deps.db, id));
  });

  return router;
}
