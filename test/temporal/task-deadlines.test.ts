import { describe, expect, it } from 'vitest';
import { useTimeSkippingWorker } from '../helpers/harness';
import { DAY, HOUR } from '../helpers/fixtures';
import { verifyAuditChain } from '../../db/repositories/audit';
import type { WorkingCalendar } from '../../domain/calendar';
import { formatDueDate } from '../../domain/catalog/format';
import { tetDate } from '../../domain/lunar';
import { deadlineMorning, lastWorkingDayBeforeDeadline } from '../../domain/notification-plan';
import { sendOffsetSeconds } from '../../domain/send-time';
import { addCalendarDays, type CivilDate, civilDayNumber, dayOfWeek, toVnIso, vnCivilDate, vnInstant } from '../../domain/time';
import * as messages from '../../workflows/messages';
import {
  auditKinds,
  by,
  claimAndApprove,
  coordinatingOfficer,
  leadOfficer,
  outbox,
  outboxTimes,
  refusal,
  secretariat,
  sentAt,
  workingCalendar,
} from '../helpers/tasks';
import * as expected from '../helpers/expected-trail';
import * as records from '../helpers/task-records';

const lead = leadOfficer.unitCode;
const coordinating = coordinatingOfficer.unitCode;

/** The morning (08:00 +07, before the task's offset) `n` working days before the last working day left by a deadline: when "due-<n>wd" goes out. */
const reminderMorning = (calendar: WorkingCalendar, dueAt: Date, n: number) =>
  vnInstant(calendar.addWorkingDays(lastWorkingDayBeforeDeadline(dueAt, calendar), -n), 8);
/** The morning escalation level `afterWorkingDays` goes out, counted from the deadline's first working morning. */
const ladderMorning = (calendar: WorkingCalendar, dueAt: Date, afterWorkingDays: number) =>
  vnInstant(calendar.addWorkingDays(vnCivilDate(deadlineMorning(dueAt, calendar, 8)), afterWorkingDays), 8);
/** Vietnam wall-clock time to the minute, as `outboxTimes` prints it. */
const at = (date: CivilDate, hour: number) => toVnIso(vnInstant(date, hour)).slice(0, 16);

