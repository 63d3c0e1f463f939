import { sql, type Kysely } from 'kysely';

/**
 * Signing in to the web app: a password per person (scrypt, per-user salt, in the encoded hash),
 * server-side sessions (only the SHA-256 of the cookie value is stored), and the record of
 * sign-ins, sign-outs and refused attempts, which the sign-in rate limit also counts.
 * Deactivating a user revokes their sessions in the same statement (trigger), whoever deactivates.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_passwords')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('must_change', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('web_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('address', 'text')
    .addColumn('user_agent', 'text')
    .addCheckConstraint('web_sessions_hash_is_sha256', sql`octet_length(token_hash) = 32`)
    .execute();
  await db.schema.createIndex('web_sessions_user_id_idx').on('web_sessions').column('user_id').execute();

  await db.schema
    .createTable('auth_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('login', 'text')
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('address', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('session_id', 'uuid')
    .addCheckConstraint(
      'auth_events_kind_known',
      sql`kind in ('sign_in', 'sign_in_failed', 'sign_in_limited', 'sign_out', 'session_expired', 'password_changed', 'password_set', 'sessions_revoked')`,
    )
    .execute();
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
  await db.schema.dropTable('auth_events').execute();
  await db.schema.dropTable('web_sessions').execute();
  await db.schema.dropTable('user_passwords').execute();
}
