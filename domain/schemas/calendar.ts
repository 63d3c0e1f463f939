import { z } from 'zod';
import type { CalendarData, CalendarOverride } from '../calendar';
import { isCivilDateString } from '../time';
import type { Assert, SameType } from '../type-checks';

// The zod schemas of the calendar's data, for the API, the CLI and tests. Workflow code uses the
// hand-written checks of `../calendar.ts` (`checkCalendarData`, `checkCalendarOverrides`),
// which accept exactly what these accept (test/unit/zod-free-guards.test.ts).

const civilDateString = z.string().refine(isCivilDateString, 'phải là ngày có thật, dạng YYYY-MM-DD');

/** What a `CalendarData` may hold (its meaning is documented on the type). */
export const calendarDataSchema = z.object({
  holidays: z.array(civilDateString),
  extraWorkingDays: z.array(civilDateString),
  extraDaysOff: z.array(civilDateString),
  coveredYears: z.array(z.number().int()).optional(),
});

export const calendarOverrideSchema = z.object({
  date: civilDateString,
  kind: z.enum(['day_off', 'working_day']),
  reason: z.string().min(1),
});

export const calendarOverridesSchema = z.array(calendarOverrideSchema).superRefine((entries, ctx) => {
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    if (seen.has(e.date)) ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `ngày ${e.date} bị lặp` });
    seen.add(e.date);
  }
});

type CalendarDataMatchesSchema = Assert<SameType<z.output<typeof calendarDataSchema>, CalendarData>>;
type CalendarOverrideMatchesSchema = Assert<SameType<z.output<typeof calendarOverrideSchema>, CalendarOverride>>;
