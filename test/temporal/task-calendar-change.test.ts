import { afterEach, describe, expect, it } from 'vitest';
import { deleteCalendarOverride, putCalendarOverride } from '../../db/repositories/calendar';
import type { CalendarOverride, WorkingCalendar } from '../../domain/calendar';
import { lastWorkingDayBeforeDeadline } from '../../domain/notification-plan';
import { addCalendarDays, type CivilDate, dayOfWeek, formatCivilDate, toVnIso, vnCivilDate, vnInstant } from '../../domain/time';
import * as messages from '../../workflows/messages';
import { HOUR } from '../helpers/fixtures';
import { useTimeSkippingWorker, type PlannedTask } from '../helpers/harness';
import { auditKinds, leadOfficer, outboxTimes, sentAt, workingCalendar } from '../helpers/tasks';

const lead = leadOfficer.unitCode;

/** The morning (08:00 +07, before the task's offset) "due-<n>wd" goes out: `n` working days before the last working day the deadline leaves. */
const reminderMorning = (calendar: WorkingCalendar, dueAt: Date, n: number) =>
  vnInstant(calendar.addWorkingDays(lastWorkingDayBeforeDeadline(dueAt, calendar), -n), 8);
/** An outbox line with the minute it went out (`sentAt`, or the time given), as `outboxTimes` prints it. */
const reminderLine = (n: number, minute: string) => `due_reminder due-${n}wd@e0 -> lead_unit:${lead} @ ${minute}`;
const dueReminders = (lines: string[], n: number) => lines.filter((l) => l.startsWith(`due_reminder due-${n}wd`));

describe('a decision on the working calendar reaches running tasks (issue 13)', () => {
  const harness = useTimeSkippingWorker();
  const { db } = harness;
  const decided: string[] = [];

  afterEach(async () => {
    for (const date of decided.splice(0)) await deleteCalendarOverride(db, date);
  });

  /** Records the government's decision for a day and signals the task, as `services/calendar.ts` does for every running task. */
  async function decide(task: PlannedTask, day: CivilDate, kind: CalendarOverride['kind']): Promise<WorkingCalendar> {
    const date = formatCivilDate(day);
    decided.push(date);
    await putCalendarOverride(db, { date, kind, reason: kind === 'day_off' ? 'Nghỉ bù theo quyết định' : 'Làm bù theo quyết định' });
    await task.handle.signal(messages.calendarChangedSignal);
    return workingCalendar(db, task.now);
  }

  it('moves a planned reminder to the working day before once the day after it is made a day off', async () => {
    const task = await harness.acknowledgedTaskDueIn(30);
    const planned = reminderMorning(task.calendar, task.dueAt, 7);
    const calendar = await decide(task, task.calendar.addWorkingDays(vnCivilDate(planned), 1), 'day_off');
    const moved = reminderMorning(calendar, task.dueAt, 7);
    expect(moved.getTime()).toBeLessThan(planned.getTime());

    await harness.sleepUntil(planned.getTime() + HOUR);
    expect(dueReminders(await outboxTimes(db, task.taskId), 7)).toEqual([reminderLine(7, sentAt(task.taskId, moved))]);
  });

  it('sends at once a reminder that a new day off moves into the past, late rather than never', async () => {
    const task = await harness.acknowledgedTaskDueIn(30);
    const planned = reminderMorning(task.calendar, task.dueAt, 7);
    const dayBefore = task.calendar.addWorkingDays(vnCivilDate(planned), -1);
    // Mid-morning of the working day before: its morning has passed, the reminder was due tomorrow.
    await harness.sleepUntil(vnInstant(dayBefore, 10));
    expect(dueReminders(await outboxTimes(db, task.taskId), 7)).toEqual([]);

    await decide(task, task.calendar.addWorkingDays(vnCivilDate(planned), 1), 'day_off');
    await harness.sleepUntil(vnInstant(dayBefore, 11));
    expect(dueReminders(await outboxTimes(db, task.taskId), 7)).toEqual([reminderLine(7, toVnIso(vnInstant(dayBefore, 10)).slice(0, 16))]);
    await harness.sleepUntil(planned.getTime() + HOUR);
    expect(dueReminders(await outboxTimes(db, task.taskId), 7)).toHaveLength(1);
  });

  it('does not send a reminder again when a day off made working moves it later, and moves the next one', async () => {
    // Due on a Wednesday: the weekend before lies between the 3-working-day reminder and the last working day.
    const today = vnCivilDate(new Date(await harness.now()));
    let days = 30;
    while (dayOfWeek(addCalendarDays(today, days)) !== 3) days++;
    const task = await harness.acknowledgedTaskDueIn(days);
    const planned = reminderMorning(task.calendar, task.dueAt, 7);
    await harness.sleepUntil(planned.getTime() + HOUR);
    expect(dueReminders(await outboxTimes(db, task.taskId), 7)).toEqual([reminderLine(7, sentAt(task.taskId, planned))]);

    // The last day off before the deadline becomes a working day: every reminder counted back across it moves later.
    let day = lastWorkingDayBeforeDeadline(task.dueAt, task.calendar);
    while (task.calendar.isWorkingDay(day)) day = addCalendarDays(day, -1);
    const calendar = await decide(task, day, 'working_day');
    expect(reminderMorning(calendar, task.dueAt, 7).getTime()).toBeGreaterThan(planned.getTime() + HOUR);
    const movedThree = reminderMorning(calendar, task.dueAt, 3);
    expect(movedThree.getTime()).toBeGreaterThan(reminderMorning(task.calendar, task.dueAt, 3).getTime());

    await harness.sleepUntil(movedThree.getTime() + HOUR);
    const lines = await outboxTimes(db, task.taskId);
    expect(dueReminders(lines, 7)).toEqual([reminderLine(7, sentAt(task.taskId, planned))]);
    expect(dueReminders(lines, 3)).toEqual([reminderLine(3, sentAt(task.taskId, movedThree))]);
    // The outbox would drop a second row by its key, but the trail must not tell of a reminder sent twice.
    expect((await auditKinds(db, task.taskId)).filter((kind) => kind === 'due_reminder')).toHaveLength(2);
  });
});
