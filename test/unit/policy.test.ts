import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../domain/calendar';
import { DEFAULT_NOTIFICATION_POLICY, DEFAULT_REPORT_POLICY, mergePolicy } from '../../domain/policy';
import {
  deadlineInForce,
  lastWorkingDayBeforeDeadline,
  nextNotification,
  nextReportNotification,
  notificationsBetween,
  type PlannedNotification,
  reportNotificationsBetween,
  type ScheduleInput,
} from '../../domain/notification-plan';
import { SEND_SPREAD_SECONDS, sendOffsetSeconds } from '../../domain/send-time';
import { notificationPolicySchema } from '../../domain/schemas/policy';
import { formatCivilDate, parseInstant, toVnDateTime, vnInstant } from '../../domain/time';

const calendar = WorkingCalendar.forYears([2025, 2026]);

/** Item 2.2 (1) of notice 01-TB/CQTT (04/11/2025): "hoàn thành chậm nhất trước ngày 15/11/2025". */
const dataStrategy: ScheduleInput = {
  launchedAt: '2025-11-04T10:00:00+07:00',
  dueAt: '2025-11-15T00:00:00+07:00',
  acknowledgedAt: null,
  closed: false,
  policy: DEFAULT_NOTIFICATION_POLICY,
};

const brief = (ns: PlannedNotification[]) => ns.map((n) => `${n.at} ${n.kind} ${n.step}`);
const all = (input: ScheduleInput, to = '2026-12-31T00:00:00+07:00') => notificationsBetween(input, calendar, input.launchedAt, to);

describe('notificationPolicySchema', () => {
  it('fills in the province defaults: reminders at 08:00, the head, then the standing office, then the committees', () => {
    const policy = notificationPolicySchema.parse({});
    expect(policy).toEqual(DEFAULT_NOTIFICATION_POLICY);
    expect([policy.acknowledgeReminderWorkingDays, policy.acknowledgeEscalationWorkingDays]).toEqual([[1, 2], 3]);
    expect([policy.remindBeforeDueWorkingDays, policy.sendAtHour, policy.urgeEveryDays]).toEqual([[7, 3, 1], 8, 7]);
    expect(policy.escalationLadder.map((s) => `${s.level} after ${s.afterWorkingDays}: ${s.recipients.join(' + ')}`)).toEqual([
      '1 after 0: lead_unit_head',
      '2 after 3: standing_office',
      '3 after 7: steering_committee + inspection_committee',
    ]);
  });

  it('rejects a ladder with a level twice or a higher level sooner than a lower one', () => {
    const step = (level: number, afterWorkingDays: number) => ({ level, afterWorkingDays, recipients: ['standing_office'] });
    expect(() => notificationPolicySchema.parse({ escalationLadder: [step(1, 0), step(1, 3)] })).toThrow();
    expect(() => notificationPolicySchema.parse({ escalationLadder: [step(1, 5), step(2, 3)] })).toThrow();
  });
});

describe('mergePolicy', () => {
  it('applies the directive override, then the assignment override', () => {
    const merged = mergePolicy(DEFAULT_NOTIFICATION_POLICY, { urgeEveryDays: 14, sendAtHour: 9 }, { sendAtHour: 7 });
    expect(merged.urgeEveryDays).toBe(14);
    expect(merged.sendAtHour).toBe(7);
    expect(merged.remindBeforeDueWorkingDays).toEqual([7, 3, 1]);
  });

  it('replaces the escalation ladder whole, so a directive can stop at the standing office', () => {
    const merged = mergePolicy(DEFAULT_NOTIFICATION_POLICY, {
      escalationLadder: [
        { level: 1, afterWorkingDays: 0, recipients: ['lead_unit_head'] },
        { level: 2, afterWorkingDays: 5, recipients: ['standing_office'] },
      ],
    });
    expect(merged.escalationLadder.map((s) => s.level)).toEqual([1, 2]);
  });

  it('refuses an override that makes the policy invalid', () => {
    expect(() => mergePolicy(DEFAULT_NOTIFICATION_POLICY, { sendAtHour: 25 })).toThrow();
  });

  it('never shares arrays with the base policy', () => {
    const merged = mergePolicy(DEFAULT_NOTIFICATION_POLICY);
    merged.remindBeforeDueWorkingDays.push(10);
    expect(DEFAULT_NOTIFICATION_POLICY.remindBeforeDueWorkingDays).toEqual([7, 3, 1]);
  });
});

