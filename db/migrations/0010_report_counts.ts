import { sql, type Kysely } from 'kysely';

/*
 * What lets the reports answer without reading every assignment (db/repositories/reports.ts):
 *
 * - `task_report_counts`: per lead unit and per directive, how many assignments end in each
 *   group and whether they have a deadline. A row's final group never depends on the instant a
 *   report is read at, so triggers keep the counts in the same transaction as the read-model
 *   write, whoever writes it. The group codes are the repository's GROUP_CODES; never renumber.
 * - Partial indexes over the few rows whose group does depend on that instant: open assignments
 *   by deadline (in time until it passes), completed ones by deadline (not yet come due while it
 *   is ahead), completed-late ones (the late list), and closed ones by when they closed (a report
 *   as of an earlier instant sees them still open).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // No read-model write may slip between the backfill and the triggers.
  await sql`LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE`.execute(db);

  // The group an assignment ends in (a late completion stays late, cancelled stays cancelled),
  // with 'in progress' standing for every open one: the report decides overdue from `due_at`.
  // Ahead of schedule is judged with the default margin of one day (24 h). STABLE, not IMMUTABLE
  // (timestamptz minus interval), so that the planner inlines it into the reports' queries.
  await sql`
    CREATE FUNCTION task_report_final_group(status text, due_at timestamptz, completed_at timestamptz, cancelled_at timestamptz, outcome text)
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
        ELSE 3
      END)::smallint
    $$`.execute(db);

  await sql`
    CREATE TABLE task_report_counts (
      dimension text NOT NULL CHECK (dimension IN ('lead_unit', 'directive_number')),
      key text NOT NULL,
      grp smallint NOT NULL,
      has_deadline boolean NOT NULL,
      n integer NOT NULL,
      PRIMARY KEY (dimension, key, grp, has_deadline)
    )`.execute(db);

  // One statement per changed row, its cells in one order: two writers of the same unit or
  // directive wait for each other instead of deadlocking.
  await sql`
    CREATE FUNCTION task_report_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO task_report_counts AS c (dimension, key, grp, has_deadline, n)
      SELECT d.dimension, d.key, x.grp, x.has_deadline, sum(x.n)::int
      FROM (
        SELECT OLD.lead_unit, OLD.directive_number, task_report_final_group(OLD.status, OLD.due_at, OLD.completed_at, OLD.cancelled_at, OLD.outcome), OLD.due_at IS NOT NULL, -1
        WHERE TG_OP <> 'INSERT'
        UNION ALL
        SELECT NEW.lead_unit, NEW.directive_number, task_report_final_group(NEW.status, NEW.due_at, NEW.completed_at, NEW.cancelled_at, NEW.outcome), NEW.due_at IS NOT NULL, 1
        WHERE TG_OP <> 'DELETE'
      ) x (lead_unit, directive_number, grp, has_deadline, n)
      CROSS JOIN LATERAL (VALUES ('lead_unit', x.lead_unit), ('directive_number', x.directive_number)) d (dimension, key)
      GROUP BY d.dimension, d.key, x.grp, x.has_deadline
      HAVING sum(x.n) <> 0
      ORDER BY d.dimension, d.key, x.grp, x.has_deadline
      ON CONFLICT (dimension, key, grp, has_deadline) DO UPDATE SET n = c.n + excluded.n;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE FUNCTION task_report_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM task_report_counts;
      RETURN NULL;
    END $$`.execute(db);

  await sql`CREATE TRIGGER tasks_report_counts_insert AFTER INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION task_report_counts_apply()`.execute(db);
  await sql`CREATE TRIGGER tasks_report_counts_delete AFTER DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION task_report_counts_apply()`.execute(db);
  // Most writes (reminders, escalations, acknowledgement) leave the cell as it was: the WHEN
  // spares them the function call.
  await sql`
    CREATE TRIGGER tasks_report_counts_update AFTER UPDATE ON tasks FOR EACH ROW
    WHEN (
      OLD.lead_unit IS DISTINCT FROM NEW.lead_unit
      OR OLD.directive_number IS DISTINCT FROM NEW.directive_number
      OR (OLD.due_at IS NULL) IS DISTINCT FROM (NEW.due_at IS NULL)
      OR task_report_final_group(OLD.status, OLD.due_at, OLD.completed_at, OLD.cancelled_at, OLD.outcome)
         IS DISTINCT FROM task_report_final_group(NEW.status, NEW.due_at, NEW.completed_at, NEW.cancelled_at, NEW.outcome)
    )
    EXECUTE FUNCTION task_report_counts_apply()`.execute(db);
  // TRUNCATE fires no row trigger.
  await sql`CREATE TRIGGER tasks_report_counts_truncate AFTER TRUNCATE ON tasks FOR EACH STATEMENT EXECUTE FUNCTION task_report_counts_clear()`.execute(db);

  await sql`
    INSERT INTO task_report_counts (dimension, key, grp, has_deadline, n)
    SELECT d.dimension, d.key, task_report_final_group(t.status, t.due_at, t.completed_at, t.cancelled_at, t.outcome), t.due_at IS NOT NULL, count(*)::int
    FROM tasks t
    CROSS JOIN LATERAL (VALUES ('lead_unit', t.lead_unit), ('directive_number', t.directive_number)) d (dimension, key)
    GROUP BY 1, 2, 3, 4`.execute(db);

  // The predicates are written out again, word for word, in the repository's queries: the planner
  // picks a partial index only when the query's conditions imply its predicate.
  await sql`
    CREATE INDEX tasks_open_due_idx ON tasks (due_at, id) INCLUDE (lead_unit, directive_number)
    WHERE cancelled_at IS NULL AND completed_at IS NULL AND status <> 'cancelled' AND status <> 'completed'`.execute(db);
  await sql`
    CREATE INDEX tasks_completed_due_idx ON tasks (due_at) INCLUDE (lead_unit, directive_number, status, outcome, completed_at, cancelled_at)
    WHERE cancelled_at IS NULL AND status <> 'cancelled' AND (completed_at IS NOT NULL OR status = 'completed') AND due_at IS NOT NULL`.execute(db);
  await sql`
    CREATE INDEX tasks_completed_late_idx ON tasks (due_at, id) INCLUDE (lead_unit, directive_number, status, outcome, submitted_at, completed_at, cancelled_at)
    WHERE cancelled_at IS NULL AND status <> 'cancelled' AND (completed_at IS NOT NULL OR status = 'completed')
      AND coalesce(outcome = 'completed_late', completed_at > due_at, false)`.execute(db);
  await sql`
    CREATE INDEX tasks_closed_at_idx ON tasks ((greatest(completed_at, cancelled_at)))
    INCLUDE (id, lead_unit, directive_number, status, outcome, due_at, submitted_at, completed_at, cancelled_at)
    WHERE completed_at IS NOT NULL OR cancelled_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX tasks_closed_at_idx`.execute(db);
  await sql`DROP INDEX tasks_completed_late_idx`.execute(db);
  await sql`DROP INDEX tasks_completed_due_idx`.execute(db);
  await sql`DROP INDEX tasks_open_due_idx`.execute(db);
  await sql`DROP TRIGGER tasks_report_counts_truncate ON tasks`.execute(db);
  await sql`DROP TRIGGER tasks_report_counts_update ON tasks`.execute(db);
  await sql`DROP TRIGGER tasks_report_counts_delete ON tasks`.execute(db);
  await sql`DROP TRIGGER tasks_report_counts_insert ON tasks`.execute(db);
  await sql`DROP FUNCTION task_report_counts_clear()`.execute(db);
  await sql`DROP FUNCTION task_report_counts_apply()`.execute(db);
  await sql`DROP TABLE task_report_counts`.execute(db);
  await sql`DROP FUNCTION task_report_final_group(text, timestamptz, timestamptz, timestamptz, text)`.execute(db);
}
