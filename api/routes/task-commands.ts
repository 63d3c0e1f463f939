import type { Role } from '../../domain/roles';
import { createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import {
  acknowledgeSchema,
  approveSchema,
  cancelSchema,
  decideExtensionSchema,
  reassignSchema,
  recordMeasurementSchema,
  reportProgressSchema,
  requestExtensionSchema,
  returnSchema,
  submitReportSchema,
  submitSchema,
} from '../../domain/schemas/task-commands';
import { COMMAND_FAILURES, workflowIdFor, type Envelope, type TaskState } from '../../domain/task';
import * as messages from '../../workflows/messages';
import { actorOf } from '../auth';
import { HttpProblem, notFound, parseOr400, PROBLEM_TYPES, serviceUnavailable } from '../problems';
import { taskIdParams } from './params';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { assertUnitReceivesWork } from '../../services/units';
import { assertCanCommand } from '../visibility';

export interface CommandRoute<C> {
  update: UpdateDefinition<TaskState, [Envelope<C>]>;
  schema: z.ZodType<C>;
}
export const route = <C>(update: UpdateDefinition<TaskState, [Envelope<C>]>, schema: z.ZodType<C>): CommandRoute<C> => ({ update, schema });

/**
 * Each lifecycle command as `POST /api/v1/tasks/:id/<name>`; the workflow's validator has the last word.
 * Evidence is not here: `routes/evidence.ts` takes the file as multipart and sends `attachEvidence` itself.
 */
export const COMMAND_ROUTES = {
  acknowledge: route(messages.acknowledgeUpdate, acknowledgeSchema),
  progress: route(messages.reportProgressUpdate, reportProgressSchema),
  measurements: route(messages.recordMeasurementUpdate, recordMeasurementSchema),
  submit: route(messages.submitUpdate, submitSchema),
  approve: route(messages.approveUpdate, approveSchema),
  return: route(messages.returnUpdate, returnSchema),
  'extension-requests': route(messages.requestExtensionUpdate, requestExtensionSchema),
  'extension-decision': route(messages.decideExtensionUpdate, decideExtensionSchema),
  reassign: route(messages.reassignUpdate, reassignSchema),
  cancel: route(messages.cancelUpdate, cancelSchema),
  reports: route(messages.submitReportUpdate, submitReportSchema),
} as const;
export type CommandName = keyof typeof COMMAND_ROUTES;

const STATUS_BY_FAILURE: Record<string, [number, string, string]> = {
  [COMMAND_FAILURES.invalidState]: [409, PROBLEM_TYPES.conflict, 'Trạng thái nhiệm vụ không cho phép'],
  [COMMAND_FAILURES.forbidden]: [403, 'forbidden', 'Không có quyền'],
  [COMMAND_FAILURES.invalid]: [422, 'invalid-command', 'Lệnh không hợp lệ'],
};

/** A rejected Update becomes the matching problem; anything else is not the client's fault. */
export function problemFromUpdateError(err: unknown, taskId: string): unknown {
  // An Update sent to a finished workflow: the task is closed. The server answers NOT_FOUND, which
  // the SDK raises as WorkflowNotFoundError, so this test comes first.
  if (err instanceof Error && /workflow execution already completed/i.test(err.message)) {
    return new HttpProblem(409, PROBLEM_TYPES.conflict, 'Nhiệm vụ đã kết thúc', `Nhiệm vụ ${taskId} đã kết thúc, không nhận thêm lệnh`);
  }
  if (err instanceof WorkflowNotFoundError) return notFound(`Không có nhiệm vụ ${taskId}`);
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const mapped = err.cause.type ? STATUS_BY_FAILURE[err.cause.type] : undefined;
    if (mapped) return new HttpProblem(mapped[0], mapped[1], mapped[2], err.cause.message);
  }
  return err;
}

/** Sends one command as an Update carrying the authenticated actor; answers the new state. */
export async function sendCommand(temporal: Client, req: Request, name: CommandName, taskId: string, body: unknown): Promise<TaskState> {
  return sendUpdate(temporal, req, COMMAND_ROUTES[name] as CommandRoute<unknown>, taskId, body);
}

/**
 * How long a command waits for its Update's outcome. The Update is accepted (in history) before its
 * audit row is written; while PostgreSQL is down or no worker is running, the write waits for it,
 * and the API answers 503 rather than hold the request open. The retry with the same
 * Idempotency-Key is the same Update (`updateIdFor`): it gets that Update's outcome, never a second one.
 */
