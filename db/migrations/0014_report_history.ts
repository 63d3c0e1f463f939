import { sql, type Kysely } from 'kysely';
import * as reportCounts from './report-count-functions';

/*
 * Reports as of an instant read the same whenever they are run (issue 13, items 4 to 6):
 *
 * - `tasks.event_at`: the instant of the event the row is the snapshot of (written by recordEvent);
 *   `tasks.report_since`: since when the columns a report reads (lead unit, deadline in force,
 *   status, claim, completion, cancellation, outcome, late units) have held their values.
 * - `task_report_history`: the values those columns held before, each with the interval
 *   [valid_from, valid_to) they were in force. A BEFORE trigger on `tasks` writes the old values
 *   when a write carrying a later `event_at` changes them, in the same transaction as the audit
 *   row; existing tasks get theirs replayed from `audit_events` below.
 * - The kept group (migration 0010's counts) also knows a claim: one sent before the deadline and
 *   awaiting review is not overdue, and "ahead of schedule" is judged on the claim, not the approval.
 *   The counts are recounted with it.
 */

// The groups of db/repositories/report-classification.ts GROUP_CODES, as of `at`, for a row counted
// closed if it is closed at all. A claim in before the deadline keeps an open row within it.
const KEPT_GROUP = `
  SELECT (CASE
    WHEN cancelled_at IS NOT NULL OR status = 'cancelled' THEN 0
    WHEN completed_at IS NOT NULL OR status = 'completed' THEN
      CASE
        WHEN coalesce(outcome = 'completed_late', completed_at > due_at, false) THEN 2
        WHEN least(coalesce(submitted_at, completed_at), completed_at) <= due_at - make_interval(secs => 86400) THEN 6
        ELSE 1
      END
    WHEN due_at IS NULL THEN 5
    WHEN status = 'submitted' AND submitted_at <= due_at THEN 3
    WHEN due_at < at THEN 4
    ELSE 3
  END)::smallint`;

const GROUP_ARGS =
  'status text, due_at timestamptz, submitted_at timestamptz, completed_at timestamptz, cancelled_at timestamptz, outcome text';

// 0010's counts with the claim: the counting trigger, the horizon's move and the counts themselves.
const COUNTS: reportCounts.CountsVersion = { ...reportCounts.BY_NUMBER, claim: true };

