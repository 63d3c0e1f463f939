// What time does to a task: lateness, report periods, reminders and escalations, the next wake-up.
// Pure functions of (state, policy, calendar, cursor, now); the workflow only loops over them.
import type { WorkingCalendar } from '../calendar';
import { DEFAULT_REPORT_POLICY, type NotificationPolicy } from '../policy';
import {
  nextNotification,
  nextReportNotification,
  reportNotificationsBetween,
  type PlannedNotification,
  type ScheduleInput,
} from '../notification-plan';
import { nextPeriod, type Period } from '../recurrence';
import type { ReportPeriodState, TaskState } from '../task';
import { outboxFor, reopenedSuffix } from './outbox';
import { becomesLate, closeLeadPeriod, copyOf, isClosed, markLate, recordOn, single, type Transition } from './state';

/** The rules of issue 13, each behind its own patch in the workflow (histories from before plan without them). */
export interface ScheduleRules {
  /**
   * Acknowledgement steps count from when the unit leading now took the task, and their keys name the
   * term after the first, so a unit leading a second time is reminded again.
   */
  leadTerms?: boolean;
  /** A deadline too close for the planned reminders still gets one ('due-soon'). */
  remindCloseDeadline?: boolean;
}

/** The term of the unit leading now: 1 from the launch, one more for each reassignment or reopening. */
export const leadTerm = (state: TaskState) => state.leadHistory.length;

/** What the reminder policy plans from: nothing reaches the unit while its claim awaits review (the ball is in the secretariat's court). */
export function scheduleInput(state: TaskState, policy: NotificationPolicy, o: ScheduleRules = {}): ScheduleInput {
  return {
    launchedAt: state.launchedAt,
    ...(o.leadTerms && leadTerm(state) > 1 ? { leadSince: state.leadHistory[state.leadHistory.length - 1].from } : {}),
    ...(o.remindCloseDeadline ? { remindCloseDeadline: true } : {}),
    dueAt: state.deadlineKind === 'date' ? state.dueAt : null,
    acknowledgedAt: state.acknowledgedAt,
    closed: isClosed(state) || state.status === 'submitted',
    policy,
    ...(state.sendOffsetSeconds ? { sendOffsetSeconds: state.sendOffsetSeconds } : {}),
  };
}

/**
 * What a unit whose claim comes back from review is owed of the notifications that fell due meanwhile:
 * every rung of the escalation ladder (the record of who was told the task is late must be whole), and
 * of any other kind only the latest, without reminders of a deadline already past.
 */
export function owedAfterReview(planned: readonly PlannedNotification[], dueAt: string | null, asOf: number): PlannedNotification[] {
  const latest = new Map<string, PlannedNotification>();
  for (const p of planned) if (p.kind !== 'escalation') latest.set(p.kind, p);
  return planned.filter(
    (p) =>
      p.kind === 'escalation' || (latest.get(p.kind) === p && !(p.kind === 'due_reminder' && dueAt !== null && Date.parse(dueAt) <= asOf)),
  );
}

/** The 'overdue' event once the deadline in force has passed by `asOf` on an open task, or null. */
export function markOverdue(state: TaskState, asOf: number, now: string): Transition | null {
  if (!becomesLate(state, asOf)) return null;
  const next = copyOf(state);
  markLate(next, asOf);
  return single(next, recordOn(next, 'overdue', null, { dueAt: next.dueAt, leadUnit: next.leadUnit }, now));
}

/** The due instant of the last report period tracked, or the launch when there is none yet. */
function lastPeriodDue(state: TaskState): string {
  const all = [...state.reports.lastClosed, ...state.reports.open].map((p) => p.due).sort();
  return all.length ? all[all.length - 1] : state.launchedAt;
}

/** The next report period to track (it may not have started yet), or null when none is left. */
export function nextPeriodToOpen(state: TaskState): Period | null {
  if (!state.recurrence || isClosed(state)) return null;
  const period = nextPeriod(state.recurrence, lastPeriodDue(state));
  if (state.recurrenceUntil && Date.parse(period.due) > Date.parse(state.recurrenceUntil)) return null;
  return period;
}

/** Opens the next report period when it has started by `asOf`: its report becomes due and is chased. */
export function openDuePeriod(state: TaskState, asOf: number, now: string): Transition | null {
  const period = nextPeriodToOpen(state);
  if (!period || Date.parse(period.start) > asOf) return null;
  const next = copyOf(state);
  const opened: ReportPeriodState = { key: period.key, due: period.due, submittedAt: null, onTime: null, escalationLevel: 0 };
  next.reports.open.push(opened);
  return single(next, recordOn(next, 'report_period_opened', null, { periodKey: period.key, due: period.due }, now));
}

