import { sql, type Kysely } from 'kysely';

// The issuer's slug as `issuerKey` (domain/task.ts) made it when this migration landed; copied, not
// imported, because a migration describes the database of its time.
const issuerSlug = (issuer: string | null): string =>
  (issuer ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

// The civil year in +07:00 of a timestamptz column.
const vnYear = (column: string) => sql<number>`extract(year from (${sql.ref(column)} at time zone 'UTC') + interval '7 hours')::int`;

/**
 * Document numbers restart every year, and two issuers may use the same one: a directive is
 * identified by (number, issuer, issue year), and so is the directive part of a task. Existing
 * directives take the year of their issue date (else of their registration, +07:00); existing tasks
 * the identity of the directive registered under their number, else the year they were launched in.
 * Their ids (and their workflows' ids) stay as they are.
 *
 * `directive_events` records who registered a directive and who edited or discarded each draft.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('directives')
    .addColumn('issue_year', 'integer')
    .addColumn('issuer_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`update directives set issue_year = coalesce(extract(year from issued_on)::int, ${vnYear('created_at')})`.execute(db);
  const rows = await db.selectFrom('directives').select(['id', 'issuer']).where('issuer', 'is not', null).execute();
  for (const row of rows as { id: string; issuer: string }[])
    await db
      .updateTable('directives')
      .set({ issuer_key: issuerSlug(row.issuer) })
      .where('id', '=', row.id)
      .execute();
  await sql`alter table directives alter column issue_year set not null`.execute(db);
  await sql`alter table directives drop constraint directives_number_key`.execute(db);
  await db.schema
    .alterTable('directives')
    .addUniqueConstraint('directives_identity_unique', ['number', 'issue_year', 'issuer_key'])
    .execute();

  await db.schema
    .alterTable('tasks')
    .addColumn('directive_year', 'integer')
    .addColumn('directive_issuer_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`
    update tasks t
    set directive_year = coalesce(d.issue_year, ${vnYear('t.launched_at')}), directive_issuer_key = coalesce(d.issuer_key, '')
    from tasks t2 left join directives d on d.number = t2.directive_number
    where t2.id = t.id`.execute(db);
  await sql`alter table tasks drop constraint tasks_directive_ref_unique`.execute(db);
  await db.schema
    .alterTable('tasks')
    .addUniqueConstraint('tasks_directive_identity_ref_unique', ['directive_number', 'directive_year', 'directive_issuer_key', 'ref'])
    .execute();

  await sql`alter table directive_items drop constraint if exists directive_items_status_check`.execute(db);
  await sql`alter table directive_items add constraint directive_items_status_check check (status in ('draft', 'launched', 'discarded'))`.execute(
    db,
  );
  await db.schema
    .createTable('directive_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('directive_id', 'text', (c) => c.notNull().references('directives.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('registered', 'edited', 'discarded')`))
    .addColumn('ref', 'text')
    .addColumn('actor', 'jsonb', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('directive_events_directive_idx').on('directive_events').columns(['directive_id', 'id']).execute();
  // What was known of registrations before: the login that registered, and when.
  await sql`
    insert into directive_events (directive_id, kind, actor, occurred_at)
    select id, 'registered', jsonb_build_object('userId', created_by), created_at from directives where created_by is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('directive_events').execute();
  await sql`update directive_items set status = 'draft' where status = 'discarded'`.execute(db);
  await sql`alter table directive_items drop constraint directive_items_status_check`.execute(db);
  await sql`alter table directive_items add constraint directive_items_status_check check (status in ('draft', 'launched'))`.execute(db);
  await sql`alter table tasks drop constraint tasks_directive_identity_ref_unique`.execute(db);
  await sql`alter table tasks add constraint tasks_directive_ref_unique unique (directive_number, ref)`.execute(db);
  await db.schema.alterTable('tasks').dropColumn('directive_year').dropColumn('directive_issuer_key').execute();
  await db.schema.alterTable('directives').dropConstraint('directives_identity_unique').execute();
  await sql`alter table directives add constraint directives_number_key unique (number)`.execute(db);
  await db.schema.alterTable('directives').dropColumn('issue_year').dropColumn('issuer_key').execute();
}
