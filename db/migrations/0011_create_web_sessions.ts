import { sql, type Kysely } from 'kysely';

/**
 * Signing in to the web app: a password per person (scrypt, per-user salt, in the encoded hash),
 * server-side sessions (only the SHA-256 of the cookie value is stored), and the record of
 * sign-ins, sign-outs and refused attempts, which the sign-in rate limit also counts.
 * Deactivating a user revokes their sessions in the same statement (trigger), whoever deactivates.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE user_passwords (
      user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      password_hash text NOT NULL,
      must_change boolean NOT NULL DEFAULT false,
      changed_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE web_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), token_hash bytea NOT NULL UNIQUE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      address text,
      user_agent text,
      CONSTRAINT web_sessions_hash_is_sha256 CHECK (octet_length(token_hash) = 32)
    )`.execute(db);
  await sql`CREATE INDEX web_sessions_user_id_idx ON web_sessions (user_id)`.execute(db);

  await sql`
    CREATE TABLE auth_events (
      id bigserial PRIMARY KEY,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      kind text NOT NULL,
      login text,
      user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      address text,
      user_agent text,
      session_id uuid,
      CONSTRAINT auth_events_kind_known CHECK (
        kind in ('sign_in', 'sign_in_failed', 'sign_in_limited', 'sign_out', 'session_expired', 'password_changed', 'password_set', 'sessions_revoked')
      )
    )`.execute(db);
  // The rate limit counts recent failures per login and per address.
  await sql`CREATE INDEX auth_events_login_idx ON auth_events (login, occurred_at) WHERE kind IN ('sign_in_failed', 'sign_in')`.execute(db);
  await sql`CREATE INDEX auth_events_address_idx ON auth_events (address, occurred_at) WHERE kind = 'sign_in_failed'`.execute(db);

  await sql`
    CREATE FUNCTION web_sessions_end_on_deactivation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE web_sessions SET revoked_at = now() WHERE user_id = NEW.id AND revoked_at IS NULL;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER users_deactivated_end_sessions AFTER UPDATE OF active ON users
    FOR EACH ROW WHEN (OLD.active AND NOT NEW.active) EXECUTE FUNCTION web_sessions_end_on_deactivation()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER users_deactivated_end_sessions ON users`.execute(db);
  await sql`DROP FUNCTION web_sessions_end_on_deactivation()`.execute(db);
  await sql`DROP TABLE auth_events, web_sessions, user_passwords`.execute(db);
}
