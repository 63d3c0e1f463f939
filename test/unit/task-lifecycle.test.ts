import { describe, expect, it } from 'vitest';
import { applyCommand, recordLaunch, refusalOf, REOPEN, reopenRefusal, TASK_COMMANDS } from '../../domain/lifecycle/commands';
import type { CommandName, TaskCommands } from '../../domain/lifecycle/commands';
import { initialState } from '../../domain/lifecycle/state';
import type { Actor, CompleteLaunch } from '../../domain/schemas/task';
import type { TaskState, TaskStatus } from '../../domain/task';
import { completeLaunch } from '../helpers/fixtures';

const iso = (vn: string) => new Date(vn).toISOString();
const LAUNCHED = iso('2025-11-04T09:00:00+07:00');
const DUE = iso('2025-11-15T00:00:00+07:00');
const at = (vn: string) => Date.parse(vn);

const leadOfficer: Actor = { userId: 'an.nguyen', unitCode: 'SKHCN', roles: ['unit_officer'] };
const coLeadHead: Actor = { userId: 'ha.vu', unitCode: 'STC', roles: ['unit_head'] };
const coordinatingOfficer: Actor = { userId: 'cuc.le', unitCode: 'SNV', roles: ['unit_officer'] };
const stranger: Actor = { userId: 'dung.pham', unitCode: 'SYT', roles: ['unit_officer'] };
const leadInspector: Actor = { userId: 'kiem.tra', unitCode: 'SKHCN', roles: ['inspector'] };
const secretariat: Actor = { userId: 'thu.ky', unitCode: 'VP_TU', roles: ['secretariat'] };

const launch = (overrides: Partial<CompleteLaunch> = {}): CompleteLaunch =>
  completeLaunch({
    ref: '2.3 (1)',
    title: 'Thuê hạ tầng Trung tâm dữ liệu (DC)',
    leadUnit: 'SKHCN',
    responsibleOfficial: 'Giám đốc Sở',
    coordinatingUnits: ['SNV'],
    expectedResult: 'Hạ tầng DC được thuê',
    targets: [{ metric: 'Tỷ lệ phủ sóng 5G', comparator: '>=', value: 62, unit: '%', dueAt: null }],
    ...overrides,
  });

/** A task launched (seq 1) and, when asked, moved to `status` the way a workflow would get there. */
function task(status: TaskStatus = 'assigned', overrides: Partial<CompleteLaunch> = {}): TaskState {
  const launched = recordLaunch(
    initialState({ taskId: '01-tb-cqtt.2-3-1', launch: launch(overrides) }, LAUNCHED),
    launch(overrides),
    LAUNCHED,
  ).state;
  return {
    ...launched,
    status,
    acknowledgedAt: status === 'assigned' ? null : LAUNCHED,
    submittedAt: status === 'submitted' ? iso('2025-11-10T10:00:00+07:00') : null,
  };
}

function give<K extends CommandName>(name: K, state: TaskState, command: TaskCommands[K], actor: Actor, now = '2025-11-06T10:00:00+07:00') {
  const refusal = refusalOf(name, state, command, actor, at(now));
  if (refusal) throw new Error(`refused: ${refusal.type} ${refusal.message}`);
  return applyCommand(name, state, command, actor, iso(now));
}

const refusalType = <K extends CommandName>(
  name: K,
  state: TaskState,
  command: TaskCommands[K],
  actor: Actor,
  now = '2025-11-06T10:00:00+07:00',
) => refusalOf(name, state, command, actor, at(now))?.type ?? null;

const evidence = (evidenceId: string) => ({
  evidenceId,
  fileName: `${evidenceId}.pdf`,
  sha256: 'a'.repeat(64),
  contentType: 'application/pdf',
  size: 10,
  description: '',
});

const SAMPLE_COMMANDS: { [K in CommandName]: TaskCommands[K] } = {
  acknowledge: { note: '' },
  reportProgress: { text: 'Đang khảo sát', percent: 20 },
  recordMeasurement: { targetId: 'target-1', value: 58.4, measuredOn: '2025-11-30', evidenceIds: [], note: '' },
  attachEvidence: evidence('ev1'),
  submit: { summary: 'Đã thuê', evidenceIds: ['ev1'] },
  approve: { note: '' },
  return: { reason: 'Thiếu biên bản nghiệm thu' },
  requestExtension: { requestedDueAt: '2025-12-15T00:00:00+07:00', reason: 'Chờ thẩm định giá' },
  decideExtension: { approve: true, newDueAt: null, reason: '' },
  reassign: { newLeadUnit: 'SNV', responsibleOfficial: 'Giám đốc Sở Nội vụ', reason: 'Điều chỉnh chức năng' },
  cancel: { reason: 'Thu hồi để giao lại' },
  submitReport: { periodKey: '2025-11', summary: 'Báo cáo tháng', evidenceIds: [] },
};

