import type { CivilDate } from './lunar';

export type { CivilDate } from './lunar';

/*
 * Vietnam civil time as a fixed +07:00 offset (no DST since 1975), free of `Intl` and the host
 * time zone, which would make workflow code non-deterministic. The conventions every domain
 * module follows: docs/architecture.md, "Time is +07:00 arithmetic".
 */

/** Vietnam's UTC offset in milliseconds. */
export const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** An instant as functions accept it: a `Date` or an ISO-8601 string with an offset. */
export type InstantInput = Date | string;

/** A civil date as functions accept it: `{ year, month, day }` or `'YYYY-MM-DD'`. */
export type CivilDateInput = CivilDate | string;

export interface CivilDateTime extends CivilDate {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

// Only full date-times with an explicit zone: a string without one would be read in the
// host's time zone by `Date`, which differs between a laptop, CI and the worker.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses an instant, rejecting strings without a zone designator; a `Date` is copied. */
export function parseInstant(input: InstantInput): Date {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) throw new RangeError('invalid Date');
    return new Date(input.getTime());
  }
  if (!ISO_INSTANT.test(input)) {
    throw new RangeError(`not an ISO-8601 instant with an offset: ${JSON.stringify(input)}`);
  }
  const parsed = new Date(input);
  if (Number.isNaN(parsed.getTime())) throw new RangeError(`invalid instant: ${input}`);
  return parsed;
}

/** Parses `'YYYY-MM-DD'` (or copies a `CivilDate`), rejecting dates that do not exist. */
export function parseCivilDate(input: CivilDateInput): CivilDate {
  let date: CivilDate;
  if (typeof input === 'string') {
    const m = ISO_DATE.exec(input);
    if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(input)}`);
    date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  } else {
    date = { year: input.year, month: input.month, day: input.day };
  }
  const { year, month, day } = date;
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) {
    throw new RangeError(`not a civil date: ${JSON.stringify(input)}`);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`no such date: ${JSON.stringify(input)}`);
  }
  return date;
}

/** Whether a string is an existing date written `'YYYY-MM-DD'`. */
export function isCivilDateString(value: string): boolean {
  try {
    parseCivilDate(value);
    return true;
  } catch {
    return false;
  }
}

/** Number of days in a Gregorian month. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days since 1970-01-01 of a civil date: a total order and a cheap difference. */
export function civilDayNumber(date: CivilDateInput): number {
  const { year, month, day } = typeof date === 'string' ? parseCivilDate(date) : date;
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** The civil date with the given day number (inverse of `civilDayNumber`). */
export function civilDateFromDayNumber(dayNumber: number): CivilDate {
  const d = new Date(dayNumber * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Adds (or subtracts, when negative) calendar days to a civil date. */
export function addCalendarDays(date: CivilDateInput, days: number): CivilDate {
  return civilDateFromDayNumber(civilDayNumber(date) + days);
}

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function compareCivilDates(a: CivilDateInput, b: CivilDateInput): number {
  return civilDayNumber(a) - civilDayNumber(b);
}

/** Day of the week of a civil date: 0 = Sunday (Chủ nhật) ... 6 = Saturday (Thứ Bảy). */
export function dayOfWeek(date: CivilDateInput): number {
  // 1970-01-01 was a Thursday.
  return (((civilDayNumber(date) + 4) % 7) + 7) % 7;
}

/** Formats a civil date as `'YYYY-MM-DD'`, the storage form. */
export function formatCivilDate(date: CivilDate): string {
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** The instant of a civil date and wall-clock time in Vietnam. */
export function vnInstant(date: CivilDateInput, hour = 0, minute = 0, second = 0, millisecond = 0): Date {
  const { year, month, day } = typeof date === 'string' ? parseCivilDate(date) : date;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - VN_OFFSET_MS);
}

/** The Vietnam wall-clock reading of an instant. */
export function toVnDateTime(instant: InstantInput): CivilDateTime {
  const shifted = new Date(parseInstant(instant).getTime() + VN_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    millisecond: shifted.getUTCMilliseconds(),
  };
}

/** The Vietnam civil date on which an instant falls. */
export function vnCivilDate(instant: InstantInput): CivilDate {
  const { year, month, day } = toVnDateTime(instant);
  return { year, month, day };
}

/** Midnight (00:00 +07) that starts the Vietnam civil day containing the instant. */
export function startOfVnDay(instant: InstantInput): Date {
  return vnInstant(vnCivilDate(instant));
}

/** 23:59:59 +07 of a civil date: the domain's "end of that day" deadline (hết ngày). */
export function endOfVnDay(date: CivilDateInput): Date {
  return vnInstant(date, 23, 59, 59);
}

/** ISO-8601 with the +07:00 offset, milliseconds only when non-zero: `2025-11-15T00:00:00+07:00`. */
export function toVnIso(instant: InstantInput): string {
  const t = toVnDateTime(instant);
  const ms = t.millisecond === 0 ? '' : `.${pad(t.millisecond, 3)}`;
  return `${formatCivilDate(t)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${ms}+07:00`;
}

/** A date as Vietnamese documents write it, `dd/MM/yyyy` (15/11/2025). */
export function formatVnDate(value: InstantInput | CivilDate): string {
  const d = isCivilDate(value) ? value : vnCivilDate(value);
  return `${pad(d.day, 2)}/${pad(d.month, 2)}/${pad(d.year, 4)}`;
}

/** A time and date as Vietnamese notices write it, `HH:mm dd/MM/yyyy` (08:00 17/11/2025). */
export function formatVnDateTime(instant: InstantInput): string {
  const t = toVnDateTime(instant);
  return `${pad(t.hour, 2)}:${pad(t.minute, 2)} ${formatVnDate(t)}`;
}

function isCivilDate(value: InstantInput | CivilDate): value is CivilDate {
  return typeof value === 'object' && !(value instanceof Date);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
