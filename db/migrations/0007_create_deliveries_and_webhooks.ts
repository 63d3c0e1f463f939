import { sql, type Kysely } from 'kysely';

/**
 * Delivery of the outbox: one `deliveries` row per (notification or digest, channel, recipient),
 * written before anything is sent, with every attempt in `delivery_attempts`; the webhook
 * endpoints of units; and one `digest_runs` row per (unit, working day) so a digest goes out once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('dispatched_at', 'timestamptz').execute();

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('unit_code', 'text', (c) => c.notNull().references('units.code').onUpdate('cascade'))
    .addColumn('url', 'text', (c) => c.notNull().check(sql`url ~ '^https?://'`))
    .addColumn('secret', 'text', (c) => c.notNull().check(sql`length(secret) >= 16`))
    .addColumn('description', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('webhook_endpoints_unit_url_unique', ['unit_code', 'url'])
    .execute();

  await db.schema
    .createTable('digest_runs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('digest_runs_unit_day_unique', ['unit_code', 'day'])
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // sha256(source key | channel | recipient), shortened: the e-mail's Message-ID, the webhook's X-Delivery-Id.
    .addColumn('delivery_key', 'text', (c) => c.notNull().unique())
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('notification_id', 'bigint', (c) => c.references('notifications.id').onDelete('cascade'))
    .addColumn('digest_run_id', 'bigint', (c) => c.references('digest_runs.id').onDelete('cascade'))
    .addColumn('task_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('inbox', 'email', 'webhook')`))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    // The message as rendered once, so a resend is the same message byte for byte.
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`state in ('pending', 'sending', 'retrying', 'sent', 'dead')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('deliveries_one_source', sql`(notification_id is null) <> (digest_run_id is null)`)
    .execute();
  await db.schema
    .createIndex('deliveries_due_idx')
    .on('deliveries')
    .columns(['next_attempt_at'])
    .where(sql.ref('state'), 'in', ['pending', 'sending', 'retrying'])
    .execute();
  await db.schema.createIndex('deliveries_task_idx').on('deliveries').columns(['task_id', 'id']).execute();
  await db.schema.createIndex('deliveries_notification_idx').on('deliveries').column('notification_id').execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('delivery_id', 'bigint', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    // null while in flight; 'interrupted' when the process died before it learned the outcome.
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('sent', 'failed', 'interrupted')`))
    .addColumn('detail', 'text')
    .addPrimaryKeyConstraint('delivery_attempts_pkey', ['delivery_id', 'attempt'])
    .execute();

  // The dispatcher's poll: notifications not yet expanded into deliveries, oldest first.
  await db.schema
    .createIndex('notifications_undispatched_idx')
    .on('notifications')
    .column('scheduled_at')
    .where(sql.ref('dispatched_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('notifications_undispatched_idx').execute();
  await db.schema.dropTable('delivery_attempts').execute();
  await db.schema.dropTable('deliveries').execute();
  await db.schema.dropTable('digest_runs').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
  await db.schema.alterTable('notifications').dropColumn('dispatched_at').execute();
}
