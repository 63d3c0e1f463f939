import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Actor } from '../../domain/schemas/task';
import type { Envelope, TaskState } from '../../domain/task';
import { verifyAuditChain } from '../../db/repositories/audit';
import * as messages from '../../workflows/messages';
import { useTimeSkippingWorker } from '../helpers/harness';
import { deadlineMorning } from '../../domain/notification-plan';
import { addCalendarDays, vnCivilDate, vnInstant } from '../../domain/time';
import {
  auditKinds,
  coordinatingOfficer,
  launchFor,
  leadOfficer,
  outbox,
  secretariat,
  strangerOfficer,
  inspector,
  workingCalendar,
} from '../helpers/tasks';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('a task on the time-skipping server', () => {
  // The first test's task never finishes: the harness ends it, or it would stop the shared clock for later files.
  const harness = useTimeSkippingWorker();
  const { db } = harness;

  it('reminds a unit that never acknowledges twice, then escalates to its head, then climbs the ladder after the deadline', async () => {
    const now = await harness.now();
    const launch = launchFor(now, { dueInDays: 30 });
    const { taskId, handle } = await harness.start(launch);
    // Other files move the shared clock anywhere in the year, Tết included: wait in working days, not calendar days.
    const calendar = await workingCalendar(db, now);
    await harness.sleepUntil(vnInstant(calendar.addWorkingDays(vnCivilDate(new Date(now)), 3), 9));
    const early = await outbox(db, taskId);
    expect(early.filter((l) => l.startsWith('ack_reminder'))).toEqual([
      `ack_reminder ack-1wd@e0 -> lead_unit:${leadOfficer.unitCode}`,
      `ack_reminder ack-2wd@e0 -> lead_unit:${leadOfficer.unitCode}`,
    ]);
    expect(early.filter((l) => l.startsWith('ack_escalation'))).toEqual([
      `ack_escalation ack-escalation@e0 -> lead_unit_head:${leadOfficer.unitCode}`,
    ]);

    // Three weeks past the last rung of the ladder (7 working days after the deadline's first working morning).
    const dueAt = new Date(launch.deadline.kind === 'date' ? launch.deadline.dueAt : now);
    const lastRung = calendar.addWorkingDays(vnCivilDate(deadlineMorning(dueAt, calendar, 8)), 7);
    await harness.sleepUntil(calendar.nextWorkingMorning(vnInstant(addCalendarDays(lastRung, 21), 8), 8).getTime() + HOUR);
    const lines = await outbox(db, taskId);
    const escalations = lines.filter((l) => l.startsWith('escalation'));
    expect(escalations).toEqual([
      `escalation level-1@e0 -> lead_unit_head:${leadOfficer.unitCode}`,
      `escalation level-2@e0 -> standing_office:${secretariat.unitCode}`,
      'escalation level-3@e0 -> steering_committee',
      'escalation level-3@e0 -> inspection_committee',
    ]);
    expect(lines.filter((l) => l.startsWith('due_reminder'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('urging')).length).toBeGreaterThanOrEqual(2);
    const state = await handle.query(messages.getStateQuery);
    expect(state).toMatchObject({ status: 'assigned', escalationLevel: 3, lateUnits: [leadOfficer.unitCode] });
    const kinds = await auditKinds(db, taskId);
    expect(kinds.slice(0, 2)).toEqual(['launched', 'ack_reminder']);
    expect(kinds).toContain('overdue');
    expect((await verifyAuditChain(db, taskId)).ok).toBe(true);
  });

  it('completes on time: acknowledged, evidence, submitted and approved before the deadline', async () => {
    const now = await harness.now();
    const { taskId, handle } = await harness.start(launchFor(now, { dueInDays: 30 }));
    await handle.executeUpdate(messages.acknowledgeUpdate, { args: [{ actor: leadOfficer, command: { note: 'Đã nhận' } }] });
    await harness.env.sleep(5 * DAY);
    await handle.executeUpdate(messages.attachEvidenceUpdate, {
      args: [
        {
          actor: leadOfficer,
          command: {
            evidenceId: 'ev1',
            fileName: 'hop-dong-thue-dc.pdf',
            sha256: 'a'.repeat(64),
            contentType: 'application/pdf',
            size: 1234,
            description: '',
          },
        },
      ],
    });
    await handle.executeUpdate(messages.submitUpdate, {
      args: [{ actor: leadOfficer, command: { summary: 'Đã ký hợp đồng thuê DC', evidenceIds: ['ev1'] } }],
    });
    const done = await handle.executeUpdate(messages.approveUpdate, { args: [{ actor: secretariat, command: { note: '' } }] });
    expect(done).toMatchObject({ status: 'completed', outcome: 'completed_on_time', lateUnits: [] });
    const final = await handle.result();
    expect(final.status).toBe('completed');
    expect(await auditKinds(db, taskId)).toEqual(['launched', 'acknowledged', 'evidence_attached', 'submitted', 'approved']);
    const row = await db.selectFrom('tasks').select(['status', 'outcome', 'audit_seq']).where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'completed', outcome: 'completed_on_time', audit_seq: 5 });
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 5 });
  });

  it('rejects commands from the wrong unit, the wrong role or in the wrong state before anything enters history', async () => {
    const now = await harness.now();
    const { taskId, handle } = await harness.start(launchFor(now));

    const attempt = (def: UpdateDefinition<TaskState, [Envelope<any>]>, actor: Actor, command: unknown) =>
      handle.executeUpdate(def, { args: [{ actor, command }] }).then(
        () => null,
        (err: WorkflowUpdateFailedError) => (err.cause as { type?: string }).type,
      );
    expect(await attempt(messages.acknowledgeUpdate, strangerOfficer, {})).toBe('NotPermitted');
    expect(await attempt(messages.acknowledgeUpdate, inspector, {})).toBe('NotPermitted');
    expect(await attempt(messages.approveUpdate, secretariat, {})).toBe('InvalidState');
    expect(await attempt(messages.returnUpdate, secretariat, { reason: '' })).toBe('InvalidCommand');
    expect(
      await attempt(messages.requestExtensionUpdate, leadOfficer, {
        requestedDueAt: new Date(now - DAY).toISOString(),
        reason: 'Cần thêm thời gian',
      }),
    ).toBe('InvalidCommand');
    expect(await attempt(messages.reportProgressUpdate, coordinatingOfficer, { text: 'Đã phối hợp' })).toBe('InvalidState');
    const history = await handle.fetchHistory();
    const updateEvents = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
    expect(updateEvents).toHaveLength(0);
    expect(await auditKinds(db, taskId)).toEqual(['launched']);
  });
});
