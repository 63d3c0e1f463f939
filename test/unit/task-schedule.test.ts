import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../domain/calendar';
import { historyLabel } from '../../domain/catalog/history';
import { formatDueDate, periodLabelVi } from '../../domain/catalog/format';
import { outboxFor, recipientUnit, standingOfficeFor } from '../../domain/lifecycle/outbox';
import {
  calendarYearsFor,
  finishRecurring,
  markOverdue,
  nextPeriodToOpen,
  nextWakeUp,
  notify,
  openDuePeriod,
  owedAfterReview,
  periodNotificationsBetween,
  scheduleInput,
} from '../../domain/lifecycle/schedule';
import { initialState, policyFor } from '../../domain/lifecycle/state';
import { notificationsBetween, type PlannedNotification } from '../../domain/notification-plan';
import type { CompleteLaunch } from '../../domain/schemas/task';
import { completeLaunch } from '../helpers/fixtures';
import type { TaskState } from '../../domain/task';

const calendar = WorkingCalendar.forYears([2025, 2026, 2027]);
const iso = (vn: string) => new Date(vn).toISOString();
const at = (vn: string) => Date.parse(vn);
const LAUNCHED = iso('2025-11-04T09:00:00+07:00');

const launch = completeLaunch;
const task = (overrides: Partial<CompleteLaunch> = {}): TaskState => initialState({ taskId: 'x.2-4', launch: launch(overrides) }, LAUNCHED);
const monthly = (until?: string) =>
  task({
    deadline: until
      ? { kind: 'recurring', rule: { freq: 'monthly', dayOfMonth: 20 }, until }
      : { kind: 'ongoing', rule: { freq: 'monthly', dayOfMonth: 20 } },
  });
const policy = policyFor(launch());

describe('lateness', () => {
  it('marks the lead unit late once the deadline passes, once, and not while its claim awaits review', () => {
    expect(markOverdue(task(), at('2025-11-14T23:59:59+07:00'), iso('2025-11-14T23:59:59+07:00'))).toBeNull();
    const overdue = markOverdue(task(), at('2025-11-15T00:00:00+07:00'), iso('2025-11-15T00:00:01+07:00'));
    expect(overdue?.state.lateUnits).toEqual(['CA_TINH']);
    expect(overdue?.recorded.map((r) => [r.event.kind, r.event.occurredAt, r.event.payload])).toEqual([
      ['overdue', iso('2025-11-15T00:00:01+07:00'), { dueAt: iso('2025-11-15T00:00:00+07:00'), leadUnit: 'CA_TINH' }],
    ]);
    expect(markOverdue(overdue!.state, at('2025-11-20T00:00:00+07:00'), iso('2025-11-20T00:00:00+07:00'))).toBeNull();
    expect(markOverdue({ ...task(), status: 'submitted' }, at('2025-11-20T00:00:00+07:00'), iso('2025-11-20T00:00:00+07:00'))).toBeNull();
    expect(markOverdue(monthly(), at('2026-11-20T00:00:00+07:00'), iso('2026-11-20T00:00:00+07:00'))).toBeNull();
  });
});

describe('report periods', () => {
  it('opens a period once it has started, and not before', () => {
    expect(nextPeriodToOpen(monthly())).toMatchObject({ key: '2025-11', due: '2025-11-20T23:59:59+07:00' });
    const opened = openDuePeriod(monthly(), at(LAUNCHED), LAUNCHED);
    expect(opened?.state.reports.open).toEqual([
      { key: '2025-11', due: '2025-11-20T23:59:59+07:00', submittedAt: null, onTime: null, escalationLevel: 0 },
    ]);
    expect(opened?.recorded[0].event).toMatchObject({
      kind: 'report_period_opened',
      payload: { periodKey: '2025-11', due: '2025-11-20T23:59:59+07:00' },
    });
    expect(openDuePeriod(opened!.state, at('2025-11-30T23:00:00+07:00'), LAUNCHED)).toBeNull();
    expect(openDuePeriod(opened!.state, at('2025-12-01T00:00:00+07:00'), LAUNCHED)?.state.reports.open.map((p) => p.key)).toEqual([
      '2025-11',
      '2025-12',
    ]);
  });

  it('opens nothing past the end of an obligation, and finishes it only when no period is left', () => {
    const opened = openDuePeriod(monthly('2025-11-30T23:59:59+07:00'), at(LAUNCHED), LAUNCHED)!.state;
    expect(nextPeriodToOpen(opened)).toBeNull();
    expect(finishRecurring(opened, LAUNCHED)).toBeNull();
    const reported = { ...opened, reports: { ...opened.reports, open: [], lastClosed: opened.reports.open, submittedOnTime: 1 } };
    expect(finishRecurring(reported, iso('2025-11-19T10:00:00+07:00'))?.state).toMatchObject({
      status: 'completed',
      outcome: 'completed_on_time',
    });
    expect(finishRecurring(monthly(), LAUNCHED)).toBeNull();
  });
});

