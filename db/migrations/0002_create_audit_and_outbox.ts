import { sql, type Kysely } from 'kysely';

/**
 * The full read model of a task, the hash-chained audit trail, and the notification outbox.
 * All three are written by one activity in one transaction per workflow event.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE tasks
      ADD COLUMN description text NOT NULL DEFAULT '',
      ADD COLUMN co_lead_unit text,
      ADD COLUMN responsible_official text,
      ADD COLUMN assigned_by text,
      ADD COLUMN decided_by text,
      ADD COLUMN expected_result text,
      ADD COLUMN deadline_kind text NOT NULL DEFAULT 'date',
      ADD COLUMN recurrence jsonb,
      ADD COLUMN acknowledged_at timestamptz,
      ADD COLUMN submitted_at timestamptz,
      ADD COLUMN completed_at timestamptz,
      ADD COLUMN cancelled_at timestamptz,
      ADD COLUMN extension_count integer NOT NULL DEFAULT 0,
      ADD COLUMN escalation_level integer NOT NULL DEFAULT 0,
      ADD COLUMN outcome text,
      ADD COLUMN late_units text[] NOT NULL DEFAULT '{}',
      ADD COLUMN state jsonb,
      ADD COLUMN audit_seq integer NOT NULL DEFAULT 0`.execute(db);
  await sql`CREATE INDEX tasks_status_idx ON tasks (status, due_at)`.execute(db);
  await sql`CREATE INDEX tasks_directive_idx ON tasks (directive_number)`.execute(db);

  await sql`
    CREATE TABLE audit_events (
      id bigserial PRIMARY KEY,
      task_id text NOT NULL,
      seq integer NOT NULL,
      kind text NOT NULL,
      occurred_at timestamptz NOT NULL,
      actor jsonb NOT NULL,
      actor_user text,
      actor_unit text,
      payload jsonb NOT NULL,
      prev_hash text NOT NULL, hash text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT audit_events_task_seq_unique UNIQUE (task_id, seq)
    )`.execute(db);
  // Append-only: the database itself refuses UPDATE and DELETE on the trail. The hash chain
  // still catches anyone who disables the trigger or edits the files underneath.
  await sql`
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`.execute(db);

  await sql`
    CREATE TABLE notifications (
      id bigserial PRIMARY KEY,
      key text NOT NULL UNIQUE,
      task_id text NOT NULL,
      audit_seq integer NOT NULL,
      kind text NOT NULL,
      step text NOT NULL,
      level integer,
      recipient_role text NOT NULL,
      recipient_unit text,
      scheduled_at timestamptz NOT NULL,
      subject text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending',
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX notifications_task_idx ON notifications (task_id, audit_seq)`.execute(db);
  await sql`CREATE INDEX notifications_pending_idx ON notifications (status, scheduled_at)`.execute(db);

  await sql`
    CREATE TABLE calendar_overrides (
      day date PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('day_off', 'working_day')),
      reason text NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE calendar_overrides, notifications, audit_events`.execute(db);
  await sql`DROP FUNCTION audit_events_append_only`.execute(db);
  await sql`
    ALTER TABLE tasks
      DROP COLUMN description, DROP COLUMN co_lead_unit, DROP COLUMN responsible_official, DROP COLUMN assigned_by,
      DROP COLUMN decided_by, DROP COLUMN expected_result, DROP COLUMN deadline_kind, DROP COLUMN recurrence,
      DROP COLUMN acknowledged_at, DROP COLUMN submitted_at, DROP COLUMN completed_at, DROP COLUMN cancelled_at,
      DROP COLUMN extension_count, DROP COLUMN escalation_level, DROP COLUMN outcome, DROP COLUMN late_units,
      DROP COLUMN state, DROP COLUMN audit_seq`.execute(db);
}
