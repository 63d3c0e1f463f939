import { sql, type Kysely } from 'kysely';

/**
 * Evidence files (minh chứng) kept in PostgreSQL beside the audit trail they are cited from, so
 * one backup holds both; and the Idempotency-Key records that make a retried POST answer, not redo.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // size is an integer: the upload limit stays far below 2 GiB (config/index.ts caps EVIDENCE_MAX_BYTES).
  // status pending: stored, the workflow not yet told; attached: the workflow recorded it in the audit trail.
  await sql`
    CREATE TABLE evidence (
      id text PRIMARY KEY,
      task_id text NOT NULL,
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      file_name text NOT NULL,
      content_type text NOT NULL,
      size integer NOT NULL,
      content bytea NOT NULL,
      uploaded_by text NOT NULL,
      unit_code text NOT NULL,
      description text NOT NULL DEFAULT '',
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'attached')),
      created_at timestamptz NOT NULL DEFAULT now(),
      attached_at timestamptz,
      CONSTRAINT evidence_size_matches_content CHECK (size = octet_length(content))
    )`.execute(db);
  // Uploads are mostly PDF, images and zip-based office files, already compressed: TOAST would
  // try to compress them again for nothing.
  await sql`ALTER TABLE evidence ALTER COLUMN content SET STORAGE EXTERNAL`.execute(db);
  await sql`CREATE INDEX evidence_task_idx ON evidence (task_id, created_at)`.execute(db);

  await sql`
    CREATE TABLE idempotency_keys (
      login text NOT NULL,
      key text NOT NULL,
      method text NOT NULL,
      path text NOT NULL,
      request_hash text NOT NULL,
      state text NOT NULL DEFAULT 'in_progress' CHECK (state IN ('in_progress', 'done')),
      status_code integer,
      response_headers jsonb,
      response_body bytea,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      CONSTRAINT idempotency_keys_pk PRIMARY KEY (login, key),
      CONSTRAINT idempotency_keys_done_has_response CHECK (state = 'in_progress' or status_code is not null)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE idempotency_keys, evidence`.execute(db);
}
