import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { deleteCalendarOverride, putCalendarOverride } from '../db/repositories/calendar';
import type { Database } from '../db/schema';
import type { CalendarOverride } from '../domain/calendar';
import { DomainError } from '../domain/errors';
import { calendarOverrideSchema } from '../domain/schemas/calendar';
import { trimmedText } from '../domain/schemas/task-commands';
import { formatVnDate, parseCivilDate } from '../domain/time';
import { calendarChangedSignal } from '../workflows/messages';
import { DIRECTIVE_TASK_WORKFLOW } from './tasks';

/*
 * The decided working days (swap days, extra days off) and the tasks that must hear of them. The CLI
 * (`calendar:add`, `calendar:remove`, `calendar:notify`) and the web app's admin page call these.
 * A change is written first and announced after: a process that dies in between leaves the row in
 * place, and running the same command again (or `calendar:notify`) announces it; the signal is idempotent.
 */

export interface CalendarDeps {
  db: Kysely<Database>;
  temporal: Client;
}

export interface CalendarChange {
  /** How many running tasks were told to reload their calendar. */
  signalled: number;
}

/** A decision as a person types it: the reason trimmed and in NFC, like every typed text. */
const decidedDay = calendarOverrideSchema.extend({ reason: trimmedText(500) });

/** Signals sent at once: enough to keep the server busy, few enough not to flood it. */
const SIGNAL_CONCURRENCY = 16;

const RUNNING_TASKS = `WorkflowType = "${DIRECTIVE_TASK_WORKFLOW}" AND ExecutionStatus = "Running"`;

/** Records a decided day (or amends the decision for that day) and tells every running task. */
export async function addCalendarOverride(deps: CalendarDeps, override: CalendarOverride): Promise<CalendarChange> {
  const parsed = decidedDay.safeParse(override);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), reason: i.message }));
    throw new DomainError('invalid', `Ngày quyết định không hợp lệ: ${details.map((d) => `${d.path}: ${d.reason}`).join('; ')}`, details);
  }
  await putCalendarOverride(deps.db, parsed.data);
  return notifyCalendarChanged(deps.temporal);
}

/** Withdraws the decision recorded for a day and tells every running task; 404 when there was none. */
export async function removeCalendarOverride(deps: CalendarDeps, date: string): Promise<CalendarChange> {
  if (!(await deleteCalendarOverride(deps.db, date)))
    throw new DomainError('not_found', `Không có quyết định nào về ngày ${formatVnDate(parseCivilDate(date))}`);
  return notifyCalendarChanged(deps.temporal);
}

/**
 * Tells every running task workflow that the calendar changed (each reloads it and re-plans). Found
 * through the server's visibility list; a task that closed meanwhile needs nothing. Safe to repeat.
 */
export async function notifyCalendarChanged(temporal: Client): Promise<CalendarChange> {
  let signalled = 0;
  const signal = async (workflowId: string) => {
    try {
      await temporal.workflow.getHandle(workflowId).signal(calendarChangedSignal);
      signalled++;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  };
  let batch: string[] = [];
  const flush = async () => {
    await Promise.all(batch.map(signal));
    batch = [];
  };
  for await (const execution of temporal.workflow.list({ query: RUNNING_TASKS })) {
    batch.push(execution.workflowId);
    if (batch.length >= SIGNAL_CONCURRENCY) await flush();
  }
  await flush();
  return { signalled };
}
