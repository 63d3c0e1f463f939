import { sql, type Kysely } from 'kysely';

/**
 * Delivery of the outbox: one `deliveries` row per (notification or digest, channel, recipient),
 * written before anything is sent, with every attempt in `delivery_attempts`; the webhook
 * endpoints of units; and one `digest_runs` row per (unit, working day) so a digest goes out once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE notifications ADD COLUMN dispatched_at timestamptz`.execute(db);

  await sql`
    CREATE TABLE webhook_endpoints (
      id bigserial PRIMARY KEY,
      unit_code text NOT NULL REFERENCES units (code) ON UPDATE CASCADE,
      url text NOT NULL CHECK (url ~ '^https?://'),
      secret text NOT NULL CHECK (length(secret) >= 16),
      description text,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT webhook_endpoints_unit_url_unique UNIQUE (unit_code, url)
    )`.execute(db);

  await sql`
    CREATE TABLE digest_runs (
      id bigserial PRIMARY KEY,
      unit_code text NOT NULL, day date NOT NULL,
      items jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT digest_runs_unit_day_unique UNIQUE (unit_code, day)
    )`.execute(db);

  // delivery_key: sha256(source key | channel | recipient), shortened: the e-mail's Message-ID, the
  // webhook's X-Delivery-Id. content: the message as rendered once, so a resend is the same message
  // byte for byte.
  await sql`
    CREATE TABLE deliveries (
      id bigserial PRIMARY KEY, delivery_key text NOT NULL UNIQUE,
      source_key text NOT NULL,
      notification_id bigint REFERENCES notifications (id) ON DELETE CASCADE,
      digest_run_id bigint REFERENCES digest_runs (id) ON DELETE CASCADE,
      task_id text,
      channel text NOT NULL CHECK (channel IN ('inbox', 'email', 'webhook')),
      recipient text NOT NULL,
      address text,
      content jsonb NOT NULL,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'retrying', 'sent', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      last_error text,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT deliveries_one_source CHECK ((notification_id is null) <> (digest_run_id is null))
    )`.execute(db);
  await sql`CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE state IN ('pending', 'sending', 'retrying')`.execute(db);
  await sql`CREATE INDEX deliveries_task_idx ON deliveries (task_id, id)`.execute(db);
  await sql`CREATE INDEX deliveries_notification_idx ON deliveries (notification_id)`.execute(db);

  // outcome: null while in flight; 'interrupted' when the process died before it learned the outcome.
  await sql`
    CREATE TABLE delivery_attempts (
      delivery_id bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      outcome text CHECK (outcome IN ('sent', 'failed', 'interrupted')),
      detail text,
      CONSTRAINT delivery_attempts_pkey PRIMARY KEY (delivery_id, attempt)
    )`.execute(db);

  // The dispatcher's poll: notifications not yet expanded into deliveries, oldest first.
  await sql`CREATE INDEX notifications_undispatched_idx ON notifications (scheduled_at) WHERE dispatched_at IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX notifications_undispatched_idx`.execute(db);
  await sql`DROP TABLE delivery_attempts, deliveries, digest_runs, webhook_endpoints`.execute(db);
  await sql`ALTER TABLE notifications DROP COLUMN dispatched_at`.execute(db);
}
