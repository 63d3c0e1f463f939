import type { Kysely } from 'kysely';
import type { CalendarOverride } from '../../domain/calendar';
import type { Database } from '../schema';

/** The swap days and extra days off decided since the code shipped (`calendar_overrides`). */
export async function listCalendarOverrides(db: Kysely<Database>): Promise<CalendarOverride[]> {
  const rows = await db.selectFrom('calendar_overrides').select(['day', 'kind', 'reason']).execute();
  return rows.map((r) => ({ date: r.day, kind: r.kind, reason: r.reason }));
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