describe('reminders and escalations', () => {
  it('sends nothing to the unit while its claim awaits review', () => {
    expect(scheduleInput(task(), policy).closed).toBe(false);
    expect(scheduleInput({ ...task(), status: 'submitted' }, policy).closed).toBe(true);
  });

  it('keys a reminder by the extension in force, and words it with the deadline as documents write it', () => {
    const [first] = notificationsBetween(scheduleInput(task(), policy), calendar, LAUNCHED, new Date(at('2025-11-05T08:00:00+07:00')));
    expect(first).toMatchObject({ kind: 'ack_reminder', step: 'ack-1wd' });
    const { state, recorded } = notify({ ...task(), extensionCount: 2 }, first, iso('2025-11-05T08:00:00+07:00'));
    expect(state.notificationsPlanned).toBe(1);
    const [note] = recorded[0].notifications;
    expect(note).toMatchObject({
      key: 'x.2-4/ack_reminder/ack-1wd@e2/lead_unit/CA_TINH',
      level: null,
      recipientUnit: 'CA_TINH',
      scheduledAt: iso('2025-11-05T08:00:00+07:00'),
    });
    expect(note.subject).toBe('[Nhắc việc] Đề nghị tiếp nhận nhiệm vụ 2.4 – Văn bản số 01-TB/CQTT');
    expect(note.body).toMatch(/^Kính gửi: Đơn vị chủ trì – CA_TINH\./);
    expect(note.body).toMatch(/Thời hạn: +trước ngày 15\/11\/2025 \(còn 9 ngày\)/);
    expect(recorded[0].event.payload).toEqual({ step: 'ack-1wd@e2', level: null, plannedAt: first.at, recipients: ['lead_unit'] });
  });

  it('raises the escalation level, and names a report period as prose, keyed by the period', () => {
    const escalation = notify(
      task(),
      { kind: 'escalation', step: 'level-2', at: '2025-11-19T08:00:00+07:00', level: 2, recipients: ['standing_office'] },
      iso('2025-11-19T08:00:00+07:00'),
    );
    expect(escalation.state.escalationLevel).toBe(2);
    expect(escalation.recorded[0].notifications.map((n) => n.key)).toEqual(['x.2-4/escalation/level-2@e0/standing_office/VP_TU']);
    expect(escalation.recorded[0].notifications[0].body).toContain('đã quá hạn 5 ngày');

    const opened = openDuePeriod(monthly(), at(LAUNCHED), LAUNCHED)!.state;
    const chase = notify(
      opened,
      { kind: 'report_escalation', step: '2025-11/level-1', at: '2025-11-21T08:00:00+07:00', level: 1, recipients: ['lead_unit_head'] },
      iso('2025-11-21T08:00:00+07:00'),
      '2025-11',
    );
    expect(chase.state.reports.open[0].escalationLevel).toBe(1);
    const [note] = chase.recorded[0].notifications;
    expect(note.key).toBe('x.2-4/report_escalation/2025-11/level-1/lead_unit_head/CA_TINH');
    expect(note.subject).toBe('[Đôn đốc cấp 1] Chưa có báo cáo tháng 11/2025 – nhiệm vụ 2.4');
    expect(note.body).toMatch(/Hạn báo cáo: +20\/11\/2025 \(đã quá hạn 1 ngày\)/);
    expect(note.body).not.toContain('kỳ 2025-11');
    expect(
      periodNotificationsBetween(opened, '2025-11', calendar, LAUNCHED, new Date(at('2025-11-30T00:00:00+07:00'))).map((n) => n.step),
    ).toEqual(['2025-11/due-3wd', '2025-11/due-1wd', '2025-11/level-1', '2025-11/level-2']);
    expect(periodNotificationsBetween(opened, '2025-12', calendar, LAUNCHED, new Date(at('2025-12-30T00:00:00+07:00')))).toEqual([]);
  });

  it('wakes at the first reminder, then at the deadline itself, and sleeps for good once nothing is planned', () => {
    expect(nextWakeUp(task(), policy, calendar, LAUNCHED)).toBe(at('2025-11-05T08:00:00+07:00'));
    const acknowledged = { ...task(), acknowledgedAt: LAUNCHED };
    expect(nextWakeUp(acknowledged, policy, calendar, iso('2025-11-14T08:00:00+07:00'))).toBe(at('2025-11-15T00:00:00+07:00'));
    expect(
      nextWakeUp(
        { ...task({ deadline: { kind: 'ongoing', rule: { freq: 'monthly', dayOfMonth: 20 } } }), status: 'cancelled' },
        policy,
        calendar,
        LAUNCHED,
      ),
    ).toBeNull();
    expect(nextWakeUp(monthly(), policy, calendar, LAUNCHED)).toBe(at(LAUNCHED) + 1);
  });

  it('loads four years of calendar around the year, until the next year is covered', () => {
    expect(calendarYearsFor(at('2025-12-31T23:00:00+07:00'), undefined)).toEqual([2024, 2025, 2026, 2027]);
    expect(calendarYearsFor(at('2026-01-01T00:00:00+07:00'), [2024, 2025, 2026, 2027])).toBeNull();
    expect(calendarYearsFor(at('2027-01-01T00:00:00+07:00'), [2024, 2025, 2026, 2027])).toEqual([2026, 2027, 2028, 2029]);
  });
});

