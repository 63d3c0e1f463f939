import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations';
import { APP_ROLE } from './migrations/0020_app_role_and_audit_checkpoints';
import type { Database } from './schema';

// timestamptz and date come back as Date by default; `date` columns are civil dates, keep them as text.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/**
 * One pool per process; callers own its lifetime (`db.destroy()`). `onIdleError` hears of idle
 * connections the server closed (a restart, a failover: 57P01); they are dropped from the pool
 * and the next query opens a fresh one. A query in flight on a closed connection fails with the
 * error (the API answers 503, an activity retries).
 */
export function createDb(connectionString: string, max = 10, onIdleError: (err: Error) => void = () => undefined): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max });
  // Without a listener, a connection's 'error' event ends the whole process: a PostgreSQL restart
  // would take the API and the worker down with it instead of failing the queries in flight. The
  // pool listens only while a connection is idle; a checked-out one (a transaction, a query in
  // flight) emits 'error' too when the server goes away, so every connection gets a listener.
  pool.on('error', onIdleError);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Applies every pending migration; throws with the failing migration's name. */

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Migrates the database of a process that connects as `url`: with `migrationUrl` (the tables'
 * owner) on a pool of its own, then gives role directive_app the password `url` names, if it is
 * that role's; without, on `db` itself, which works for the owner and, once the schema is
 * current, for directive_app (it may read the migration tables, not change them).
 */
export async function migrateDatabase(db: Kysely<any>, o: { url?: string; migrationUrl?: string }): Promise<string[]> {
  if (!o.migrationUrl) return migrateToLatest(db);
  const owner = createDb(o.migrationUrl, 1);
  try {
    const applied = await migrateToLatest(owner);
    const app = o.url ? new URL(o.url) : undefined;
    if (app?.username === APP_ROLE && app.password) {
      await sql`ALTER ROLE directive_app PASSWORD ${sql.lit(decodeURIComponent(app.password))}`.execute(owner);
    }
    return applied;
  } finally {
    await owner.destroy();
  }
}

/** Resolves when the database answers a trivial query (the readiness probe's check). */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
