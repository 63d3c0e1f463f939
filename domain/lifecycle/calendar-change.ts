// What a decision of the government (a swap day, an extra day off) does to a task whose reminders were
// planned with the calendar before it (issue 13, item 11). Pure; the workflow reloads the calendar and asks.
import type { WorkingCalendar } from '../calendar';
import { notificationsBetween, type PlannedNotification } from '../notification-plan';
import type { NotificationPolicy } from '../policy';
import type { TaskState } from '../task';
import { notificationStep, periodNotificationsBetween, scheduleInput, type ScheduleRules } from './schedule';

/** A planned notification of the task, or of one of its report periods. */
export interface PlannedFor {
  planned: PlannedNotification;
  periodKey?: string;
}

export interface CalendarReplan {
  /** Planned after the cursor with the old calendar and at or before it with the new one: they go out now, late rather than never. */
  owed: PlannedFor[];
  /** Sent with the old calendar and planned after the cursor (or not at all) with the new one: never sent again (`sentKey`). */
  sent: string[];
}

const BEGINNING = new Date(0).toISOString();

/** What identifies a notification once sent: its period, kind and the step `notify` records (with its extension, reopening and lead-term marks). */
export function sentKey(state: TaskState, { planned, periodKey }: PlannedFor, rules: ScheduleRules = {}): string {
  return `${periodKey ?? ''}/${planned.kind}/${notificationStep(state, planned, periodKey, rules)}`;
}

/** Everything the task and its open report periods plan in (from, to] with this calendar. */
export function plannedBetween(
  state: TaskState,
  policy: NotificationPolicy,
  calendar: WorkingCalendar,
  from: string,
  to: Date,
  rules: ScheduleRules = {},
): PlannedFor[] {
  const own: PlannedFor[] = notificationsBetween(scheduleInput(state, policy, rules), calendar, from, to).map((planned) => ({ planned }));
  const periods = state.reports.open.flatMap((period) =>
    periodNotificationsBetween(state, period.key, calendar, from, to).map((planned) => ({ planned, periodKey: period.key })),
  );
  return [...own, ...periods];
}

/**
 * The plan up to the cursor (what has been handled) compared under both calendars: a step the old
 * calendar had sent stays sent wherever the new one puts it, and a step the new calendar moves into
 * the past is owed now. Steps after the cursor need nothing: the loop plans them with the new calendar.
 */
export function replanForCalendar(
  state: TaskState,
  policy: NotificationPolicy,
  before: WorkingCalendar,
  after: WorkingCalendar,
  cursor: string,
  rules: ScheduleRules = {},
): CalendarReplan {
  const upTo = new Date(cursor);
  const keyed = (calendar: WorkingCalendar) =>
    new Map(plannedBetween(state, policy, calendar, BEGINNING, upTo, rules).map((p) => [sentKey(state, p, rules), p]));
  const handled = keyed(before);
  const handledNow = keyed(after);
  return {
    owed: [...handledNow].filter(([key]) => !handled.has(key)).map(([, p]) => p),
    sent: [...handled.keys()].filter((key) => !handledNow.has(key)),
  };
}
