import { sql, type Kysely } from 'kysely';

/** Items of a directive as drafts the secretariat reviews, and what became of each at launch. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('directives')
    .addColumn('assigned_by', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('policy', 'jsonb')
    .addColumn('created_by', 'text')
    .execute();
  await db.schema
    .createTable('directive_items')
    .addColumn('directive_id', 'text', (c) => c.notNull().references('directives.id').onDelete('cascade'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('fields', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('draft')
        .check(sql`status in ('draft', 'launched')`),
    )
    .addColumn('task_id', 'text')
    .addColumn('launched_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('directive_items_pk', ['directive_id', 'ref'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('directive_items').execute();
  for (const c of ['assigned_by', 'decided_by', 'policy', 'created_by']) await db.schema.alterTable('directives').dropColumn(c).execute();
}
