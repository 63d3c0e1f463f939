import { describe, expect, it } from 'vitest';
import { type PlannedTask, useTimeSkippingWorker } from '../helpers/harness';
import { DAY, HOUR } from '../helpers/fixtures';
import { verifyAuditChain } from '../../db/repositories/audit';
import { deadlineMorning, lastWorkingDayBeforeDeadline } from '../../domain/notification-plan';
import type { TaskState } from '../../domain/task';
import { vnCivilDate, vnInstant } from '../../domain/time';
import * as messages from '../../workflows/messages';
import { auditKinds, by, claimAndApprove, leadOfficer, otherLeadOfficer, outbox, refusal, secretariat } from '../helpers/tasks';
import * as expected from '../helpers/expected-trail';
import * as records from '../helpers/task-records';

const lead = leadOfficer.unitCode;
const newLead = otherLeadOfficer.unitCode;
// How the server refuses an Update to a closed workflow: "workflow execution already completed" (Temporal
// server), "update <id> not found" (the time-skipping test server).
const closed = /already completed|not found/i;

describe('who owns a task: cancellation and reassignment', () => {
  const harness = useTimeSkippingWorker();
  const { db } = harness;
  /** A task due before the day 30 days from now, acknowledged by its lead unit at once. */
  const acknowledgedTask = () => harness.acknowledgedTaskDueIn(30);

  const reassignTo = (reason: string) => by(secretariat, { newLeadUnit: newLead, responsibleOfficial: 'Giám đốc Công an tỉnh', reason });

  async function completeAs(handle: PlannedTask['handle'], officer: typeof leadOfficer) {
    return (await claimAndApprove(handle, officer, { fileName: 'bao-cao-hoan-thanh.pdf', summary: 'Đã hoàn thành' })).approved;
  }

  /** Who led a task reassigned (for `reason`) at `handedOverAt` and completed by the new lead unit. */
  const ledBeforeAndAfter = (done: TaskState, handedOverAt: string, reason: string) => [
    { unitCode: lead, responsibleOfficial: 'Giám đốc Sở', from: done.launchedAt, to: handedOverAt, reason },
    { unitCode: newLead, responsibleOfficial: 'Giám đốc Công an tỉnh', from: handedOverAt, to: done.completedAt, reason: null },
  ];

  it('cancels with a reason: both units are told, no reminder follows, the workflow ends, and a closed task refuses further commands', async () => {
    const { taskId, handle, dueAt, calendar } = await acknowledgedTask();
    // Cancelled after the first reminder (7 working days before the deadline).
    await harness.sleepUntil(vnInstant(calendar.addWorkingDays(lastWorkingDayBeforeDeadline(dueAt, calendar), -7), 9));

    expect(await refusal(handle.executeUpdate(messages.cancelUpdate, by(secretariat, { reason: '' })))).toBe('InvalidCommand');
    expect(await refusal(handle.executeUpdate(messages.cancelUpdate, by(leadOfficer, { reason: 'Không còn phù hợp' })))).toBe(
      'NotPermitted',
    );
    const reason = 'Nhiệm vụ được điều chỉnh tại Thông báo kết luận mới';
    const cancelled = await handle.executeUpdate(messages.cancelUpdate, by(secretariat, { reason }));
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      outcome: null,
      lateUnits: [],
      leadHistory: [{ unitCode: lead, to: cancelled.cancelledAt }],
    });
    expect((await handle.result()).status).toBe('cancelled');

    // Past the deadline and every rung of the ladder: nothing more is sent or recorded.
    await harness.sleepUntil(deadlineMorning(dueAt, calendar, 8).getTime() + 30 * DAY);
    await expected.assertTrail(db, taskId, {
      kinds: [...expected.launchedAndAcknowledged, 'due_reminder', 'cancelled'],
      outbox: [...expected.assignedLines(), expected.dueReminderLine(lead, 7), ...expected.toBothUnits('cancelled cancelled')],
    });
    const notice = await records.notices(db, taskId, 'cancelled', ['body']);
    expect(notice).toEqual([{ body: expect.stringContaining(`Lý do: ${reason}`) }, { body: expect.stringContaining(`Lý do: ${reason}`) }]);

    // The closed task answers no command: not a second cancellation, not a late claim.
    await expect(handle.executeUpdate(messages.cancelUpdate, by(secretariat, { reason: 'Hủy lần nữa' }))).rejects.toThrow(closed);
    await expect(handle.executeUpdate(messages.submitUpdate, by(leadOfficer, { summary: 'Đã xong', evidenceIds: [] }))).rejects.toThrow(
      closed,
    );
    const row = await records.taskRow(db, taskId, ['status', 'cancelled_at', 'outcome']);
    expect(row).toEqual({ status: 'cancelled', cancelled_at: new Date(cancelled.cancelledAt!), outcome: null });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 4 });
  });

  it('refuses to cancel a task already approved', async () => {
    const { taskId, handle } = await acknowledgedTask();
    await completeAs(handle, leadOfficer);
    await handle.result();
    await expect(handle.executeUpdate(messages.cancelUpdate, by(secretariat, { reason: 'Thu hồi' }))).rejects.toThrow(closed);
    expect(await auditKinds(db, taskId)).toEqual([...expected.launchedAndAcknowledged, ...expected.claimedAndApproved]);
    expect(await records.taskRow(db, taskId, ['status', 'outcome'])).toEqual({
      status: 'completed',
      outcome: 'completed_on_time',
    });
  });

  it('holds both units late when the task is reassigned after its deadline passed, and keeps who led when', async () => {
    const { taskId, handle, dueAt, calendar } = await acknowledgedTask();
    await harness.sleepUntil(deadlineMorning(dueAt, calendar, 8).getTime() + 2 * HOUR);
    expect(await handle.query(messages.getStateQuery)).toMatchObject({ lateUnits: [lead], escalationLevel: 1 });

    const reason = 'Chuyển Công an tỉnh chủ trì theo chức năng, nhiệm vụ';
    const reassigned = await handle.executeUpdate(messages.reassignUpdate, reassignTo(reason));
    const handedOverAt = reassigned.leadHistory[1].from;
    expect(reassigned).toMatchObject({
      leadUnit: newLead,
      responsibleOfficial: 'Giám đốc Công an tỉnh',
      status: 'assigned',
      acknowledgedAt: null,
      lateUnits: [lead, newLead],
      leadHistory: [
        { unitCode: lead, responsibleOfficial: 'Giám đốc Sở', from: reassigned.launchedAt, to: handedOverAt, reason },
        { unitCode: newLead, responsibleOfficial: 'Giám đốc Công an tỉnh', from: handedOverAt, to: null, reason: null },
      ],
    });
    // The unit relieved of the task no longer speaks for it.
    expect(await refusal(handle.executeUpdate(messages.acknowledgeUpdate, by(leadOfficer, { note: '' })))).toBe('NotPermitted');

    await handle.executeUpdate(messages.acknowledgeUpdate, by(otherLeadOfficer, { note: 'Công an tỉnh tiếp nhận' }));
    const done = await completeAs(handle, otherLeadOfficer);
    expect(done).toMatchObject({ status: 'completed', outcome: 'completed_late', lateUnits: [lead, newLead] });
    expect(done.leadHistory).toEqual(ledBeforeAndAfter(done, handedOverAt, reason));
    await expected.assertTrail(db, taskId, {
      kinds: [
        ...expected.launchedAndAcknowledged,
        ...expected.remindedOverdueEscalated,
        'reassigned',
        'acknowledged',
        ...expected.claimedAndApproved,
      ],
      outbox: [
        ...expected.assignedLines(),
        ...expected.remindedAndEscalatedLines(lead),
        `reassigned reassigned-8 -> lead_unit:${newLead}`,
        `approved approved -> lead_unit:${newLead}`,
      ],
    });
    const event = await records.auditEvent(db, taskId, 'reassigned', ['actor_user', 'payload']);
    expect(event).toEqual({
      actor_user: secretariat.userId,
      payload: { newLeadUnit: newLead, responsibleOfficial: 'Giám đốc Công an tỉnh', reason, previousLeadUnit: lead },
    });
    const row = await records.taskRow(db, taskId, ['lead_unit', 'late_units', 'outcome']);
    expect(row).toEqual({ lead_unit: newLead, late_units: [lead, newLead], outcome: 'completed_late' });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 12 });
  });

  it('holds only the new unit late when the task was reassigned before its deadline', async () => {
    const { taskId, handle, dueAt, calendar } = await acknowledgedTask();
    await harness.env.sleep(5 * DAY);
    const reason = 'Điều chỉnh đơn vị chủ trì';
    const reassigned = await handle.executeUpdate(messages.reassignUpdate, reassignTo(reason));
    expect(reassigned).toMatchObject({ leadUnit: newLead, status: 'assigned', lateUnits: [] });
    await handle.executeUpdate(messages.acknowledgeUpdate, by(otherLeadOfficer, { note: '' }));

    await harness.sleepUntil(deadlineMorning(dueAt, calendar, 8).getTime() + 2 * HOUR);
    const done = await completeAs(handle, otherLeadOfficer);
    const handedOverAt = reassigned.leadHistory[1].from;
    expect(done).toMatchObject({ status: 'completed', outcome: 'completed_late', lateUnits: [newLead] });
    expect(done.leadHistory).toEqual(ledBeforeAndAfter(done, handedOverAt, reason));
    // Reminders and escalation go to the unit leading when they fall due.
    await expected.assertTrail(db, taskId, {
      kinds: [
        ...expected.launchedAndAcknowledged,
        'reassigned',
        'acknowledged',
        ...expected.remindedOverdueEscalated,
        ...expected.claimedAndApproved,
      ],
      outbox: [
        ...expected.assignedLines(),
        `reassigned reassigned-3 -> lead_unit:${newLead}`,
        ...expected.remindedAndEscalatedLines(newLead),
        `approved approved -> lead_unit:${newLead}`,
      ],
    });
    const overdue = await records.auditEvent(db, taskId, 'overdue', ['payload']);
    expect(overdue.payload).toEqual({ dueAt: dueAt.toISOString(), leadUnit: newLead });
    const row = await records.taskRow(db, taskId, ['lead_unit', 'late_units', 'outcome']);
    expect(row).toEqual({ lead_unit: newLead, late_units: [newLead], outcome: 'completed_late' });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 12 });
  });

  it('gives a new lead unit its own acknowledgement schedule from the reassignment, and a unit leading again its reminders again', async () => {
    const { taskId, handle, calendar } = await harness.taskDueIn(40);
    const reassignBack = by(secretariat, { newLeadUnit: lead, responsibleOfficial: 'Giám đốc Sở', reason: 'Trả lại đơn vị ban đầu' });
    // The first unit is reminded twice and its head told, then the task moves on late in its life.
    await harness.env.sleep(10 * DAY);
    const toNew = await handle.executeUpdate(messages.reassignUpdate, reassignTo('Điều chỉnh đơn vị chủ trì'));
    const handedOver = new Date(toNew.leadHistory[1].from);
    const day = (n: number) => vnInstant(calendar.addWorkingDays(vnCivilDate(handedOver), n), 8);
    await harness.sleepUntil(day(3).getTime() + HOUR);
    const back = await handle.executeUpdate(messages.reassignUpdate, reassignBack);
    const backDay = (n: number) => vnInstant(calendar.addWorkingDays(vnCivilDate(new Date(back.leadHistory[2].from)), n), 8);
    await harness.sleepUntil(backDay(1).getTime() + HOUR);

    const ack = (await outbox(db, taskId)).filter((line) => line.startsWith('ack_'));
    expect(ack).toEqual([
      `ack_reminder ack-1wd@e0 -> lead_unit:${lead}`,
      `ack_reminder ack-2wd@e0 -> lead_unit:${lead}`,
      `ack_escalation ack-escalation@e0 -> lead_unit_head:${lead}`,
      `ack_reminder ack-1wd@e0@l2 -> lead_unit:${newLead}`,
      `ack_reminder ack-2wd@e0@l2 -> lead_unit:${newLead}`,
      `ack_escalation ack-escalation@e0@l2 -> lead_unit_head:${newLead}`,
      `ack_reminder ack-1wd@e0@l3 -> lead_unit:${lead}`,
    ]);
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true });
  });
});