describe('deadlines: extensions, and reminders around weekends and Tết', () => {
  const harness = useTimeSkippingWorker();
  const { db } = harness;
  /** A task due before the day 30 days from now, acknowledged at once; the clock then stands an hour after its first reminder (7 working days ahead). */
  async function taskRemindedOnce() {
    const task = await harness.acknowledgedTaskDueIn(30);
    await harness.sleepUntil(reminderMorning(task.calendar, task.dueAt, 7).getTime() + HOUR);
    expect(await outbox(db, task.taskId)).toEqual([...expected.assignedLines(), expected.dueReminderLine(lead, 7)]);
    return task;
  }

  it("sends a task's reminders at its own second of the morning's first hour, the same every morning, on record from the launch", async () => {
    const task = await harness.acknowledgedTaskDueIn(30);
    const offset = sendOffsetSeconds(task.taskId);
    expect(await task.handle.query(messages.getStateQuery)).toMatchObject({ sendOffsetSeconds: offset });
    const launched = await records.auditEvent(db, task.taskId, 'launched', ['payload']);
    expect(launched.payload).toMatchObject({ sendOffsetSeconds: offset });

    // Nothing at 08:00 sharp unless the offset is nought; the reminder a second after its own time.
    const morning = reminderMorning(task.calendar, task.dueAt, 7).getTime();
    await harness.sleepUntil(morning + offset * 1000 - 1000);
    expect(await outbox(db, task.taskId)).toEqual(expected.assignedLines());
    await harness.sleepUntil(morning + offset * 1000 + 1000);
    expect(await outboxTimes(db, task.taskId)).toContain(
      `due_reminder due-7wd@e0 -> lead_unit:${lead} @ ${sentAt(task.taskId, reminderMorning(task.calendar, task.dueAt, 7))}`,
    );
    await harness.sleepUntil(reminderMorning(task.calendar, task.dueAt, 3).getTime() + HOUR);
    expect(await outboxTimes(db, task.taskId)).toContain(
      `due_reminder due-3wd@e0 -> lead_unit:${lead} @ ${sentAt(task.taskId, reminderMorning(task.calendar, task.dueAt, 3))}`,
    );
  });

  it('moves reminders and escalation to a deadline extended before it passed, keeping the original deadline on record', async () => {
    const { taskId, handle, dueAt: original, calendar } = await taskRemindedOnce();
    const extended = vnInstant(addCalendarDays(vnCivilDate(original), 30));
    const reason = 'Nhà cung cấp chưa hoàn tất lắp đặt thiết bị';

    expect(
      await refusal(
        handle.executeUpdate(
          messages.requestExtensionUpdate,
          by(leadOfficer, { requestedDueAt: toVnIso(new Date(original.getTime() - DAY)), reason }),
        ),
      ),
    ).toBe('InvalidCommand');
    const requested = await handle.executeUpdate(
      messages.requestExtensionUpdate,
      by(leadOfficer, { requestedDueAt: toVnIso(extended), reason }),
    );
    expect(requested.pendingExtension).toEqual({
      requestedDueAt: extended.toISOString(),
      reason,
      requestedBy: leadOfficer.userId,
      requestedAt: expect.any(String),
    });
    expect(
      await refusal(
        handle.executeUpdate(
          messages.requestExtensionUpdate,
          by(leadOfficer, { requestedDueAt: toVnIso(new Date(extended.getTime() + DAY)), reason }),
        ),
      ),
    ).toBe('InvalidState');
    expect(
      await refusal(handle.executeUpdate(messages.decideExtensionUpdate, by(leadOfficer, { approve: true, newDueAt: null, reason: '' }))),
    ).toBe('NotPermitted');

    const approved = await handle.executeUpdate(
      messages.decideExtensionUpdate,
      by(secretariat, { approve: true, newDueAt: null, reason: '' }),
    );
    expect(approved).toMatchObject({
      originalDueAt: original.toISOString(),
      dueAt: extended.toISOString(),
      extensionCount: 1,
      pendingExtension: null,
      escalationLevel: 0,
    });

    // The original deadline and its escalation morning pass without a word.
    await harness.sleepUntil(ladderMorning(calendar, original, 0).getTime() + DAY);
    expect(await handle.query(messages.getStateQuery)).toMatchObject({ lateUnits: [], escalationLevel: 0 });
    expect(await outbox(db, taskId)).toEqual([
      ...expected.assignedLines(),
      expected.dueReminderLine(lead, 7),
      `extension_decided extension-5 -> lead_unit:${lead}`,
    ]);

    // The new deadline is reminded and escalated like the first one, under keys of its own.
    await harness.sleepUntil(ladderMorning(calendar, extended, 0).getTime() + 2 * HOUR);
    expect(await outboxTimes(db, taskId)).toEqual([
      expect.stringMatching(new RegExp(`^assigned assigned -> lead_unit:${lead} @ `)),
      expect.stringMatching(new RegExp(`^assigned assigned -> coordinating_units:${coordinating} @ `)),
      `due_reminder due-7wd@e0 -> lead_unit:${lead} @ ${sentAt(taskId, reminderMorning(calendar, original, 7))}`,
      expect.stringMatching(new RegExp(`^extension_decided extension-5 -> lead_unit:${lead} @ `)),
      `due_reminder due-7wd@e1 -> lead_unit:${lead} @ ${sentAt(taskId, reminderMorning(calendar, extended, 7))}`,
      `due_reminder due-3wd@e1 -> lead_unit:${lead} @ ${sentAt(taskId, reminderMorning(calendar, extended, 3))}`,
      `due_reminder due-1wd@e1 -> lead_unit:${lead} @ ${sentAt(taskId, reminderMorning(calendar, extended, 1))}`,
      `escalation level-1@e1 -> lead_unit_head:${lead} @ ${sentAt(taskId, ladderMorning(calendar, extended, 0))}`,
    ]);
    expect(await handle.query(messages.getStateQuery)).toMatchObject({
      lateUnits: [lead],
      escalationLevel: 1,
      dueAt: extended.toISOString(),
      originalDueAt: original.toISOString(),
    });

    const { approved: done } = await claimAndApprove(handle, leadOfficer, { fileName: 'bien-ban-lap-dat.pdf', summary: 'Đã lắp đặt xong' });
    expect(done).toMatchObject({ status: 'completed', outcome: 'completed_late', lateUnits: [lead], extensionCount: 1 });

    expect(await auditKinds(db, taskId)).toEqual([
      ...expected.launchedAndAcknowledged,
      'due_reminder',
      'extension_requested',
      'extension_approved',
      ...expected.remindedOverdueEscalated,
      ...expected.claimedAndApproved,
    ]);
    const decision = await records.auditEvent(db, taskId, 'extension_approved', ['actor_user', 'payload']);
    expect(decision).toEqual({
      actor_user: secretariat.userId,
      payload: {
        approve: true,
        newDueAt: null,
        reason: '',
        previousDueAt: original.toISOString(),
        dueAt: extended.toISOString(),
        requestedDueAt: extended.toISOString(),
        requestReason: reason,
        extensionCount: 1,
      },
    });
    const overdue = await records.auditEvent(db, taskId, 'overdue', ['payload']);
    expect(overdue.payload).toEqual({ dueAt: extended.toISOString(), leadUnit: lead });
    // The inbox words the new deadline as documents do, never as an instant.
    const [notice] = await records.notices(db, taskId, 'extension_decided', ['body']);
    expect(notice.body).toContain(`Thời hạn mới: ${formatDueDate(extended)} (thời hạn cũ: ${formatDueDate(original)}).`);
    expect(notice.body).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    const row = await records.taskRow(db, taskId, ['original_due_at', 'due_at', 'extension_count', 'outcome']);
    expect(row).toEqual({ original_due_at: original, due_at: extended, extension_count: 1, outcome: 'completed_late' });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 13 });
  });

  it('counts work finished after the original deadline but within a shorter extension the secretariat granted as on time', async () => {
    const { taskId, handle, dueAt: original, calendar } = await taskRemindedOnce();
    const requested = vnInstant(addCalendarDays(vnCivilDate(original), 45));
    const granted = vnInstant(addCalendarDays(vnCivilDate(original), 30));
    await handle.executeUpdate(
      messages.requestExtensionUpdate,
      by(leadOfficer, { requestedDueAt: toVnIso(requested), reason: 'Chờ kinh phí' }),
    );
    const approved = await handle.executeUpdate(
      messages.decideExtensionUpdate,
      by(secretariat, { approve: true, newDueAt: toVnIso(granted), reason: 'Gia hạn 30 ngày' }),
    );
    expect(approved).toMatchObject({ dueAt: granted.toISOString(), originalDueAt: original.toISOString(), extensionCount: 1 });

    await harness.sleepUntil(reminderMorning(calendar, granted, 7).getTime() + HOUR);
    expect(await harness.now()).toBeGreaterThan(original.getTime());
    const { approved: done } = await claimAndApprove(handle, leadOfficer, { fileName: 'bao-cao.pdf', summary: 'Hoàn thành' });

    expect(done).toMatchObject({ status: 'completed', outcome: 'completed_on_time', lateUnits: [], escalationLevel: 0 });
    await expected.assertTrail(db, taskId, {
      kinds: [
        ...expected.launchedAndAcknowledged,
        'due_reminder',
        'extension_requested',
        'extension_approved',
        'due_reminder',
        ...expected.claimedAndApproved,
      ],
      outbox: [
        ...expected.assignedLines(),
        expected.dueReminderLine(lead, 7),
        `extension_decided extension-5 -> lead_unit:${lead}`,
        expected.dueReminderLine(lead, 7, 1),
        `approved approved -> lead_unit:${lead}`,
      ],
    });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 9 });
  });

  it('keeps the deadline when an extension is denied with a reason, and escalates at the original deadline', async () => {
    const { taskId, handle, dueAt, calendar } = await taskRemindedOnce();
    const asked = vnInstant(addCalendarDays(vnCivilDate(dueAt), 14));
    await handle.executeUpdate(
      messages.requestExtensionUpdate,
      by(leadOfficer, { requestedDueAt: toVnIso(asked), reason: 'Thiếu nhân lực' }),
    );

    expect(
      await refusal(handle.executeUpdate(messages.decideExtensionUpdate, by(secretariat, { approve: false, newDueAt: null, reason: '' }))),
    ).toBe('InvalidCommand');
    const reason = 'Nhiệm vụ phải hoàn thành đúng hạn theo kết luận của Ban Chỉ đạo';
    const denied = await handle.executeUpdate(messages.decideExtensionUpdate, by(secretariat, { approve: false, newDueAt: null, reason }));
    expect(denied).toMatchObject({
      dueAt: dueAt.toISOString(),
      originalDueAt: dueAt.toISOString(),
      extensionCount: 0,
      pendingExtension: null,
    });

    // Through the second rung of the ladder (the standing office), before the third.
    await harness.sleepUntil(ladderMorning(calendar, dueAt, 3).getTime() + HOUR);
    expect(await handle.query(messages.getStateQuery)).toMatchObject({
      status: 'acknowledged',
      lateUnits: [lead],
      escalationLevel: 2,
      dueAt: dueAt.toISOString(),
    });
    const [reminded7, ...remindedAndEscalated] = expected.remindedAndEscalatedLines(lead);
    await expected.assertTrail(db, taskId, {
      kinds: [
        ...expected.launchedAndAcknowledged,
        'due_reminder',
        'extension_requested',
        'extension_denied',
        'due_reminder',
        'due_reminder',
        'overdue',
        'escalation',
        'escalation',
      ],
      outbox: [
        ...expected.assignedLines(),
        reminded7,
        `extension_decided extension-5 -> lead_unit:${lead}`,
        ...remindedAndEscalated,
        `escalation level-2@e0 -> standing_office:${secretariat.unitCode}`,
      ],
    });
    const [notice] = await records.notices(db, taskId, 'extension_decided', ['subject', 'body']);
    expect(notice.subject).toBe('[Gia hạn] Đề nghị gia hạn nhiệm vụ 2.3 (1) không được chấp thuận');
    expect(notice.body).toContain('Đề nghị gia hạn không được chấp thuận; thời hạn giữ nguyên.');
    expect(notice.body).toContain(`Lý do: ${reason}`);
    expect(notice.body).toMatch(new RegExp(`Thời hạn: +${formatDueDate(dueAt).replace(/[/]/g, '\\/')} \\(`));
    const decision = await records.auditEvent(db, taskId, 'extension_denied', ['payload']);
    expect(decision.payload).toEqual({
      approve: false,
      newDueAt: null,
      reason,
      previousDueAt: dueAt.toISOString(),
      dueAt: dueAt.toISOString(),
      requestedDueAt: asked.toISOString(),
      requestReason: 'Thiếu nhân lực',
      extensionCount: 0,
    });
    const row = await records.taskRow(db, taskId, ['original_due_at', 'due_at', 'extension_count', 'escalation_level', 'late_units']);
    expect(row).toEqual({ original_due_at: dueAt, due_at: dueAt, extension_count: 0, escalation_level: 2, late_units: [lead] });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 10 });
  });

  it('holds reminders and escalations that fall on Tết until the first working morning after the holiday', async () => {
    const now = await harness.now();
    const calendar = await workingCalendar(db, now);
    // Launched mid-morning on the last working day before the next Tết, due "trước Tết Nguyên đán".
    let year = vnCivilDate(new Date(now)).year;
    let lastBeforeTet = calendar.addWorkingDays(tetDate(year), -1);
    if (vnInstant(lastBeforeTet, 10).getTime() <= now) {
      year++;
      lastBeforeTet = calendar.addWorkingDays(tetDate(year), -1);
    }
    const tet = tetDate(year);
    const afterTet: CivilDate[] = [];
    for (let d = addCalendarDays(tet, 1); afterTet.length < 4; d = addCalendarDays(d, 1)) if (calendar.isWorkingDay(d)) afterTet.push(d);
    // The holiday covers at least the eve and mùng 1 to mùng 4 (Labour Code art. 112).
    expect(civilDayNumber(tet) - civilDayNumber(lastBeforeTet)).toBeGreaterThanOrEqual(2);
    expect(civilDayNumber(afterTet[0]) - civilDayNumber(tet)).toBeGreaterThanOrEqual(4);
    expect([1, 2, 3, 4, 5]).toContain(dayOfWeek(afterTet[0]));

    await harness.sleepUntil(vnInstant(lastBeforeTet, 10));
    const dueAt = vnInstant(tet);
    const { taskId } = await harness.taskDueAt(dueAt);
    await harness.sleepUntil(vnInstant(afterTet[3], 9));

    expect(await outboxTimes(db, taskId)).toEqual([
      `assigned assigned -> lead_unit:${lead} @ ${at(lastBeforeTet, 10)}`,
      `assigned assigned -> coordinating_units:${coordinating} @ ${at(lastBeforeTet, 10)}`,
      // The first working morning after Tết: the first acknowledgement reminder and the deadline's escalation together.
      `ack_reminder ack-1wd@e0 -> lead_unit:${lead} @ ${sentAt(taskId, vnInstant(afterTet[0], 8))}`,
      `escalation level-1@e0 -> lead_unit_head:${lead} @ ${sentAt(taskId, vnInstant(afterTet[0], 8))}`,
      `ack_reminder ack-2wd@e0 -> lead_unit:${lead} @ ${sentAt(taskId, vnInstant(afterTet[1], 8))}`,
      `ack_escalation ack-escalation@e0 -> lead_unit_head:${lead} @ ${sentAt(taskId, vnInstant(afterTet[2], 8))}`,
      `escalation level-2@e0 -> standing_office:${secretariat.unitCode} @ ${sentAt(taskId, vnInstant(afterTet[3], 8))}`,
    ]);
    expect(await auditKinds(db, taskId)).toEqual([
      'launched',
      'overdue',
      'ack_reminder',
      'escalation',
      'ack_reminder',
      'ack_escalation',
      'escalation',
    ]);
    // Overdue from the first instant of Tết, though nobody is told before the holiday ends.
    const overdue = await records.auditEvent(db, taskId, 'overdue', ['occurred_at']);
    expect(toVnIso(overdue.occurred_at).slice(0, 16)).toBe(at(tet, 0));
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 7 });
  });

  it('holds reminders over a weekend until Monday morning and escalates a deadline falling on Sunday on Monday morning', async () => {
    const now = await harness.now();
    const calendar = await workingCalendar(db, now);
    // A plain Friday: it and the next Monday-Wednesday are worked; so are the Thursday and Friday before
    // the Sunday four weeks later, and the Monday after it.
    const worked = (d: CivilDate, ...offsets: number[]) => offsets.every((o) => calendar.isWorkingDay(addCalendarDays(d, o)));
    let friday = vnCivilDate(new Date(now + DAY));
    while (!(dayOfWeek(friday) === 5 && worked(friday, 0, 3, 4, 5, 27, 28, 31))) friday = addCalendarDays(friday, 1);
    const sunday = addCalendarDays(friday, 30);
    const monday = addCalendarDays(sunday, 1);
    expect([dayOfWeek(sunday), dayOfWeek(monday)]).toEqual([0, 1]);

    await harness.sleepUntil(vnInstant(friday, 10));
    const dueAt = vnInstant(sunday);
    const { taskId, handle } = await harness.taskDueAt(dueAt);
    await harness.sleepUntil(vnInstant(addCalendarDays(friday, 5), 9));
    expect(await outboxTimes(db, taskId)).toEqual([
      `assigned assigned -> lead_unit:${lead} @ ${at(friday, 10)}`,
      `assigned assigned -> coordinating_units:${coordinating} @ ${at(friday, 10)}`,
      `ack_reminder ack-1wd@e0 -> lead_unit:${lead} @ ${sentAt(taskId, vnInstant(addCalendarDays(friday, 3), 8))}`,
      `ack_reminder ack-2wd@e0 -> lead_unit:${lead} @ ${sentAt(taskId, vnInstant(addCalendarDays(friday, 4), 8))}`,
      `ack_escalation ack-escalation@e0 -> lead_unit_head:${lead} @ ${sentAt(taskId, vnInstant(addCalendarDays(friday, 5), 8))}`,
    ]);

    await handle.executeUpdate(messages.acknowledgeUpdate, by(leadOfficer, { note: 'Tiếp nhận muộn' }));
    await harness.sleepUntil(vnInstant(monday, 9));
    const lines = await outboxTimes(db, taskId);
    // The last working day left is the Friday before the deadline; "1 working day before" is its Thursday.
    expect(lines.slice(5)).toEqual([
      `due_reminder due-7wd@e0 -> lead_unit:${lead} @ ${sentAt(taskId, vnInstant(calendar.addWorkingDays(addCalendarDays(sunday, -2), -7), 8))}`,
      `due_reminder due-3wd@e0 -> lead_unit:${lead} @ ${sentAt(taskId, vnInstant(calendar.addWorkingDays(addCalendarDays(sunday, -2), -3), 8))}`,
      `due_reminder due-1wd@e0 -> lead_unit:${lead} @ ${sentAt(taskId, vnInstant(addCalendarDays(sunday, -3), 8))}`,
      `escalation level-1@e0 -> lead_unit_head:${lead} @ ${sentAt(taskId, vnInstant(monday, 8))}`,
    ]);
    expect(lines).toHaveLength(9);
    expect(await auditKinds(db, taskId)).toEqual([
      'launched',
      'ack_reminder',
      'ack_reminder',
      'ack_escalation',
      'acknowledged',
      'due_reminder',
      'due_reminder',
      'due_reminder',
      'overdue',
      'escalation',
    ]);
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 10 });
  });
});
