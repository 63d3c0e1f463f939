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

  await db.schema
    .createIndex('notifications_inbox_unit_idx')
    .on('notifications')
    .columns(['recipient_unit', 'recipient_role', 'scheduled_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('notifications_inbox_role_idx')
    .on('notifications')
    .columns(['recipient_role', 'scheduled_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('notification_reads')
    .addColumn('notification_id', 'bigint', (c) => c.notNull().references('notifications.id').onDelete('cascade'))
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('notification_reads_pkey', ['notification_id', 'login'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_reads').execute();
  await db.schema.dropIndex('notifications_inbox_role_idx').execute();
  await db.schema.dropIndex('notifications_inbox_unit_idx').execute();
  await db.schema.dropIndex('tasks_report_idx').execute();
}
