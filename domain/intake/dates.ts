// Civil-date arithmetic for deadlines, all in Vietnam time (UTC+7, no daylight saving), so plain
// arithmetic on year/month/day is exact and no time-zone database is needed.

export interface CivilDate {
  year: number;
  month: number; // 1..12
  day: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Number of days in a Gregorian month. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether the triple names a real calendar day. */
export function isValidDate(d: CivilDate): boolean {
  return Number.isInteger(d.year) && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= daysInMonth(d.year, d.month);
}

/** "YYYY-MM-DD". */
export function formatDate(d: CivilDate): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

/** Parses "YYYY-MM-DD" (the date part of an ISO string), or null. */
export function parseDate(text: string | null | undefined): CivilDate | null {
  const m = text ? /^(\d{4})-(\d{2})-(\d{2})/.exec(text) : null;
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isValidDate(d) ? d : null;
}

/** Negative, zero or positive as a is before, on or after b. */
export function compareDates(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** The moment the day begins in Vietnam: "before day D" is due then. */
export function startOfDayIso(d: CivilDate): string {
  return `${formatDate(d)}T00:00:00+07:00`;
}

/** The last second of the day in Vietnam: "by day D", end of a month, quarter or year. */
export function endOfDayIso(d: CivilDate): string {
  return `${formatDate(d)}T23:59:59+07:00`;
}

/** The last day of the month. */
export function endOfMonth(year: number, month: number): CivilDate {
  return { year, month, day: daysInMonth(year, month) };
}