export async function up(db: Kysely<any>): Promise<void> {
  await sql`LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE`.execute(db);

  await sql`ALTER TABLE tasks ADD COLUMN event_at timestamptz, ADD COLUMN report_since timestamptz`.execute(db);
  await sql`
    CREATE TABLE task_report_history (
      task_id text NOT NULL,
      valid_from timestamptz NOT NULL,
      valid_to timestamptz NOT NULL CHECK (valid_to > valid_from),
      lead_unit text NOT NULL,
      directive_number text NOT NULL,
      status text NOT NULL,
      due_at timestamptz,
      submitted_at timestamptz,
      completed_at timestamptz,
      cancelled_at timestamptz,
      outcome text,
      late_units text[] NOT NULL,
      extension_count integer NOT NULL,
      PRIMARY KEY (task_id, valid_from)
    )`.execute(db);

  // The statuses a report counts apart (the others are one open status): what the replay of old trails
  // below tells apart. New writes keep every status, as the late list shows it.
  await sql`
    CREATE FUNCTION task_report_status(status text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN status IN ('completed', 'cancelled', 'submitted') THEN status ELSE 'open' END
    $$`.execute(db);
  await replayHistory(db);

  // A write that is not a later event's (a seed, a repair: no event time, or no later audit_seq)
  // keeps no history: the row's own timestamps then say what they can, as before this migration.
  await sql`
    CREATE FUNCTION task_report_history_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        NEW.report_since := coalesce(NEW.event_at, NEW.launched_at);
      ELSIF (OLD.lead_unit, OLD.directive_number, OLD.status, OLD.due_at, OLD.submitted_at, OLD.completed_at,
             OLD.cancelled_at, OLD.outcome, OLD.late_units, OLD.extension_count)
          IS NOT DISTINCT FROM (NEW.lead_unit, NEW.directive_number, NEW.status, NEW.due_at, NEW.submitted_at,
             NEW.completed_at, NEW.cancelled_at, NEW.outcome, NEW.late_units, NEW.extension_count) THEN
        NEW.report_since := OLD.report_since;
      ELSIF NEW.event_at IS NOT NULL AND NEW.audit_seq > OLD.audit_seq THEN
        -- Two changes at one instant: the state between them was never in force.
        IF NEW.event_at > OLD.report_since THEN
          INSERT INTO task_report_history (task_id, valid_from, valid_to, lead_unit, directive_number, status, due_at, submitted_at,
            completed_at, cancelled_at, outcome, late_units, extension_count)
          VALUES (OLD.id, OLD.report_since, NEW.event_at, OLD.lead_unit, OLD.directive_number, OLD.status, OLD.due_at, OLD.submitted_at,
            OLD.completed_at, OLD.cancelled_at, OLD.outcome, OLD.late_units, OLD.extension_count)
          ON CONFLICT DO NOTHING;
        END IF;
        NEW.report_since := greatest(NEW.event_at, OLD.report_since);
      ELSE
        NEW.report_since := OLD.report_since;
      END IF;
      NEW.report_since := greatest(NEW.report_since, NEW.launched_at, NEW.submitted_at, NEW.completed_at, NEW.cancelled_at);
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER tasks_report_history BEFORE INSERT OR UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION task_report_history_keep()`.execute(
    db,
  );
  await sql`ALTER TABLE tasks ALTER COLUMN report_since SET NOT NULL`.execute(db);

  // The kept group with the claim: the functions of 0010 take it now, and the counts are recounted.
  await sql`DROP TRIGGER tasks_report_counts_update ON tasks`.execute(db);
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION task_report_kept_group(${GROUP_ARGS}, at timestamptz)
    RETURNS smallint LANGUAGE sql STABLE PARALLEL SAFE AS $$ ${KEPT_GROUP} $$`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION task_report_final_group(${GROUP_ARGS})
    RETURNS smallint LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT task_report_kept_group(status, due_at, submitted_at, completed_at, cancelled_at, outcome, '-infinity') $$`,
    )
    .execute(db);
  await sql.raw(reportCounts.applyFunction(COUNTS)).execute(db);
  await sql.raw(reportCounts.advanceFunction(COUNTS)).execute(db);
  await sql.raw(reportCounts.updateTrigger(COUNTS)).execute(db);
  await sql`DELETE FROM task_report_counts`.execute(db);
  await sql.raw(reportCounts.recount(COUNTS)).execute(db);
  await sql`DROP FUNCTION task_report_final_group(text, timestamptz, timestamptz, timestamptz, text)`.execute(db);
  await sql`DROP FUNCTION task_report_kept_group(text, timestamptz, timestamptz, timestamptz, text, timestamptz)`.execute(db);

  await sql`DROP STATISTICS tasks_closed_at_stats`.execute(db);
  await sql`DROP INDEX tasks_closed_at_idx`.execute(db);
  await sql`DROP INDEX tasks_open_due_idx`.execute(db);
  // Rows whose report columns changed after an instant are read from their history as of it.
  await sql`CREATE INDEX tasks_report_since_idx ON tasks (report_since) INCLUDE (id, lead_unit, directive_number, status, outcome, due_at, submitted_at, completed_at, cancelled_at, launched_at)`.execute(
    db,
  );
  await sql`
    CREATE INDEX tasks_open_due_idx ON tasks (due_at, id) INCLUDE (lead_unit, directive_number, status, submitted_at, report_since)
    WHERE cancelled_at IS NULL AND completed_at IS NULL AND status <> 'cancelled' AND status <> 'completed'`.execute(db);
  await sql`CREATE INDEX tasks_late_units_idx ON tasks USING gin (late_units) WHERE cardinality(late_units) > 0`.execute(db);
}

/**
 * The history of the tasks already recorded, replayed from their audit trails: the launch's lead
 * unit and deadline, then what each event changed. The last state replayed is the row itself.
 */
