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
import {
  earlierTaskIdsFor,
  idSlug,
  issuerKey,
  missingSixClear,
  taskIdFor,
  type DirectiveIdentity,
  workflowIdFor,
  type DirectiveTaskInput,
  type SixClear,
  type TaskState,
} from '../domain/task';
import type { directiveTask } from '../workflows';
import { getStateQuery } from '../workflows/messages';
import { initialState } from '../domain/lifecycle/state';
import { standingOfficeFor } from '../domain/lifecycle/outbox';
import { issueYearOf } from '../domain/directive';
import { directivesNumbered } from '../db/repositories/directives';
import { assertLaunchUnits } from './units';

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
 * derives from (directive number, issue year, issuer, ref) (`resolveDirective` completes the year
 * and issuer), so launching the same item again finds the first workflow (`already_launched`)
 * instead of starting a second; a task launched under an earlier id scheme (`earlierTaskIdsFor`) is
 * found by its row. An id held by another item is a conflict. Any other start failure is thrown.
 */
export async function launchTask(
  { db, temporal, taskQueue }: Pick<TaskDeps, 'db' | 'temporal' | 'taskQueue'>,
  request: LaunchTask,
  launchedBy?: Actor,
  /** The directive, when the caller knows it (a registered directive's launch): then nothing is looked up. */
  known?: DirectiveIdentity,
): Promise<LaunchResult> {
  for (const [path, value] of [
    ['directiveNumber', request.directiveNumber],
    ['ref', request.ref],
  ] as const) {
    if (!idSlug(value))
      throw new DomainError('invalid', `"${value}" không có chữ cái hay chữ số nào để làm mã nhiệm vụ`, [
        { path, reason: 'cần ít nhất một chữ cái hoặc chữ số' },
      ]);
  }
  const missing = missingSixClear(request);
  if (missing.length) return { outcome: 'missing', missing };
  const { deadline } = request as CompleteLaunch;
  if (deadline.kind === 'recurring' && deadline.until && Date.parse(deadline.until) <= Date.now()) {
    // Its last period would already be over: the workflow would wait for a period that never opens.
    throw new DomainError('invalid', `Nghĩa vụ định kỳ đã kết thúc: thời điểm kết thúc ${deadline.until} đã qua`, [
      { path: 'deadline.until', reason: 'thời điểm kết thúc đã qua' },
    ]);
  }
  await assertLaunchUnits(db, request);
  const directive = known ?? (await resolveDirective(db, request));
  const launch: CompleteLaunch = {
    ...(request as CompleteLaunch),
    directiveYear: directive.directiveYear,
    ...(directive.directiveIssuer ? { directiveIssuer: directive.directiveIssuer } : {}),
    // Written into the launch, so the task keeps the office it was launched with whatever the rule becomes.
    standingOffice: request.standingOffice ?? standingOfficeFor(request.directiveNumber, request.decidedBy!, directive.directiveIssuer),
  };
  const item = { ...directive, ref: launch.ref };
  const taskId = taskIdFor(directive, launch.ref);
  for (const earlier of earlierTaskIdsFor(launch.directiveNumber, launch.ref)) {
    if (earlier !== taskId && (await heldBy(db, earlier, item)) === 'same')
      return { outcome: 'already_launched', taskId: earlier, workflowId: workflowIdFor(earlier) };
  }
  const workflowId = workflowIdFor(taskId);
  const input: DirectiveTaskInput = { taskId, launch, ...(launchedBy ? { launchedBy } : {}) };
  // Rejected for the id's whole life, not only while a run is open: a task completed or cancelled is
  // found again, never launched a second time (reopening is its own command, `services/task-reopen.ts`).
  if (await startTaskRun({ temporal, taskQueue }, input, 'REJECT_DUPLICATE')) return { outcome: 'launched', taskId, workflowId };
  const holder = await heldBy(db, taskId, item);
  if (holder !== 'same' && holder !== 'nobody') {
    throw new DomainError(
      'conflict',
      `Mã nhiệm vụ ${taskId} đã thuộc về mục ${holder.ref} của văn bản ${holder.directiveNumber} năm ${holder.directiveYear ?? '?'}, không phải mục ${launch.ref} của văn bản ${launch.directiveNumber} năm ${directive.directiveYear}`,
    );
  }
  return { outcome: 'already_launched', taskId, workflowId };
}

