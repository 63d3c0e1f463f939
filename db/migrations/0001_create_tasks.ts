import { sql, type Kysely } from 'kysely';

// Migrations never import db/schema.ts: they describe the database as it was at their time.

/** Directives and the read model of their tasks (assignments), written by workflow activities. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE directives (
      id text PRIMARY KEY,
      number text NOT NULL UNIQUE,
      issued_on date,
      issuer text,
      signer text,
      title text,
      source_text text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE tasks (
      id text PRIMARY KEY, workflow_id text NOT NULL UNIQUE,
      directive_number text NOT NULL,
      ref text NOT NULL,
      title text NOT NULL,
      lead_unit text NOT NULL,
      coordinating_units text[] NOT NULL DEFAULT '{}',
      status text NOT NULL,
      original_due_at timestamptz,
      due_at timestamptz,
      launched_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT tasks_directive_ref_unique UNIQUE (directive_number, ref)
    )`.execute(db);
  await sql`CREATE INDEX tasks_lead_unit_idx ON tasks (lead_unit)`.execute(db);
  await sql`CREATE INDEX tasks_due_at_idx ON tasks (due_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE tasks, directives`.execute(db);
}