describe('the launch', () => {
  it('starts a task assigned, its deadline and targets in place, and tells the lead and coordinating units', () => {
    const launched = recordLaunch(initialState({ taskId: 'x.1', launch: launch() }, LAUNCHED), launch(), LAUNCHED);
    expect(launched.state).toMatchObject({
      status: 'assigned',
      launchedAt: LAUNCHED,
      dueAt: DUE,
      originalDueAt: DUE,
      auditSeq: 1,
      leadHistory: [{ unitCode: 'SKHCN', from: LAUNCHED, to: null }],
    });
    expect(launched.state.targets).toEqual([expect.objectContaining({ id: 'target-1', value: 62, met: false, measurements: [] })]);
    const [recorded] = launched.recorded;
    expect(recorded.event).toMatchObject({ seq: 1, kind: 'launched', occurredAt: LAUNCHED, actor: { system: 'workflow' } });
    expect(recorded.notifications.map((n) => n.key)).toEqual([
      'x.1/assigned/assigned/lead_unit/SKHCN',
      'x.1/assigned/assigned/coordinating_units/SNV',
    ]);
    expect(recorded.notifications[0].subject).toBe('[Giao nhiệm vụ] 2.3 (1) – Văn bản số 01-TB/CQTT');
    expect(recorded.notifications[0].body).toMatch(/Thời hạn: +trước ngày 15\/11\/2025 \(còn 10 ngày\)/);
  });

  it('names the official who launched it as the actor of the first event', () => {
    const launched = recordLaunch(initialState({ taskId: 'x.1', launch: launch() }, LAUNCHED), launch(), LAUNCHED, secretariat);
    expect(launched.recorded[0].event).toMatchObject({
      seq: 1,
      kind: 'launched',
      actor: { userId: 'thu.ky', unitCode: 'VP_TU', roles: ['secretariat'] },
    });
  });

  it('reads a recurring obligation with an end, and a task with no date', () => {
    const recurring = initialState(
      {
        taskId: 'x.2',
        launch: launch({ deadline: { kind: 'recurring', rule: { freq: 'monthly', dayOfMonth: 20 }, until: '2026-03-31T23:59:59+07:00' } }),
      },
      LAUNCHED,
    );
    expect(recurring).toMatchObject({
      deadlineKind: 'recurring',
      dueAt: null,
      recurrence: { freq: 'monthly', dayOfMonth: 20 },
      recurrenceUntil: iso('2026-03-31T23:59:59+07:00'),
    });
  });
});

