import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** How many rows of `table` hold exactly `where`'s values (every row when `where` is empty). */
export async function countRows(
  db: Kysely<Database>,
  table: keyof Database,
  where: Readonly<Record<string, string | number>> = {},
): Promise<number> {
  let query = db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n'));
  for (const [column, value] of Object.entries(where)) query = query.where(db.dynamic.ref(column), '=', value);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/**
 * Waits until `count` has stayed the same for `stillChecks` checks 100 ms apart: what a workflow writes
 * after the API has answered (an accepted launch records its first events afterwards) has landed.
 */
export async function untilQuiet(count: () => Promise<number>, stillChecks: number): Promise<void> {
  for (let last = await count(), still = 0; still < stillChecks;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await count();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}
