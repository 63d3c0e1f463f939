import type { Kysely } from 'kysely';
import type { CalendarOverride } from '../../domain/calendar';
import type { Database } from '../schema';

/** The swap days and extra days off decided since the code shipped (`calendar_overrides`). */
export async function listCalendarOverrides(db: Kysely<Database>): Promise<CalendarOverride[]> {
  const rows = await db.selectFrom('calendar_overrides').select(['day', 'kind', 'reason']).execute();
  return rows.map((r) => ({ date: r.day, kind: r.kind, reason: r.reason }));
}