describe('the outbox', () => {
  it('sends level 2 to the standing office the launch names, else to the office running workflows were launched with', () => {
    const office = (overrides: Partial<CompleteLaunch>) => recipientUnit(task({ decidedBy: 'SKHCN', ...overrides }), 'standing_office');
    expect(office({ directiveNumber: '80/TB-UBND', standingOffice: 'SKHCN' })).toEqual(['SKHCN']);
    expect(office({ directiveNumber: '01-TB/CQTT', standingOffice: 'VP_TU' })).toEqual(['VP_TU']);
    // A launch that names none was made before `launchTask` wrote one in: it keeps the office it started with.
    expect(office({ directiveNumber: '01-TB/CQTT' })).toEqual(['VP_TU']);
    expect(office({ directiveNumber: '80/TB-UBND' })).toEqual(['VP_UBND']);
    expect(office({ directiveNumber: '15/KH-SKHCN' })).toEqual(['SKHCN']);
    // A state carried from before the field existed derives it the same way.
    const { standingOffice: _, ...carried } = task({ directiveNumber: '80/TB-UBND', decidedBy: 'SKHCN' });
    expect(recipientUnit(carried as TaskState, 'standing_office')).toEqual(['VP_UBND']);
  });

  it("names the issuing committee's standing office for a new launch: Văn phòng Tỉnh ủy for the Party, Sở Khoa học và Công nghệ for the People's Committee", () => {
    expect(standingOfficeFor('01-TB/CQTT', 'SNV')).toBe('VP_TU');
    expect(standingOfficeFor('125-TB/TU', 'SNV')).toBe('VP_TU');
    expect(standingOfficeFor('05-KL/BCĐ', 'SNV')).toBe('VP_TU');
    expect(standingOfficeFor('80/TB-UBND', 'VP_UBND')).toBe('SKHCN');
    expect(standingOfficeFor('27/TB-BCĐ', 'SNV')).toBe('SKHCN');
    // The number says neither: the issuer's name does.
    expect(standingOfficeFor('1520/KH', 'SNV', 'Ủy ban nhân dân tỉnh Thái Nguyên')).toBe('SKHCN');
    expect(standingOfficeFor('1520/KH', 'SNV', 'Tỉnh ủy Thái Nguyên')).toBe('VP_TU');
    expect(standingOfficeFor('15/KH-SKHCN', 'SNV', 'Sở Khoa học và Công nghệ')).toBe('SNV');
  });

  it('addresses the lead and co-lead units, each coordinating unit, and the deciding office', () => {
    const state = task({ coLeadUnit: 'STC' });
    expect(recipientUnit(state, 'lead_unit_head')).toEqual(['CA_TINH', 'STC']);
    expect(recipientUnit(state, 'coordinating_units')).toEqual(['SO_TC', 'SNV']);
    expect(recipientUnit(state, 'standing_office')).toEqual(['VP_TU']);
    expect(recipientUnit(state, 'inspection_committee')).toEqual([]);
    const notes = outboxFor(
      state,
      'escalation',
      'level-3@e0',
      ['steering_committee', 'inspection_committee'],
      { level: 3, event: {} },
      LAUNCHED,
    );
    expect(notes.map((n) => [n.key, n.recipientUnit])).toEqual([
      ['x.2-4/escalation/level-3@e0/steering_committee/-', null],
      ['x.2-4/escalation/level-3@e0/inspection_committee/-', null],
    ]);
    expect(notes[1].body).toMatch(/^Kính gửi: Ủy ban Kiểm tra Tỉnh ủy\./);
  });
});

