import { sql, type Kysely } from 'kysely';

/** The role the API and the worker connect as (`DATABASE_URL`); migrations run as the tables' owner. */
export const APP_ROLE = 'directive_app';

/**
 * The owner of a table can disable its triggers, edit the trail and recompute every later hash;
 * the processes that serve requests must not be able to. So they connect as `directive_app`:
 * reads and writes of every table, but on the audit trail and its checkpoints only SELECT and
 * INSERT, and never ALTER, TRUNCATE or DISABLE TRIGGER (those need ownership). Tables created by
 * later migrations get the same rights through default privileges, so a new table does not need
 * its own grant (and the audit trail stays the exception, by name).
 *
 * The role is cluster-wide: created only when absent (several databases of one cluster migrate
 * alike), with LOGIN and no password; a migration run that knows DATABASE_URL gives it that URL's
 * password (`db/client.ts` `migrateDatabase`). `audit_checkpoints` keeps the signed checkpoints
 * (`db/audit-checkpoint.ts`) the worker writes on its schedule.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'directive_app') THEN
        CREATE ROLE directive_app LOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another database of the cluster created it meanwhile
    END $$`.execute(db);

  await sql`
    CREATE TABLE audit_checkpoints (
      id bigserial PRIMARY KEY,
      signed_at timestamptz NOT NULL,
      key_id text NOT NULL,
      root text NOT NULL,
      tasks integer NOT NULL,
      document jsonb NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX audit_checkpoints_signed_at_idx ON audit_checkpoints (signed_at)`.execute(db);

  await sql`GRANT USAGE ON SCHEMA public TO directive_app`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO directive_app`.execute(db);
  await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO directive_app`.execute(db);
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO directive_app`.execute(db);
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO directive_app`.execute(db);
  // The record: appended, never changed.
  await sql`REVOKE UPDATE, DELETE ON audit_events, audit_checkpoints FROM directive_app`.execute(db);
  // A process may check that the schema is current (the migrator reads these), never mark a migration applied.
  await sql`REVOKE INSERT, UPDATE, DELETE ON kysely_migration, kysely_migration_lock FROM directive_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM directive_app`.execute(db);
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM directive_app`.execute(db);
  await sql`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM directive_app`.execute(db);
  await sql`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM directive_app`.execute(db);
  await sql`REVOKE USAGE ON SCHEMA public FROM directive_app`.execute(db);
  await sql`DROP TABLE audit_checkpoints`.execute(db);
  // The role stays: other databases of the cluster may use it.
}