export const COMMAND_WAIT_MS = 30_000;

/**
 * The Update id of a command sent with an Idempotency-Key: the same (login, key, command) always
 * gives the same id, so a retry after a 503, a timeout or a lost answer joins the first Update.
 */
export function updateIdFor(login: string, idempotencyKey: string, name: string): string {
  return `idem-${createHash('sha256').update(`${login}\n${idempotencyKey}\n${name}`).digest('hex').slice(0, 40)}`;
}

/**
 * `sendCommand` for a command outside COMMAND_ROUTES. With `updateId` (or an Idempotency-Key),
 * sending again is the same Update: Temporal answers the first one's outcome instead of applying it twice.
 */
export async function sendUpdate<C>(
  temporal: Client,
  req: Request,
  commandRoute: CommandRoute<C>,
  taskId: string,
  body: unknown,
  updateId?: string,
): Promise<TaskState> {
  const actor = actorOf(req);
  const key = req.get('idempotency-key');
  const id = updateId ?? (key ? updateIdFor(actor.login, key, commandRoute.update.name) : undefined);
  return executeCommand(temporal, actor, commandRoute, taskId, body, {
    updateId: id,
    // The Update goes on; only this request stops waiting for it.
    pending: () =>
      serviceUnavailable(
        'pending',
        `Lệnh chưa được ghi nhận xong sau ${COMMAND_WAIT_MS / 1000} giây (máy chủ xử lý hoặc cơ sở dữ liệu đang gián đoạn); lệnh có thể đã được tiếp nhận. Hãy gửi lại đúng yêu cầu này với cùng tiêu đề Idempotency-Key để nhận kết quả, lệnh sẽ không bị thực hiện hai lần`,
      ),
  });
}

/**
 * One command as a Workflow Update, for the API and the web pages alike: the envelope with the
 * verified actor, a wait bounded by COMMAND_WAIT_MS (then `pending()` is thrown), and refusals
 * mapped to 409/403/422 problems.
 */
export async function executeCommand<C>(
  temporal: Client,
  actor: { login: string; unitCode: string; roles: Role[] },
  { update, schema }: CommandRoute<C>,
  taskId: string,
  body: unknown,
  opts: { updateId?: string; pending: () => Error },
): Promise<TaskState> {
  const command = parseOr400(schema, body);
  const handle = temporal.workflow.getHandle(workflowIdFor(taskId));
  const outcome = handle.executeUpdate(update, {
    args: [{ actor: { userId: actor.login, unitCode: actor.unitCode, roles: actor.roles }, command }],
    ...(opts.updateId ? { updateId: opts.updateId } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), COMMAND_WAIT_MS);
  });
  try {
    const first = await Promise.race([outcome, waited]);
    if (first === 'timeout') {
      outcome.catch(() => undefined);
      throw opts.pending();
    }
    return first;
  } catch (err) {
    // A workflow that completes while this Update is on its way (two officers approving at once)
    // answers NOT_FOUND without saying it completed: the task is there, and closed.
    if (err instanceof WorkflowNotFoundError && !/workflow execution already completed/i.test(err.message)) {
      const closed = await handle.describe().then(
        (d) => d.status.name !== 'RUNNING',
        () => false,
      );
      if (closed)
        throw new HttpProblem(409, PROBLEM_TYPES.conflict, 'Nhiệm vụ đã kết thúc', `Nhiệm vụ ${taskId} đã kết thúc, không nhận thêm lệnh`);
    }
    throw problemFromUpdateError(err, taskId);
  } finally {
    clearTimeout(timer);
  }
}

/** The lifecycle commands. Object-level checks happen in the workflow's validators, against the task's current units. */
export function taskCommandsRouter({ temporal, db }: { temporal: Client; db: Kysely<Database> }): Router {
  const router = Router();
  for (const name of Object.keys(COMMAND_ROUTES) as CommandName[]) {
    router.post(`/:id/${name}`, async (req, res) => {
      const { id } = parseOr400(taskIdParams, req.params, 'path');
      await assertCanCommand(db, temporal, actorOf(req), id);
      // The registry is not the workflow's to read: a reassignment to a unit that cannot receive work is refused here.
      if (name === 'reassign') {
        const { newLeadUnit } = parseOr400(reassignSchema, req.body);
        await assertUnitReceivesWork(db, newLeadUnit, 'newLeadUnit');
      }
      const state = await sendCommand(temporal, req, name, id, req.body);
      res.json({ id, state });
    });
  }
  return router;
}
