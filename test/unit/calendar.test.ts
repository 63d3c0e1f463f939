import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCalendarData, DEFAULT_CALENDAR_OVERRIDES, vietnamPublicHolidays, WorkingCalendar } from '../../domain/calendar';
import { calendarDataSchema, calendarOverridesSchema } from '../../domain/schemas/calendar';
import {
  addCalendarDays,
  civilDateFromDayNumber,
  civilDayNumber,
  dayOfWeek,
  endOfVnDay,
  formatCivilDate,
  formatVnDate,
  formatVnDateTime,
  parseInstant,
  startOfVnDay,
  toVnDateTime,
  toVnIso,
  vnInstant,
} from '../../domain/time';

const calendar = WorkingCalendar.forYears([2025, 2026]);
const iso = (d: { year: number; month: number; day: number }) => formatCivilDate(d);
const holidayDates = (year: number) => vietnamPublicHolidays(year).map((h) => h.date);

describe('Vietnam civil time', () => {
  it('reads "trước ngày 15/11/2025" as 15/11/2025 00:00 in Hanoi, 14/11 17:00 UTC', () => {
    const due = vnInstant('2025-11-15');
    expect(due.toISOString()).toBe('2025-11-14T17:00:00.000Z');
    expect(toVnIso(due)).toBe('2025-11-15T00:00:00+07:00');
    expect(formatVnDate(due)).toBe('15/11/2025');
  });

  it('puts the end of quý I năm 2026 at 31/03/2026 23:59:59 +07', () => {
    expect(toVnIso(endOfVnDay('2026-03-31'))).toBe('2026-03-31T23:59:59+07:00');
  });

  it('places a UTC evening instant on the next Vietnamese day', () => {
    const t = parseInstant('2025-11-14T18:30:00Z');
    expect(toVnDateTime(t)).toMatchObject({ year: 2025, month: 11, day: 15, hour: 1, minute: 30 });
    expect(toVnIso(startOfVnDay(t))).toBe('2025-11-15T00:00:00+07:00');
    expect(formatVnDateTime(t)).toBe('01:30 15/11/2025');
  });

  it('keeps milliseconds in ISO output only when there are some', () => {
    expect(toVnIso('2025-11-15T00:00:00.250+07:00')).toBe('2025-11-15T00:00:00.250+07:00');
  });

  it('refuses instants without an offset, which the host time zone would otherwise decide', () => {
    expect(() => parseInstant('2025-11-15T00:00:00')).toThrow(RangeError);
    expect(() => parseInstant('2025-11-15')).toThrow(RangeError);
  });

  it('adds calendar days across months and leap years', () => {
    expect(iso(addCalendarDays('2028-02-28', 1))).toBe('2028-02-29');
    expect(iso(addCalendarDays('2025-12-31', 1))).toBe('2026-01-01');
    expect(iso(addCalendarDays('2026-03-01', -1))).toBe('2026-02-28');
  });

  it('knows that 17/02/2026, mùng 1 Tết Bính Ngọ, is a Tuesday', () => {
    expect(dayOfWeek('2026-02-17')).toBe(2);
  });
});

describe('vietnamPublicHolidays', () => {
  it('gives Tết Bính Ngọ five days: the last day of Ất Tỵ (16/02/2026) through mùng 4 (20/02/2026)', () => {
    const tet = vietnamPublicHolidays(2026).filter((h) => h.name.startsWith('Tết Nguyên đán'));
    expect(tet.map((h) => h.date)).toEqual(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']);
  });

  it('gives Tết Ất Tỵ from 28/01/2025 (29 tháng Chạp) through 01/02/2025 (mùng 4)', () => {
    expect(holidayDates(2025)).toEqual(expect.arrayContaining(['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01']));
  });

  it('finds Giỗ Tổ Hùng Vương on 10/3 âm lịch: 07/04/2025 and 26/04/2026', () => {
    const name = 'Giỗ Tổ Hùng Vương (10/3 âm lịch)';
    expect(vietnamPublicHolidays(2025).find((h) => h.name === name)?.date).toBe('2025-04-07');
    expect(vietnamPublicHolidays(2026).find((h) => h.name === name)?.date).toBe('2026-04-26');
  });

  it('gives Monday 27/04/2026 off in lieu of Giỗ Tổ falling on a Sunday', () => {
    expect(vietnamPublicHolidays(2026)).toContainEqual({
      date: '2026-04-27',
      name: 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)',
      kind: 'compensatory',
    });
  });

  it('gives Monday 03/01/2022 off in lieu of New Year on a Saturday', () => {
    expect(holidayDates(2022)).toContain('2022-01-03');
  });

  it('pairs Quốc khánh with the adjacent day governments chose: 01/09/2025, 03/09/2024, 03/09/2021', () => {
    expect(holidayDates(2025)).toEqual(expect.arrayContaining(['2025-09-01', '2025-09-02']));
    expect(holidayDates(2025)).not.toContain('2025-09-03');
    expect(holidayDates(2024)).toEqual(expect.arrayContaining(['2024-09-02', '2024-09-03']));
    expect(holidayDates(2021)).toEqual(expect.arrayContaining(['2021-09-02', '2021-09-03']));
  });

  it('lists 30/4 and 1/5 every year', () => {
    for (const year of [2025, 2026, 2027]) {
      expect(holidayDates(year)).toEqual(expect.arrayContaining([`${year}-04-30`, `${year}-05-01`]));
    }
  });
});

