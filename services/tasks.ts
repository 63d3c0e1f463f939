import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { taskEvents } from '../db/repositories/audit';
import { deliveryHistory } from '../db/repositories/deliveries';
import { taskNotifications } from '../db/repositories/notifications';
import {
  findTaskRecord,
  listTasks as listTaskRows,
  type TaskListFilter,
  type TaskListItem,
  type TaskRecord,
} from '../db/repositories/tasks';
import type { Database } from '../db/schema';
import { DomainError } from '../domain/errors';
import type { Actor, CompleteLaunch, LaunchTask } from '../domain/schemas/task';
import { missingSixClear, taskIdFor, workflowIdFor, type DirectiveTaskInput, type SixClear, type TaskState } from '../domain/task';
import type { directiveTask } from '../workflows';
import { getStateQuery } from '../workflows/messages';

/* Tasks: launching one, listing and reading them; used by the API, the CLI and the web pages. */

export interface TaskDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
}

/** The workflow type every task runs; `start<typeof directiveTask>` checks its arguments against the workflow's own signature. */
export const DIRECTIVE_TASK_WORKFLOW = 'directiveTask';

export type LaunchResult =
  | { outcome: 'launched' | 'already_launched'; taskId: string; workflowId: string }
  /** Not started: the launch lacks these of the "6 rõ". */
  | { outcome: 'missing'; missing: SixClear[] };

/**
 * Starts the workflow of one task, unless the launch lacks any of the "6 rõ". The workflow id
 * derives from (directive number, ref), so launching the same item again finds the first
 * workflow (`already_launched`) instead of starting a second. Any other start failure is thrown.
 */
export async function launchTask(
  { temporal, taskQueue }: Pick<TaskDeps, 'temporal' | 'taskQueue'>,
  launch: LaunchTask,
  launchedBy?: Actor,
): Promise<LaunchResult> {
  const missing = missingSixClear(launch);
  if (missing.length) return { outcome: 'missing', missing };
  const taskId = taskIdFor(launch.directiveNumber, launch.ref);
  const workflowId = workflowIdFor(taskId);
  const input: DirectiveTaskInput = { taskId, launch: launch as CompleteLaunch, ...(launchedBy ? { launchedBy } : {}) };
  try {
    // Rejected for the id's whole life, not only while a run is open: a task completed or cancelled is
    // found again, never launched a second time (reopening is its own command, `services/task-reopen.ts`).
    await temporal.workflow.start<typeof directiveTask>(DIRECTIVE_TASK_WORKFLOW, {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { outcome: 'launched', taskId, workflowId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { outcome: 'already_launched', taskId, workflowId };
  }
}

export interface TaskListQuery extends TaskListFilter {
  page: number;
  pageSize: number;
}

/** A page of the tasks the query selects (the caller decides `visibleToUnit`), with the total. */
export async function listTasks(
  db: Kysely<Database>,
  { page, pageSize, ...filter }: TaskListQuery,
): Promise<{ items: TaskListItem[]; page: number; pageSize: number; total: number }> {
  const { items, total } = await listTaskRows(db, filter, { limit: pageSize, offset: (page - 1) * pageSize });
  return { items, page, pageSize, total };
}

/** A task: its live state from the workflow and its read model from the database. */
export async function getTask(
  { db, temporal }: Pick<TaskDeps, 'db' | 'temporal'>,
  taskId: string,
): Promise<{ id: string; state: TaskState; record: TaskRecord }> {
  let state: TaskState;
  try {
    state = await temporal.workflow.getHandle(workflowIdFor(taskId)).query(getStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new DomainError('not_found', `Không có nhiệm vụ ${taskId}`);
    throw err;
  }
  const record = await findTaskRecord(db, taskId);
  if (!record) throw new DomainError('not_found', `Không có nhiệm vụ ${taskId}`);
  return { id: taskId, state, record };
}

/** A task's audit events, its notifications, and every delivery of them with each attempt. */
export async function taskHistory(db: Kysely<Database>, taskId: string) {
  const events = await taskEvents(db, taskId);
  const notifications = await taskNotifications(db, taskId);
  const deliveries = await deliveryHistory(db, taskId);
  return { id: taskId, events, notifications, deliveries };
}
