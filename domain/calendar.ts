// The working-day calendar, without zod: workflows import this module
// (docs/architecture.md, "Zod-free domain modules"). The schemas are in `schemas/calendar.ts`.
import overridesFile from './calendar-overrides.json';
import { checkArray, checkInt, invalid, isObject } from './guards';
import { lunarToSolar, tetDate } from './lunar';
import {
  addCalendarDays,
  type CivilDate,
  type CivilDateInput,
  civilDateFromDayNumber,
  civilDayNumber,
  dayOfWeek,
  formatCivilDate,
  type InstantInput,
  isCivilDateString,
  parseCivilDate,
  parseInstant,
  vnCivilDate,
  vnInstant,
} from './time';

/**
 * What a `WorkingCalendar` needs, as plain JSON so that a workflow can take it as input
 * and replay with exactly the calendar it started with.
 *
 * A date is worked unless it is a weekend, in `holidays` or in `extraDaysOff`;
 * `extraWorkingDays` wins over all three (a Saturday made a working day, or a computed
 * holiday the government moved elsewhere). When `coveredYears` is present, a date in any
 * other year also counts the statutory holidays computed by `vietnamPublicHolidays`, so a
 * long-running workflow still knows Tết of a year nobody listed. Dates are `YYYY-MM-DD`.
 */
export interface CalendarData {
  holidays: string[];
  extraWorkingDays: string[];
  extraDaysOff: string[];
  coveredYears?: number[];
}

/** One government decision for one date; see `calendar-overrides.json` for the format. */
export interface CalendarOverride {
  date: string;
  kind: 'day_off' | 'working_day';
  reason: string;
}

const CALENDAR_DATA = 'dữ liệu lịch làm việc';
const CALENDAR_OVERRIDES = 'danh sách ngày nghỉ, ngày làm bù';

function checkCivilDate(value: unknown, what: string, path: string): string {
  if (typeof value !== 'string' || !isCivilDateString(value)) invalid(what, path, 'phải là ngày có thật, dạng YYYY-MM-DD');
  return value;
}

/** Checks calendar data as `calendarDataSchema` does and returns a copy without unknown fields. */
export function checkCalendarData(data: unknown): CalendarData {
  if (!isObject(data)) invalid(CALENDAR_DATA, '', 'phải là một đối tượng');
  const dates = (key: 'holidays' | 'extraWorkingDays' | 'extraDaysOff') =>
    checkArray(data[key], 0, Infinity, (v, p) => checkCivilDate(v, CALENDAR_DATA, p), CALENDAR_DATA, key);
  const checked: CalendarData = {
    holidays: dates('holidays'),
    extraWorkingDays: dates('extraWorkingDays'),
    extraDaysOff: dates('extraDaysOff'),
  };
  if (data.coveredYears !== undefined) {
    checked.coveredYears = checkArray(
      data.coveredYears,
      0,
      Infinity,
      (v, p) => checkInt(v, -Infinity, Infinity, CALENDAR_DATA, p),
      CALENDAR_DATA,
      'coveredYears',
    );
  }
  return checked;
}

/** Checks overrides as `calendarOverridesSchema` does (one entry per date) and returns a copy. */
export function checkCalendarOverrides(overrides: unknown): CalendarOverride[] {
  const checked = checkArray(
    overrides,
    0,
    Infinity,
    (o, path): CalendarOverride => {
      if (!isObject(o)) invalid(CALENDAR_OVERRIDES, path, 'phải là một đối tượng');
      const date = checkCivilDate(o.date, CALENDAR_OVERRIDES, `${path}.date`);
      if (o.kind !== 'day_off' && o.kind !== 'working_day')
        invalid(CALENDAR_OVERRIDES, `${path}.kind`, "phải là 'day_off' hoặc 'working_day'");
      if (typeof o.reason !== 'string' || o.reason.length < 1) invalid(CALENDAR_OVERRIDES, `${path}.reason`, 'phải có lý do');
      return { date, kind: o.kind, reason: o.reason };
    },
    CALENDAR_OVERRIDES,
    '',
  );
  const seen = new Set<string>();
  for (const [i, e] of checked.entries()) {
    if (seen.has(e.date)) invalid(CALENDAR_OVERRIDES, `[${i}].date`, `ngày ${e.date} bị lặp`);
    seen.add(e.date);
  }
  return checked;
}

/** The decided swap days and extra days off shipped with the code (`calendar-overrides.json`). */
export const DEFAULT_CALENDAR_OVERRIDES: readonly CalendarOverride[] = Object.freeze(checkCalendarOverrides(overridesFile.overrides));

export type PublicHolidayKind = 'statutory' | 'compensatory';

export interface PublicHoliday {
  date: string; // YYYY-MM-DD
  name: string; // Vietnamese, for display
  kind: PublicHolidayKind;
}

