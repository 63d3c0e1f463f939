import type { Kysely } from 'kysely';
import type { CalendarOverride } from '../../domain/calendar';
import type { Database } from '../schema';

/** The swap days and extra days off decided since the code shipped (`calendar_overrides`). */
export async function listCalendarOverrides(db: Kysely<Database>): Promise<CalendarOverride[]> {
  const rows = await db.selectFrom('calendar_overrides').select(['day', 'kind', 'reason']).execute();
  return rows.map((r) => ({ date: r.day, kind: r.kind, reason: r.reason }));
}

/** Records a decided day (a swap day, an extra day off); the same date again replaces its decision. */
export async function upsertCalendarOverride(db: Kysely<Database>, o: CalendarOverride): Promise<void> {
  await db
    .insertInto('calendar_overrides')
    .values({ day: o.date, kind: o.kind, reason: o.reason })
    .onConflict((oc) => oc.column('day').doUpdateSet((eb) => ({ kind: eb.ref('excluded.kind'), reason: eb.ref('excluded.reason') })))
    .execute();
}
