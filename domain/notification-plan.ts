// The notifications planned from a policy, as pure functions of (deadline, policy, calendar, now),
// without zod: workflows import this module (docs/architecture.md, "Zod-free domain modules").
import type { WorkingCalendar } from './calendar';
import { type EscalationStep, type NotificationPolicy, type RecipientRole, type ReportPolicy } from './policy';
import type { Period } from './recurrence';
import { nextSendTime, sendTime, workingMorning, type SendTime } from './send-time';
import { addCalendarDays, type CivilDate, civilDayNumber, type InstantInput, parseInstant, toVnIso, vnCivilDate } from './time';

/*
 * Intervals are (from, to], and several steps often share one instant (Tết, a weekend): see
 * docs/architecture.md, "The task workflow", "The schedule is pure".
 */

/** What a planned notice is about; what a person reads for each is in `catalog/history.ts`. */
export const NOTIFICATION_KINDS = [
  'ack_reminder',
  'ack_escalation',
  'due_reminder',
  'escalation',
  'urging',
  'report_reminder',
  'report_escalation',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * One notice the policy plans. `step` is deterministic for a given policy and deadline:
 * 'ack-1wd', 'ack-escalation', 'due-7wd', 'level-2', 'urge-3'; for periodic reports it is
 * prefixed by the period key: '2025-11/due-3wd', '2025-11/level-1'.
 */
export interface PlannedNotification {
  kind: NotificationKind;
  step: string;
  at: string; // ISO instant, +07:00
  level?: 1 | 2 | 3;
  recipients: RecipientRole[];
}

export interface ScheduleInput {
  launchedAt: string;
  /** When the unit leading now took the task (a reassignment, a reopening): acknowledgement steps count from it; the launch when absent. */
  leadSince?: string;
  dueAt: string | null;
  acknowledgedAt: string | null;
  closed: boolean;
  policy: NotificationPolicy;
  /**
   * A deadline too close for every planned reminder still gets one, on the first working morning after
   * the launch that comes before it ('due-soon'); issue 13, behind a patch in the workflow.
   */
  remindCloseDeadline?: boolean;
  /**
   * Seconds after the policy's hour at which this task's notifications go out (`sendOffsetSeconds`),
   * so that a province's reminders do not all fire in the same minute; 0 or absent: on the hour.
   */
  sendOffsetSeconds?: number;
}

/**
 * The first notification planned strictly after `after`, or null when nothing more is
 * planned. Several may share that instant: fetch them with `notificationsBetween`.
 */
export function nextNotification(input: ScheduleInput, calendar: WorkingCalendar, after: InstantInput): PlannedNotification | null {
  if (input.closed) return null;
  const t = parseInstant(after).getTime();
  const finite = assignmentFiniteSchedule(input, calendar).find((n) => n.at.getTime() > t) ?? null;
  const urge = firstUrgingAfter(input, calendar, t);
  const first = urge && (!finite || urge.at.getTime() < finite.at.getTime()) ? urge : finite;
  return first && serialize(first);
}

/** Every notification planned in (from, to], ordered by instant, then kind, then level. */
export function notificationsBetween(
  input: ScheduleInput,
  calendar: WorkingCalendar,
  from: InstantInput,
  to: InstantInput,
): PlannedNotification[] {
  if (input.closed) return [];
  const lo = parseInstant(from).getTime();
  const hi = parseInstant(to).getTime();
  const result = assignmentFiniteSchedule(input, calendar).filter((n) => n.at.getTime() > lo && n.at.getTime() <= hi);
  for (let cursor = lo; ;) {
    const urge = firstUrgingAfter(input, calendar, cursor);
    if (!urge || urge.at.getTime() > hi) break;
    result.push(urge);
    cursor = urge.at.getTime();
  }
  return result.sort(byInstantThenRank).map(serialize);
}

/** The first notification for one report period strictly after `after`; null once submitted or done. */
export function nextReportNotification(
  period: Pick<Period, 'key' | 'due'>,
  submittedAt: string | null,
  policy: ReportPolicy,
  calendar: WorkingCalendar,
  after: InstantInput,
  offsetSeconds = 0,
): PlannedNotification | null {
  const t = parseInstant(after).getTime();
  const next = reportSchedule(period, submittedAt, policy, calendar, offsetSeconds).find((n) => n.at.getTime() > t);
  return next ? serialize(next) : null;
}

/** Every notification for one report period in (from, to], in order. */
export function reportNotificationsBetween(
  period: Pick<Period, 'key' | 'due'>,
  submittedAt: string | null,
  policy: ReportPolicy,
  calendar: WorkingCalendar,
  from: InstantInput,
  to: InstantInput,
  offsetSeconds = 0,
): PlannedNotification[] {
  const lo = parseInstant(from).getTime();
  const hi = parseInstant(to).getTime();
  return reportSchedule(period, submittedAt, policy, calendar, offsetSeconds)
    .filter((n) => n.at.getTime() > lo && n.at.getTime() <= hi)
    .map(serialize);
}

/**
 * The last working day on which work due at `dueAt` may still be done: the civil day of the
 * instant just before the deadline, or the working day before it when that is a day off.
 * "Trước ngày 15/11/2025" (15/11 00:00) gives Friday 14/11; "hết ngày 31/12/2025"
 * (31/12 23:59:59) gives 31/12; "trước Tết Bính Ngọ" (17/02/2026 00:00) gives Friday 13/02,
 * since 14/02-16/02 are days off. Reminders count working days back from it, so "1 working
 * day before" leaves the unit that morning and the last working day.
 */
export function lastWorkingDayBeforeDeadline(dueAt: InstantInput, calendar: WorkingCalendar): CivilDate {
  const lastDay = vnCivilDate(new Date(parseInstant(dueAt).getTime() - 1));
  return calendar.isWorkingDay(lastDay) ? lastDay : calendar.addWorkingDays(lastDay, -1);
}

/**
 * When a deadline ends under Civil Code 2015, art. 148: a period counted from an event (days, weeks,
 * months) whose last day is a day off ends at the end of the next working day; a deadline written as a
 * date ("trước ngày 15/11/2025") stays as written, and the reminders count back from the working day
 * before it (`lastWorkingDayBeforeDeadline`).
 */
export function deadlineInForce(dueAt: InstantInput, calendar: WorkingCalendar, written: 'date' | 'period'): Date {
  const due = parseInstant(dueAt);
  if (written === 'date') return due;
  const lastDay = vnCivilDate(new Date(due.getTime() - 1));
  if (calendar.isWorkingDay(lastDay)) return due;
  const days = civilDayNumber(calendar.addWorkingDays(lastDay, 1)) - civilDayNumber(lastDay);
  // Vietnam keeps no daylight saving time: a civil day is always 24 hours.
  return new Date(due.getTime() + days * 24 * 3600_000);
}

/** The morning escalation level 1 goes out: the first working morning at or after the deadline. */
export function deadlineMorning(dueAt: InstantInput, calendar: WorkingCalendar, sendAtHour: number): Date {
  return calendar.nextWorkingMorning(dueAt, sendAtHour);
}

// --- internals: instants stay `Date` until they leave the module ---

interface Planned extends Omit<PlannedNotification, 'at'> {
  at: Date;
}

const KIND_RANK: Record<NotificationKind, number> = {
  ack_reminder: 0,
  ack_escalation: 1,
  report_reminder: 2,
  due_reminder: 2,
  report_escalation: 3,
  escalation: 3,
  urging: 4,
};

function byInstantThenRank(a: Planned, b: Planned): number {
  return a.at.getTime() - b.at.getTime() || KIND_RANK[a.kind] - KIND_RANK[b.kind] || (a.level ?? 0) - (b.level ?? 0);
}

function serialize(n: Planned): PlannedNotification {
  const out: PlannedNotification = { kind: n.kind, step: n.step, at: toVnIso(n.at), recipients: [...n.recipients] };
  if (n.level !== undefined) out.level = n.level;
  return out;
}

function dueReminders(
  dueAt: Date,
  days: readonly number[],
  at: SendTime,
  calendar: WorkingCalendar,
  kind: 'due_reminder' | 'report_reminder',
  stepPrefix: string,
): Planned[] {
  const lastDay = lastWorkingDayBeforeDeadline(dueAt, calendar);
  return [...new Set(days)]
    .map((n) => ({
      kind,
      step: `${stepPrefix}due-${n}wd`,
      at: workingMorning(calendar, lastDay, -n, at),
      recipients: ['lead_unit'] as RecipientRole[],
    }))
    .filter((r) => r.at.getTime() < dueAt.getTime());
}

function ladderSteps(
  dueAt: Date,
  ladder: readonly EscalationStep[],
  at: SendTime,
  calendar: WorkingCalendar,
  kind: 'escalation' | 'report_escalation',
  stepPrefix: string,
): Planned[] {
  const dayZero = vnCivilDate(deadlineMorning(dueAt, calendar, at.hour));
  return ladder.map((s) => ({
    kind,
    step: `${stepPrefix}level-${s.level}`,
    at: workingMorning(calendar, dayZero, s.afterWorkingDays, at),
    level: s.level,
    recipients: [...s.recipients],
  }));
}

function assignmentFiniteSchedule(input: ScheduleInput, calendar: WorkingCalendar): Planned[] {
  const { policy } = input;
  const at = sendTime(policy.sendAtHour, input.sendOffsetSeconds);
  const launchedAt = parseInstant(input.launchedAt);
  const launchDay = vnCivilDate(input.leadSince ? parseInstant(input.leadSince) : launchedAt);
  const all: Planned[] = [];

  const ackedAt = input.acknowledgedAt === null ? null : parseInstant(input.acknowledgedAt).getTime();
  // Steps before the acknowledgement stay in the plan so that a replay of the past matches what was sent.
  const beforeAck = (n: Planned) => ackedAt === null || n.at.getTime() < ackedAt;
  for (const n of new Set(policy.acknowledgeReminderWorkingDays)) {
    all.push({
      kind: 'ack_reminder',
      step: `ack-${n}wd`,
      at: workingMorning(calendar, launchDay, n, at),
      recipients: ['lead_unit'],
    });
  }
  all.push({
    kind: 'ack_escalation',
    step: 'ack-escalation',
    at: workingMorning(calendar, launchDay, policy.acknowledgeEscalationWorkingDays, at),
    level: 1,
    recipients: ['lead_unit_head'],
  });
  const planned = all.filter(beforeAck);

  if (input.dueAt !== null) {
    const dueAt = parseInstant(input.dueAt);
    const reminders = dueReminders(dueAt, policy.remindBeforeDueWorkingDays, at, calendar, 'due_reminder', '');
    planned.push(...reminders);
    const fits = reminders.some((r) => r.at.getTime() >= launchedAt.getTime());
    if (input.remindCloseDeadline && !fits && policy.remindBeforeDueWorkingDays.length > 0) {
      const soon = nextSendTime(calendar, launchedAt, at);
      if (soon.getTime() < dueAt.getTime()) planned.push({ kind: 'due_reminder', step: 'due-soon', at: soon, recipients: ['lead_unit'] });
    }
    planned.push(...ladderSteps(dueAt, policy.escalationLadder, at, calendar, 'escalation', ''));
  }
  return planned.filter((n) => n.at.getTime() >= launchedAt.getTime()).sort(byInstantThenRank);
}

/** The last rung of the ladder, after which weekly urging starts. */
function lastRung(ladder: readonly EscalationStep[]): EscalationStep {
  return ladder.reduce((last, s) =>
    s.afterWorkingDays > last.afterWorkingDays || (s.afterWorkingDays === last.afterWorkingDays && s.level > last.level) ? s : last,
  );
}

/**
 * Urging n goes out `n * urgeEveryDays` calendar days after the last rung, moved to the next
 * working morning; when moving lands it on the previous urging's morning (a long Tết), it is
 * skipped, so its number is never reused for another instant. Computed from `after` directly
 * because the sequence never ends.
 */
function firstUrgingAfter(input: ScheduleInput, calendar: WorkingCalendar, after: number): Planned | null {
  if (input.closed || input.dueAt === null) return null;
  const { policy } = input;
  const at = sendTime(policy.sendAtHour, input.sendOffsetSeconds);
  const dueAt = parseInstant(input.dueAt);
  const rung = lastRung(policy.escalationLadder);
  const rungAt = ladderSteps(dueAt, [rung], at, calendar, 'escalation', '')[0].at;
  // The day of the rung's morning itself: an offset may carry a late hour past midnight.
  const rungDay = vnCivilDate(new Date(rungAt.getTime() - at.offsetMs));
  const launchedAt = parseInstant(input.launchedAt).getTime();
  const floor = Math.max(after, launchedAt - 1);

  const urgeAt = (n: number): Date =>
    n === 0 ? rungAt : workingMorning(calendar, addCalendarDays(rungDay, n * policy.urgeEveryDays), 0, at);

  // Start a few periods before `after`, then walk forward; step back further if moved
  // instants could still reach past `after` from there.
  const daysAfterRung = civilDayNumber(vnCivilDate(new Date(Math.max(floor, rungAt.getTime())))) - civilDayNumber(rungDay);
  let n = Math.max(1, Math.floor(daysAfterRung / policy.urgeEveryDays) - 2);
  while (n > 1 && urgeAt(n - 1).getTime() > floor) n = Math.max(1, n - 8);
  let previous = urgeAt(n - 1);
  for (; ; n++) {
    const at = urgeAt(n);
    if (at.getTime() > previous.getTime() && at.getTime() > floor) {
      return { kind: 'urging', step: `urge-${n}`, at, recipients: ['lead_unit', 'lead_unit_head'] };
    }
    previous = at;
  }
}

function reportSchedule(
  period: Pick<Period, 'key' | 'due'>,
  submittedAt: string | null,
  policy: ReportPolicy,
  calendar: WorkingCalendar,
  offsetSeconds: number,
): Planned[] {
  const dueAt = parseInstant(period.due);
  const at = sendTime(policy.sendAtHour, offsetSeconds);
  const prefix = `${period.key}/`;
  const submitted = submittedAt === null ? null : parseInstant(submittedAt).getTime();
  return [
    ...dueReminders(dueAt, policy.remindBeforeDueWorkingDays, at, calendar, 'report_reminder', prefix),
    ...ladderSteps(dueAt, policy.escalationLadder, at, calendar, 'report_escalation', prefix),
  ]
    .filter((n) => submitted === null || n.at.getTime() < submitted)
    .sort(byInstantThenRank);
}