describe('who may do what, when', () => {
  it('refuses every command in a status it is not allowed in, with InvalidState', () => {
    for (const name of Object.keys(TASK_COMMANDS) as CommandName[]) {
      const allowed = TASK_COMMANDS[name].allowedIn.statuses;
      if (!allowed) continue;
      for (const status of (['assigned', 'acknowledged', 'in_progress', 'submitted', 'returned', 'completed', 'cancelled'] as const).filter(
        (s) => !allowed.includes(s),
      )) {
        const refusal = refusalOf(name, task(status), SAMPLE_COMMANDS[name], secretariat, at('2025-11-06T10:00:00+07:00'));
        expect(refusal, `${name} in ${status}`).toEqual({
          type: 'InvalidState',
          message: expect.stringContaining(`trạng thái "${status}"`),
        });
      }
    }
  });

  it('refuses every command from someone who may not issue it, with NotPermitted', () => {
    const outsiders: Record<string, Actor[]> = {
      lead: [coordinatingOfficer, stranger, secretariat, leadInspector],
      leadOrCoordinating: [stranger, secretariat, leadInspector],
      secretariat: [leadOfficer, coordinatingOfficer],
    };
    const statusFor = (name: CommandName): TaskStatus => TASK_COMMANDS[name].allowedIn.statuses?.[0] ?? 'in_progress';
    for (const name of Object.keys(TASK_COMMANDS) as CommandName[]) {
      for (const actor of outsiders[TASK_COMMANDS[name].issuedBy.issuer]) {
        expect(refusalType(name, task(statusFor(name)), SAMPLE_COMMANDS[name], actor), `${name} by ${actor.userId}`).toBe('NotPermitted');
      }
    }
  });

  it('a unit that is not the lead cannot claim completion', () => {
    const state = give('attachEvidence', task('in_progress'), evidence('ev1'), coordinatingOfficer).state;
    expect(
      refusalOf('submit', state, { summary: 'Xong', evidenceIds: ['ev1'] }, coordinatingOfficer, at('2025-11-06T10:00:00+07:00')),
    ).toEqual({ type: 'NotPermitted', message: 'Chỉ cán bộ của đơn vị chủ trì (SKHCN) mới được đề nghị hoàn thành' });
  });

  it('lets the co-lead unit act as the lead', () => {
    const state = task('assigned', { coLeadUnit: 'STC' });
    expect(refusalOf('acknowledge', state, { note: '' }, coLeadHead, at('2025-11-06T10:00:00+07:00'))).toBeNull();
  });

  it('leaves the given state untouched whatever it accepts', () => {
    const before = task('in_progress');
    const copy = JSON.parse(JSON.stringify(before));
    give('reportProgress', before, { text: 'Đã khảo sát', percent: 30 }, leadOfficer);
    give('reassign', before, SAMPLE_COMMANDS.reassign, secretariat);
    expect(before).toEqual(copy);
  });
});

describe('acknowledging and working', () => {
  it('an acknowledgement moves the task to acknowledged and records who', () => {
    const { state, recorded } = give('acknowledge', task(), { note: 'Đã nhận' }, leadOfficer);
    expect(state).toMatchObject({ status: 'acknowledged', acknowledgedAt: iso('2025-11-06T10:00:00+07:00'), auditSeq: 2 });
    expect(recorded.map((r) => [r.event.seq, r.event.kind, r.event.actor])).toEqual([
      [2, 'acknowledged', { userId: 'an.nguyen', unitCode: 'SKHCN', roles: ['unit_officer'] }],
    ]);
    expect(recorded[0].snapshot).toBe(state);
    expect(refusalType('acknowledge', state, { note: '' }, leadOfficer)).toBe('InvalidState');
  });

  it('progress from the lead puts the task in progress; from a coordinating unit it only adds to the log, which keeps the last 50', () => {
    const byCoordinator = give(
      'reportProgress',
      task('acknowledged'),
      { text: 'Phối hợp khảo sát', percent: null },
      coordinatingOfficer,
    ).state;
    expect(byCoordinator.status).toBe('acknowledged');
    let state = give('reportProgress', byCoordinator, { text: 'Bước 1', percent: 10 }, leadOfficer).state;
    expect(state.status).toBe('in_progress');
    for (let i = 2; i <= 60; i++) state = give('reportProgress', state, { text: `Bước ${i}`, percent: null }, leadOfficer).state;
    expect(state.progress).toHaveLength(50);
    expect(state.progress[49]).toMatchObject({ text: 'Bước 60', by: 'an.nguyen', unitCode: 'SKHCN' });
  });

  it('evidence is attached once; the same id again is refused', () => {
    const state = give('attachEvidence', task('assigned'), evidence('ev1'), leadOfficer).state;
    expect(state.evidence).toEqual([expect.objectContaining({ evidenceId: 'ev1', attachedBy: 'an.nguyen', unitCode: 'SKHCN' })]);
    expect(refusalOf('attachEvidence', state, evidence('ev1'), coordinatingOfficer, at('2025-11-06T10:00:00+07:00'))).toEqual({
      type: 'InvalidState',
      message: 'Minh chứng ev1 đã được đính kèm',
    });
  });

  it('a measurement moves the target towards its value; an unknown target or unattached evidence is refused', () => {
    const { state, recorded } = give('recordMeasurement', task('acknowledged'), SAMPLE_COMMANDS.recordMeasurement, leadOfficer);
    expect(state.targets[0]).toMatchObject({
      latestValue: 58.4,
      progress: 58.4 / 62,
      met: false,
      measurements: [expect.objectContaining({ seq: 1, value: 58.4, accepted: false })],
    });
    expect(state.status).toBe('in_progress');
    expect(recorded[0].event.payload).toMatchObject({ targetId: 'target-1', seq: 1 });
    expect(refusalType('recordMeasurement', state, { ...SAMPLE_COMMANDS.recordMeasurement, targetId: 'target-9' }, leadOfficer)).toBe(
      'InvalidCommand',
    );
    expect(refusalType('recordMeasurement', state, { ...SAMPLE_COMMANDS.recordMeasurement, evidenceIds: ['ev9'] }, leadOfficer)).toBe(
      'InvalidCommand',
    );
  });
});