/** Starts a run of the task's workflow; false when its id is taken under `reuse` (a run open, or with REJECT_DUPLICATE ever). */
export async function startTaskRun(
  { temporal, taskQueue }: Pick<TaskDeps, 'temporal' | 'taskQueue'>,
  input: DirectiveTaskInput,
  reuse: 'ALLOW_DUPLICATE' | 'REJECT_DUPLICATE',
): Promise<boolean> {
  try {
    await temporal.workflow.start<typeof directiveTask>(DIRECTIVE_TASK_WORKFLOW, {
      taskQueue,
      workflowId: workflowIdFor(input.taskId),
      args: [input],
      workflowIdReusePolicy: reuse,
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/**
 * The directive a launch belongs to: the year and issuer it names; what it leaves out comes from the
 * registered directive of that number (and year, and issuer, when named). With none registered, the
 * year is the launch's own in +07:00 and there is no issuer; with several to choose from, the launch
 * must say which (422 naming `directiveYear` or `directiveIssuer`).
 */
export async function resolveDirective(db: Kysely<Database>, launch: LaunchTask, now = new Date()): Promise<DirectiveIdentity> {
  const { directiveNumber } = launch;
  if (launch.directiveYear !== undefined && launch.directiveIssuer !== undefined)
    return { directiveNumber, directiveYear: launch.directiveYear, directiveIssuer: launch.directiveIssuer };
  const registered = await directivesNumbered(db, directiveNumber, {
    issueYear: launch.directiveYear,
    issuerKey: launch.directiveIssuer === undefined ? undefined : issuerKey(launch.directiveIssuer),
  });
  if (registered.length > 1) {
    const path =
      launch.directiveYear === undefined && new Set(registered.map((d) => d.issueYear)).size > 1 ? 'directiveYear' : 'directiveIssuer';
    const which = registered.map((d) => `năm ${d.issueYear}${d.issuer ? ` của ${d.issuer}` : ''}`).join('; ');
    throw new DomainError(
      'invalid',
      `Có ${registered.length} văn bản số ${directiveNumber} đã đăng ký (${which}): hãy ghi rõ văn bản nào`,
      [
        {
          path,
          reason: path === 'directiveYear' ? 'bắt buộc: số hiệu này có ở nhiều năm' : 'bắt buộc: số hiệu này có ở nhiều cơ quan ban hành',
        },
      ],
    );
  }
  const [one] = registered;
  return {
    directiveNumber,
    directiveYear: launch.directiveYear ?? one?.issueYear ?? issueYearOf(null, now),
    directiveIssuer: launch.directiveIssuer ?? one?.issuer ?? null,
  };
}

/**
 * Which item holds a task id, by its row: the same (directive number, year, issuer, ref) exactly,
 * another one, or none yet (a workflow whose first row is still being written is taken to be this
 * item's: a new id is a hash of the exact parts, so only an earlier id can be another's, and their rows exist).
 */
async function heldBy(
  db: Kysely<Database>,
  taskId: string,
  item: DirectiveIdentity & { ref: string },
): Promise<'same' | 'nobody' | { directiveNumber: string; directiveYear: number | null; ref: string }> {
  const row = await db
    .selectFrom('tasks')
    .select(['directive_number', 'directive_year', 'directive_issuer_key', 'ref'])
    .where('id', '=', taskId)
    .executeTakeFirst();
  if (!row) return 'nobody';
  if (
    row.directive_number === item.directiveNumber &&
    row.ref === item.ref &&
    row.directive_year === item.directiveYear &&
    row.directive_issuer_key === issuerKey(item.directiveIssuer)
  )
    return 'same';
  return { directiveNumber: row.directive_number, directiveYear: row.directive_year, ref: row.ref };
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

/** How long a read waits for a query before answering from the launch (a task whose worker has not picked it up yet). */
export const LIVE_QUERY_WAIT_MS = 2_000;

/**
 * The state of a task whose row is not written yet (its first activity is on its way): the workflow's
 * answer to the query, or, when no worker answers in time, the state its launch gives (the input of
 * its first history event). Null when there is no such workflow.
 */
export async function stateBeforeRecord({ temporal }: Pick<TaskDeps, 'temporal'>, taskId: string): Promise<TaskState | null> {
  const handle = temporal.workflow.getHandle<typeof directiveTask>(workflowIdFor(taskId));
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), LIVE_QUERY_WAIT_MS);
  });
  // Cancelled once the wait is over: a query left running would go on retrying against a connection
  // the process may close meanwhile.
  const abort = new AbortController();
  const query = temporal.withAbortSignal(abort.signal, () => handle.query(getStateQuery));
  query.catch(() => undefined);
  try {
    const first = await Promise.race([query, waited]);
    if (first !== 'timeout') return first;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  try {
    const history = await handle.fetchHistory();
    const started = history.events?.[0];
    const attrs = started?.workflowExecutionStartedEventAttributes;
    const payload = attrs?.input?.payloads?.[0];
    if (!payload || !started?.eventTime) return null;
    const input = (await temporal.options.loadedDataConverter.payloadConverter.fromPayload(payload)) as DirectiveTaskInput;
    const seconds = Number(started.eventTime.seconds ?? 0);
    const at = new Date(seconds * 1000 + Math.floor((started.eventTime.nanos ?? 0) / 1e6)).toISOString();
    return initialState(input, at);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** The units that see a task, from its live state (as `taskUnits` reads them from the row). */
export const unitsOfState = (s: TaskState): string[] => [
  s.leadUnit,
  ...(s.coLeadUnit ? [s.coLeadUnit] : []),
  ...s.coordinatingUnits,
  ...s.leadHistory.map((h) => h.unitCode),
];

/**
 * A task: its live state from the workflow and its read model from the database. From the moment
 * its launch is accepted: before the first row is written, `record` is null and the state comes from
 * `stateBeforeRecord`.
 */
export async function getTask(
  { db, temporal }: Pick<TaskDeps, 'db' | 'temporal'>,
  taskId: string,
): Promise<{ id: string; state: TaskState; record: TaskRecord | null }> {
  const record = await findTaskRecord(db, taskId);
  if (!record) {
    const state = await stateBeforeRecord({ temporal }, taskId);
    if (!state) throw new DomainError('not_found', `Không có nhiệm vụ ${taskId}`);
    return { id: taskId, state, record: null };
  }
  let state: TaskState;
  try {
    state = await temporal.workflow.getHandle(workflowIdFor(taskId)).query(getStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new DomainError('not_found', `Không có nhiệm vụ ${taskId}`);
    throw err;
  }
  return { id: taskId, state, record };
}

/** A task's audit events, its notifications, and every delivery of them with each attempt. */
export async function taskHistory(db: Kysely<Database>, taskId: string) {
  const events = await taskEvents(db, taskId);
  const notifications = await taskNotifications(db, taskId);
  const deliveries = await deliveryHistory(db, taskId);
  return { id: taskId, events, notifications, deliveries };
}