/**
 * Statutory days off of a Gregorian year under Labour Code 2019 art. 112 and art. 111(3).
 *
 * - 1/1; Tết: the day before mùng 1 and mùng 1-4 (the common split, 1 + 4 days); Giỗ Tổ
 *   Hùng Vương 10/3 lunar; 30/4; 1/5; Quốc khánh 2/9 plus one adjacent day.
 * - The adjacent National Day is chosen as the governments of 2021-2025 did: the weekday
 *   next to 2/9 that joins the holiday to a weekend (Tuesday 2/9 -> Monday 1/9, Thursday 2/9
 *   -> Friday 3/9); otherwise 1/9 if it is a weekday, else 3/9.
 * - A statutory day on a Saturday or Sunday gives a compensatory day (nghỉ bù) on the next
 *   weekday that is not already a day off.
 * The Prime Minister fixes the real dates each year; the overrides table records them.
 */
export function vietnamPublicHolidays(year: number): PublicHoliday[] {
  const statutory: PublicHoliday[] = [];
  const add = (date: CivilDate, name: string) => statutory.push({ date: formatCivilDate(date), name, kind: 'statutory' });

  add({ year, month: 1, day: 1 }, 'Tết Dương lịch');
  const tet = tetDate(year);
  add(addCalendarDays(tet, -1), 'Tết Nguyên đán (ngày cuối năm âm lịch)');
  for (let i = 0; i <= 3; i++) add(addCalendarDays(tet, i), `Tết Nguyên đán (mùng ${i + 1})`);
  add(lunarToSolar(year, 3, 10), 'Giỗ Tổ Hùng Vương (10/3 âm lịch)');
  add({ year, month: 4, day: 30 }, 'Ngày Chiến thắng (30/4)');
  add({ year, month: 5, day: 1 }, 'Ngày Quốc tế Lao động (1/5)');
  add({ year, month: 9, day: 2 }, 'Quốc khánh (2/9)');
  add(nationalDayAdjacent(year), 'Quốc khánh (ngày liền kề)');

  statutory.sort(byDate);
  const off = new Set(statutory.map((h) => h.date));
  const compensatory: PublicHoliday[] = [];
  for (const h of statutory) {
    if (!isWeekend(h.date)) continue;
    let d = parseCivilDate(h.date);
    do d = addCalendarDays(d, 1);
    while (isWeekend(d) || off.has(formatCivilDate(d)));
    const date = formatCivilDate(d);
    off.add(date);
    compensatory.push({ date, name: `Nghỉ bù ${h.name}`, kind: 'compensatory' });
  }
  return [...statutory, ...compensatory].sort(byDate);
}

function nationalDayAdjacent(year: number): CivilDate {
  const before = { year, month: 9, day: 1 };
  const after = { year, month: 9, day: 3 };
  switch (dayOfWeek({ year, month: 9, day: 2 })) {
    case 4: // Thursday: Friday 3/9 gives Thursday-Sunday
    case 1: // Monday: 1/9 is a Sunday, already off
    case 0: // Sunday: 1/9 is a Saturday, already off
      return after;
    default: // Tuesday gives Saturday-Tuesday; Wednesday, Friday, Saturday: 1/9 is a weekday
      return before;
  }
}

/**
 * Computed holidays of the given years merged with the overrides table, as serializable
 * calendar data. All overrides are kept whatever their year: they are explicit decisions,
 * and it makes the lazily computed years of `WorkingCalendar` agree with this function.
 */
export function buildCalendarData(
  years: readonly number[],
  overrides: readonly CalendarOverride[] = DEFAULT_CALENDAR_OVERRIDES,
): CalendarData {
  const checked = checkCalendarOverrides(overrides);
  const coveredYears = [...new Set(years)].sort((a, b) => a - b);
  const holidays = coveredYears.flatMap((y) => vietnamPublicHolidays(y).map((h) => h.date));
  return {
    holidays: [...new Set(holidays)].sort(),
    extraWorkingDays: checked
      .filter((o) => o.kind === 'working_day')
      .map((o) => o.date)
      .sort(),
    extraDaysOff: checked
      .filter((o) => o.kind === 'day_off')
      .map((o) => o.date)
      .sort(),
    coveredYears,
  };
}

export interface NextWorkingMorningOptions {
  /** When true, an instant inside working hours of a working day is returned unchanged. */
  withinWorkingHours?: boolean;
  /** End of working hours (exclusive), Vietnam time; default 17. */
  endHour?: number;
}

// Bounds the day-by-day scans: no real calendar has a year without working days, so
// running past this means corrupt data, and an exception beats a hung workflow task.
const MAX_SCAN_DAYS = 3 * 366;