describe('nextNotification for an assignment', () => {
  it('plans the whole life of item 2.2 (1) of 01-TB/CQTT when nobody ever acknowledges it', () => {
    expect(brief(all(dataStrategy, '2025-12-11T00:00:00+07:00'))).toEqual([
      '2025-11-05T08:00:00+07:00 ack_reminder ack-1wd',
      '2025-11-05T08:00:00+07:00 due_reminder due-7wd',
      '2025-11-06T08:00:00+07:00 ack_reminder ack-2wd',
      '2025-11-07T08:00:00+07:00 ack_escalation ack-escalation',
      '2025-11-11T08:00:00+07:00 due_reminder due-3wd',
      '2025-11-13T08:00:00+07:00 due_reminder due-1wd',
      '2025-11-17T08:00:00+07:00 escalation level-1',
      '2025-11-20T08:00:00+07:00 escalation level-2',
      '2025-11-26T08:00:00+07:00 escalation level-3',
      '2025-12-03T08:00:00+07:00 urging urge-1',
      '2025-12-10T08:00:00+07:00 urging urge-2',
    ]);
  });

  it('reminds a unit that never acknowledges twice, then escalates to its head', () => {
    const ack = all(dataStrategy).filter((n) => n.kind.startsWith('ack_'));
    expect(ack.map((n) => [n.step, n.recipients])).toEqual([
      ['ack-1wd', ['lead_unit']],
      ['ack-2wd', ['lead_unit']],
      ['ack-escalation', ['lead_unit_head']],
    ]);
    expect(ack[2].level).toBe(1);
  });

  it('escalates an item due before 15/11/2025 to the unit head on the morning of Monday 17/11/2025', () => {
    const n = nextNotification(dataStrategy, calendar, '2025-11-14T12:00:00+07:00');
    expect(n).toEqual({
      kind: 'escalation',
      step: 'level-1',
      at: '2025-11-17T08:00:00+07:00',
      level: 1,
      recipients: ['lead_unit_head'],
    });
  });

  it('reports level 3 to the Steering Committee and flags the inspection committee on 26/11/2025', () => {
    const n = nextNotification(dataStrategy, calendar, '2025-11-20T08:00:00+07:00');
    expect(n).toMatchObject({ step: 'level-3', at: '2025-11-26T08:00:00+07:00' });
    expect(n?.recipients).toEqual(['steering_committee', 'inspection_committee']);
  });

  it('counts "1 working day before" back from Friday 14/11/2025, the last day to finish', () => {
    expect(formatCivilDate(lastWorkingDayBeforeDeadline(dataStrategy.dueAt!, calendar))).toBe('2025-11-14');
    expect(nextNotification(dataStrategy, calendar, '2025-11-12T09:00:00+07:00')?.at).toBe('2025-11-13T08:00:00+07:00');
  });

  it('reminds nobody to acknowledge once the unit has', () => {
    const acked = { ...dataStrategy, acknowledgedAt: '2025-11-05T15:00:00+07:00' };
    expect(nextNotification(acked, calendar, acked.acknowledgedAt)).toMatchObject({
      kind: 'due_reminder',
      step: 'due-3wd',
    });
    // The reminder sent before the acknowledgement stays on record.
    expect(brief(all(acked).filter((n) => n.kind === 'ack_reminder'))).toEqual(['2025-11-05T08:00:00+07:00 ack_reminder ack-1wd']);
  });

  it('plans nothing once the assignment is closed', () => {
    const closed = { ...dataStrategy, closed: true };
    expect(nextNotification(closed, calendar, dataStrategy.launchedAt)).toBeNull();
    expect(all(closed)).toEqual([]);
  });

  it('only chases acknowledgement when no deadline is set yet ("thực hiện ngay")', () => {
    const rightAway = { ...dataStrategy, dueAt: null };
    expect(brief(all(rightAway)).map((s) => s.split(' ')[2])).toEqual(['ack-1wd', 'ack-2wd', 'ack-escalation']);
    expect(nextNotification(rightAway, calendar, '2025-11-07T08:00:00+07:00')).toBeNull();
  });

  it('drops reminders that would come before a late launch', () => {
    const late = { ...dataStrategy, launchedAt: '2025-11-12T10:00:00+07:00' };
    expect(brief(all(late, '2025-11-17T00:00:00+07:00'))).toEqual([
      '2025-11-13T08:00:00+07:00 ack_reminder ack-1wd',
      '2025-11-13T08:00:00+07:00 due_reminder due-1wd',
      '2025-11-14T08:00:00+07:00 ack_reminder ack-2wd',
    ]);
  });

  it('keeps the step keys when an extension moves the deadline to 01/12/2025', () => {
    const extended = { ...dataStrategy, dueAt: '2025-12-01T00:00:00+07:00' };
    const steps = (i: ScheduleInput) =>
      all(i, '2025-12-20T00:00:00+07:00')
        .filter((n) => n.kind !== 'urging')
        .map((n) => n.step)
        .sort();
    expect(steps(extended)).toEqual(steps(dataStrategy));
    expect(all(extended).find((n) => n.step === 'level-1')?.at).toBe('2025-12-01T08:00:00+07:00');
  });

  it('sends at the hour the policy sets', () => {
    const atNine = { ...dataStrategy, policy: mergePolicy(DEFAULT_NOTIFICATION_POLICY, { sendAtHour: 9 }) };
    expect(nextNotification(atNine, calendar, '2025-11-14T12:00:00+07:00')?.at).toBe('2025-11-17T09:00:00+07:00');
  });

  it('hands back every notification due at one instant through notificationsBetween', () => {
    const first = nextNotification(dataStrategy, calendar, dataStrategy.launchedAt)!;
    expect(first.step).toBe('ack-1wd');
    const batch = notificationsBetween(dataStrategy, calendar, dataStrategy.launchedAt, first.at);
    expect(batch.map((n) => n.step)).toEqual(['ack-1wd', 'due-7wd']);
    expect(nextNotification(dataStrategy, calendar, first.at)?.step).toBe('ack-2wd');
  });

  describe('around Tết Bính Ngọ (mùng 1 = 17/02/2026)', () => {
    it('escalates an item due "trước Tết Nguyên Đán Bính Ngọ" on Monday 23/02/2026, the first working morning', () => {
      const beforeTet = { ...dataStrategy, launchedAt: '2026-01-05T09:00:00+07:00', dueAt: '2026-02-17T00:00:00+07:00' };
      expect(nextNotification(beforeTet, calendar, '2026-02-13T12:00:00+07:00')).toMatchObject({
        step: 'level-1',
        at: '2026-02-23T08:00:00+07:00',
      });
    });

    it('counts reminders for that deadline back from Friday 13/02/2026, the last working day before Tết', () => {
      const beforeTet = { ...dataStrategy, launchedAt: '2026-01-05T09:00:00+07:00', dueAt: '2026-02-17T00:00:00+07:00' };
      const reminders = all(beforeTet).filter((n) => n.kind === 'due_reminder');
      expect(brief(reminders)).toEqual([
        '2026-02-04T08:00:00+07:00 due_reminder due-7wd',
        '2026-02-10T08:00:00+07:00 due_reminder due-3wd',
        '2026-02-12T08:00:00+07:00 due_reminder due-1wd',
      ]);
    });

    it('moves a weekly urging that would fall on the first day of Tết Bính Ngọ to the next working morning', () => {
      // Due 30/01/2026: level 3 goes out on Tuesday 10/02, so urging 1 would be Tuesday 17/02.
      const overdue = { ...dataStrategy, launchedAt: '2026-01-05T09:00:00+07:00', dueAt: '2026-01-30T00:00:00+07:00' };
      expect(nextNotification(overdue, calendar, '2026-02-05T08:00:00+07:00')).toMatchObject({
        step: 'level-3',
        at: '2026-02-10T08:00:00+07:00',
      });
      expect(nextNotification(overdue, calendar, '2026-02-10T08:00:00+07:00')).toMatchObject({
        kind: 'urging',
        step: 'urge-1',
        at: '2026-02-23T08:00:00+07:00',
      });
      expect(nextNotification(overdue, calendar, '2026-02-23T08:00:00+07:00')).toMatchObject({
        step: 'urge-2',
        at: '2026-02-24T08:00:00+07:00',
      });
    });

    it('reminds a unit launched on the Friday before Tết to acknowledge on Monday 23/02/2026', () => {
      const launched = { ...dataStrategy, launchedAt: '2026-02-13T15:00:00+07:00', dueAt: null };
      expect(brief(all(launched))).toEqual([
        '2026-02-23T08:00:00+07:00 ack_reminder ack-1wd',
        '2026-02-24T08:00:00+07:00 ack_reminder ack-2wd',
        '2026-02-25T08:00:00+07:00 ack_escalation ack-escalation',
      ]);
    });

    it('skips an urging that moving would put on the morning of the one before', () => {
      // Level 3 on Wednesday 04/02/2026 with urging every 3 days: 07/02 (Sat) -> 09/02,
      // 10/02, 13/02, 16/02 (Tết) -> 23/02, 19/02 -> 23/02 again: skipped, 22/02 -> 23/02 again: skipped.
      const policy = mergePolicy(DEFAULT_NOTIFICATION_POLICY, { urgeEveryDays: 3 });
      const overdue = { ...dataStrategy, launchedAt: '2026-01-05T09:00:00+07:00', dueAt: '2026-01-26T00:00:00+07:00', policy };
      const urgings = all(overdue, '2026-02-26T00:00:00+07:00').filter((n) => n.kind === 'urging');
      expect(brief(urgings)).toEqual([
        '2026-02-09T08:00:00+07:00 urging urge-1',
        '2026-02-10T08:00:00+07:00 urging urge-2',
        '2026-02-13T08:00:00+07:00 urging urge-3',
        '2026-02-23T08:00:00+07:00 urging urge-4',
        '2026-02-25T08:00:00+07:00 urging urge-7',
      ]);
    });
  });

  it('keeps urging every week, however long the item stays overdue', () => {
    const n = nextNotification(dataStrategy, calendar, '2026-11-20T12:00:00+07:00');
    expect(n).toMatchObject({ kind: 'urging', step: 'urge-52', at: '2026-11-25T08:00:00+07:00' });
  });
});

