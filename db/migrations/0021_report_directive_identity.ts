import { sql, type Kysely } from 'kysely';
import * as reportCounts from './report-count-functions';

/*
 * The per-directive report counts a directive by its identity (number, issue year, issuer; migration
 * 0013), not by its number: "80/TB-UBND" of 2025 and of 2026 are two rows. The kept counts of 0010
 * (recounted by 0014) per directive number become counts per directive identity under the dimension
 * 'directive', keyed by `task_report_directive_key`; the counting trigger, the horizon's move and
 * the counts themselves are made again with it, and the covering indexes the reports read carry the
 * identity's columns, so that the corrections stay off the table's heap.
 */

// 0014's counts (with the claim), a directive counted by its identity; a change of its year or
// issuer moves a task to another directive's count.
const BY_IDENTITY: reportCounts.CountsVersion = {
  claim: true,
  dimension: 'directive',
  key: (r) => `task_report_directive_key(${r}.directive_number, ${r}.directive_year, ${r}.directive_issuer_key)`,
  keyColumn: 'directive',
  alsoWatched: ['directive_year', 'directive_issuer_key'],
};
// Going down, by number again; the counting trigger still calls the key `directive`, as it did when this landed.
const BACK_BY_NUMBER: reportCounts.CountsVersion = { ...BY_IDENTITY, ...reportCounts.BY_NUMBER, keyColumn: 'directive' };

export async function up(db: Kysely<any>): Promise<void> {
  await sql`LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE`.execute(db);
  // The year, the issuer's slug and the number, in that order: a year has no '|', a slug neither, so
  // the first two '|' split the key whatever the number holds. A year unknown (rows of before 0013) is ''.
  await sql`
    CREATE FUNCTION task_report_directive_key(number text, year integer, issuer_key text)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(year::text, '') || '|' || issuer_key || '|' || number
    $$`.execute(db);
  await sql`ALTER TABLE task_report_counts DROP CONSTRAINT task_report_counts_dimension_check`.execute(db);
  await sql`DELETE FROM task_report_counts WHERE dimension = 'directive_number'`.execute(db);
  await sql`ALTER TABLE task_report_counts ADD CONSTRAINT task_report_counts_dimension_check CHECK (dimension IN ('lead_unit', 'directive'))`.execute(
    db,
  );
  await keptCountFunctions(db, BY_IDENTITY);
  await coveringIndexes(db, 'directive_number, directive_year, directive_issuer_key');
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE`.execute(db);
  await coveringIndexes(db, 'directive_number');
  await sql`ALTER TABLE task_report_counts DROP CONSTRAINT task_report_counts_dimension_check`.execute(db);
  await sql`DELETE FROM task_report_counts WHERE dimension = 'directive'`.execute(db);
  await sql`ALTER TABLE task_report_counts ADD CONSTRAINT task_report_counts_dimension_check CHECK (dimension IN ('lead_unit', 'directive_number'))`.execute(
    db,
  );
  await keptCountFunctions(db, BACK_BY_NUMBER);
  await sql`DROP FUNCTION task_report_directive_key(text, integer, text)`.execute(db);
}

/**
 * 0014's counting trigger and horizon move with the directive counted under `version.dimension`, and
 * that dimension's counts recounted as of the horizon.
 */
async function keptCountFunctions(db: Kysely<any>, version: reportCounts.CountsVersion): Promise<void> {
  await sql.raw(reportCounts.applyFunction(version)).execute(db);
  await sql.raw(reportCounts.advanceFunction(version)).execute(db);
  await sql`DROP TRIGGER tasks_report_counts_update ON tasks`.execute(db);
  await sql.raw(reportCounts.updateTrigger(version)).execute(db);
  await sql.raw(reportCounts.recount(version, true)).execute(db);
}

/** The covering indexes of 0010 and 0014, their predicates word for word, carrying `directive` as the directive's columns. */
async function coveringIndexes(db: Kysely<any>, directive: string): Promise<void> {
  for (const index of ['tasks_due_cell_idx', 'tasks_completed_late_idx', 'tasks_report_since_idx', 'tasks_open_due_idx'])
    await sql`DROP INDEX ${sql.id(index)}`.execute(db);
  await sql
    .raw(
      `CREATE INDEX tasks_due_cell_idx ON tasks (due_at) INCLUDE (lead_unit, ${directive}, status, outcome, completed_at, cancelled_at)
    WHERE due_at IS NOT NULL`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE INDEX tasks_completed_late_idx ON tasks (due_at, id) INCLUDE (lead_unit, ${directive}, status, outcome, submitted_at, completed_at, cancelled_at)
    WHERE cancelled_at IS NULL AND status <> 'cancelled' AND (completed_at IS NOT NULL OR status = 'completed')
      AND coalesce(outcome = 'completed_late', completed_at > due_at, false)`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE INDEX tasks_report_since_idx ON tasks (report_since) INCLUDE (id, lead_unit, ${directive}, status, outcome, due_at, submitted_at, completed_at, cancelled_at, launched_at)`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE INDEX tasks_open_due_idx ON tasks (due_at, id) INCLUDE (lead_unit, ${directive}, status, submitted_at, report_since)
    WHERE cancelled_at IS NULL AND completed_at IS NULL AND status <> 'cancelled' AND status <> 'completed'`,
    )
    .execute(db);
}
