import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeRecurrenceVi, nextPeriod, periodContaining, periodsBetween, type RecurrenceRule, toRRule } from '../../domain/recurrence';
import { recurrenceRuleSchema } from '../../domain/schemas/recurrence';
import { parseInstant, vnInstant } from '../../domain/time';

const monthly20: RecurrenceRule = { freq: 'monthly', dayOfMonth: 20 };

describe('monthly reports ("định kỳ ngày 20 hàng tháng báo cáo")', () => {
  it('makes the first report after the notice of 04/11/2025 due at the end of 20/11/2025', () => {
    expect(nextPeriod(monthly20, '2025-11-04T09:00:00+07:00')).toEqual({
      key: '2025-11',
      start: '2025-11-01T00:00:00+07:00',
      end: '2025-12-01T00:00:00+07:00',
      due: '2025-11-20T23:59:59+07:00',
    });
  });

  it('moves on to December once the November report falls due', () => {
    expect(nextPeriod(monthly20, '2025-11-20T23:59:59+07:00').key).toBe('2025-12');
    expect(nextPeriod(monthly20, '2025-11-20T23:59:58+07:00').key).toBe('2025-11');
  });

  it('lists three reports from the notice to Tết Bính Ngọ, the February one falling after it', () => {
    const keys = periodsBetween(monthly20, '2025-11-04T09:00:00+07:00', '2026-02-17T00:00:00+07:00').map((p) => p.key);
    expect(keys).toEqual(['2025-11', '2025-12', '2026-01']);
  });

  it('counts a report due exactly at the end of the range, not one due exactly at its start', () => {
    const keys = periodsBetween(monthly20, '2025-11-20T23:59:59+07:00', '2025-12-20T23:59:59+07:00').map((p) => p.key);
    expect(keys).toEqual(['2025-12']);
  });

  it('puts a report of the 31st on the last day of shorter months, 29/02 in a leap year', () => {
    const last: RecurrenceRule = { freq: 'monthly', dayOfMonth: 31 };
    expect(nextPeriod(last, '2026-02-01T00:00:00+07:00').due).toBe('2026-02-28T23:59:59+07:00');
    expect(nextPeriod(last, '2028-02-01T00:00:00+07:00').due).toBe('2028-02-29T23:59:59+07:00');
    expect(nextPeriod(last, '2026-04-01T00:00:00+07:00').due).toBe('2026-04-30T23:59:59+07:00');
  });
});

describe('quarterly, half-yearly and yearly reports', () => {
  it('makes the report for quý I năm 2026 due at 31/03/2026 23:59:59', () => {
    expect(nextPeriod({ freq: 'quarterly' }, '2026-01-15T00:00:00+07:00')).toEqual({
      key: '2026-Q1',
      start: '2026-01-01T00:00:00+07:00',
      end: '2026-04-01T00:00:00+07:00',
      due: '2026-03-31T23:59:59+07:00',
    });
  });

  it('names the second half of 2025 "2025-H2" and the year "2025"', () => {
    expect(periodContaining({ freq: 'half-yearly' }, '2025-11-04T09:00:00+07:00').key).toBe('2025-H2');
    expect(periodContaining({ freq: 'yearly' }, '2025-11-04T09:00:00+07:00')).toMatchObject({
      key: '2025',
      due: '2025-12-31T23:59:59+07:00',
    });
  });

  it('can make a quarterly report due on the 5th of the following month', () => {
    const rule: RecurrenceRule = { freq: 'quarterly', dueOffsetDays: 5 };
    const periods = periodsBetween(rule, '2025-01-06T00:00:00+07:00', '2026-01-06T00:00:00+07:00');
    expect(periods.map((p) => `${p.key} ${p.due}`)).toEqual([
      '2025-Q1 2025-04-05T23:59:59+07:00',
      '2025-Q2 2025-07-05T23:59:59+07:00',
      '2025-Q3 2025-10-05T23:59:59+07:00',
      '2025-Q4 2026-01-05T23:59:59+07:00',
    ]);
  });

  it('can make a yearly report due ten days before the year ends', () => {
    expect(nextPeriod({ freq: 'yearly', dueOffsetDays: -10 }, '2025-06-01T00:00:00+07:00').due).toBe('2025-12-21T23:59:59+07:00');
  });

  it('reads the period of an instant in Vietnam time: 31/12/2025 18:00 UTC is already 2026-Q1', () => {
    expect(periodContaining({ freq: 'quarterly' }, '2025-12-31T18:00:00Z').key).toBe('2026-Q1');
  });
});

