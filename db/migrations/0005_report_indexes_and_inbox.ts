import { sql, type Kysely } from 'kysely';

/**
 * Indexes for the Steering Committee's reports (per unit and per period) and the inbox
 * (notifications by addressed role and unit, newest first), and who has read which
 * notification.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Covers every column the reports classify by, so they read this index and not the table,
  // whose rows carry the whole workflow state; a unit's report for a period reads one range of it.
  await sql`
    CREATE INDEX tasks_report_idx ON tasks (lead_unit, due_at)
    INCLUDE (directive_number, status, outcome, completed_at, cancelled_at, submitted_at, id)`.execute(db);

  await sql`CREATE INDEX notifications_inbox_unit_idx ON notifications (recipient_unit, recipient_role, scheduled_at DESC, id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX notifications_inbox_role_idx ON notifications (recipient_role, scheduled_at DESC, id DESC)`.execute(db);

  await sql`
    CREATE TABLE notification_reads (
      notification_id bigint NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
      login text NOT NULL,
      read_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT notification_reads_pkey PRIMARY KEY (notification_id, login)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE notification_reads`.execute(db);
  await sql`DROP INDEX notifications_inbox_role_idx, notifications_inbox_unit_idx, tasks_report_idx`.execute(db);
}
