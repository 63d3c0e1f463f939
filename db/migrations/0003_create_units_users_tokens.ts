import { sql, type Kysely } from 'kysely';

// The role list below is the one of this migration's time, not imported from domain/: a new role is
// a new migration that replaces the check.

/** Units, their users with roles, and the users' API tokens (stored only as SHA-256 hashes). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE units (
      code text PRIMARY KEY,
      name text NOT NULL UNIQUE,
      aliases text[] NOT NULL DEFAULT '{}',
      kind text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      login text NOT NULL UNIQUE,
      full_name text,
      unit_code text NOT NULL REFERENCES units (code) ON UPDATE CASCADE,
      roles text[] NOT NULL,
      email text,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT users_login_format CHECK (login ~ '^[a-z0-9][a-z0-9._-]*$'),
      CONSTRAINT users_roles_known
        CHECK (cardinality(roles) > 0 and roles <@ array['secretariat', 'unit_officer', 'unit_head', 'inspector', 'admin']::text[])
    )`.execute(db);
  await sql`CREATE INDEX users_unit_code_idx ON users (unit_code)`.execute(db);

  await sql`
    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      token_hash bytea NOT NULL UNIQUE,
      label text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      last_used_at timestamptz,
      CONSTRAINT api_tokens_hash_is_sha256 CHECK (octet_length(token_hash) = 32)
    )`.execute(db);
  await sql`CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE api_tokens, users, units`.execute(db);
}