describe('periodic report notifications', () => {
  const november = { key: '2025-11', due: '2025-11-20T23:59:59+07:00' };
  const december = { key: '2025-12', due: '2025-12-20T23:59:59+07:00' };
  const between = (period: typeof november, submittedAt: string | null) =>
    reportNotificationsBetween(
      period,
      submittedAt,
      DEFAULT_REPORT_POLICY,
      calendar,
      '2025-11-01T00:00:00+07:00',
      '2026-02-01T00:00:00+07:00',
    );

  it.each([
    {
      rule: 'reminds 3 and 1 working days before the report of the 20th, then escalates twice',
      period: november,
      expected: [
        '2025-11-17 report_reminder due-3wd',
        '2025-11-19 report_reminder due-1wd',
        '2025-11-21 report_escalation level-1',
        '2025-11-26 report_escalation level-2',
      ],
    },
    {
      rule: 'counts back from Friday 19/12/2025 when the 20th is a Saturday, and escalates on Monday 22/12',
      period: december,
      expected: [
        '2025-12-16 report_reminder due-3wd',
        '2025-12-18 report_reminder due-1wd',
        '2025-12-22 report_escalation level-1',
        '2025-12-25 report_escalation level-2',
      ],
    },
  ])('$rule', ({ period, expected }) => {
    // Every notice goes out at 08:00 and its step carries the period's key.
    const at = (line: string) => {
      const [day, kind, step] = line.split(' ');
      return `${day}T08:00:00+07:00 ${kind} ${period.key}/${step}`;
    };
    expect(brief(between(period, null))).toEqual(expected.map(at));
  });

  it('stops chasing a report once it is submitted', () => {
    expect(
      nextReportNotification(november, '2025-11-18T10:00:00+07:00', DEFAULT_REPORT_POLICY, calendar, '2025-11-17T08:00:00+07:00'),
    ).toBeNull();
    expect(brief(between(november, '2025-11-18T10:00:00+07:00'))).toEqual(['2025-11-17T08:00:00+07:00 report_reminder 2025-11/due-3wd']);
  });

  it('escalates the unit head first, then the standing office', () => {
    const next = nextReportNotification(november, null, DEFAULT_REPORT_POLICY, calendar, '2025-11-21T08:00:00+07:00');
    expect(next).toMatchObject({ kind: 'report_escalation', level: 2, recipients: ['standing_office'] });
  });
});