/** Working days of Vietnamese state agencies: Monday to Friday minus holidays, plus swap days. */
export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;
  private readonly extraWorkingDays: ReadonlySet<string>;
  private readonly extraDaysOff: ReadonlySet<string>;
  private readonly coveredYears: ReadonlySet<number> | null;
  private readonly computedYears = new Map<number, ReadonlySet<string>>();
  private readonly data: CalendarData;

  constructor(data: CalendarData) {
    // The data comes from the loadCalendar activity (buildCalendarData): checked by hand, since
    // workflows build calendars and must not load zod schemas.
    const parsed = checkCalendarData(data);
    this.data = parsed;
    this.holidays = new Set(parsed.holidays);
    this.extraWorkingDays = new Set(parsed.extraWorkingDays);
    this.extraDaysOff = new Set(parsed.extraDaysOff);
    this.coveredYears = parsed.coveredYears ? new Set(parsed.coveredYears) : null;
  }

  /** A calendar for the given years with the shipped overrides (years outside are computed lazily). */
  static forYears(years: readonly number[], overrides?: readonly CalendarOverride[]): WorkingCalendar {
    return new WorkingCalendar(buildCalendarData(years, overrides));
  }

  /** The serializable data this calendar was built from. */
  toData(): CalendarData {
    return cloneCalendarData(this.data);
  }

  /** Whether state agencies work on that civil date. */
  isWorkingDay(date: CivilDateInput): boolean {
    const d = parseCivilDate(date);
    const key = formatCivilDate(d);
    if (this.extraWorkingDays.has(key)) return true;
    if (this.extraDaysOff.has(key)) return false;
    if (this.isListedOrComputedHoliday(d.year, key)) return false;
    return !isWeekend(d);
  }

  /**
   * The civil date `n` working days after (n > 0) or before (n < 0) the given one, counting
   * only working days and not the start itself; `n = 0` returns the date unchanged.
   * From Friday 14/11/2025, -1 is Thursday 13/11 and +1 is Monday 17/11.
   */
  addWorkingDays(date: CivilDateInput, n: number): CivilDate {
    if (!Number.isInteger(n)) throw new RangeError(`not a whole number of working days: ${n}`);
    let d = parseCivilDate(date);
    const step = n < 0 ? -1 : 1;
    let remaining = Math.abs(n);
    let scanned = 0;
    while (remaining > 0) {
      d = addCalendarDays(d, step);
      if (this.isWorkingDay(d)) remaining--;
      if (++scanned > MAX_SCAN_DAYS + Math.abs(n) * 7) throw new RangeError('no working days found in the calendar');
    }
    return d;
  }

  /** The first working day on or after the given date. */
  workingDayOnOrAfter(date: CivilDateInput): CivilDate {
    const d = parseCivilDate(date);
    return this.isWorkingDay(d) ? d : this.addWorkingDays(d, 1);
  }

  /**
   * Working days stepped over going from `from` to `to`, counting `to` but not `from`:
   * the `n` for which `addWorkingDays(from, n)` reaches `to` when `to` is a working day.
   * Negative when `to` is before `from`; from Monday 17/11/2025 to Friday 14/11 it is -1.
   */
  workingDaysBetween(from: CivilDateInput, to: CivilDateInput): number {
    const a = civilDayNumber(from);
    const b = civilDayNumber(to);
    const step = a <= b ? 1 : -1;
    let count = 0;
    for (let day = a; day !== b;) {
      day += step;
      if (this.isWorkingDay(civilDateFromDayNumber(day))) count += step;
    }
    return count;
  }

  /**
   * The first instant at or after `instant` at which a notice may be sent: `hour`:00 +07 of
   * a working day. On a working day before `hour`:00 that is the same day's `hour`:00; later
   * on a working day it is the next working day's `hour`:00, unless `withinWorkingHours`
   * is set and the instant is before `endHour`:00, in which case the instant itself.
   * On a non-working day it is the next working day's `hour`:00.
   */
  nextWorkingMorning(instant: InstantInput, hour = 8, options: NextWorkingMorningOptions = {}): Date {
    const { withinWorkingHours = false, endHour = 17 } = options;
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`hour out of range: ${hour}`);
    const t = parseInstant(instant);
    const day = vnCivilDate(t);
    if (this.isWorkingDay(day)) {
      const morning = vnInstant(day, hour);
      if (t.getTime() <= morning.getTime()) return morning;
      if (withinWorkingHours && t.getTime() < vnInstant(day, endHour).getTime()) return t;
    }
    return vnInstant(this.addWorkingDays(day, 1), hour);
  }

  private isListedOrComputedHoliday(year: number, key: string): boolean {
    if (this.holidays.has(key)) return true;
    if (this.coveredYears === null || this.coveredYears.has(year)) return false;
    let computed = this.computedYears.get(year);
    if (!computed) {
      computed = new Set(vietnamPublicHolidays(year).map((h) => h.date));
      this.computedYears.set(year, computed);
    }
    return computed.has(key);
  }
}

// Code-unit order: `localeCompare` would consult ICU collation, which workflow code must not depend on.
function byDate(a: PublicHoliday, b: PublicHoliday): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
}

function isWeekend(date: CivilDateInput): boolean {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6;
}

function cloneCalendarData(data: CalendarData): CalendarData {
  return {
    holidays: [...data.holidays],
    extraWorkingDays: [...data.extraWorkingDays],
    extraDaysOff: [...data.extraDaysOff],
    ...(data.coveredYears ? { coveredYears: [...data.coveredYears] } : {}),
  };
}
