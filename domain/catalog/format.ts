// How dates, deadlines and report periods read in Vietnamese, without zod: the workflow writes
// its notices with these, and delivery, reports and history read the same words.
import { civilDayNumber, formatVnDate, parseInstant, toVnDateTime, vnCivilDate, type InstantInput } from '../time';

const PERIOD_KEY = /^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$/;
const ROMAN = ['I', 'II', 'III', 'IV'];

/** A period key as prose names it: `2025-11` -> "tháng 11/2025", `2026-Q1` -> "quý I/2026", `2026-H1` -> "6 tháng đầu năm 2026", `2026` -> "năm 2026". */
export function periodLabelVi(key: string): string {
  const m = PERIOD_KEY.exec(key);
  if (!m) return `kỳ ${key}`;
  const year = m[1];
  if (m[2] !== undefined) return `tháng ${Number(m[2])}/${year}`;
  if (m[3] !== undefined) return `quý ${ROMAN[Number(m[3]) - 1]}/${year}`;
  if (m[4] !== undefined) return `6 tháng ${m[4] === '1' ? 'đầu' : 'cuối'} năm ${year}`;
  return `năm ${year}`;
}

/** A time of day and date in Vietnam time, as notices write it: "17:00 ngày 14/01/2026". */
export function formatVnMoment(instant: InstantInput): string {
  const t = toVnDateTime(instant);
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')} ngày ${formatVnDate(instant)}`;
}

/**
 * A deadline as documents write it: "trước ngày 15/11/2025" for 00:00 (the day it is due before),
 * "31/12/2025" for the end of a day (23:59), "17:00 ngày 14/01/2026" for any other time.
 */
export function formatDueDate(dueAt: InstantInput): string {
  const t = toVnDateTime(dueAt);
  if (t.hour === 0 && t.minute === 0 && t.second === 0) return `trước ngày ${formatVnDate(dueAt)}`;
  if (t.hour === 23 && t.minute === 59) return formatVnDate(dueAt);
  return formatVnMoment(dueAt);
}

/** A deadline read from stored data (an ISO string or a `Date`), or null when it is none. */
export function formatDueValue(value: unknown): string | null {
  if (typeof value !== 'string' && !(value instanceof Date)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : formatDueDate(at);
}

/**
 * Days remaining or overdue, in civil days of Vietnam, counted from the last day on which the
 * work may still be done (a deadline at 00:00 of the 15th leaves the 14th as the last day).
 */
export function dueDistance(dueAt: InstantInput, now: InstantInput): string {
  const due = parseInstant(dueAt).getTime();
  const at = parseInstant(now);
  const lastDay = civilDayNumber(vnCivilDate(new Date(due - 1)));
  const today = civilDayNumber(vnCivilDate(at));
  if (at.getTime() < due) {
    const left = lastDay - today;
    return left > 0 ? `còn ${left} ngày` : 'hạn chót là hôm nay';
  }
  const late = today - lastDay;
  return late > 0 ? `đã quá hạn ${late} ngày` : 'đã quá hạn từ hôm nay';
}
