import type { Kysely } from 'kysely';
import { upsertCalendarOverride } from '../db/repositories/calendar';
import type { Database } from '../db/schema';
import type { CalendarOverride } from '../domain/calendar';
import { DomainError } from '../domain/errors';
import { calendarOverrideSchema } from '../domain/schemas/calendar';

/**
 * Adds a government decision to the working calendar (a swap day worked on a weekend, an extra
 * day off), without a redeploy. Workers read the table when a task's calendar is loaded
 * (`loadCalendar`); the web pages within their cache's lifetime.
 */
export async function addCalendarOverride(db: Kysely<Database>, input: CalendarOverride): Promise<CalendarOverride> {
  const parsed = calendarOverrideSchema.safeParse(input);
  if (!parsed.success)
    throw new DomainError(
      'invalid',
      'Quyết định về ngày làm việc không hợp lệ',
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), reason: i.message })),
    );
  await upsertCalendarOverride(db, parsed.data);
  return parsed.data;
}
