import { WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { DomainError } from '../domain/errors';
import { reopenRefusal } from '../domain/lifecycle/commands';
import type { Actor, CompleteLaunch } from '../domain/schemas/task';
import type { ReopenCommand } from '../domain/schemas/task-commands';
import { COMMAND_FAILURES, workflowIdFor, type DirectiveTaskInput, type TaskState } from '../domain/task';
import type { directiveTask } from '../workflows';
import { getStateQuery } from '../workflows/messages';
import { startTaskRun, type TaskDeps } from './tasks';

/*
 * Reopening a closed task. A closed workflow takes no Update, so the same workflow id starts a new run
 * carrying the closed state (as continue-as-new carries it); its first act records the 'reopened' event,
 * so the same task and audit chain continue at the next seq. Launching again never starts a run
 * (`launchTask` rejects a duplicate id): reopening is the only way a task's workflow id runs again.
 */

/** The launch as its 'launched' event recorded it: the new run plans by the same policy. */
async function recordedLaunch(db: Kysely<Database>, taskId: string): Promise<CompleteLaunch> {
  const row = await db
    .selectFrom('audit_events')
    .select('payload')
    .where('task_id', '=', taskId)
    .where('kind', '=', 'launched')
    .executeTakeFirst();
  const launch = (row?.payload as { launch?: CompleteLaunch } | undefined)?.launch;
  if (!launch) throw new DomainError('not_found', `Không có nhiệm vụ ${taskId}`);
  return launch;
}

/** Reopens a completed or cancelled task with a reason and a new deadline; answers its state once reopened. */
export async function reopenTask(
  { db, temporal, taskQueue }: TaskDeps,
  taskId: string,
  command: ReopenCommand,
  actor: Actor,
): Promise<TaskState> {
  const workflowId = workflowIdFor(taskId);
  const handle = temporal.workflow.getHandle<typeof directiveTask>(workflowId);
  let closed: TaskState;
  try {
    // The state by query, closed or not: waiting on a result is not needed for a closed run, and a
    // time-skipping test server would skip time while a client waits on one.
    closed = await handle.query(getStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new DomainError('not_found', `Không có nhiệm vụ ${taskId}`);
    throw err;
  }
  const refusal = reopenRefusal(closed, command, actor, Date.now());
  if (refusal) throw new DomainError(refusal.type === COMMAND_FAILURES.invalid ? 'invalid' : 'conflict', refusal.message);

  const input: DirectiveTaskInput = {
    taskId,
    launch: await recordedLaunch(db, taskId),
    carried: { state: closed, cursor: new Date().toISOString() },
    reopen: { command, actor },
  };
  if (!(await startTaskRun({ temporal, taskQueue }, input, 'ALLOW_DUPLICATE')))
    throw new DomainError('conflict', `Nhiệm vụ ${taskId} đang được thực hiện (có thể vừa được mở lại)`);
  // As every command does, answer once the event is recorded (audit row, read model, outbox).
  await recorded(db, taskId, closed.auditSeq + 1);
  return temporal.workflow.getHandle(workflowId).query(getStateQuery);
}

/** Waits until the read model has taken the event of `seq`; the run writes it as its first act. */
async function recorded(db: Kysely<Database>, taskId: string, seq: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.selectFrom('tasks').select('audit_seq').where('id', '=', taskId).executeTakeFirst();
    if (row && row.audit_seq >= seq) return;
    if (Date.now() > until) throw new Error(`Nhiệm vụ ${taskId} đã được mở lại nhưng chưa ghi nhận xong sau ${timeoutMs / 1000} giây`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
