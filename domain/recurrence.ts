// Recurrence, without zod: workflows import this module
// (docs/architecture.md, "Zod-free domain modules"). The schema is in `schemas/recurrence.ts`.
import {
  addCalendarDays,
  type CivilDate,
  daysInMonth,
  endOfVnDay,
  type InstantInput,
  parseInstant,
  toVnIso,
  vnCivilDate,
  vnInstant,
} from './time';

/**
 * A periodic reporting obligation (báo cáo định kỳ).
 *
 * - `monthly`: due on `dayOfMonth` of every month at 23:59:59 +07 (clamped to the month's
 *   last day, so 31 means "the last day"); domain.md's "định kỳ ngày 20 hàng tháng".
 * - `quarterly`, `half-yearly`, `yearly`: due at 23:59:59 +07 on the period's last day moved
 *   by `dueOffsetDays` calendar days (default 0: 31/3, 30/6, 30/9, 31/12; 5 means the 5th of
 *   the following month; -10 means ten days before the last day).
 * `recurrenceRuleSchema` (`recurrence.ts`) states the bounds.
 */
export type RecurrenceRule =
  | { freq: 'monthly'; dayOfMonth: number }
  | { freq: 'quarterly'; dueOffsetDays?: number }
  | { freq: 'half-yearly'; dueOffsetDays?: number }
  | { freq: 'yearly'; dueOffsetDays?: number };

/**
 * One reporting period. `key` is stable and sortable within one rule ('2025-11', '2025-Q4',
 * '2025-H2', '2025'); `start` is the first instant of the period and `end` the first instant
 * after it; `due` is when the report is due. A monthly report is due inside its own month.
 */
export interface Period {
  key: string;
  start: string;
  end: string;
  due: string;
}

const MONTHS_PER_PERIOD = { monthly: 1, quarterly: 3, 'half-yearly': 6, yearly: 12 } as const;

/** The period of a rule that contains the given instant (its report may be due later). */
export function periodContaining(rule: RecurrenceRule, instant: InstantInput): Period {
  const { year, month } = vnCivilDate(parseInstant(instant));
  return periodAt(rule, periodIndex(rule, year, month));
}

/** The first period whose report is due strictly after `after`. */
export function nextPeriod(rule: RecurrenceRule, after: InstantInput): Period {
  const instant = parseInstant(after);
  const t = instant.getTime();
  const { year, month } = vnCivilDate(instant);
  // A due date lies at most one month after its period, so starting one period back is enough.
  let index = periodIndex(rule, year, month) - 1;
  for (;;) {
    const p = periodAt(rule, index);
    if (parseInstant(p.due).getTime() > t) return p;
    index++;
  }
}

/** The periods whose reports are due in (from, to], in order. */
export function periodsBetween(rule: RecurrenceRule, from: InstantInput, to: InstantInput): Period[] {
  const end = parseInstant(to).getTime();
  const result: Period[] = [];
  let p = nextPeriod(rule, from);
  while (parseInstant(p.due).getTime() <= end) {
    result.push(p);
    p = nextPeriod(rule, p.due);
  }
  return result;
}

/**
 * The rule as an RFC 5545 RRULE value (`FREQ=MONTHLY;BYMONTHDAY=20`), for export to other
 * calendars; it names the due dates only, their time (23:59:59 +07) belongs in DTSTART.
 */
export function toRRule(rule: RecurrenceRule): string {
  if (rule.freq === 'monthly') {
    if (rule.dayOfMonth <= 28) return `FREQ=MONTHLY;BYMONTHDAY=${rule.dayOfMonth}`;
    // "The 30th, or the month's last day if shorter" is the last of 28..30 that exists.
    const days = Array.from({ length: rule.dayOfMonth - 27 }, (_, i) => 28 + i).join(',');
    return `FREQ=MONTHLY;BYMONTHDAY=${days};BYSETPOS=-1`;
  }
  const size = MONTHS_PER_PERIOD[rule.freq];
  const lastMonths = Array.from({ length: 12 / size }, (_, i) => (i + 1) * size);
  const offset = rule.dueOffsetDays ?? 0;
  if (offset > 0) {
    return `FREQ=YEARLY;BYMONTH=${lastMonths
      .map((m) => (m % 12) + 1)
      .sort((a, b) => a - b)
      .join(',')};BYMONTHDAY=${offset}`;
  }
  return `FREQ=YEARLY;BYMONTH=${lastMonths.join(',')};BYMONTHDAY=${offset - 1}`;
}

/** How Vietnamese documents name the obligation: 'Định kỳ ngày 20 hằng tháng', 'Hằng quý'. */
export function describeRecurrenceVi(rule: RecurrenceRule): string {
  switch (rule.freq) {
    case 'monthly':
      return `Định kỳ ngày ${rule.dayOfMonth} hằng tháng`;
    case 'quarterly':
      return 'Định kỳ hằng quý';
    case 'half-yearly':
      return 'Định kỳ 6 tháng';
    case 'yearly':
      return 'Định kỳ hằng năm';
  }
}

function periodIndex(rule: RecurrenceRule, year: number, month: number): number {
  const size = MONTHS_PER_PERIOD[rule.freq];
  return year * (12 / size) + Math.floor((month - 1) / size);
}

function periodAt(rule: RecurrenceRule, index: number): Period {
  const size = MONTHS_PER_PERIOD[rule.freq];
  const perYear = 12 / size;
  const year = Math.floor(index / perYear);
  const ordinal = index - year * perYear; // 0-based within the year
  const firstMonth = ordinal * size + 1;
  const start: CivilDate = { year, month: firstMonth, day: 1 };
  const next: CivilDate = firstMonth + size > 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: firstMonth + size, day: 1 };
  const lastDay = addCalendarDays(next, -1);

  let key: string;
  let dueDay: CivilDate;
  if (rule.freq === 'monthly') {
    key = `${year}-${String(firstMonth).padStart(2, '0')}`;
    dueDay = { year, month: firstMonth, day: Math.min(rule.dayOfMonth, daysInMonth(year, firstMonth)) };
  } else {
    key = rule.freq === 'quarterly' ? `${year}-Q${ordinal + 1}` : rule.freq === 'half-yearly' ? `${year}-H${ordinal + 1}` : `${year}`;
    dueDay = addCalendarDays(lastDay, rule.dueOffsetDays ?? 0);
  }
  return { key, start: toVnIso(vnInstant(start)), end: toVnIso(vnInstant(next)), due: toVnIso(endOfVnDay(dueDay)) };
}
