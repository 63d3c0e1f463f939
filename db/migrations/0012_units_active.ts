import { sql, type Kysely } from 'kysely';

/**
 * A unit can be deactivated (merged, dissolved): it keeps its history and its people, but no
 * task is launched for it, co-led or coordinated by it, or reassigned to it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE units ADD COLUMN active boolean NOT NULL DEFAULT true`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE units DROP COLUMN active`.execute(db);
}
