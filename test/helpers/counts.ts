import { sql, type Kysely } from 'kysely';
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

/**
 * Row counts and digests of every table a request can write, to compare before and after a request
 * that must change nothing. Files run one at a time, so only the request in between (and the file's
 * own tasks, which it keeps quiet) can change them; `tasksOfDirective` narrows the task digest to one
 * directive's tasks where the file's other tasks may still be writing.
 */
export async function tableSnapshot(db: Kysely<Database>, o: { tasksOfDirective?: string } = {}): Promise<Record<string, string | number>> {
  const tasksFilter = o.tasksOfDirective === undefined ? sql`` : sql`where directive_number = ${o.tasksOfDirective}`;
  const { rows } = await sql<Record<string, string | number>>`
    select
      (select count(*) from tasks)::int as tasks,
      (select md5(coalesce(string_agg(id || status || lead_unit || audit_seq::text || coalesce(due_at::text, ''), ',' order by id), '')) from tasks ${tasksFilter}) as tasks_digest,
      (select count(*) from directives)::int as directives,
      (select count(*) from directive_items)::int as directive_items,
      (select md5(coalesce(string_agg(directive_id || ref || status || fields::text, ',' order by directive_id, ref), '')) from directive_items) as directive_items_digest,
      (select count(*) from evidence)::int as evidence,
      (select count(*) from audit_events)::int as audit_events,
      (select count(*) from notifications)::int as notifications,
      (select count(*) from notification_reads)::int as notification_reads,
      (select count(*) from idempotency_keys)::int as idempotency_keys
  `.execute(db);
  return rows[0];
}
