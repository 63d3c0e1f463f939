import { sql, type Kysely } from 'kysely';
import * as reportCounts from './report-count-functions';

/*
 * What lets the reports answer without reading every assignment (db/repositories/reports.ts):
 *
 * - `task_report_counts`: per lead unit and per directive, how many assignments are in each
 *   group, and have come due, as of the instant in `task_report_horizon`, counting each as
 *   closed if it is closed at all. Triggers keep the counts in the same transaction as the
 *   read-model write, whoever writes it; a report moves the horizon up to now when it has fallen
 *   behind (`task_report_advance`), so a report as of now corrects the counts only by the few
 *   assignments due since. The group codes are the repository's GROUP_CODES; never renumber.
 * - Partial indexes over the rows a report reads one by one: open assignments by deadline (the
 *   late list's order), completed-late ones, closed ones by when they closed (a report as of an
 *   earlier instant sees them still open), and every assignment by deadline (those due between
 *   the horizon and the report's instant).
 */

// The first counts: the kept group knows no claim, and a directive is counted by its number.
const COUNTS: reportCounts.CountsVersion = { ...reportCounts.BY_NUMBER, claim: false };

export async function up(db: Kysely<any>): Promise<void> {
  // No read-model write may slip between the backfill and the triggers.
  await sql`LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE`.execute(db);

  // The cell an assignment is counted in as of `at`: the group it ends in (a late completion
  // stays late, cancelled stays cancelled), or while open, overdue once past the deadline (the
  // deadline instant itself is on time). Ahead of schedule is judged with the default margin of
  // one day (24 h). STABLE, not IMMUTABLE (timestamptz minus interval), and a single SELECT, so
  // that the planner inlines it into the reports' queries.
  await sql`
    CREATE FUNCTION task_report_kept_group(status text, due_at timestamptz, completed_at timestamptz, cancelled_at timestamptz, outcome text, at timestamptz)
    RETURNS smallint LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT (CASE
        WHEN cancelled_at IS NOT NULL OR status = 'cancelled' THEN 0
        WHEN completed_at IS NOT NULL OR status = 'completed' THEN
          CASE
            WHEN coalesce(outcome = 'completed_late', completed_at > due_at, false) THEN 2
            WHEN completed_at <= due_at - make_interval(secs => 86400) THEN 6
            ELSE 1
          END
        WHEN due_at IS NULL THEN 5
        WHEN due_at < at THEN 4
        ELSE 3
      END)::smallint
    $$`.execute(db);
  // The same before any deadline passed: whether a write changes the cell, whatever the horizon.
  await sql`
    CREATE FUNCTION task_report_final_group(status text, due_at timestamptz, completed_at timestamptz, cancelled_at timestamptz, outcome text)
    RETURNS smallint LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT task_report_kept_group(status, due_at, completed_at, cancelled_at, outcome, '-infinity')
    $$`.execute(db);
  await sql`
    CREATE FUNCTION task_report_kept_came_due(status text, due_at timestamptz, cancelled_at timestamptz, at timestamptz)
    RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT cancelled_at IS NULL AND status <> 'cancelled' AND coalesce(due_at <= at, false)
    $$`.execute(db);

  await sql`CREATE TABLE task_report_horizon (at timestamptz NOT NULL)`.execute(db);
  await sql`CREATE UNIQUE INDEX task_report_horizon_one_row ON task_report_horizon ((true))`.execute(db);
  await sql`INSERT INTO task_report_horizon (at) VALUES (now())`.execute(db);

  await sql`
    CREATE TABLE task_report_counts (
      dimension text NOT NULL CHECK (dimension IN ('lead_unit', 'directive_number')),
      key text NOT NULL,
      grp smallint NOT NULL,
      came_due boolean NOT NULL,
      n integer NOT NULL,
      PRIMARY KEY (dimension, key, grp, came_due)
    )`.execute(db);

  await sql.raw(reportCounts.applyFunction(COUNTS)).execute(db);
  await sql`
    CREATE FUNCTION task_report_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM task_report_counts;
      RETURN NULL;
    END $$`.execute(db);

  await sql.raw(reportCounts.advanceFunction(COUNTS)).execute(db);

  await sql`CREATE TRIGGER tasks_report_counts_insert AFTER INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION task_report_counts_apply()`.execute(
    db,
  );
  await sql`CREATE TRIGGER tasks_report_counts_delete AFTER DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION task_report_counts_apply()`.execute(
    db,
  );
  await sql.raw(reportCounts.updateTrigger(COUNTS)).execute(db);
  // TRUNCATE fires no row trigger.
  await sql`CREATE TRIGGER tasks_report_counts_truncate AFTER TRUNCATE ON tasks FOR EACH STATEMENT EXECUTE FUNCTION task_report_counts_clear()`.execute(
    db,
  );

  await sql.raw(reportCounts.recount(COUNTS)).execute(db);

  // The predicates are written out again, word for word, in the repository's queries: the planner
  // picks a partial index only when the query's conditions imply its predicate.
  await sql`
    CREATE INDEX tasks_open_due_idx ON tasks (due_at, id) INCLUDE (lead_unit, directive_number)
    WHERE cancelled_at IS NULL AND completed_at IS NULL AND status <> 'cancelled' AND status <> 'completed'`.execute(db);
  await sql`
    CREATE INDEX tasks_due_cell_idx ON tasks (due_at) INCLUDE (lead_unit, directive_number, status, outcome, completed_at, cancelled_at)
    WHERE due_at IS NOT NULL`.execute(db);
  await sql`
    CREATE INDEX tasks_completed_late_idx ON tasks (due_at, id) INCLUDE (lead_unit, directive_number, status, outcome, submitted_at, completed_at, cancelled_at)
    WHERE cancelled_at IS NULL AND status <> 'cancelled' AND (completed_at IS NOT NULL OR status = 'completed')
      AND coalesce(outcome = 'completed_late', completed_at > due_at, false)`.execute(db);
  await sql`
    CREATE INDEX tasks_closed_at_idx ON tasks ((greatest(completed_at, cancelled_at)))
    INCLUDE (id, lead_unit, directive_number, status, outcome, due_at, submitted_at, completed_at, cancelled_at)
    WHERE completed_at IS NOT NULL OR cancelled_at IS NOT NULL`.execute(db);
  // ANALYZE keeps no statistics for the expression of a partial index: without these the planner
  // guesses a third of the closed rows closed after any instant (usually none), and sorts.
  await sql`CREATE STATISTICS tasks_closed_at_stats ON (greatest(completed_at, cancelled_at)) FROM tasks`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP STATISTICS tasks_closed_at_stats`.execute(db);
  await sql`DROP INDEX tasks_closed_at_idx, tasks_completed_late_idx, tasks_due_cell_idx, tasks_open_due_idx`.execute(db);
  await sql`DROP TRIGGER tasks_report_counts_truncate ON tasks`.execute(db);
  await sql`DROP TRIGGER tasks_report_counts_update ON tasks`.execute(db);
  await sql`DROP TRIGGER tasks_report_counts_delete ON tasks`.execute(db);
  await sql`DROP TRIGGER tasks_report_counts_insert ON tasks`.execute(db);
  await sql`DROP FUNCTION task_report_advance(timestamptz), task_report_counts_clear(), task_report_counts_apply()`.execute(db);
  await sql`DROP TABLE task_report_counts, task_report_horizon`.execute(db);
  await sql`
    DROP FUNCTION task_report_kept_came_due(text, timestamptz, timestamptz, timestamptz),
      task_report_kept_group(text, timestamptz, timestamptz, timestamptz, text, timestamptz),
      task_report_final_group(text, timestamptz, timestamptz, timestamptz, text)`.execute(db);
}
