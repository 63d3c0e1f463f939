import { describe, expect, it } from 'vitest';
import { useTimeSkippingWorker } from '../helpers/harness';
import { DAY, HOUR } from '../helpers/fixtures';
import { verifyAuditChain } from '../../db/repositories/audit';
import { deadlineMorning, lastWorkingDayBeforeDeadline } from '../../domain/notification-plan';
import { formatCivilDate, vnCivilDate, vnInstant } from '../../domain/time';
import * as messages from '../../workflows/messages';
import { by, claimAndApprove, evidence, launchFor, leadOfficer, outbox, refusal, secretariat } from '../helpers/tasks';
import * as expected from '../helpers/expected-trail';
import * as records from '../helpers/task-records';

const lead = leadOfficer.unitCode;

describe('review of a completion claim: on time, late, returned, targets', () => {
  const harness = useTimeSkippingWorker();
  const { db } = harness;
  /** A task due before the day 30 days from now, acknowledged by the lead unit at once. */
  const acknowledgedTask = (launch: Parameters<typeof launchFor>[1] = {}) =>
    harness.acknowledgedTaskDueIn(30, { launch, note: 'Đã tiếp nhận' });

  it('records a completion claimed after the deadline as completed late, the lead unit late, after reminding and escalating', async () => {
    const { taskId, handle, dueAt, calendar } = await acknowledgedTask();

    // Past the deadline and its first escalation (the head of the lead unit), before the second.
    await harness.sleepUntil(deadlineMorning(dueAt, calendar, 8).getTime() + 2 * HOUR);
    const overdue = await handle.query(messages.getStateQuery);
    expect(overdue).toMatchObject({ status: 'acknowledged', lateUnits: [lead], escalationLevel: 1, outcome: null });

    const { submitted, approved } = await claimAndApprove(handle, leadOfficer, {
      fileName: 'hop-dong-thue-dc.pdf',
      summary: 'Đã ký hợp đồng thuê DC',
      note: 'Hoàn thành, nhưng quá hạn',
    });

    expect(Date.parse(submitted.submittedAt!)).toBeGreaterThan(dueAt.getTime());
    expect(approved).toMatchObject({
      status: 'completed',
      outcome: 'completed_late',
      lateUnits: [lead],
      dueAt: dueAt.toISOString(),
      originalDueAt: dueAt.toISOString(),
      submittedAt: submitted.submittedAt,
    });
    expect((await handle.result()).outcome).toBe('completed_late');
    await expected.assertTrail(db, taskId, {
      kinds: [...expected.launchedAndAcknowledged, ...expected.remindedOverdueEscalated, ...expected.claimedAndApproved],
      outbox: [...expected.assignedLines(), ...expected.remindedAndEscalatedLines(lead), `approved approved -> lead_unit:${lead}`],
    });
    const row = await records.taskRow(db, taskId, ['status', 'outcome', 'late_units', 'escalation_level', 'audit_seq']);
    expect(row).toEqual({ status: 'completed', outcome: 'completed_late', late_units: [lead], escalation_level: 1, audit_seq: 10 });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 10 });
  });

  it('judges lateness by when the unit claimed completion: a claim before the deadline approved after it is on time', async () => {
    const { taskId, handle, dueAt, calendar } = await acknowledgedTask();
    const lastDay = lastWorkingDayBeforeDeadline(dueAt, calendar);

    // Claimed after the 3-working-day reminder; while the claim awaits review nobody chases the unit.
    await harness.sleepUntil(vnInstant(calendar.addWorkingDays(lastDay, -3), 9));
    await handle.executeUpdate(messages.attachEvidenceUpdate, by(leadOfficer, evidence('ev1', 'bao-cao-ket-qua.pdf')));
    await handle.executeUpdate(messages.submitUpdate, by(leadOfficer, { summary: 'Đã hoàn thành', evidenceIds: ['ev1'] }));
    await harness.sleepUntil(dueAt.getTime() + 10 * DAY);
    expect(await handle.query(messages.getStateQuery)).toMatchObject({ status: 'submitted', lateUnits: [], escalationLevel: 0 });

    const approved = await handle.executeUpdate(messages.approveUpdate, by(secretariat, { note: '' }));
    expect(approved).toMatchObject({ status: 'completed', outcome: 'completed_on_time', lateUnits: [] });
    expect(Date.parse(approved.completedAt!)).toBeGreaterThan(dueAt.getTime());
    await expected.assertTrail(db, taskId, {
      kinds: [...expected.launchedAndAcknowledged, 'due_reminder', 'due_reminder', ...expected.claimedAndApproved],
      outbox: [
        ...expected.assignedLines(),
        expected.dueReminderLine(lead, 7),
        expected.dueReminderLine(lead, 3),
        `approved approved -> lead_unit:${lead}`,
      ],
    });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 7 });
  });

  it('sends the escalations that came due while a claim awaited review once it is returned after the deadline', async () => {
    const { taskId, handle, dueAt, calendar } = await acknowledgedTask();
    const lastDay = lastWorkingDayBeforeDeadline(dueAt, calendar);
    await harness.sleepUntil(vnInstant(calendar.addWorkingDays(lastDay, -2), 9));
    await handle.executeUpdate(
      messages.requestExtensionUpdate,
      by(leadOfficer, { requestedDueAt: new Date(dueAt.getTime() + 30 * DAY).toISOString(), reason: 'Chờ nghiệm thu' }),
    );
    await handle.executeUpdate(messages.attachEvidenceUpdate, by(leadOfficer, evidence('ev1', 'du-thao.pdf')));
    await handle.executeUpdate(messages.submitUpdate, by(leadOfficer, { summary: 'Đã xong', evidenceIds: ['ev1'] }));

    // During review, past the third rung of the ladder, the extension is denied (the workflow wakes
    // and sends nothing: the ball is in the secretariat's court); the claim is returned the next day.
    const dayZero = vnCivilDate(deadlineMorning(dueAt, calendar, 8));
    await harness.sleepUntil(vnInstant(calendar.addWorkingDays(dayZero, 7), 10));
    await handle.executeUpdate(
      messages.decideExtensionUpdate,
      by(secretariat, { approve: false, newDueAt: null, reason: 'Đã đề nghị hoàn thành' }),
    );
    await harness.env.sleep(DAY);
    await handle.executeUpdate(messages.returnUpdate, by(secretariat, { reason: 'Chưa có biên bản nghiệm thu' }));
    await harness.env.sleep(HOUR);

    expect(await handle.query(messages.getStateQuery)).toMatchObject({ status: 'returned', lateUnits: [lead], escalationLevel: 3 });
    const sent = await outbox(db, taskId);
    expect(sent.slice(sent.findIndex((line) => line.startsWith('returned')) + 1)).toEqual([
      `escalation level-1@e0 -> lead_unit_head:${lead}`,
      `escalation level-2@e0 -> standing_office:${secretariat.unitCode}`,
      `escalation level-3@e0 -> steering_committee`,
      `escalation level-3@e0 -> inspection_committee`,
    ]);
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true });
  });

  it('returns a claim with a reason to the lead unit, which completes it and resubmits for approval', async () => {
    const { taskId, handle } = await acknowledgedTask();
    await handle.executeUpdate(messages.attachEvidenceUpdate, by(leadOfficer, evidence('ev1', 'du-thao-hop-dong.pdf')));
    await handle.executeUpdate(messages.submitUpdate, by(leadOfficer, { summary: 'Đã thuê DC', evidenceIds: ['ev1'] }));

    expect(await refusal(handle.executeUpdate(messages.returnUpdate, by(secretariat, { reason: '  ' })))).toBe('InvalidCommand');
    expect(await refusal(handle.executeUpdate(messages.returnUpdate, by(leadOfficer, { reason: 'Tự trả lại' })))).toBe('NotPermitted');
    const reason = 'Mới có dự thảo hợp đồng, chưa có biên bản nghiệm thu hạ tầng DC';
    const returned = await handle.executeUpdate(messages.returnUpdate, by(secretariat, { reason }));
    expect(returned).toMatchObject({ status: 'returned', lastReturnReason: reason, outcome: null });
    const returnedRow = await records.taskRow(db, taskId, ['status', 'audit_seq']);
    expect(returnedRow).toEqual({ status: 'returned', audit_seq: 5 });
    const notice = await records.notices(db, taskId, 'returned', ['kind', 'recipient_unit', 'body']);
    expect(notice).toEqual([{ kind: 'returned', recipient_unit: lead, body: expect.stringContaining(`Lý do: ${reason}`) }]);

    await harness.env.sleep(3 * DAY);
    await handle.executeUpdate(messages.attachEvidenceUpdate, by(leadOfficer, evidence('ev2', 'bien-ban-nghiem-thu-dc.pdf')));
    await handle.executeUpdate(
      messages.submitUpdate,
      by(leadOfficer, { summary: 'Bổ sung biên bản nghiệm thu', evidenceIds: ['ev1', 'ev2'] }),
    );
    const approved = await handle.executeUpdate(messages.approveUpdate, by(secretariat, { note: '' }));

    expect(approved).toMatchObject({
      status: 'completed',
      outcome: 'completed_on_time',
      lateUnits: [],
      evidence: [{ evidenceId: 'ev1' }, { evidenceId: 'ev2' }],
    });
    await handle.result();
    await expected.assertTrail(db, taskId, {
      kinds: [...expected.launchedAndAcknowledged, 'evidence_attached', 'submitted', 'returned', ...expected.claimedAndApproved],
      outbox: [...expected.assignedLines(), `returned returned-5 -> lead_unit:${lead}`, `approved approved -> lead_unit:${lead}`],
    });
    const returnEvent = await records.auditEvent(db, taskId, 'returned', ['actor_user', 'actor_unit', 'payload']);
    expect(returnEvent).toEqual({ actor_user: secretariat.userId, actor_unit: secretariat.unitCode, payload: { reason } });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 8 });
  });

  it('meets a 5G coverage target through measured values with evidence: 58.4% returned, 62.3% approved', async () => {
    const target = { id: '5g', metric: 'Tỷ lệ phủ sóng 5G', comparator: '>=' as const, value: 62, unit: '%', dueAt: null };
    const { taskId, handle, now } = await acknowledgedTask({
      ref: '2.2 (2)',
      title: 'Phát triển hạ tầng 5G tại khu công nghiệp, trường đại học, bệnh viện',
      expectedResult: 'Tỷ lệ phủ sóng 5G năm 2025 đạt 62%',
      targets: [target],
    });
    const today = formatCivilDate(vnCivilDate(new Date(now)));

    await handle.executeUpdate(messages.attachEvidenceUpdate, by(leadOfficer, evidence('do-kiem-1', 'ket-qua-do-kiem-5g-dot-1.pdf')));
    const first = await handle.executeUpdate(
      messages.recordMeasurementUpdate,
      by(leadOfficer, { targetId: '5g', value: 58.4, measuredOn: today, evidenceIds: ['do-kiem-1'], note: 'Số liệu nhà mạng' }),
    );
    expect(first.status).toBe('in_progress');
    expect(first.targets).toEqual([
      expect.objectContaining({
        id: '5g',
        latestValue: 58.4,
        met: false,
        metAt: null,
        measurements: [expect.objectContaining({ seq: 1, value: 58.4, accepted: false })],
      }),
    ]);
    expect(first.targets[0].progress).toBeCloseTo(58.4 / 62, 6);

    await handle.executeUpdate(
      messages.submitUpdate,
      by(leadOfficer, { summary: 'Đề nghị ghi nhận hoàn thành', evidenceIds: ['do-kiem-1'] }),
    );
    await handle.executeUpdate(messages.returnUpdate, by(secretariat, { reason: 'Tỷ lệ phủ sóng 58,4% chưa đạt chỉ tiêu 62%' }));

    await harness.env.sleep(10 * DAY);
    await handle.executeUpdate(messages.attachEvidenceUpdate, by(leadOfficer, evidence('do-kiem-2', 'ket-qua-do-kiem-5g-dot-2.pdf')));
    const later = formatCivilDate(vnCivilDate(new Date(await harness.now())));
    const second = await handle.executeUpdate(
      messages.recordMeasurementUpdate,
      by(leadOfficer, { targetId: '5g', value: 62.3, measuredOn: later, evidenceIds: ['do-kiem-2'], note: '' }),
    );
    // Reaching the value is a claim; the target counts as met only once the secretariat approves.
    expect(second.targets[0]).toMatchObject({ latestValue: 62.3, progress: 1, met: false, metAt: null });
    await handle.executeUpdate(
      messages.submitUpdate,
      by(leadOfficer, { summary: 'Tỷ lệ phủ sóng 5G đạt 62,3%', evidenceIds: ['do-kiem-2'] }),
    );
    const approved = await handle.executeUpdate(messages.approveUpdate, by(secretariat, { note: 'Đạt chỉ tiêu' }));

    expect(approved).toMatchObject({ status: 'completed', outcome: 'completed_on_time' });
    expect(approved.targets).toEqual([
      {
        ...target,
        measurements: [
          expect.objectContaining({
            seq: 1,
            value: 58.4,
            measuredOn: today,
            evidenceIds: ['do-kiem-1'],
            recordedBy: leadOfficer.userId,
            accepted: true,
          }),
          expect.objectContaining({
            seq: 2,
            value: 62.3,
            measuredOn: later,
            evidenceIds: ['do-kiem-2'],
            recordedBy: leadOfficer.userId,
            accepted: true,
          }),
        ],
        latestValue: 62.3,
        progress: 1,
        met: true,
        metAt: approved.completedAt,
      },
    ]);
    const measuredAndClaimed = ['evidence_attached', 'measurement_recorded', 'submitted'];
    await expected.assertTrail(db, taskId, {
      kinds: [...expected.launchedAndAcknowledged, ...measuredAndClaimed, 'returned', ...measuredAndClaimed, 'approved'],
      outbox: [...expected.assignedLines(), `returned returned-6 -> lead_unit:${lead}`, `approved approved -> lead_unit:${lead}`],
    });
    const approval = await records.auditEvent(db, taskId, 'approved', ['payload']);
    expect(approval.payload).toMatchObject({ outcome: 'completed_on_time', targetsMet: ['5g'] });
    const row = await records.taskRow(db, taskId, ['status', 'state']);
    expect(row.status).toBe('completed');
    expect((row.state as { targets: unknown[] }).targets).toEqual([
      expect.objectContaining({ id: '5g', latestValue: 62.3, progress: 1, met: true }),
    ]);
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 10 });
  });
});
