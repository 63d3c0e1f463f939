import { sql, type Kysely } from 'kysely';

// Migrations never import db/schema.ts or domain/: the role list below is the one of this
// migration's time; a new role is a new migration that replaces the check.

/** Units, their users with roles, and the users' API tokens (stored only as SHA-256 hashes). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('units')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('aliases', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('kind', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('login', 'text', (c) => c.notNull().unique())
    .addColumn('full_name', 'text')
    .addColumn('unit_code', 'text', (c) => c.notNull().references('units.code').onUpdate('cascade'))
    .addColumn('roles', sql`text[]`, (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('users_login_format', sql`login ~ '^[a-z0-9][a-z0-9._-]*$'`)
    .addCheckConstraint(
      'users_roles_known',
      sql`cardinality(roles) > 0 and roles <@ array['secretariat', 'unit_officer', 'unit_head', 'inspector', 'admin']::text[]`,
    )
    .execute();
  await db.schema.createIndex('users_unit_code_idx').on('users').column('unit_code').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('label', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addCheckConstraint('api_tokens_hash_is_sha256', sql`octet_length(token_hash) = 32`)
    .execute();
  await db.schema.createIndex('api_tokens_user_id_idx').on('api_tokens').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_tokens').execute();
  await db.schema.dropTable('users').execute();
  await db.schema.dropTable('units').execute();
}
