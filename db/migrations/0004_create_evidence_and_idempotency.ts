import { sql, type Kysely } from 'kysely';

/**
 * Evidence files (minh chứng) kept in PostgreSQL beside the audit trail they are cited from, so
 * one backup holds both; and the Idempotency-Key records that make a retried POST answer, not redo.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    // integer: the upload limit stays far below 2 GiB (config/index.ts caps EVIDENCE_MAX_BYTES).
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // pending: stored, the workflow not yet told; attached: the workflow recorded it in the audit trail.
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'attached')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attached_at', 'timestamptz')
    .addCheckConstraint('evidence_size_matches_content', sql`size = octet_length(content)`)
    .execute();
  // Uploads are mostly PDF, images and zip-based office files, already compressed: TOAST would
  // try to compress them again for nothing.
  await sql`ALTER TABLE evidence ALTER COLUMN content SET STORAGE EXTERNAL`.execute(db);
  await db.schema.createIndex('evidence_task_idx').on('evidence').columns(['task_id', 'created_at']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('in_progress')
        .check(sql`state in ('in_progress', 'done')`),
    )
    .addColumn('status_code', 'integer')
    .addColumn('response_headers', 'jsonb')
    .addColumn('response_body', 'bytea')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['login', 'key'])
    .addCheckConstraint('idempotency_keys_done_has_response', sql`state = 'in_progress' or status_code is not null`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('evidence').execute();
}
