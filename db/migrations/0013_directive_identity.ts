import { sql, type Kysely } from 'kysely';
import { issuerKey } from '../../domain/task';

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
  await sql`alter table directives add column issue_year integer, add column issuer_key text not null default ''`.execute(db);
  await sql`update directives set issue_year = coalesce(extract(year from issued_on)::int, ${vnYear('created_at')})`.execute(db);
  // The domain's rule, imported: a later change of it needs its own re-keying migration anyway.
  const rows = await db.selectFrom('directives').select(['id', 'issuer']).where('issuer', 'is not', null).execute();
  for (const row of rows as { id: string; issuer: string }[])
    await db
      .updateTable('directives')
      .set({ issuer_key: issuerKey(row.issuer) })
      .where('id', '=', row.id)
      .execute();
  await sql`alter table directives alter column issue_year set not null`.execute(db);
  await sql`alter table directives drop constraint directives_number_key`.execute(db);
  await sql`alter table directives add constraint directives_identity_unique unique (number, issue_year, issuer_key)`.execute(db);

  await sql`alter table tasks add column directive_year integer, add column directive_issuer_key text not null default ''`.execute(db);
  await sql`
    update tasks t
    set directive_year = coalesce(d.issue_year, ${vnYear('t.launched_at')}), directive_issuer_key = coalesce(d.issuer_key, '')
    from tasks t2 left join directives d on d.number = t2.directive_number
    where t2.id = t.id`.execute(db);
  await sql`alter table tasks drop constraint tasks_directive_ref_unique`.execute(db);
  await sql`
    alter table tasks add constraint tasks_directive_identity_ref_unique unique (directive_number, directive_year, directive_issuer_key, ref)`.execute(
    db,
  );

  await sql`alter table directive_items drop constraint if exists directive_items_status_check`.execute(db);
  await sql`alter table directive_items add constraint directive_items_status_check check (status in ('draft', 'launched', 'discarded'))`.execute(
    db,
  );
  await sql`
    create table directive_events (
      id bigserial primary key,
      directive_id text not null references directives (id) on delete cascade,
      kind text not null check (kind in ('registered', 'edited', 'discarded')),
      ref text,
      actor jsonb not null,
      payload jsonb not null default '{}'::jsonb,
      occurred_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index directive_events_directive_idx on directive_events (directive_id, id)`.execute(db);
  // What was known of registrations before: the login that registered, and when.
  await sql`
    insert into directive_events (directive_id, kind, actor, occurred_at)
    select id, 'registered', jsonb_build_object('userId', created_by), created_at from directives where created_by is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table directive_events`.execute(db);
  await sql`update directive_items set status = 'draft' where status = 'discarded'`.execute(db);
  await sql`alter table directive_items drop constraint directive_items_status_check`.execute(db);
  await sql`alter table directive_items add constraint directive_items_status_check check (status in ('draft', 'launched'))`.execute(db);
  await sql`alter table tasks drop constraint tasks_directive_identity_ref_unique`.execute(db);
  await sql`alter table tasks add constraint tasks_directive_ref_unique unique (directive_number, ref)`.execute(db);
  await sql`alter table tasks drop column directive_year, drop column directive_issuer_key`.execute(db);
  await sql`alter table directives drop constraint directives_identity_unique`.execute(db);
  await sql`alter table directives add constraint directives_number_key unique (number)`.execute(db);
  await sql`alter table directives drop column issue_year, drop column issuer_key`.execute(db);
}