describe('claiming completion and the review', () => {
  const withEvidence = () => give('attachEvidence', task('in_progress'), evidence('ev1'), leadOfficer).state;

  it('a claim needs evidence, attached first, and a task with a date', () => {
    expect(
      refusalOf('submit', task('in_progress'), { summary: 'Xong', evidenceIds: [] }, leadOfficer, at('2025-11-06T10:00:00+07:00')),
    ).toEqual({ type: 'InvalidCommand', message: 'Đề nghị hoàn thành phải kèm minh chứng' });
    expect(refusalType('submit', withEvidence(), { summary: 'Xong', evidenceIds: ['ev2'] }, leadOfficer)).toBe('InvalidCommand');
    expect(
      refusalType(
        'submit',
        task('in_progress', { deadline: { kind: 'ongoing', rule: { freq: 'monthly', dayOfMonth: 20 } } }),
        { summary: 'Xong', evidenceIds: [] },
        leadOfficer,
      ),
    ).toBe('InvalidState');
    const { state } = give('submit', withEvidence(), { summary: 'Xong', evidenceIds: ['ev1'] }, leadOfficer, '2025-11-10T10:00:00+07:00');
    expect(state).toMatchObject({ status: 'submitted', submittedAt: iso('2025-11-10T10:00:00+07:00') });
  });

  it('an approval judges lateness by the claim, not the approval, and accepts the measurements', () => {
    const measured = give('recordMeasurement', withEvidence(), { ...SAMPLE_COMMANDS.recordMeasurement, value: 63 }, leadOfficer).state;
    const claimed = give('submit', measured, { summary: 'Xong', evidenceIds: ['ev1'] }, leadOfficer, '2025-11-14T16:00:00+07:00').state;
    const { state, recorded } = give('approve', claimed, { note: '' }, secretariat, '2025-11-20T09:00:00+07:00');
    expect(state).toMatchObject({ status: 'completed', outcome: 'completed_on_time', completedAt: iso('2025-11-20T09:00:00+07:00') });
    expect(state.targets[0]).toMatchObject({
      met: true,
      metAt: iso('2025-11-20T09:00:00+07:00'),
      measurements: [expect.objectContaining({ accepted: true })],
    });
    expect(state.leadHistory.at(-1)?.to).toBe(iso('2025-11-20T09:00:00+07:00'));
    expect(recorded[0].event.payload).toMatchObject({
      outcome: 'completed_on_time',
      claimedAt: iso('2025-11-14T16:00:00+07:00'),
      dueAt: DUE,
      targetsMet: ['target-1'],
    });
    expect(recorded[0].notifications.map((n) => [n.key, n.subject])).toEqual([
      ['01-tb-cqtt.2-3-1/approved/approved/lead_unit/SKHCN', '[Hoàn thành] Nhiệm vụ 2.3 (1) đã được duyệt'],
    ]);
    expect(recorded[0].notifications[0].body).toContain('(hoàn thành đúng hạn)');

    const late = give('submit', withEvidence(), { summary: 'Xong', evidenceIds: ['ev1'] }, leadOfficer, '2025-11-16T09:00:00+07:00').state;
    expect(give('approve', late, { note: '' }, secretariat, '2025-11-17T09:00:00+07:00').state.outcome).toBe('completed_late');
  });

  it('a claim returned goes back to the unit with the reason, keyed by its event', () => {
    const { state, recorded } = give('return', task('submitted'), { reason: 'Thiếu biên bản nghiệm thu' }, secretariat);
    expect(state).toMatchObject({ status: 'returned', lastReturnReason: 'Thiếu biên bản nghiệm thu', auditSeq: 2 });
    expect(recorded[0].notifications.map((n) => n.step)).toEqual(['returned-2']);
    expect(recorded[0].notifications[0].body).toContain('Lý do: Thiếu biên bản nghiệm thu');
  });
});

