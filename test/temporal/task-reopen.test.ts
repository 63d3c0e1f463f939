import { beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../db/repositories/audit';
import { lastWorkingDayBeforeDeadline } from '../../domain/notification-plan';
import { addCalendarDays, vnCivilDate, vnInstant } from '../../domain/time';
import { reopenTask } from '../../services/task-reopen';
import { launchTask, type TaskDeps } from '../../services/tasks';
import * as messages from '../../workflows/messages';
import { useTimeSkippingWorker } from '../helpers/harness';
import {
  auditKinds,
  by,
  coordinatingOfficer,
  evidence,
  launchFor,
  leadOfficer,
  outbox,
  secretariat,
  workingCalendar,
} from '../helpers/tasks';
import { addTestUnit } from '../helpers/users';

const HOUR = 3600_000;
const lead = leadOfficer.unitCode;

describe('a task launched once for its whole life, and reopened when it must be done again', () => {
  const harness = useTimeSkippingWorker();
  const { db } = harness;
  const deps = (): TaskDeps => ({ db, temporal: harness.env.client, taskQueue: harness.taskQueue });

  // launchTask checks every unit it names against the registry.
  beforeAll(async () => {
    for (const unit of [leadOfficer, coordinatingOfficer, secretariat]) await addTestUnit(db, unit.unitCode);
  });

  it('answers a repeated launch of a cancelled task with the existing task, starting nothing', async () => {
    const launch = launchFor(await harness.now(), { dueInDays: 20 });
    const first = await launchTask(deps(), launch, secretariat);
    expect(first.outcome).toBe('launched');
    const handle = harness.env.client.workflow.getHandle(first.outcome === 'launched' ? first.workflowId : '');
    await handle.executeUpdate(messages.cancelUpdate, by(secretariat, { reason: 'Thu hồi' }));
    await handle.result();

    const again = await launchTask(deps(), launch, secretariat);
    expect(again).toMatchObject({ outcome: 'already_launched', taskId: first.outcome === 'launched' ? first.taskId : '' });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(await auditKinds(db, again.outcome === 'already_launched' ? again.taskId : '')).toEqual(['launched', 'cancelled']);
  });

  it('reopens a completed task: the chain continues at the next seq, and the unit is reminded of its new deadline', async () => {
    const now = await harness.now();
    const launched = await launchTask(deps(), launchFor(now, { dueInDays: 20 }), secretariat);
    if (launched.outcome !== 'launched') throw new Error(launched.outcome);
    const { taskId, workflowId } = launched;
    const handle = harness.env.client.workflow.getHandle(workflowId);
    await handle.executeUpdate(messages.acknowledgeUpdate, by(leadOfficer, { note: '' }));
    await handle.executeUpdate(messages.attachEvidenceUpdate, by(leadOfficer, evidence('ev1', 'bien-ban.pdf')));
    await handle.executeUpdate(messages.submitUpdate, by(leadOfficer, { summary: 'Đã xong', evidenceIds: ['ev1'] }));
    const completed = await handle.executeUpdate(messages.approveUpdate, by(secretariat, { note: '' }));
    await handle.result();

    const newDueAt = vnInstant(addCalendarDays(vnCivilDate(new Date(await harness.now())), 30));
    const reopened = await reopenTask(
      deps(),
      taskId,
      { reason: 'Kết quả kiểm tra chưa đạt', newDueAt: newDueAt.toISOString() },
      secretariat,
    );
    expect(reopened).toMatchObject({
      status: 'in_progress',
      dueAt: newDueAt.toISOString(),
      outcome: null,
      completedAt: null,
      auditSeq: completed.auditSeq + 1,
      reopenCount: 1,
    });

    // Past the last reminder before the new deadline.
    const calendar = await workingCalendar(db, newDueAt);
    await harness.sleepUntil(vnInstant(lastWorkingDayBeforeDeadline(newDueAt, calendar), 12));
    const kinds = await auditKinds(db, taskId);
    expect(kinds.slice(0, 6)).toEqual(['launched', 'acknowledged', 'evidence_attached', 'submitted', 'approved', 'reopened']);
    expect(kinds.slice(6)).toEqual(['due_reminder', 'due_reminder', 'due_reminder']);
    expect(await outbox(db, taskId)).toEqual(
      expect.arrayContaining([
        `reopened reopened-6 -> lead_unit:${lead}`,
        `due_reminder due-7wd@e0@r1 -> lead_unit:${lead}`,
        `due_reminder due-1wd@e0@r1 -> lead_unit:${lead}`,
      ]),
    );
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true, events: 9 });

    // A second approval is news again, not a duplicate of the first.
    await handle.executeUpdate(messages.submitUpdate, by(leadOfficer, { summary: 'Làm lại xong', evidenceIds: ['ev1'] }));
    await handle.executeUpdate(messages.approveUpdate, by(secretariat, { note: '' }));
    await handle.result();
    expect((await outbox(db, taskId)).filter((line) => line.startsWith('approved'))).toEqual([
      `approved approved -> lead_unit:${lead}`,
      `approved approved@r1 -> lead_unit:${lead}`,
    ]);
    expect(await verifyAuditChain(db, taskId)).toMatchObject({ ok: true });
  });

  it('refuses to reopen a task still open, or without a deadline in the future', async () => {
    const launched = await launchTask(deps(), launchFor(await harness.now(), { dueInDays: 20 }), secretariat);
    if (launched.outcome !== 'launched') throw new Error(launched.outcome);
    const handle = harness.env.client.workflow.getHandle(launched.workflowId);
    const future = new Date((await harness.now()) + 40 * 24 * HOUR).toISOString();
    await expect(reopenTask(deps(), launched.taskId, { reason: 'x', newDueAt: future }, secretariat)).rejects.toMatchObject({
      kind: 'conflict',
    });
    await handle.executeUpdate(messages.cancelUpdate, by(secretariat, { reason: 'Thu hồi' }));
    await handle.result();
    const past = '2020-01-01T00:00:00+07:00';
    await expect(reopenTask(deps(), launched.taskId, { reason: 'x', newDueAt: past }, secretariat)).rejects.toMatchObject({
      kind: 'invalid',
    });
    await expect(reopenTask(deps(), launched.taskId, { reason: 'x', newDueAt: future }, leadOfficer)).rejects.toMatchObject({
      kind: 'conflict',
    });
  });
});
