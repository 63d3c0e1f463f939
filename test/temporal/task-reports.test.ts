import { describe, expect, it } from 'vitest';
import { useTimeSkippingWorker } from '../helpers/harness';
import { HOUR } from '../helpers/fixtures';
import { verifyAuditChain } from '../../db/repositories/audit';
import { deadlineMorning, lastWorkingDayBeforeDeadline } from '../../domain/notification-plan';
import { type CivilDate, endOfVnDay, toVnIso, vnCivilDate, vnInstant } from '../../domain/time';
import type { TaskState } from '../../domain/task';
import * as messages from '../../workflows/messages';
import {
  auditKinds,
  by,
  coordinatingOfficer,
  launchFor,
  leadOfficer,
  outboxTimes,
  refusal,
  sentAt,
  workingCalendar,
} from '../helpers/tasks';
import * as records from '../helpers/task-records';

const lead = leadOfficer.unitCode;
const coordinating = coordinatingOfficer.unitCode;

/** The same day of the month `n` months later (days 1-28 only, which is all this file needs). */
const monthsLater = (d: CivilDate, n: number): CivilDate => {
  const index = d.year * 12 + (d.month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1, day: d.day };
};
const periodKey = (d: CivilDate) => `${d.year}-${String(d.month).padStart(2, '0')}`;

describe('a periodic report obligation (báo cáo định kỳ)', () => {
  const harness = useTimeSkippingWorker();
  const { db } = harness;
  it('follows a report due on the 20th of every month for 12 months: 11 on time, one late after reminders and escalation, then completes late', async () => {
    const now = await harness.now();
    // Launched on the 21st, after this month's report day, so the first period is next month's.
    const today = vnCivilDate(new Date(now));
    let launchDay: CivilDate = { year: today.year, month: today.month, day: 21 };
    if (vnInstant(launchDay, 10).getTime() <= now) launchDay = monthsLater(launchDay, 1);
    await harness.sleepUntil(vnInstant(launchDay, 10));
    const until = vnInstant(monthsLater(launchDay, 12), 10);
    const { taskId, handle } = await harness.start(
      launchFor(await harness.now(), {
        ref: '5.',
        title: 'Báo cáo tình hình thực hiện Kết luận về Ban Chỉ đạo định kỳ ngày 20 hằng tháng',
        expectedResult: 'Báo cáo tháng gửi Cơ quan Thường trực trước ngày 20',
        deadline: { kind: 'recurring', rule: { freq: 'monthly', dayOfMonth: 20 }, until: toVnIso(until) },
      }),
    );
    await handle.executeUpdate(messages.acknowledgeUpdate, by(leadOfficer, { note: '' }));
    expect(await handle.query(messages.getStateQuery)).toMatchObject({ deadlineKind: 'recurring', dueAt: null, reports: { open: [] } });

    const calendar = await workingCalendar(db, now);
    const lateMonth = 4;
    const keys: string[] = [];
    let late: { key: string; due: Date } | null = null;
    for (let i = 0; i < 12; i++) {
      const first: CivilDate = { ...monthsLater(launchDay, i + 1), day: 1 };
      await harness.sleepUntil(vnInstant(first, 9));
      const { reports } = await handle.query(messages.getStateQuery);
      const due = endOfVnDay({ ...first, day: 20 });
      expect(reports.open).toEqual([{ key: periodKey(first), due: toVnIso(due), submittedAt: null, onTime: null, escalationLevel: 0 }]);
      const key = reports.open[0].key;
      keys.push(key);
      if (i === lateMonth) {
        expect(
          await refusal(
            handle.executeUpdate(
              messages.submitReportUpdate,
              by(leadOfficer, { periodKey: periodKey(monthsLater(first, 1)), summary: 'Báo cáo trước kỳ', evidenceIds: [] }),
            ),
          ),
        ).toBe('InvalidCommand');
        // Past the report day and the next working morning's escalation to the head of the unit.
        await harness.sleepUntil(deadlineMorning(due, calendar, 8).getTime() + 2 * HOUR);
        expect((await handle.query(messages.getStateQuery)).reports.open).toEqual([
          { key, due: toVnIso(due), submittedAt: null, onTime: null, escalationLevel: 1 },
        ]);
        late = { key, due };
      }
      await handle.executeUpdate(
        messages.submitReportUpdate,
        by(leadOfficer, { periodKey: key, summary: `Báo cáo tháng ${key}`, evidenceIds: [] }),
      );
    }

    const final: TaskState = await handle.result();
    expect(final).toMatchObject({
      status: 'completed',
      outcome: 'completed_late',
      reports: { open: [], submittedOnTime: 11, submittedLate: 1 },
    });
    expect(final.reports.lastClosed.map((p) => [p.key, p.onTime, p.escalationLevel])).toEqual(
      keys.map((k, i) => [k, i !== lateMonth, i === lateMonth ? 1 : 0]),
    );

    const { key: lateKey, due: lateDue } = late!;
    const launchedAt = `${toVnIso(vnInstant(launchDay, 10)).slice(0, 16)}`;
    expect(await outboxTimes(db, taskId)).toEqual([
      `assigned assigned -> lead_unit:${lead} @ ${launchedAt}`,
      `assigned assigned -> coordinating_units:${coordinating} @ ${launchedAt}`,
      `report_reminder ${lateKey}/due-3wd -> lead_unit:${lead} @ ${sentAt(taskId, vnInstant(calendar.addWorkingDays(lastWorkingDayBeforeDeadline(lateDue, calendar), -3), 8))}`,
      `report_reminder ${lateKey}/due-1wd -> lead_unit:${lead} @ ${sentAt(taskId, vnInstant(calendar.addWorkingDays(lastWorkingDayBeforeDeadline(lateDue, calendar), -1), 8))}`,
      `report_escalation ${lateKey}/level-1 -> lead_unit_head:${lead} @ ${sentAt(taskId, deadlineMorning(lateDue, calendar, 8))}`,
    ]);
    const periodEvents = (i: number) =>
      i === lateMonth
        ? ['report_period_opened', 'report_reminder', 'report_reminder', 'report_escalation', 'report_submitted']
        : ['report_period_opened', 'report_submitted'];
    expect(await auditKinds(db, taskId)).toEqual(['launched', 'acknowledged', ...keys.flatMap((_, i) => periodEvents(i)), 'completed']);

    const submissions = await records.auditEvents(db, taskId, 'report_submitted', ['payload']);
    expect(submissions.map((s) => [s.payload.periodKey, s.payload.onTime])).toEqual(keys.map((k, i) => [k, i !== lateMonth]));
    const completed = await records.auditEvent(db, taskId, 'completed', ['actor', 'payload']);
    expect(completed).toEqual({
      actor: { system: 'workflow' },
      payload: { reason: 'all_periods_reported', submittedOnTime: 11, submittedLate: 1 },
    });
    const row = await records.taskRow(db, taskId, ['status', 'outcome', 'deadline_kind', 'due_at']);
    expect(row).toEqual({ status: 'completed', outcome: 'completed_late', deadline_kind: 'recurring', due_at: null });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 2 + 11 * 2 + 5 + 1 });
  });
});