describe('the catalog', () => {
  it('names report periods and deadlines as Vietnamese documents do', () => {
    expect(['2025-11', '2026-02', '2026-Q1', '2026-H1', '2026-H2', '2026'].map(periodLabelVi)).toEqual([
      'tháng 11/2025',
      'tháng 2/2026',
      'quý I/2026',
      '6 tháng đầu năm 2026',
      '6 tháng cuối năm 2026',
      'năm 2026',
    ]);
    expect(formatDueDate('2026-01-14T17:00:00+07:00')).toBe('17:00 ngày 14/01/2026');
    expect(formatDueDate('2026-01-14T10:00:00.000Z')).toBe('17:00 ngày 14/01/2026');
  });

  it('writes one history line per event, with its facts', () => {
    expect(historyLabel('launched', {})).toBe('Giao nhiệm vụ');
    expect(historyLabel('extension_approved', { dueAt: '2026-01-14T10:00:00.000Z' })).toBe(
      'Chấp thuận gia hạn (thời hạn mới 17:00 ngày 14/01/2026)',
    );
    expect(historyLabel('report_period_opened', { periodKey: '2026-Q1', due: '2026-03-31T23:59:59+07:00' })).toBe(
      'Mở kỳ báo cáo định kỳ (quý I/2026, hạn 31/03/2026)',
    );
    expect(historyLabel('returned', { reason: 'Thiếu biên bản' })).toBe('Trả lại, yêu cầu bổ sung (lý do: Thiếu biên bản)');
    expect(historyLabel('escalation', { level: 2, recipients: ['standing_office'] })).toBe(
      'Báo cáo vượt cấp: nhiệm vụ quá hạn (cấp 2, gửi Cơ quan Thường trực Ban Chỉ đạo)',
    );
    expect(historyLabel('something_new', {})).toBe('something_new');
  });
});

describe('what a returned claim is owed of the notifications due during review', () => {
  const n = (kind: PlannedNotification['kind'], step: string, at: string, level?: 1 | 2 | 3): PlannedNotification => ({
    kind,
    step,
    at,
    recipients: ['lead_unit'],
    ...(level ? { level } : {}),
  });
  it('keeps every rung of the ladder and only the latest urging, and no reminder of a deadline past', () => {
    const planned = [
      n('due_reminder', 'due-1wd', '2025-11-14T08:00:00+07:00'),
      n('escalation', 'level-1', '2025-11-17T08:00:00+07:00', 1),
      n('escalation', 'level-2', '2025-11-20T08:00:00+07:00', 2),
      n('escalation', 'level-3', '2025-11-26T08:00:00+07:00', 3),
      n('urging', 'urge-1', '2025-12-03T08:00:00+07:00'),
      n('urging', 'urge-2', '2025-12-10T08:00:00+07:00'),
    ];
    const owed = owedAfterReview(planned, '2025-11-15T00:00:00+07:00', Date.parse('2025-12-11T10:00:00+07:00'));
    expect(owed.map((p) => p.step)).toEqual(['level-1', 'level-2', 'level-3', 'urge-2']);
  });
});
