import { sql, type Kysely } from 'kysely';

/** Items of a directive as drafts the secretariat reviews, and what became of each at launch. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE directives
      ADD COLUMN assigned_by text, ADD COLUMN decided_by text, ADD COLUMN policy jsonb, ADD COLUMN created_by text`.execute(db);
  await sql`
    CREATE TABLE directive_items (
      directive_id text NOT NULL REFERENCES directives (id) ON DELETE CASCADE,
      ref text NOT NULL,
      position integer NOT NULL,
      fields jsonb NOT NULL,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'launched')),
      task_id text,
      launched_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT directive_items_pk PRIMARY KEY (directive_id, ref)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE directive_items`.execute(db);
  await sql`ALTER TABLE directives DROP COLUMN assigned_by, DROP COLUMN decided_by, DROP COLUMN policy, DROP COLUMN created_by`.execute(db);
}
