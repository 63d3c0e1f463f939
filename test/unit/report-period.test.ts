import { describe, expect, it } from 'vitest';
import { parseReportPeriod, periodAsOf, reportPeriodKeySchema } from '../../domain/report-period';
import { toVnIso } from '../../domain/time';

const window = (key: string) => {
  const p = parseReportPeriod(key);
  return [toVnIso(p.start), toVnIso(p.end), p.labelVi];
};

describe('report periods in Vietnam time', () => {
  it('reads a month, a quarter, a half-year and a year', () => {
    expect(window('2026-11')).toEqual(['2026-11-01T00:00:00+07:00', '2026-11-30T23:59:59.999+07:00', 'Tháng 11/2026']);
    expect(window('2026-02')).toEqual(['2026-02-01T00:00:00+07:00', '2026-02-28T23:59:59.999+07:00', 'Tháng 2/2026']);
    expect(window('2026-Q1')).toEqual(['2026-01-01T00:00:00+07:00', '2026-03-31T23:59:59.999+07:00', 'Quý I/2026']);
    expect(window('2026-Q4')).toEqual(['2026-10-01T00:00:00+07:00', '2026-12-31T23:59:59.999+07:00', 'Quý IV/2026']);
    expect(window('2026-H1')).toEqual(['2026-01-01T00:00:00+07:00', '2026-06-30T23:59:59.999+07:00', '6 tháng đầu năm 2026']);
    expect(window('2026-H2')).toEqual(['2026-07-01T00:00:00+07:00', '2026-12-31T23:59:59.999+07:00', '6 tháng cuối năm 2026']);
    expect(window('2026')).toEqual(['2026-01-01T00:00:00+07:00', '2026-12-31T23:59:59.999+07:00', 'Năm 2026']);
  });

  it('holds a deadline written "hoàn thành trong quý I năm 2026" (31/3 23:59:59) inside Q1', () => {
    const q1 = parseReportPeriod('2026-Q1');
    const due = new Date('2026-03-31T23:59:59+07:00');
    expect(due >= q1.start && due <= q1.end).toBe(true);
    expect(new Date('2026-04-01T00:00:00+07:00') > q1.end).toBe(true);
  });

  it('reads a finished period as of its end and a running one as of now', () => {
    const nov = parseReportPeriod('2026-11');
    expect(periodAsOf(nov, '2027-01-05T08:00:00+07:00')).toEqual(nov.end);
    expect(periodAsOf(nov, '2026-11-20T08:00:00+07:00')).toEqual(new Date('2026-11-20T08:00:00+07:00'));
  });

  it('refuses keys that name no period', () => {
    for (const key of ['2026-13', '2026-00', '2026-Q5', '2026-H3', '26-11', '2026-1', '1999', '2026-q4', '']) {
      expect(reportPeriodKeySchema.safeParse(key).success, key).toBe(false);
      expect(() => parseReportPeriod(key)).toThrow(RangeError);
    }
  });
});
