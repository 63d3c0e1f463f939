import { z } from 'zod';
import { periodLabelVi } from './catalog/format';
import { daysInMonth, parseInstant, vnInstant, type InstantInput } from './time';

/*
 * The periods the Steering Committee is reported to on (domain.md, "How results are
 * reported"): a month (the report of the 20th), a quarter, a half-year, a year. A period
 * selects the assignments due in it; the report reads them as of its end, or as of now
 * while the period is still running.
 */

export type ReportPeriodKind = 'month' | 'quarter' | 'half' | 'year';

export interface ReportPeriod {
  /** As written in a request: `2026-11`, `2026-Q4`, `2026-H2`, `2026`. */
  key: string;
  kind: ReportPeriodKind;
  /** 00:00 +07 of its first day. */
  start: Date;
  /** The last millisecond before the next period begins: windows are inclusive at both ends. */
  end: Date;
  /** How a report heading names it: `Tháng 11/2026`, `Quý IV/2026`, `6 tháng cuối năm 2026`, `Năm 2026`. */
  labelVi: string;
}

const PERIOD_KEY = /^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$/;

/** A period key (`2026-11` | `2026-Q4` | `2026-H2` | `2026`), years 2000..2100. */
export const reportPeriodKeySchema = z
  .string()
  .regex(PERIOD_KEY, 'kỳ báo cáo phải có dạng 2026-11 (tháng), 2026-Q4 (quý), 2026-H2 (6 tháng) hoặc 2026 (năm)')
  .refine((key) => {
    const m = PERIOD_KEY.exec(key);
    // The regex has already said what is wrong with a key of another shape.
    if (!m) return true;
    const year = Number(m[1]);
    const month = m[2] === undefined ? 1 : Number(m[2]);
    return year >= 2000 && year <= 2100 && month >= 1 && month <= 12;
  }, 'kỳ báo cáo không tồn tại (năm 2000–2100, tháng 01–12)');

/** The window of a period key in Vietnam time; throws RangeError for a key that names no period. */
export function parseReportPeriod(key: string): ReportPeriod {
  const parsed = reportPeriodKeySchema.safeParse(key);
  if (!parsed.success) throw new RangeError(`not a report period: ${JSON.stringify(key)}`);
  const m = PERIOD_KEY.exec(key)!;
  const year = Number(m[1]);
  let kind: ReportPeriodKind;
  let firstMonth: number;
  let months: number;
  if (m[2] !== undefined) {
    kind = 'month';
    firstMonth = Number(m[2]);
    months = 1;
  } else if (m[3] !== undefined) {
    kind = 'quarter';
    firstMonth = (Number(m[3]) - 1) * 3 + 1;
    months = 3;
  } else if (m[4] !== undefined) {
    kind = 'half';
    firstMonth = m[4] === '1' ? 1 : 7;
    months = 6;
  } else {
    kind = 'year';
    firstMonth = 1;
    months = 12;
  }
  const lastMonth = firstMonth + months - 1;
  const start = vnInstant({ year, month: firstMonth, day: 1 });
  const end = vnInstant({ year, month: lastMonth, day: daysInMonth(year, lastMonth) }, 23, 59, 59, 999);
  // A heading starts with a capital: "Tháng 11/2026", where prose says "tháng 11/2026".
  const label = periodLabelVi(key);
  return { key, kind, start, end, labelVi: label.charAt(0).toUpperCase() + label.slice(1) };
}

/** The instant a period's report reads its assignments at: its end, or `now` when that comes first. */
export function periodAsOf(period: ReportPeriod, now: InstantInput): Date {
  const at = parseInstant(now);
  return at.getTime() < period.end.getTime() ? at : new Date(period.end.getTime());
}