describe('extensions', () => {
  const requested = () => give('requestExtension', task('acknowledged'), SAMPLE_COMMANDS.requestExtension, leadOfficer).state;

  it('a request waits for the secretariat; a second one, a past or earlier date, or a task without a date are refused', () => {
    expect(requested().pendingExtension).toEqual({
      requestedDueAt: iso('2025-12-15T00:00:00+07:00'),
      reason: 'Chờ thẩm định giá',
      requestedBy: 'an.nguyen',
      requestedAt: iso('2025-11-06T10:00:00+07:00'),
    });
    expect(refusalType('requestExtension', requested(), SAMPLE_COMMANDS.requestExtension, leadOfficer)).toBe('InvalidState');
    expect(
      refusalType('requestExtension', task('acknowledged'), { requestedDueAt: '2025-11-05T00:00:00+07:00', reason: 'x' }, leadOfficer),
    ).toBe('InvalidCommand');
    expect(
      refusalType('requestExtension', task('acknowledged'), { requestedDueAt: '2025-11-14T00:00:00+07:00', reason: 'x' }, leadOfficer),
    ).toBe('InvalidCommand');
    expect(
      refusalType(
        'requestExtension',
        task('acknowledged', { deadline: { kind: 'ongoing', rule: { freq: 'monthly', dayOfMonth: 20 } } }),
        SAMPLE_COMMANDS.requestExtension,
        leadOfficer,
      ),
    ).toBe('InvalidState');
  });

  it('an extension approved moves the deadline and restarts the ladder', () => {
    const escalated = { ...requested(), escalationLevel: 2 };
    const outcome = give(
      'decideExtension',
      escalated,
      { approve: true, newDueAt: null, reason: '' },
      secretariat,
      '2025-11-07T10:00:00+07:00',
    );
    expect(outcome.state).toMatchObject({
      dueAt: iso('2025-12-15T00:00:00+07:00'),
      originalDueAt: DUE,
      extensionCount: 1,
      escalationLevel: 0,
      pendingExtension: null,
    });
    expect(outcome).toMatchObject({ replanFrom: iso('2025-11-07T10:00:00+07:00'), searchAttributesChanged: true });
    const [recorded] = outcome.recorded;
    expect(recorded.event).toMatchObject({
      kind: 'extension_approved',
      payload: { previousDueAt: DUE, dueAt: iso('2025-12-15T00:00:00+07:00'), extensionCount: 1, requestReason: 'Chờ thẩm định giá' },
    });
    expect(recorded.notifications[0]).toMatchObject({
      step: 'extension-3',
      subject: '[Gia hạn] Đề nghị gia hạn nhiệm vụ 2.3 (1) được chấp thuận',
    });
    expect(recorded.notifications[0].body).toContain('Thời hạn mới: trước ngày 15/12/2025 (thời hạn cũ: trước ngày 15/11/2025).');
  });

  it('an approved extension must move the deadline later, never earlier or to the same instant', () => {
    for (const newDueAt of ['2025-11-10T00:00:00+07:00', '2025-11-15T00:00:00+07:00']) {
      const refusal = refusalOf(
        'decideExtension',
        requested(),
        { approve: true, newDueAt, reason: '' },
        secretariat,
        at('2025-11-06T10:00:00+07:00'),
      );
      expect(refusal, newDueAt).toMatchObject({ type: 'InvalidCommand', message: expect.stringMatching(/sau thời hạn hiện tại/) });
    }
    expect(
      refusalType('decideExtension', requested(), { approve: true, newDueAt: '2025-11-15T00:00:01+07:00', reason: '' }, secretariat),
    ).toBeNull();
  });

  it('an extension denied keeps the deadline and needs a reason; a decision needs a request and an open task', () => {
    expect(refusalType('decideExtension', requested(), { approve: false, newDueAt: null, reason: '' }, secretariat)).toBe('InvalidCommand');
    expect(
      refusalType('decideExtension', requested(), { approve: true, newDueAt: '2025-11-01T00:00:00+07:00', reason: '' }, secretariat),
    ).toBe('InvalidCommand');
    expect(refusalType('decideExtension', task('acknowledged'), { approve: true, newDueAt: null, reason: '' }, secretariat)).toBe(
      'InvalidState',
    );
    expect(
      refusalType('decideExtension', { ...requested(), status: 'cancelled' }, { approve: true, newDueAt: null, reason: '' }, secretariat),
    ).toBe('InvalidState');
    const outcome = give('decideExtension', requested(), { approve: false, newDueAt: null, reason: 'Phải đúng hạn' }, secretariat);
    expect(outcome.state).toMatchObject({ dueAt: DUE, extensionCount: 0, pendingExtension: null });
    expect(outcome.replanFrom).toBeUndefined();
    expect(outcome.recorded[0].event.kind).toBe('extension_denied');
    expect(outcome.recorded[0].notifications[0].body).toContain('Lý do: Phải đúng hạn');
  });
});