describe('toRRule', () => {
  it('writes the RFC 5545 rules of each obligation', () => {
    expect(toRRule(monthly20)).toBe('FREQ=MONTHLY;BYMONTHDAY=20');
    expect(toRRule({ freq: 'monthly', dayOfMonth: 30 })).toBe('FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1');
    expect(toRRule({ freq: 'quarterly' })).toBe('FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1');
    expect(toRRule({ freq: 'quarterly', dueOffsetDays: 5 })).toBe('FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=5');
    expect(toRRule({ freq: 'half-yearly' })).toBe('FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1');
    expect(toRRule({ freq: 'yearly' })).toBe('FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1');
    expect(toRRule({ freq: 'yearly', dueOffsetDays: -10 })).toBe('FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-11');
  });
});

describe('recurrenceRuleSchema', () => {
  it('accepts the four kinds and rejects impossible days', () => {
    expect(recurrenceRuleSchema.parse({ freq: 'monthly', dayOfMonth: 20 })).toEqual(monthly20);
    expect(() => recurrenceRuleSchema.parse({ freq: 'monthly', dayOfMonth: 0 })).toThrow();
    expect(() => recurrenceRuleSchema.parse({ freq: 'quarterly', dueOffsetDays: 40 })).toThrow();
    expect(() => recurrenceRuleSchema.parse({ freq: 'weekly' })).toThrow();
  });

  it('describes each rule in Vietnamese', () => {
    expect(describeRecurrenceVi(monthly20)).toBe('Định kỳ ngày 20 hằng tháng');
    expect(describeRecurrenceVi({ freq: 'half-yearly' })).toBe('Định kỳ 6 tháng');
  });
});

describe('recurrence properties', () => {
  const rule: fc.Arbitrary<RecurrenceRule> = fc.oneof(
    fc.integer({ min: 1, max: 31 }).map((dayOfMonth) => ({ freq: 'monthly' as const, dayOfMonth })),
    ...(['quarterly', 'half-yearly', 'yearly'] as const).map((freq) =>
      fc.integer({ min: -27, max: 28 }).map((dueOffsetDays) => ({ freq, dueOffsetDays })),
    ),
  );
  const instant = fc.integer({ min: vnInstant('2024-01-01').getTime(), max: vnInstant('2030-01-01').getTime() });

  it('returns from nextPeriod the first period due strictly after the instant', () => {
    fc.assert(
      fc.property(rule, instant, (r, t) => {
        const p = nextPeriod(r, new Date(t));
        expect(parseInstant(p.due).getTime()).toBeGreaterThan(t);
        const earlier = periodsBetween(r, new Date(t - 400 * 86_400_000), new Date(t));
        for (const e of earlier) expect(parseInstant(e.due).getTime()).toBeLessThanOrEqual(t);
      }),
    );
  });

  it('lists periods back to back with distinct keys and rising due dates', () => {
    fc.assert(
      fc.property(rule, instant, (r, t) => {
        const ps = periodsBetween(r, new Date(t), new Date(t + 800 * 86_400_000));
        for (let i = 1; i < ps.length; i++) {
          expect(ps[i].start).toBe(ps[i - 1].end);
          expect(parseInstant(ps[i].due).getTime()).toBeGreaterThan(parseInstant(ps[i - 1].due).getTime());
        }
        expect(new Set(ps.map((p) => p.key)).size).toBe(ps.length);
      }),
      { numRuns: 50 },
    );
  });
});