/** A recurring obligation with an end is complete once its last period's report is in. */
export function finishRecurring(state: TaskState, now: string): Transition | null {
  if (state.deadlineKind !== 'recurring' || !state.recurrenceUntil || !state.recurrence) return null;
  if (state.reports.open.length > 0) return null;
  const upcoming = nextPeriod(state.recurrence, lastPeriodDue(state));
  if (Date.parse(upcoming.due) <= Date.parse(state.recurrenceUntil)) return null;
  const next = copyOf(state);
  next.status = 'completed';
  next.completedAt = now;
  next.outcome = next.reports.submittedLate > 0 ? 'completed_late' : 'completed_on_time';
  closeLeadPeriod(next, now);
  const payload = {
    reason: 'all_periods_reported',
    submittedOnTime: next.reports.submittedOnTime,
    submittedLate: next.reports.submittedLate,
  };
  return single(next, recordOn(next, 'completed', null, payload, now));
}

/** Planned notifications of one report period in (from, to]; none once it is no longer tracked. */
export function periodNotificationsBetween(
  state: TaskState,
  periodKey: string,
  calendar: WorkingCalendar,
  from: string,
  to: Date,
): PlannedNotification[] {
  const period = [...state.reports.open, ...state.reports.lastClosed].find((p) => p.key === periodKey);
  return period
    ? reportNotificationsBetween(period, period.submittedAt, DEFAULT_REPORT_POLICY, calendar, from, to, state.sendOffsetSeconds)
    : [];
}

/** The step a planned notification is recorded and keyed under, as `notify` writes it. */
export function notificationStep(state: TaskState, planned: PlannedNotification, periodKey?: string, o: ScheduleRules = {}): string {
  if (periodKey) return planned.step;
  const term = o.leadTerms && planned.kind.startsWith('ack_') && leadTerm(state) > 1 ? `@l${leadTerm(state)}` : '';
  // The extension count keeps a re-planned reminder distinct from the one sent for the old deadline,
  // the reopening count from the one sent in the task's earlier life.
  return `${planned.step}@e${state.extensionCount}${reopenedSuffix(state)}${term}`;
}

/** Sends a planned reminder or escalation: its outbox rows, and the escalation level it reaches. */
export function notify(state: TaskState, planned: PlannedNotification, now: string, periodKey?: string, o: ScheduleRules = {}): Transition {
  const next = copyOf(state);
  const step = notificationStep(next, planned, periodKey, o);
  const level = planned.level ?? null;
  const payload = { step, level, plannedAt: planned.at, recipients: planned.recipients, ...(periodKey ? { periodKey } : {}) };
  const notes = outboxFor(next, planned.kind, step, planned.recipients, { level, event: payload, periodKey }, now);
  if (planned.kind === 'escalation' && planned.level) next.escalationLevel = Math.max(next.escalationLevel, planned.level);
  if (periodKey && planned.kind === 'report_escalation' && planned.level) {
    const period = next.reports.open.find((p) => p.key === periodKey);
    if (period) period.escalationLevel = Math.max(period.escalationLevel, planned.level);
  }
  next.notificationsPlanned += notes.length;
  return single(next, recordOn(next, planned.kind, null, payload, now, notes));
}

/** The instant (ms) the workflow must wake at next, or null when only a command can change anything. */
export function nextWakeUp(
  state: TaskState,
  policy: NotificationPolicy,
  calendar: WorkingCalendar,
  cursor: string,
  o: ScheduleRules = {},
): number | null {
  const candidates: number[] = [];
  const planned = nextNotification(scheduleInput(state, policy, o), calendar, cursor);
  if (planned) candidates.push(Date.parse(planned.at));
  if (state.dueAt && !state.lateUnits.includes(state.leadUnit) && Date.parse(state.dueAt) > Date.parse(cursor))
    candidates.push(Date.parse(state.dueAt));
  for (const period of state.reports.open) {
    const chase = nextReportNotification(period, period.submittedAt, DEFAULT_REPORT_POLICY, calendar, cursor, state.sendOffsetSeconds);
    if (chase) candidates.push(Date.parse(chase.at));
  }
  const toOpen = nextPeriodToOpen(state);
  if (toOpen) candidates.push(Math.max(Date.parse(toOpen.start), Date.parse(cursor) + 1));
  return candidates.length ? Math.min(...candidates) : null;
}

/** The years of calendar to load for an instant, or null when the loaded ones already cover the year after it. */
export function calendarYearsFor(instant: number, coveredYears: readonly number[] | undefined): number[] | null {
  const year = new Date(instant + 7 * 3600_000).getUTCFullYear();
  if (coveredYears?.includes(year + 1)) return null;
  return [year - 1, year, year + 1, year + 2];
}
