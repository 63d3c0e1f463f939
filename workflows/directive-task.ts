import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { createActivities } from '../activities';
// The zod-free halves of the domain modules: each cached workflow evaluates its own copy of every
// module it imports at load, and zod schemas cost about a megabyte per copy (bench/RESULTS.md, P5).
import { WorkingCalendar, type CalendarData } from '../domain/calendar';
import {
  applyCommand,
  COMMAND_NAMES,
  recordLaunch,
  refusalOf,
  REOPEN,
  reopenRefusal,
  TASK_COMMANDS,
  type CommandName,
  type TaskCommands,
} from '../domain/lifecycle/commands';
import { replanForCalendar, sentKey, type PlannedFor } from '../domain/lifecycle/calendar-change';
import {
  calendarYearsFor,
  markOverdue,
  nextWakeUp,
  notify,
  openDuePeriod,
  owedAfterReview,
  periodNotificationsBetween,
  scheduleInput,
} from '../domain/lifecycle/schedule';
import { initialState, isClosed, policyFor, type Recorded, type Transition } from '../domain/lifecycle/state';
import { notificationsBetween } from '../domain/notification-plan';
import type { Actor } from '../domain/schemas/task';
import { COMMAND_FAILURES, type DirectiveTaskInput, type Envelope, type TaskState } from '../domain/task';
import * as messages from './messages';
import { commandSchemas, fail, parse, upsertTaskSearchAttributes } from './task-shell';

const { recordEvent, loadCalendar } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  // No attempt limit: a database outage delays the record, it never loses it.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Continue as new well before Temporal's own limits, so a years-long obligation stays small. */
const HISTORY_EVENTS_LIMIT = 5_000;

const nowIso = () => new Date().toISOString();

/**
 * One directive item carried from launch to done: deadline, reminders, escalation, review, reports,
 * targets. The rules live in `domain/lifecycle/`; this shell registers the commands, keeps the
 * record in order, sleeps until the next wake-up and continues as new.
 */