describe('nextNotification properties', () => {
  const start = vnInstant('2025-01-01').getTime();
  const end = vnInstant('2026-10-01').getTime();
  const ms = fc.integer({ min: start, max: end });
  const input = fc
    .record({
      launched: ms,
      dueOffset: fc.option(fc.integer({ min: -5 * 86_400_000, max: 120 * 86_400_000 }), { nil: null }),
      ackOffset: fc.option(fc.integer({ min: 0, max: 30 * 86_400_000 }), { nil: null }),
      sendOffsetSeconds: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: SEND_SPREAD_SECONDS - 1 })),
    })
    .map(({ launched, dueOffset, ackOffset, sendOffsetSeconds }): ScheduleInput => ({
      launchedAt: new Date(launched).toISOString(),
      dueAt: dueOffset === null ? null : new Date(launched + dueOffset).toISOString(),
      acknowledgedAt: ackOffset === null ? null : new Date(launched + ackOffset).toISOString(),
      closed: false,
      policy: DEFAULT_NOTIFICATION_POLICY,
      sendOffsetSeconds,
    }));

  it("plans only for 08:00 plus the task's offset on working days, strictly after the asked instant and never before launch", () => {
    fc.assert(
      fc.property(input, ms, (i, after) => {
        const n = nextNotification(i, calendar, new Date(after));
        if (!n) return;
        const at = parseInstant(n.at);
        const t = toVnDateTime(at);
        expect(at.getTime()).toBeGreaterThan(after);
        expect(at.getTime()).toBeGreaterThanOrEqual(parseInstant(i.launchedAt).getTime());
        const offset = i.sendOffsetSeconds ?? 0;
        expect([t.hour, t.minute, t.second]).toEqual([8, Math.floor(offset / 60), offset % 60]);
        expect(calendar.isWorkingDay(t)).toBe(true);
      }),
    );
  });

  it('is monotonic: asking later never yields an earlier notification', () => {
    fc.assert(
      fc.property(input, ms, ms, (i, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const first = nextNotification(i, calendar, new Date(lo));
        const later = nextNotification(i, calendar, new Date(hi));
        if (later) expect(parseInstant(first!.at).getTime()).toBeLessThanOrEqual(parseInstant(later.at).getTime());
      }),
    );
  });

  it('agrees with notificationsBetween, and walking it one instant at a time visits every notification', () => {
    fc.assert(
      fc.property(input, (i) => {
        const to = parseInstant(i.launchedAt).getTime() + 200 * 86_400_000;
        const listed = notificationsBetween(i, calendar, i.launchedAt, new Date(to));
        const walked: PlannedNotification[] = [];
        let cursor: string = i.launchedAt;
        for (;;) {
          const n = nextNotification(i, calendar, cursor);
          if (!n || parseInstant(n.at).getTime() > to) break;
          walked.push(...notificationsBetween(i, calendar, cursor, n.at));
          cursor = n.at;
        }
        expect(walked).toEqual(listed);
        expect(new Set(listed.map((n) => n.step)).size).toBe(listed.length);
      }),
      { numRuns: 50 },
    );
  });
});

