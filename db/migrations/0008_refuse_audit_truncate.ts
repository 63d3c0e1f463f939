import { sql, type Kysely } from 'kysely';

/** TRUNCATE fires no row trigger: a statement trigger closes that way of emptying the audit trail. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER audit_events_no_truncate ON audit_events`.execute(db);
}