describe('reassignment and cancellation', () => {
  it('a reassigned task is acknowledged afresh by the new unit, which leaves the coordinating list', () => {
    const outcome = give('reassign', task('in_progress'), SAMPLE_COMMANDS.reassign, secretariat);
    expect(outcome.state).toMatchObject({
      leadUnit: 'SNV',
      responsibleOfficial: 'Giám đốc Sở Nội vụ',
      coordinatingUnits: [],
      status: 'assigned',
      acknowledgedAt: null,
      lateUnits: [],
    });
    expect(outcome.state.leadHistory).toEqual([
      expect.objectContaining({ unitCode: 'SKHCN', to: iso('2025-11-06T10:00:00+07:00'), reason: 'Điều chỉnh chức năng' }),
      expect.objectContaining({ unitCode: 'SNV', from: iso('2025-11-06T10:00:00+07:00'), to: null }),
    ]);
    expect(outcome).toMatchObject({ replanFrom: iso('2025-11-06T10:00:00+07:00'), searchAttributesChanged: true });
    expect(outcome.recorded[0].notifications.map((n) => n.key)).toEqual(['01-tb-cqtt.2-3-1/reassigned/reassigned-2/lead_unit/SNV']);
    expect(refusalType('reassign', outcome.state, SAMPLE_COMMANDS.reassign, secretariat)).toBe('InvalidCommand');
  });

  it('a unit taking over an overdue task is late too, and a claim under review stays under review', () => {
    const overdue = { ...task('in_progress'), lateUnits: ['SKHCN'] };
    expect(give('reassign', overdue, SAMPLE_COMMANDS.reassign, secretariat, '2025-11-20T10:00:00+07:00').state.lateUnits).toEqual([
      'SKHCN',
      'SNV',
    ]);
    expect(give('reassign', task('submitted'), SAMPLE_COMMANDS.reassign, secretariat).state.status).toBe('submitted');
  });

  it('a cancelled task tells the lead and coordinating units why, and takes no more commands', () => {
    const { state, recorded } = give('cancel', task('acknowledged'), { reason: 'Thu hồi để giao lại' }, secretariat);
    expect(state).toMatchObject({ status: 'cancelled', cancelledAt: iso('2025-11-06T10:00:00+07:00') });
    expect(recorded[0].notifications.map((n) => n.recipientRole)).toEqual(['lead_unit', 'coordinating_units']);
    expect(recorded[0].notifications.every((n) => n.body.includes('Lý do: Thu hồi để giao lại'))).toBe(true);
    expect(refusalType('cancel', state, { reason: 'Lần nữa' }, secretariat)).toBe('InvalidState');
  });
});

