import { sql, type Kysely } from 'kysely';

/**
 * The full read model of a task, the hash-chained audit trail, and the notification outbox.
 * All three are written by one activity in one transaction per workflow event.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('co_lead_unit', 'text')
    .addColumn('responsible_official', 'text')
    .addColumn('assigned_by', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('expected_result', 'text')
    .addColumn('deadline_kind', 'text', (c) => c.notNull().defaultTo('date'))
    .addColumn('recurrence', 'jsonb')
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('extension_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('outcome', 'text')
    .addColumn('late_units', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('state', 'jsonb')
    .addColumn('audit_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('tasks_status_idx').on('tasks').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('tasks_directive_idx').on('tasks').column('directive_number').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'jsonb', (c) => c.notNull())
    .addColumn('actor_user', 'text')
    .addColumn('actor_unit', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('audit_events_task_seq_unique', ['task_id', 'seq'])
    .execute();
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

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('audit_seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('level', 'integer')
    .addColumn('recipient_role', 'text', (c) => c.notNull())
    .addColumn('recipient_unit', 'text')
    .addColumn('scheduled_at', 'timestamptz', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('notifications_task_idx').on('notifications').columns(['task_id', 'audit_seq']).execute();
  await db.schema.createIndex('notifications_pending_idx').on('notifications').columns(['status', 'scheduled_at']).execute();

  await db.schema
    .createTable('calendar_overrides')
    .addColumn('day', 'date', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('day_off', 'working_day')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_overrides').execute();
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('audit_events').execute();
  await sql`DROP FUNCTION audit_events_append_only`.execute(db);
  for (const c of [
    'description',
    'co_lead_unit',
    'responsible_official',
    'assigned_by',
    'decided_by',
    'expected_result',
    'deadline_kind',
    'recurrence',
    'acknowledged_at',
    'submitted_at',
    'completed_at',
    'cancelled_at',
    'extension_count',
    'escalation_level',
    'outcome',
    'late_units',
    'state',
    'audit_seq',
  ]) {
    await db.schema.alterTable('tasks').dropColumn(c).execute();
  }
}