describe('a deadline too close for the 7/3/1 reminders, and one set on a day off', () => {
  const close = (launchedAt: string, dueAt: string, remindCloseDeadline = true): ScheduleInput => ({
    ...dataStrategy,
    launchedAt,
    dueAt,
    acknowledgedAt: launchedAt,
    remindCloseDeadline,
  });
  const reminders = (input: ScheduleInput) =>
    brief(notificationsBetween(input, calendar, input.launchedAt, input.dueAt!)).filter((n) => n.includes('due_reminder'));

  it('reminds on the one working morning left before the deadline', () => {
    // Launched Wednesday 12/11 at 10:00, due before Friday 14/11: the 1-working-day reminder (Wednesday 08:00) is already past.
    expect(reminders(close('2025-11-12T10:00:00+07:00', '2025-11-14T00:00:00+07:00'))).toEqual([
      '2025-11-13T08:00:00+07:00 due_reminder due-soon',
    ]);
    expect(reminders(close('2025-11-12T10:00:00+07:00', '2025-11-14T00:00:00+07:00', false))).toEqual([]);
  });

  it('keeps the reminders that fit, and adds none when no working morning remains', () => {
    expect(reminders(close('2025-11-10T10:00:00+07:00', '2025-11-15T00:00:00+07:00'))).toEqual([
      '2025-11-11T08:00:00+07:00 due_reminder due-3wd',
      '2025-11-13T08:00:00+07:00 due_reminder due-1wd',
    ]);
    expect(reminders(close('2025-11-13T10:00:00+07:00', '2025-11-14T00:00:00+07:00'))).toEqual([]);
  });

  it('moves a period ending on a day off to the end of the next working day, and leaves a written date as written', () => {
    const iso = (vn: string) => new Date(vn).toISOString();
    // A counted period whose last day is Saturday 15/11/2025 ends with Monday 17/11.
    const saturdayEnd = '2025-11-16T00:00:00+07:00';
    expect(deadlineInForce(saturdayEnd, calendar, 'period').toISOString()).toBe(iso('2025-11-18T00:00:00+07:00'));
    expect(deadlineInForce('2025-11-15T23:59:59+07:00', calendar, 'period').toISOString()).toBe(iso('2025-11-17T23:59:59+07:00'));
    // "Trước ngày 16/11/2025" is a written date: it stays, and level 1 goes out on Monday morning.
    expect(deadlineInForce(saturdayEnd, calendar, 'date').toISOString()).toBe(iso(saturdayEnd));
    // A period ending on a working day ends as counted.
    expect(deadlineInForce('2025-11-14T00:00:00+07:00', calendar, 'period').toISOString()).toBe(iso('2025-11-14T00:00:00+07:00'));
  });
});

