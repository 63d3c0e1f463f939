import { sql, type Kysely, type Transaction } from 'kysely';
import type { DirectiveImport, ItemDraftFields } from '../../domain/directive';
import type { Database } from '../schema';

/* Directives and their items (`directives`, `directive_items`): drafts until launched. */

/** A registered directive, without its items. */
export interface Directive {
  id: string;
  number: string;
  /** With the number and the issuer, what identifies the directive: numbers restart every year. */
  issueYear: number;
  issuedOn: string | null;
  issuer: string | null;
  signer: string | null;
  title: string | null;
  assignedBy: string | null;
  decidedBy: string | null;
  policy: DirectiveImport['policy'] | null;
}

/** One item of a directive: its editable launch fields, and its task once launched. */
export interface DirectiveItem {
  ref: string;
  status: 'draft' | 'launched' | 'discarded';
  taskId: string | null;
  fields: ItemDraftFields;
}

// Under the names of `Directive` and `DirectiveItem`, so that rows come back as they are; the jsonb
// columns typed as what the import wrote into them.
const directiveColumns = [
  'id',
  'number',
  'issue_year as issueYear',
  'issued_on as issuedOn',
  'issuer',
  'signer',
  'title',
  'assigned_by as assignedBy',
  'decided_by as decidedBy',
  sql<DirectiveImport['policy'] | null>`policy`.as('policy'),
] as const;
const itemColumns = ['ref', 'status', 'task_id as taskId', sql<ItemDraftFields>`fields`.as('fields')] as const;

/**
 * Inserts a directive with its items as drafts; false, and nothing written, when its id or its
 * identity (number, issue year, issuer) is taken. Run it in a transaction.
 */
export async function insertDirective(
  trx: Transaction<Database>,
  id: string,
  d: DirectiveImport,
  identity: { issueYear: number; issuerKey: string },
  createdBy: string,
): Promise<boolean> {
  const inserted = await trx
    .insertInto('directives')
    .values({
      id,
      number: d.number,
      issue_year: identity.issueYear,
      issuer_key: identity.issuerKey,
      issued_on: d.issuedOn ?? null,
      issuer: d.issuer ?? null,
      signer: d.signer ?? null,
      title: d.title ?? null,
      source_text: d.sourceText ?? null,
      assigned_by: d.assignedBy ?? null,
      decided_by: d.decidedBy ?? null,
      policy: d.policy ? JSON.stringify(d.policy) : null,
      created_by: createdBy,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  if (d.items.length) {
    await trx
      .insertInto('directive_items')
      .values(d.items.map((item, position) => ({ directive_id: id, ref: item.ref, position, fields: JSON.stringify(item) })))
      .execute();
  }
  return true;
}

/** The directives registered under a number (of that year, of that issuer, when given): how a bare launch finds its directive. */
export async function directivesNumbered(
  db: Kysely<Database>,
  number: string,
  only: { issueYear?: number; issuerKey?: string } = {},
): Promise<{ id: string; issueYear: number; issuer: string | null }[]> {
  let query = db.selectFrom('directives').select(['id', 'issue_year', 'issuer']).where('number', '=', number);
  if (only.issueYear !== undefined) query = query.where('issue_year', '=', only.issueYear);
  if (only.issuerKey !== undefined) query = query.where('issuer_key', '=', only.issuerKey);
  const rows = await query.orderBy('issue_year').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, issueYear: r.issue_year, issuer: r.issuer }));
}

/** A directive by id, without its items. */
export async function findDirective(db: Kysely<Database>, id: string): Promise<Directive | undefined> {
  return db.selectFrom('directives').select(directiveColumns).where('id', '=', id).executeTakeFirst();
}

/** A directive's items in the order it lists them. */
export async function directiveItems(db: Kysely<Database>, directiveId: string): Promise<DirectiveItem[]> {
  return db.selectFrom('directive_items').select(itemColumns).where('directive_id', '=', directiveId).orderBy('position').execute();
}

