import { convertLunar2Solar } from 'vietnamese-lunar-calendar/build/solar-lunar';

/** Vietnam's civil time zone offset in hours: the lunar calendar must be computed at UTC+7, not UTC+8. */
const VIETNAM_UTC_OFFSET_HOURS = 7;

export interface CivilDate {
  year: number;
  month: number; // 1..12
  day: number;
}

/**
 * The Gregorian civil date of a Vietnamese lunar date. Computed at UTC+7, which is why
 * Tết 1985 and 2007 differ from the Chinese New Year.
 */
export function lunarToSolar(lunarYear: number, lunarMonth: number, lunarDay: number, leapMonth = false): CivilDate {
  const result = convertLunar2Solar(lunarDay, lunarMonth, lunarYear, leapMonth ? 1 : 0, VIETNAM_UTC_OFFSET_HOURS);
  if (!(result instanceof Date)) {
    throw new RangeError(`no such lunar date ${lunarDay}/${lunarMonth}/${lunarYear}${leapMonth ? ' (leap)' : ''}`);
  }
  // The library builds the Date from local components; reading them back the same way is time-zone independent.
  return { year: result.getFullYear(), month: result.getMonth() + 1, day: result.getDate() };
}

/** The first day of the lunar new year (mùng 1 Tết) in the given Gregorian year. */
export function tetDate(year: number): CivilDate {
  return lunarToSolar(year, 1, 1);
}