describe("a task's own send time within the morning's first hour (issue 16: the 08:00 peak)", () => {
  it('gives every task an offset of its own, the same every time, spread evenly over the hour', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `2026-80-tb-ubnd.${i + 1}`);
    const offsets = ids.map((id) => sendOffsetSeconds(id));
    expect(ids.map((id) => sendOffsetSeconds(id))).toEqual(offsets);
    expect(offsets.every((o) => Number.isInteger(o) && o >= 0 && o < SEND_SPREAD_SECONDS)).toBe(true);
    const perMinute = new Array<number>(60).fill(0);
    for (const o of offsets) perMinute[Math.floor(o / 60)]++;
    // 10,000 tasks over 60 minutes is 167 a minute: no minute carries a fifth more or less.
    expect(Math.max(...perMinute)).toBeLessThanOrEqual(200);
    expect(Math.min(...perMinute)).toBeGreaterThanOrEqual(133);
  });

  it('keeps within the minutes a policy spreads over, and sends on the hour when it spreads over none', () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => `2026-15-tb-bcd.${i + 1}`);
    expect(Math.max(...ids.map((id) => sendOffsetSeconds(id, 30)))).toBeLessThan(30 * 60);
    expect(Math.max(...ids.map((id) => sendOffsetSeconds(id, 30)))).toBeGreaterThan(29 * 60);
    expect(new Set(ids.map((id) => sendOffsetSeconds(id, 0)))).toEqual(new Set([0]));
    expect(mergePolicy(DEFAULT_NOTIFICATION_POLICY).spreadMinutes).toBe(60);
    expect(() => mergePolicy(DEFAULT_NOTIFICATION_POLICY, { spreadMinutes: 61 })).toThrow(/spreadMinutes/);
  });

  it('moves every reminder and escalation of item 2.2 (1) of 01-TB/CQTT by the same offset, under the same steps', () => {
    const offset = 27 * 60 + 13;
    const onTheHour = all(dataStrategy);
    const spread = all({ ...dataStrategy, sendOffsetSeconds: offset });
    expect(spread.map((n) => n.step)).toEqual(onTheHour.map((n) => n.step));
    const moved = spread.map((n, k) => parseInstant(n.at).getTime() - parseInstant(onTheHour[k].at).getTime());
    expect(moved).toEqual(onTheHour.map(() => offset * 1000));
    expect(brief(spread.slice(0, 2))).toEqual([
      '2025-11-05T08:27:13+07:00 ack_reminder ack-1wd',
      '2025-11-05T08:27:13+07:00 due_reminder due-7wd',
    ]);
  });

  it('drops a reminder the offset would carry past a deadline set mid-morning', () => {
    const dueMidMorning: ScheduleInput = {
      ...dataStrategy,
      dueAt: '2025-11-14T08:30:00+07:00',
      acknowledgedAt: '2025-11-04T11:00:00+07:00',
      policy: mergePolicy(DEFAULT_NOTIFICATION_POLICY, { remindBeforeDueWorkingDays: [0] }),
    };
    const reminders = (offsetMinutes: number) =>
      all({ ...dueMidMorning, sendOffsetSeconds: offsetMinutes * 60 })
        .filter((n) => n.kind === 'due_reminder')
        .map((n) => n.at);
    expect(reminders(10)).toEqual(['2025-11-14T08:10:00+07:00']);
    expect(reminders(45)).toEqual([]);
  });

  it("chases a periodic report at the task's offset too", () => {
    const period = { key: '2025-11', due: '2025-11-20T00:00:00+07:00' };
    const at = (offset: number) =>
      reportNotificationsBetween(
        period,
        null,
        DEFAULT_REPORT_POLICY,
        calendar,
        '2025-11-01T00:00:00+07:00',
        '2025-12-31T00:00:00+07:00',
        offset,
      ).map((n) => parseInstant(n.at).getTime());
    expect(at(600)).toEqual(at(0).map((t) => t + 600_000));
  });
});