async function replayHistory(db: Kysely<any>): Promise<void> {
  await sql`
    DO $$
    DECLARE
      t record;
      e record;
      cur task_report_history;
      nxt task_report_history;
      since timestamptz;
    BEGIN
      FOR t IN SELECT id, launched_at, audit_seq FROM tasks LOOP
        since := NULL;
        FOR e IN SELECT kind, occurred_at, payload FROM audit_events WHERE task_id = t.id ORDER BY seq LOOP
          IF since IS NULL THEN
            IF e.kind <> 'launched' THEN EXIT; END IF;
            cur := ROW(t.id, e.occurred_at, 'infinity', e.payload #>> '{launch,leadUnit}', e.payload #>> '{launch,directiveNumber}', 'assigned',
              CASE WHEN e.payload #>> '{launch,deadline,kind}' = 'date' THEN (e.payload #>> '{launch,deadline,dueAt}')::timestamptz END,
              NULL, NULL, NULL, NULL, '{}', 0);
            since := e.occurred_at;
            CONTINUE;
          END IF;
          nxt := cur;
          CASE e.kind
            WHEN 'submitted' THEN nxt.status := 'submitted'; nxt.submitted_at := e.occurred_at;
            WHEN 'returned' THEN nxt.status := 'returned';
            WHEN 'approved' THEN nxt.status := 'completed'; nxt.completed_at := e.occurred_at; nxt.outcome := e.payload ->> 'outcome';
            WHEN 'completed' THEN
              nxt.status := 'completed'; nxt.completed_at := e.occurred_at;
              nxt.outcome := CASE WHEN coalesce((e.payload ->> 'submittedLate')::int, 0) > 0 THEN 'completed_late' ELSE 'completed_on_time' END;
            WHEN 'cancelled' THEN nxt.status := 'cancelled'; nxt.cancelled_at := e.occurred_at;
            WHEN 'extension_approved' THEN
              nxt.due_at := (e.payload ->> 'dueAt')::timestamptz; nxt.extension_count := coalesce((e.payload ->> 'extensionCount')::int, cur.extension_count + 1);
            WHEN 'reassigned' THEN
              nxt.lead_unit := e.payload ->> 'newLeadUnit';
              IF nxt.due_at < e.occurred_at AND nxt.status <> 'submitted' AND NOT nxt.lead_unit = ANY (nxt.late_units) THEN
                nxt.late_units := nxt.late_units || nxt.lead_unit;
              END IF;
            WHEN 'overdue' THEN
              IF NOT (e.payload ->> 'leadUnit') = ANY (nxt.late_units) THEN nxt.late_units := nxt.late_units || (e.payload ->> 'leadUnit'); END IF;
            WHEN 'reopened' THEN
              nxt.status := 'assigned'; nxt.due_at := (e.payload ->> 'dueAt')::timestamptz;
              nxt.submitted_at := NULL; nxt.completed_at := NULL; nxt.cancelled_at := NULL; nxt.outcome := NULL;
            ELSE CONTINUE;
          END CASE;
          IF (cur.lead_unit, task_report_status(cur.status), cur.due_at, cur.submitted_at, cur.completed_at, cur.cancelled_at, cur.outcome, cur.late_units)
             IS DISTINCT FROM (nxt.lead_unit, task_report_status(nxt.status), nxt.due_at, nxt.submitted_at, nxt.completed_at, nxt.cancelled_at, nxt.outcome, nxt.late_units) THEN
            IF e.occurred_at > since THEN
              cur.valid_from := since;
              cur.valid_to := e.occurred_at;
              INSERT INTO task_report_history SELECT cur.* ON CONFLICT DO NOTHING;
            END IF;
            since := e.occurred_at;
          END IF;
          cur := nxt;
        END LOOP;
        UPDATE tasks SET
          event_at = (SELECT occurred_at FROM audit_events a WHERE a.task_id = t.id AND a.seq = t.audit_seq),
          report_since = greatest(coalesce(since, t.launched_at), t.launched_at, submitted_at, completed_at, cancelled_at)
        WHERE id = t.id;
      END LOOP;
    END $$`.execute(db);
}

/**
 * Removes the history. The kept counts keep the claim-aware group functions (their signature takes
 * `submitted_at`): going further down than this needs 0010's down to drop those signatures.
 */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX tasks_late_units_idx`.execute(db);
  await sql`DROP INDEX tasks_report_since_idx`.execute(db);
  await sql`DROP TRIGGER tasks_report_history ON tasks`.execute(db);
  await sql`DROP FUNCTION task_report_history_keep()`.execute(db);
  await sql`DROP FUNCTION task_report_status(text)`.execute(db);
  await sql`DROP TABLE task_report_history`.execute(db);
  await sql`ALTER TABLE tasks DROP COLUMN report_since, DROP COLUMN event_at`.execute(db);
}