describe('periodic reports', () => {
  const monthly = (until?: string) => {
    const state = task('acknowledged', {
      deadline: until
        ? { kind: 'recurring', rule: { freq: 'monthly', dayOfMonth: 20 }, until }
        : { kind: 'ongoing', rule: { freq: 'monthly', dayOfMonth: 20 } },
    });
    return {
      ...state,
      reports: {
        ...state.reports,
        open: [{ key: '2025-11', due: '2025-11-20T23:59:59+07:00', submittedAt: null, onTime: null, escalationLevel: 0 }],
      },
    };
  };

  it('a report on time closes its period and counts it; a period not open is refused', () => {
    expect(
      refusalOf(
        'submitReport',
        monthly(),
        { ...SAMPLE_COMMANDS.submitReport, periodKey: '2025-12' },
        leadOfficer,
        at('2025-11-06T10:00:00+07:00'),
      ),
    ).toEqual({ type: 'InvalidCommand', message: 'Kỳ báo cáo 2025-12 không mở (các kỳ đang mở: 2025-11)' });
    const { state, recorded } = give('submitReport', monthly(), SAMPLE_COMMANDS.submitReport, leadOfficer, '2025-11-19T10:00:00+07:00');
    expect(state.reports).toMatchObject({ open: [], submittedOnTime: 1, submittedLate: 0, lastClosed: [{ key: '2025-11', onTime: true }] });
    expect(state.status).toBe('in_progress');
    expect(recorded[0].event.payload).toMatchObject({ periodKey: '2025-11', onTime: true });
    expect(TASK_COMMANDS.submitReport.afterwards?.(state, iso('2025-11-19T10:00:00+07:00'))).toBeNull();
  });

  it('the last report of an obligation with an end completes it, late if any report was', () => {
    const late = give(
      'submitReport',
      monthly('2025-11-30T23:59:59+07:00'),
      SAMPLE_COMMANDS.submitReport,
      leadOfficer,
      '2025-11-22T10:00:00+07:00',
    ).state;
    const finished = TASK_COMMANDS.submitReport.afterwards?.(late, iso('2025-11-22T10:00:00+07:00'));
    expect(finished?.state).toMatchObject({
      status: 'completed',
      outcome: 'completed_late',
      completedAt: iso('2025-11-22T10:00:00+07:00'),
    });
    expect(finished?.recorded.map((r) => [r.event.seq, r.event.kind, r.event.payload])).toEqual([
      [3, 'completed', { reason: 'all_periods_reported', submittedOnTime: 0, submittedLate: 1 }],
    ]);
  });
  it('a report sent after its due date puts the lead unit on record as late (issue 13), not in histories from before', () => {
    const lateAt = iso('2025-11-22T10:00:00+07:00');
    const now = applyCommand('submitReport', monthly(), SAMPLE_COMMANDS.submitReport, leadOfficer, lateAt, { lateReports: true }).state;
    expect(now.lateUnits).toEqual(['SKHCN']);
    const before = applyCommand('submitReport', monthly(), SAMPLE_COMMANDS.submitReport, leadOfficer, lateAt).state;
    expect(before.lateUnits).toEqual([]);
    const onTime = applyCommand('submitReport', monthly(), SAMPLE_COMMANDS.submitReport, leadOfficer, iso('2025-11-19T10:00:00+07:00'), {
      lateReports: true,
    }).state;
    expect(onTime.lateUnits).toEqual([]);
  });
});

describe('reopening a closed task', () => {
  const command = { reason: 'Kết quả kiểm tra chưa đạt', newDueAt: '2025-12-31T00:00:00+07:00' };
  const approved = () => give('approve', task('submitted'), { note: '' }, secretariat, '2025-11-12T10:00:00+07:00').state;

  it('continues the chain at the next seq, open again with the new deadline and its keys apart from the first life', () => {
    const closed = approved();
    const outcome = REOPEN.apply(closed, command, secretariat, iso('2025-11-20T10:00:00+07:00'));
    expect(outcome.state).toMatchObject({
      status: 'in_progress',
      dueAt: iso(command.newDueAt),
      completedAt: null,
      outcome: null,
      reopenCount: 1,
      auditSeq: closed.auditSeq + 1,
    });
    expect(outcome.state.leadHistory.at(-1)).toMatchObject({ unitCode: 'SKHCN', from: iso('2025-11-20T10:00:00+07:00'), to: null });
    expect(outcome.recorded[0].event).toMatchObject({ seq: closed.auditSeq + 1, kind: 'reopened', actor: { userId: 'thu.ky' } });
    expect(outcome.replanFrom).toBe(iso('2025-11-20T10:00:00+07:00'));
    const again = give('approve', { ...outcome.state, status: 'submitted' }, { note: '' }, secretariat, '2025-11-25T10:00:00+07:00');
    expect(again.recorded[0].notifications.map((n) => n.key)).toEqual(['01-tb-cqtt.2-3-1/approved/approved@r1/lead_unit/SKHCN']);
  });

  it('is for the secretariat, from completed or cancelled, to a deadline in the future', () => {
    const now = at('2025-11-20T10:00:00+07:00');
    expect(reopenRefusal(approved(), command, secretariat, now)).toBeNull();
    expect(reopenRefusal(approved(), command, leadOfficer, now)?.type).toBe('NotPermitted');
    expect(reopenRefusal(task('in_progress'), command, secretariat, now)?.type).toBe('InvalidState');
    expect(reopenRefusal(approved(), { ...command, newDueAt: '2025-11-19T00:00:00+07:00' }, secretariat, now)?.type).toBe('InvalidCommand');
  });
});
