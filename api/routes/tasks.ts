import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import { launchTaskSchema, missingSixClear, SIX_CLEAR_LABELS_VI, taskIdFor, workflowIdFor, type CompleteLaunch, type DirectiveTaskInput } from '../../domain/task';
import { getStateQuery } from '../../workflows/messages';
import { HttpProblem, notFound, parseOr400, PROBLEM_TYPES } from '../problems';

export interface TasksRouterDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
}

const taskIdParams = z.object({ id: z.string().regex(/^[a-z0-9.-]{1,200}$/, 'mã nhiệm vụ không hợp lệ') });

/** Launching and reading tasks. */
export function tasksRouter({ db, temporal, taskQueue }: TasksRouterDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
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

  router.get('/:id', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params, 'path');
    const handle = temporal.workflow.getHandle(workflowIdFor(id));
    let state;
    try {
      state = await handle.query(getStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`Không có nhiệm vụ ${id}`);
      throw err;
    }
    const record = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
    res.json({ id, state, record: record ?? null });
  });

  return router;
}
