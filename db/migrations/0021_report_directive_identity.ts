import { sql, type Kysely } from 'kysely';

/*
 * The per-directive report counts a directive by its identity (number, issue year, issuer; migration
 * 0013), not by its number: "80/TB-UBND" of 2025 and of 2026 are two rows. The kept counts of 0010
 * (recounted by 0014) per directive number become counts per directive identity under the dimension
 * 'directive', keyed by `task_report_directive_key`; the counting trigger, the horizon's move and
 * the counts themselves are made again with it, and the covering indexes the reports read carry the
 * identity's columns, so that the corrections stay off the table's heap.
 */

// The group arguments of 0014's task_report_kept_group, of a row named `r`.
const row = (r: string) => `${r}.status, ${r}.due_at, ${r}.submitted_at, ${r}.completed_at, ${r}.cancelled_at, ${r}.outcome`;
const IDENTITY_KEY = (r: string) => `task_report_directive_key(${r}.directive_number, ${r}.directive_year, ${r}.directive_issuer_key)`;

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
  await keptCountFunctions(db, 'directive', IDENTITY_KEY, ['directive_year', 'directive_issuer_key']);
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
  await keptCountFunctions(db, 'directive_number', (r) => `${r}.directive_number`, []);
  await sql`DROP FUNCTION task_report_directive_key(text, integer, text)`.execute(db);
}

/**
 * 0014's counting trigger and horizon move with the directive counted under `dimension` by `key`,
 * and that dimension's counts recounted as of the horizon. `alsoWatched`: the columns besides the
 * number whose change moves a task to another directive's count.
 */
async function keptCountFunctions(db: Kysely<any>, dimension: string, key: (r: string) => string, alsoWatched: string[]): Promise<void> {
  const cells = (r: string) => `(VALUES ('lead_unit', ${r}.lead_unit), ('${dimension}', ${key(r)})) d (dimension, key)`;
  await sql
    .raw(
      `
    CREATE OR REPLACE FUNCTION task_report_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      h timestamptz;
    BEGIN
      SELECT at INTO STRICT h FROM task_report_horizon FOR SHARE;
      INSERT INTO task_report_counts AS c (dimension, key, grp, came_due, n)
      SELECT d.dimension, d.key, x.grp, x.came_due, sum(x.n)::int
      FROM (
        SELECT OLD.lead_unit, ${key('OLD')}, task_report_kept_group(${row('OLD')}, h),
          task_report_kept_came_due(OLD.status, OLD.due_at, OLD.cancelled_at, h), -1
        WHERE TG_OP <> 'INSERT'
        UNION ALL
        SELECT NEW.lead_unit, ${key('NEW')}, task_report_kept_group(${row('NEW')}, h),
          task_report_kept_came_due(NEW.status, NEW.due_at, NEW.cancelled_at, h), 1
        WHERE TG_OP <> 'DELETE'
      ) x (lead_unit, directive, grp, came_due, n)
      CROSS JOIN LATERAL (VALUES ('lead_unit', x.lead_unit), ('${dimension}', x.directive)) d (dimension, key)
      GROUP BY d.dimension, d.key, x.grp, x.came_due
      HAVING sum(x.n) <> 0
      ORDER BY d.dimension, d.key, x.grp, x.came_due
      ON CONFLICT (dimension, key, grp, came_due) DO UPDATE SET n = c.n + excluded.n;
      RETURN NULL;
    END $$`,
    )
    .execute(db);
  await sql
    .raw(
      `
    CREATE OR REPLACE FUNCTION task_report_advance(to_at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      from_at timestamptz;
    BEGIN
      SELECT at INTO from_at FROM task_report_horizon FOR UPDATE SKIP LOCKED;
      IF NOT FOUND OR from_at = to_at THEN
        RETURN;
      END IF;
      INSERT INTO task_report_counts AS c (dimension, key, grp, came_due, n)
      SELECT d.dimension, d.key, x.grp, x.came_due, sum(x.n)::int
      FROM tasks t
      CROSS JOIN LATERAL (VALUES
        (task_report_kept_group(${row('t')}, from_at), task_report_kept_came_due(t.status, t.due_at, t.cancelled_at, from_at), -1),
        (task_report_kept_group(${row('t')}, to_at), task_report_kept_came_due(t.status, t.due_at, t.cancelled_at, to_at), 1)
      ) x (grp, came_due, n)
      CROSS JOIN LATERAL ${cells('t')}
      WHERE t.due_at BETWEEN least(from_at, to_at) AND greatest(from_at, to_at)
      GROUP BY d.dimension, d.key, x.grp, x.came_due
      HAVING sum(x.n) <> 0
      ORDER BY d.dimension, d.key, x.grp, x.came_due
      ON CONFLICT (dimension, key, grp, came_due) DO UPDATE SET n = c.n + excluded.n;
      UPDATE task_report_horizon SET at = to_at;
    END $$`,
    )
    .execute(db);
  const watched = alsoWatched.map((c) => `OR OLD.${c} IS DISTINCT FROM NEW.${c}`).join('\n      ');
  await sql`DROP TRIGGER tasks_report_counts_update ON tasks`.execute(db);
  await sql
    .raw(
      `
    CREATE TRIGGER tasks_report_counts_update AFTER UPDATE ON tasks FOR EACH ROW
    WHEN (
      OLD.lead_unit IS DISTINCT FROM NEW.lead_unit
      OR OLD.directive_number IS DISTINCT FROM NEW.directive_number
      ${watched}
      OR OLD.due_at IS DISTINCT FROM NEW.due_at
      OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at
      OR (OLD.status = 'submitted') IS DISTINCT FROM (NEW.status = 'submitted')
      OR task_report_final_group(${row('OLD')}) IS DISTINCT FROM task_report_final_group(${row('NEW')})
    )
    EXECUTE FUNCTION task_report_counts_apply()`,
    )
    .execute(db);
  await sql
    .raw(
      `
    INSERT INTO task_report_counts (dimension, key, grp, came_due, n)
    SELECT '${dimension}', ${key('t')}, task_report_kept_group(${row('t')}, h.at),
      task_report_kept_came_due(t.status, t.due_at, t.cancelled_at, h.at), count(*)::int
    FROM tasks t
    CROSS JOIN task_report_horizon h
    GROUP BY 1, 2, 3, 4`,
    )
    .execute(db);
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