describe('the overrides table', () => {
  it('is valid and lists each date once', () => {
    expect(() => calendarOverridesSchema.parse(DEFAULT_CALENDAR_OVERRIDES)).not.toThrow();
  });

  it('rejects a date listed twice', () => {
    const twice = [
      { date: '2025-05-02', kind: 'day_off', reason: 'a' },
      { date: '2025-05-02', kind: 'working_day', reason: 'b' },
    ];
    expect(() => calendarOverridesSchema.parse(twice)).toThrow();
  });

  it('rejects a date that does not exist', () => {
    expect(() => calendarDataSchema.parse({ holidays: ['2025-02-30'], extraWorkingDays: [], extraDaysOff: [] })).toThrow();
  });
});

describe('WorkingCalendar', () => {
  it('takes Tết Ất Tỵ off from Saturday 25/01/2025 through Sunday 02/02/2025 and works on Monday 03/02/2025', () => {
    for (let d = civilDayNumber('2025-01-25'); d <= civilDayNumber('2025-02-02'); d++) {
      expect(calendar.isWorkingDay(civilDateFromDayNumber(d)), iso(civilDateFromDayNumber(d))).toBe(false);
    }
    expect(calendar.isWorkingDay('2025-01-24')).toBe(true);
    expect(calendar.isWorkingDay('2025-02-03')).toBe(true);
  });

  it("rests from Thursday 01/01/2026 through Sunday 04/01/2026 and works on Saturday 10/01/2026, the state sector's New Year swap", () => {
    for (const date of ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']) expect(calendar.isWorkingDay(date), date).toBe(false);
    expect(calendar.isWorkingDay('2026-01-05')).toBe(true);
    expect(calendar.isWorkingDay('2026-01-10')).toBe(true);
  });

  it('works on Saturday 26/04/2025 and rests on Friday 02/05/2025, swapped for 30/4-1/5', () => {
    expect(calendar.isWorkingDay('2025-04-26')).toBe(true);
    for (const date of ['2025-04-30', '2025-05-01', '2025-05-02', '2025-05-03', '2025-05-04']) {
      expect(calendar.isWorkingDay(date), date).toBe(false);
    }
  });

  it('takes Tết Bính Ngọ off for nine days, 14/02/2026 to 22/02/2026', () => {
    expect(calendar.isWorkingDay('2026-02-13')).toBe(true);
    expect(calendar.workingDaysBetween('2026-02-13', '2026-02-22')).toBe(0);
    expect(calendar.isWorkingDay('2026-02-23')).toBe(true);
  });

  it('treats Saturdays and Sundays as days off', () => {
    expect(calendar.isWorkingDay('2025-11-15')).toBe(false);
    expect(calendar.isWorkingDay('2025-11-16')).toBe(false);
    expect(calendar.isWorkingDay('2025-11-17')).toBe(true);
  });

  it('counts working days forwards and backwards from Friday 14/11/2025', () => {
    expect(iso(calendar.addWorkingDays('2025-11-14', 1))).toBe('2025-11-17');
    expect(iso(calendar.addWorkingDays('2025-11-14', -1))).toBe('2025-11-13');
    expect(iso(calendar.addWorkingDays('2025-11-14', -7))).toBe('2025-11-05');
    expect(iso(calendar.addWorkingDays('2025-11-15', 0))).toBe('2025-11-15');
  });

  it('jumps from the Friday before Tết Bính Ngọ to Monday 23/02/2026 in one working day', () => {
    expect(iso(calendar.addWorkingDays('2026-02-13', 1))).toBe('2026-02-23');
    expect(iso(calendar.addWorkingDays('2026-02-23', -1))).toBe('2026-02-13');
  });

  it('counts eight working days from the notice of 04/11/2025 to 14/11/2025', () => {
    expect(calendar.workingDaysBetween('2025-11-04', '2025-11-14')).toBe(8);
    expect(calendar.workingDaysBetween('2025-11-14', '2025-11-04')).toBe(-8);
    expect(calendar.workingDaysBetween('2025-11-17', '2025-11-14')).toBe(-1);
    expect(calendar.workingDaysBetween('2025-11-14', '2025-11-14')).toBe(0);
  });

  it('still knows Tết Đinh Mùi 2027 when built for 2025-2026 only', () => {
    expect(calendar.isWorkingDay('2027-02-05')).toBe(false);
    const bare = new WorkingCalendar({ holidays: [], extraWorkingDays: [], extraDaysOff: [] });
    expect(bare.isWorkingDay('2027-02-05')).toBe(true);
  });

  it('answers the same after its data travels as JSON', () => {
    const copy = new WorkingCalendar(JSON.parse(JSON.stringify(calendar.toData())));
    for (let d = civilDayNumber('2025-01-01'); d <= civilDayNumber('2027-12-31'); d++) {
      const date = civilDateFromDayNumber(d);
      expect(copy.isWorkingDay(date)).toBe(calendar.isWorkingDay(date));
    }
  });

  it('lets a decided swap override the computed Quốc khánh day', () => {
    const data = buildCalendarData(
      [2026],
      [
        { date: '2026-09-01', kind: 'working_day', reason: 'Quốc khánh 2026 nghỉ 02/09 và 03/09' },
        { date: '2026-09-03', kind: 'day_off', reason: 'Quốc khánh 2026 nghỉ 02/09 và 03/09' },
      ],
    );
    const swapped = new WorkingCalendar(data);
    expect(swapped.isWorkingDay('2026-09-01')).toBe(true);
    expect(swapped.isWorkingDay('2026-09-02')).toBe(false);
    expect(swapped.isWorkingDay('2026-09-03')).toBe(false);
  });

  describe('nextWorkingMorning', () => {
    const at = (s: string) => toVnIso(calendar.nextWorkingMorning(s));

    it('moves the deadline "trước ngày 15/11/2025" (a Saturday) to Monday 17/11/2025 08:00', () => {
      expect(at('2025-11-15T00:00:00+07:00')).toBe('2025-11-17T08:00:00+07:00');
    });

    it('waits until 08:00 on a working day that has not started yet', () => {
      expect(at('2025-11-13T06:30:00+07:00')).toBe('2025-11-13T08:00:00+07:00');
      expect(at('2025-11-13T08:00:00+07:00')).toBe('2025-11-13T08:00:00+07:00');
    });

    it('goes to the next working morning once the working day has begun', () => {
      expect(at('2025-11-13T10:00:00+07:00')).toBe('2025-11-14T08:00:00+07:00');
    });

    it('keeps an instant inside working hours when asked to', () => {
      const within = (s: string) => toVnIso(calendar.nextWorkingMorning(s, 8, { withinWorkingHours: true }));
      expect(within('2025-11-13T10:00:00+07:00')).toBe('2025-11-13T10:00:00+07:00');
      expect(within('2025-11-13T17:30:00+07:00')).toBe('2025-11-14T08:00:00+07:00');
    });

    it('moves the first day of Tết Bính Ngọ to Monday 23/02/2026 08:00', () => {
      expect(at('2026-02-17T08:00:00+07:00')).toBe('2026-02-23T08:00:00+07:00');
    });
  });
});

describe('WorkingCalendar properties', () => {
  const day = fc.integer({ min: civilDayNumber('2025-01-01'), max: civilDayNumber('2026-12-31') }).map(civilDateFromDayNumber);
  const instant = fc.integer({ min: vnInstant('2025-01-01').getTime(), max: vnInstant('2026-12-31').getTime() }).map((ms) => new Date(ms));

  it('lands addWorkingDays on a working day that workingDaysBetween counts back to', () => {
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: -40, max: 40 }).filter((n) => n !== 0),
        (d, n) => {
          const target = calendar.addWorkingDays(d, n);
          expect(calendar.isWorkingDay(target)).toBe(true);
          expect(calendar.workingDaysBetween(d, target)).toBe(n);
        },
      ),
    );
  });

  it('undoes addWorkingDays with its negation from a working day', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -40, max: 40 }), (d, n) => {
        fc.pre(calendar.isWorkingDay(d));
        expect(iso(calendar.addWorkingDays(calendar.addWorkingDays(d, n), -n))).toBe(iso(d));
      }),
    );
  });

  it('returns from nextWorkingMorning an 08:00 of a working day, never earlier than asked, monotonically', () => {
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const m = calendar.nextWorkingMorning(lo);
        const t = toVnDateTime(m);
        expect(m.getTime()).toBeGreaterThanOrEqual(lo.getTime());
        expect([t.hour, t.minute, t.second, t.millisecond]).toEqual([8, 0, 0, 0]);
        expect(calendar.isWorkingDay(t)).toBe(true);
        expect(calendar.nextWorkingMorning(hi).getTime()).toBeGreaterThanOrEqual(m.getTime());
      }),
    );
  });
});