/** One item, locked until the transaction ends (an edit reads, merges and writes it back). */
export async function lockItem(trx: Transaction<Database>, directiveId: string, ref: string): Promise<DirectiveItem | undefined> {
  return trx
    .selectFrom('directive_items')
    .select(itemColumns)
    .where('directive_id', '=', directiveId)
    .where('ref', '=', ref)
    .forUpdate()
    .executeTakeFirst();
}

/** Replaces an item's draft fields. */
export async function updateItemFields(
  trx: Transaction<Database>,
  directiveId: string,
  ref: string,
  fields: Record<string, unknown>,
): Promise<void> {
  await trx
    .updateTable('directive_items')
    .set({ fields: JSON.stringify(fields), updated_at: sql`now()` })
    .where('directive_id', '=', directiveId)
    .where('ref', '=', ref)
    .execute();
}

/** Marks a draft discarded: it stays listed, is launched no more and can no longer be edited. */
export async function discardItem(trx: Transaction<Database>, directiveId: string, ref: string): Promise<void> {
  await trx
    .updateTable('directive_items')
    .set({ status: 'discarded', updated_at: sql`now()` })
    .where('directive_id', '=', directiveId)
    .where('ref', '=', ref)
    .execute();
}

/** Who did something to a directive or one of its drafts, as the record keeps them (the CLI knows only a login). */
export type DirectiveActor = { userId: string; unitCode?: string; roles?: string[] };

/** One entry of a directive's record: its registration, an edit of a draft (with the fields it set), a discarded draft. */
export interface DirectiveEvent {
  kind: 'registered' | 'edited' | 'discarded';
  ref: string | null;
  actor: DirectiveActor;
  payload: Record<string, unknown>;
  occurredAt: string;
}

/** Records who did what to a directive; in the transaction of the change itself, so neither is written without the other. */
export async function recordDirectiveEvent(
  trx: Transaction<Database>,
  directiveId: string,
  event: Omit<DirectiveEvent, 'occurredAt'>,
): Promise<void> {
  await trx
    .insertInto('directive_events')
    .values({
      directive_id: directiveId,
      kind: event.kind,
      ref: event.ref,
      actor: JSON.stringify(event.actor),
      payload: JSON.stringify(event.payload),
    })
    .execute();
}

/** A directive's record, oldest first. */
export async function directiveEvents(db: Kysely<Database>, directiveId: string): Promise<DirectiveEvent[]> {
  const rows = await db
    .selectFrom('directive_events')
    .select(['kind', 'ref', 'actor', 'payload', 'occurred_at'])
    .where('directive_id', '=', directiveId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    ref: r.ref,
    actor: r.actor as DirectiveActor,
    payload: r.payload,
    occurredAt: r.occurred_at.toISOString(),
  }));
}

/** Marks started items launched, in one statement; an item already marked keeps its first launch time. */
export async function markItemsLaunched(
  db: Kysely<Database>,
  directiveId: string,
  items: readonly { ref: string; taskId: string }[],
): Promise<void> {
  await sql`
    update directive_items as d
    set status = 'launched', task_id = v.task_id, launched_at = ${new Date()}
    from unnest(${items.map((i) => i.ref)}::text[], ${items.map((i) => i.taskId)}::text[]) as v(ref, task_id)
    where d.directive_id = ${directiveId} and d.ref = v.ref and d.status = 'draft'`.execute(db);
}

/** A page of directives, newest first, with item counts, as the API lists them. */
export async function listDirectives(db: Kysely<Database>, page: number, pageSize: number) {
  const rows = await db
    .selectFrom('directives as d')
    .leftJoin('directive_items as i', 'i.directive_id', 'd.id')
    .select((eb) => [
      'd.id',
      'd.number',
      'd.issue_year',
      'd.issuer',
      'd.issued_on',
      'd.title',
      'd.created_at',
      eb.fn.count<string>('i.ref').as('items'),
      eb.fn.count<string>('i.task_id').as('launched'),
    ])
    .groupBy(['d.id', 'd.number', 'd.issue_year', 'd.issuer', 'd.issued_on', 'd.title', 'd.created_at'])
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return rows.map((r) => ({ ...r, items: Number(r.items), launched: Number(r.launched) }));
}