export async function directiveTask(input: DirectiveTaskInput): Promise<TaskState> {
  const { launch, taskId } = input;
  // Replaced, never changed in place: every transition returns a new state (domain/lifecycle/state.ts).
  let state: TaskState = input.carried?.state ?? initialState(input, nowIso());
  // Notifications planned at or before the cursor have been handled; the cursor only moves forward
  // (a command that re-plans moves it to now: what was due before is history).
  let cursor = input.carried?.cursor ?? state.launchedAt;
  // Bumped by every accepted command, so the main loop re-plans its next wake-up.
  let changes = 0;
  const policy = policyFor(launch);

  // ---- the record: one activity per event, strictly in sequence (the hash chain needs order).
  // `seq` is assigned when the transition is computed, synchronously, so chaining here keeps
  // the rows in `seq` order even when Updates run concurrently.
  let writes: Promise<unknown> = Promise.resolve();
  function record({ event, snapshot, notifications }: Recorded): Promise<void> {
    const write = writes.then(async () => {
      await recordEvent({ taskId, event, snapshot, notifications });
    });
    writes = write.catch(() => undefined);
    return write;
  }

  /** Takes a transition's state at once and writes its events; resolves when the last is written. */
  function take(transition: Transition): Promise<void> {
    state = transition.state;
    let written: Promise<void> = Promise.resolve();
    for (const recorded of transition.recorded) written = record(recorded);
    return written;
  }

  // ---- launch: recorded (seq 1) before any handler is registered. An Update that came with the first
  // activation runs as soon as setHandler registers its handler, before the code below it: recorded
  // later, the launch would follow that Update's event in the trail (an 'acknowledged' before 'launched').
  // A reopened task's new run records its 'reopened' event first, in the same place, for the same reason.
  // A new task's reminders go out at its own second of the morning's first hour (issue 16; before: on the hour).
  const launched = input.reopen
    ? reopen(input.reopen)
    : input.carried
      ? Promise.resolve()
      : take(recordLaunch(state, launch, nowIso(), input.launchedBy, { spread: patched('issue-16-spread-firing') }));

  function reopen({ command, actor }: NonNullable<DirectiveTaskInput['reopen']>): Promise<void> {
    // The service checked it against the closed state; a start that bypassed it leaves the task closed.
    if (reopenRefusal(state, command, actor, Date.now())) return Promise.resolve();
    const outcome = REOPEN.apply(state, command, actor, nowIso());
    if (outcome.replanFrom) cursor = outcome.replanFrom;
    return take(outcome);
  }

  // ---- calendar: loaded through an activity so replays see exactly the calendar the run used.
  // Loaded after every handler is registered: an Update may arrive with the first activation.
  let calendarData: CalendarData | null = null;
  let calendar: WorkingCalendar = new WorkingCalendar({ holidays: [], extraWorkingDays: [], extraDaysOff: [], coveredYears: [] });
  async function ensureCalendarCovers(instant: number) {
    const years = calendarYearsFor(instant, calendarData?.coveredYears);
    if (!years) return;
    calendarData = await loadCalendar({ years });
    calendar = new WorkingCalendar(calendarData);
  }

  /**
   * After the calendarChanged signal: the calendar is loaded again (through the activity, so a replay
   * sees what this run saw) and the plan up to the cursor compared under both calendars. Returns what the
   * new calendar moved into the past, owed now; what was sent stays sent wherever it moved.
   */
  async function takeChangedCalendar(now: number): Promise<PlannedFor[]> {
    calendarChanged = false;
    const before = calendarData ? calendar : null;
    calendarData = null;
    await ensureCalendarCovers(now);
    if (!before) return [];
    const replan = replanForCalendar(state, policy, before, calendar, cursor, scheduleRules());
    for (const key of replan.sent) sentBeforeChange.add(key);
    return replan.owed;
  }

  // ---- commands: one Update per row of the lifecycle table. The validator runs the table's checks,
  // so a refused command never enters history; the handler applies the accepted one.
  function registerCommand<K extends CommandName>(name: K) {
    const schema = () => commandSchemas()[TASK_COMMANDS[name].schema] as unknown as z.ZodType<TaskCommands[K]>;
    const update: UpdateDefinition<TaskState, [Envelope<TaskCommands[K]>]> = messages.commandUpdates[name];
    setHandler(
      update,
      async ({ actor, command }) => {
        await run(name, schema().parse(command), actor);
        changes++;
        return state;
      },
      {
        validator: (envelope) => {
          if (!envelope || typeof envelope !== 'object' || !envelope.actor) fail(COMMAND_FAILURES.invalid, 'Thiếu người thực hiện lệnh');
          const refusal = refusalOf(name, state, parse(schema(), envelope.command), envelope.actor, Date.now());
          if (refusal) fail(refusal.type, refusal.message);
        },
      },
    );
  }

  // The awaits in `run`, `follow` and `updateSearchAttributes` mirror the code that recorded the
  // histories: commands issued by concurrent coroutines in one activation (a handler's upsert, the
  // next queued write, the loop's calendar load) follow microtask turns, so an await removed reorders them.
  async function run<K extends CommandName>(name: K, command: TaskCommands[K], actor: Actor) {
    const now = nowIso();
    // A late periodic report puts the unit on record as late (issue 13; histories from before did not).
    const rules = name === 'submitReport' ? { lateReports: patched('issue-13-late-report') } : {};
    const outcome = applyCommand(name, state, command, actor, now, rules);
    if (outcome.replanFrom) cursor = outcome.replanFrom;
    await take(outcome);
    if (outcome.searchAttributesChanged) await updateSearchAttributes();
    const afterwards = TASK_COMMANDS[name].afterwards;
    if (afterwards) await follow(afterwards(state, now));
  }

  /** Takes a transition, if any, one async hop deep (as the old `fire` and `maybeFinishRecurring` were). */
  async function follow(transition: Transition | null) {
    if (transition) await take(transition);
  }

  setHandler(messages.getStateQuery, () => state);
  for (const name of COMMAND_NAMES) registerCommand(name);

  // ---- a decided working day changed (issue 13): the loop reloads the calendar at once and re-plans.
  // Histories from before had no handler and ignored the signal: waking them would move their timers.
  let calendarChanged = false;
  setHandler(messages.calendarChangedSignal, () => {
    if (!patched('issue-13-calendar-signal')) return;
    calendarChanged = true;
    changes++;
  });
  // Notifications sent before a change moved them after the cursor: planned again, never sent again.
  const sentBeforeChange = new Set(input.carried?.calendarSent ?? []);
  const unsent = (p: PlannedFor) => sentBeforeChange.size === 0 || !sentBeforeChange.has(sentKey(state, p, scheduleRules()));

  const updateSearchAttributes = () => upsertTaskSearchAttributes(state);

  // ---- launch ----
  await launched;
  await updateSearchAttributes();
  let lastStatus = state.status;
  // A unit that takes the task over gets its own acknowledgement schedule, keyed by its lead term (issue 13).
  // Asked only once the task has had a second term: for a task never reassigned both paths are the same.
  // A deadline too close for the 7/3/1 reminders still gets one (issue 13).
  const scheduleRules = () => ({
    leadTerms: state.leadHistory.length > 1 && patched('issue-13-lead-term'),
    remindCloseDeadline: state.dueAt !== null && patched('issue-13-close-deadline'),
  });
  // Set while a claim under review holds the cursor: what fell due meanwhile is owed once it is returned.
  let heldForReview = false;

  // ---- the life: record what time has brought, then sleep until the next wake-up or a command ----
  while (!isClosed(state)) {
    const now = Date.now();
    const asOf = new Date(now);
    // Awaited only after a change: an extra await would shift the commands of recorded histories.
    const owed = calendarChanged ? await takeChangedCalendar(now) : [];
    await ensureCalendarCovers(now);

    const overdue = markOverdue(state, now, nowIso());
    if (overdue) await take(overdue);
    for (let opened = openDuePeriod(state, now, nowIso()); opened; opened = openDuePeriod(state, now, nowIso())) await take(opened);

    // Each notification is computed from the state as it is when its turn comes: a command accepted
    // while the previous one was written (a new deadline, a new lead unit) shows in the next.
    let due = notificationsBetween(scheduleInput(state, policy, scheduleRules()), calendar, cursor, asOf);
    if (heldForReview && state.status !== 'submitted') {
      due = owedAfterReview(due, state.dueAt, now);
      heldForReview = false;
    }
    for (const p of owed) if (unsent(p)) await follow(notify(state, p.planned, nowIso(), p.periodKey, scheduleRules()));
    for (const planned of due) if (unsent({ planned })) await follow(notify(state, planned, nowIso(), undefined, scheduleRules()));
    for (const periodKey of state.reports.open.map((period) => period.key)) {
      for (const planned of periodNotificationsBetween(state, periodKey, calendar, cursor, asOf))
        if (unsent({ planned, periodKey })) await follow(notify(state, planned, nowIso(), periodKey));
    }
    // Under review nothing goes to the unit, but the cursor stays, so a claim returned after the deadline
    // still brings the escalations due meanwhile (issue 13; histories from before advanced it).
    if (state.status === 'submitted' && patched('issue-13-review-escalation')) heldForReview = true;
    else cursor = asOf.toISOString();

    if (state.status !== lastStatus) {
      lastStatus = state.status;
      await updateSearchAttributes();
    }

    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_EVENTS_LIMIT) {
      await condition(allHandlersFinished);
      await writes;
      const calendarSent = sentBeforeChange.size ? { calendarSent: [...sentBeforeChange] } : {};
      await continueAsNew<typeof directiveTask>({ taskId, launch, carried: { state, cursor, ...calendarSent } });
    }

    // A held cursor lies in the past: the next wake-up is counted from now, or the loop would spin.
    const wakeAt = nextWakeUp(state, policy, calendar, heldForReview ? asOf.toISOString() : cursor, scheduleRules());
    const seen = changes;
    if (wakeAt === null) await condition(() => changes !== seen);
    else await condition(() => changes !== seen, Math.max(1, wakeAt - Date.now()));
  }

  await updateSearchAttributes();
  // Updates in flight finish (and their audit rows are written) before the workflow completes.
  await condition(allHandlersFinished);
  await writes;
  return state;
}
