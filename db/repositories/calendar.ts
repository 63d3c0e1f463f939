import type { Kysely } from 'kysely';
import { DEFAULT_CALENDAR_OVERRIDES, type CalendarOverride } from '../../domain/calendar';
import type { Database } from '../schema';

/** The swap days and extra days off decided since the code shipped (`calendar_overrides`). */
export async function listCalendarOverrides(db: Kysely<Database>): Promise<CalendarOverride[]> {
  const rows = await db.selectFrom('calendar_overrides').select(['day', 'kind', 'reason']).execute();
  return rows.map((r) => ({ date: r.day, kind: r.kind, reason: r.reason }));
}

/** Every decided day in force: the shipped file's, each replaced by what was recorded for its day since. */
export async function calendarOverridesInForce(db: Kysely<Database>): Promise<CalendarOverride[]> {
  const byDate = new Map<string, CalendarOverride>(DEFAULT_CALENDAR_OVERRIDES.map((o) => [o.date, o]));
  for (const o of await listCalendarOverrides(db)) byDate.set(o.date, o);
  return [...byDate.values()];
}

/** Records a decided day, or replaces what was decided for that day (an amended decision). */
export async function putCalendarOverride(db: Kysely<Database>, o: CalendarOverride): Promise<void> {
  await db
    .insertInto('calendar_overrides')
    .values({ day: o.date, kind: o.kind, reason: o.reason })
    .onConflict((c) => c.column('day').doUpdateSet({ kind: o.kind, reason: o.reason }))
    .execute();
}

/** Withdraws the decision for a day; false when none was recorded (the shipped file is not touched). */
export async function deleteCalendarOverride(db: Kysely<Database>, date: string): Promise<boolean> {
  const result = await db.deleteFrom('calendar_overrides').where('day', '=', date).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
