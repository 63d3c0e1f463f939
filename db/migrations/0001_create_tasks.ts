import { sql, type Kysely } from 'kysely';

// Migrations never import db/schema.ts: they describe the database as it was at their time.

/** Directives and the read model of their tasks (assignments), written by workflow activities. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('directives')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('issued_on', 'date')
    .addColumn('issuer', 'text')
    .addColumn('signer', 'text')
    .addColumn('title', 'text')
    .addColumn('source_text', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('directive_number', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('lead_unit', 'text', (c) => c.notNull())
    .addColumn('coordinating_units', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('original_due_at', 'timestamptz')
    .addColumn('due_at', 'timestamptz')
    .addColumn('launched_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('tasks_directive_ref_unique', ['directive_number', 'ref'])
    .execute();
  await db.schema.createIndex('tasks_lead_unit_idx').on('tasks').column('lead_unit').execute();
  await db.schema.createIndex('tasks_due_at_idx').on('tasks').column('due_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tasks').execute();
  await db.schema.dropTable('directives').execute();
}
