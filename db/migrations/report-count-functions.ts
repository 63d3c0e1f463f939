/*
 * The SQL of the report counts' trigger function (`task_report_counts_apply`), horizon move
 * (`task_report_advance`), update trigger (`tasks_report_counts_update`) and recount, as migrations
 * 0010, 0014 and 0021 (up and down) create them, each with the version of the counts it brings.
 *
 * Not a migration (not in the registry): migrations that landed build their SQL from it, so what it
 * returns for each of their calls must never change. A new version of the counts is a new parameter
 * (or a new function) here whose absence gives the earlier text word for word; `scripts/schema-steps.ts`
 * and `test/db/schema.test.ts` show it when an edit changes what a landed migration does. (0010 wrote
 * its counting function with a line break after the directive's key, which the text here does not
 * have: the same function but for that white space, and replaced by 0014.)
 */

/** What sets one version of the counts apart from another. */
export interface CountsVersion {
  /**
   * Whether the kept group knows a claim (0014 on): its arguments carry `submitted_at`, and a change
   * of the claim or of its status moves an assignment's cell.
   */
  claim: boolean;
  /** The dimension a directive is counted under: 'directive_number' (0010), 'directive' (0021). */
  dimension: string;
  /** The directive's key of a row named `r`. */
  key: (r: string) => string;
  /** What the counting trigger's derived table calls that key: 'directive_number' before 0021, 'directive' from it. */
  keyColumn: string;
  /** The columns besides the number whose change moves a task to another directive's count. */
  alsoWatched: string[];
}

/** Directives counted by their number, as 0010 and 0014 count them. */
export const BY_NUMBER: Omit<CountsVersion, 'claim'> = {
  dimension: 'directive_number',
  key: (r) => `${r}.directive_number`,
  keyColumn: 'directive_number',
  alsoWatched: [],
};

/** The kept group's arguments of a row named `r`, without the time it is judged at. */
const keptGroupArgs = (v: CountsVersion, r: string): string =>
  `${r}.status, ${r}.due_at, ${v.claim ? `${r}.submitted_at, ` : ''}${r}.completed_at, ${r}.cancelled_at, ${r}.outcome`;

/** The two cells of row `r`: its lead unit's and its directive's. */
const cells = (v: CountsVersion, r: string) => `(VALUES ('lead_unit', ${r}.lead_unit), ('${v.dimension}', ${v.key(r)})) d (dimension, key)`;

/**
 * The counting trigger's function. The horizon is read FOR SHARE, so that moving it waits for writers
 * counting by it and writers wait for the move. Locks in one order — horizon, then the cells sorted,
 * in one statement — so that transactions writing one assignment each (as recordEvent does) wait for
 * each other on a shared unit or directive instead of deadlocking.
 */
export const applyFunction = (v: CountsVersion): string => `
    CREATE OR REPLACE FUNCTION task_report_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      h timestamptz;
    BEGIN
      SELECT at INTO STRICT h FROM task_report_horizon FOR SHARE;
      INSERT INTO task_report_counts AS c (dimension, key, grp, came_due, n)
      SELECT d.dimension, d.key, x.grp, x.came_due, sum(x.n)::int
      FROM (
        SELECT OLD.lead_unit, ${v.key('OLD')}, task_report_kept_group(${keptGroupArgs(v, 'OLD')}, h),
          task_report_kept_came_due(OLD.status, OLD.due_at, OLD.cancelled_at, h), -1
        WHERE TG_OP <> 'INSERT'
        UNION ALL
        SELECT NEW.lead_unit, ${v.key('NEW')}, task_report_kept_group(${keptGroupArgs(v, 'NEW')}, h),
          task_report_kept_came_due(NEW.status, NEW.due_at, NEW.cancelled_at, h), 1
        WHERE TG_OP <> 'DELETE'
      ) x (lead_unit, ${v.keyColumn}, grp, came_due, n)
      CROSS JOIN LATERAL (VALUES ('lead_unit', x.lead_unit), ('${v.dimension}', x.${v.keyColumn})) d (dimension, key)
      GROUP BY d.dimension, d.key, x.grp, x.came_due
      HAVING sum(x.n) <> 0
      ORDER BY d.dimension, d.key, x.grp, x.came_due
      ON CONFLICT (dimension, key, grp, came_due) DO UPDATE SET n = c.n + excluded.n;
      RETURN NULL;
    END $$`;

/**
 * Moves the horizon to `to_at`, recounting the assignments due in between. A report calls it when
 * the horizon has fallen behind; if another is moving it, or a writer is counting by it right now,
 * it leaves it for the next report rather than wait.
 */
export const advanceFunction = (v: CountsVersion): string => `
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
        (task_report_kept_group(${keptGroupArgs(v, 't')}, from_at), task_report_kept_came_due(t.status, t.due_at, t.cancelled_at, from_at), -1),
        (task_report_kept_group(${keptGroupArgs(v, 't')}, to_at), task_report_kept_came_due(t.status, t.due_at, t.cancelled_at, to_at), 1)
      ) x (grp, came_due, n)
      CROSS JOIN LATERAL ${cells(v, 't')}
      WHERE t.due_at BETWEEN least(from_at, to_at) AND greatest(from_at, to_at)
      GROUP BY d.dimension, d.key, x.grp, x.came_due
      HAVING sum(x.n) <> 0
      ORDER BY d.dimension, d.key, x.grp, x.came_due
      ON CONFLICT (dimension, key, grp, came_due) DO UPDATE SET n = c.n + excluded.n;
      UPDATE task_report_horizon SET at = to_at;
    END $$`;

/**
 * The update trigger. Most writes (reminders, escalations, acknowledgement) leave the cell as it was:
 * the WHEN spares them the function call.
 */
export function updateTrigger(v: CountsVersion): string {
  const watched = v.alsoWatched.map((c) => `OR OLD.${c} IS DISTINCT FROM NEW.${c}`);
  const claim = v.claim
    ? ['OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at', "OR (OLD.status = 'submitted') IS DISTINCT FROM (NEW.status = 'submitted')"]
    : [];
  return `
    CREATE TRIGGER tasks_report_counts_update AFTER UPDATE ON tasks FOR EACH ROW
    WHEN (
      OLD.lead_unit IS DISTINCT FROM NEW.lead_unit
      OR OLD.directive_number IS DISTINCT FROM NEW.directive_number
      ${[...watched, 'OR OLD.due_at IS DISTINCT FROM NEW.due_at', ...claim].join('\n      ')}
      OR task_report_final_group(${keptGroupArgs(v, 'OLD')}) IS DISTINCT FROM task_report_final_group(${keptGroupArgs(v, 'NEW')})
    )
    EXECUTE FUNCTION task_report_counts_apply()`;
}

/**
 * Counts every assignment as of the horizon into counts that hold none of them yet: in both
 * dimensions, or (`directiveOnly`) in the directive's alone.
 */
export function recount(v: CountsVersion, directiveOnly = false): string {
  const into = directiveOnly ? `(VALUES ('${v.dimension}', ${v.key('t')})) d (dimension, key)` : cells(v, 't');
  return `
    INSERT INTO task_report_counts (dimension, key, grp, came_due, n)
    SELECT d.dimension, d.key, task_report_kept_group(${keptGroupArgs(v, 't')}, h.at),
      task_report_kept_came_due(t.status, t.due_at, t.cancelled_at, h.at), count(*)::int
    FROM tasks t
    CROSS JOIN task_report_horizon h
    CROSS JOIN LATERAL ${into}
    GROUP BY 1, 2, 3, 4`;
}
