import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DirectiveImport, ItemDraftFields } from '../../domain/directive';
import type { Database, DirectiveItemsTable, DirectivesTable } from '../schema';

/* Directives and their items (`directives`, `directive_items`): drafts until launched. */

/** A registered directive, without its items. */
export interface Directive {
  id: string;
  number: string;
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
  status: 'draft' | 'launched';
  taskId: string | null;
  fields: ItemDraftFields;
}

const directiveColumns = ['id', 'number', 'issued_on', 'issuer', 'signer', 'title', 'assigned_by', 'decided_by', 'policy'] as const;
const itemColumns = ['ref', 'status', 'task_id', 'fields'] as const;

/** The one mapper from a `directives` row. */
function toDirective(row: Pick<Selectable<DirectivesTable>, (typeof directiveColumns)[number]>): Directive {
  const { id, number, issuer, signer, title } = row;
  return {
    id,
    number,
    issuedOn: row.issued_on,
    issuer,
    signer,
    title,
    assignedBy: row.assigned_by,
    decidedBy: row.decided_by,
    policy: (row.policy as DirectiveImport['policy']) ?? null,
  };
}

/** The one mapper from a `directive_items` row. */
function toItem(row: Pick<Selectable<DirectiveItemsTable>, (typeof itemColumns)[number]>): DirectiveItem {
  return { ref: row.ref, status: row.status, taskId: row.task_id, fields: row.fields as unknown as ItemDraftFields };
}

/** Inserts a directive with its items as drafts; false, and nothing written, when its id is taken. Run it in a transaction. */
export async function insertDirective(trx: Transaction<Database>, id: string, d: DirectiveImport, createdBy: string): Promise<boolean> {
  const inserted = await trx
    .insertInto('directives')
    .values({
      id,
      number: d.number,
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

/** A directive by id, without its items. */
export async function findDirective(db: Kysely<Database>, id: string): Promise<Directive | undefined> {
  const row = await db.selectFrom('directives').select(directiveColumns).where('id', '=', id).executeTakeFirst();
  return row && toDirective(row);
}

/** A directive's items in the order it lists them. */
export async function directiveItems(db: Kysely<Database>, directiveId: string): Promise<DirectiveItem[]> {
  const rows = await db
    .selectFrom('directive_items')
    .select(itemColumns)
    .where('directive_id', '=', directiveId)
    .orderBy('position')
    .execute();
  return rows.map(toItem);
}

/** One item, locked until the transaction ends (an edit reads, merges and writes it back). */
export async function lockItem(trx: Transaction<Database>, directiveId: string, ref: string): Promise<DirectiveItem | undefined> {
  const row = await trx
    .selectFrom('directive_items')
    .select(itemColumns)
    .where('directive_id', '=', directiveId)
    .where('ref', '=', ref)
    .forUpdate()
    .executeTakeFirst();
  return row && toItem(row);
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
      'd.issued_on',
      'd.title',
      'd.created_at',
      eb.fn.count<string>('i.ref').as('items'),
      eb.fn.count<string>('i.task_id').as('launched'),
    ])
    .groupBy(['d.id', 'd.number', 'd.issued_on', 'd.title', 'd.created_at'])
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return rows.map((r) => ({ ...r, items: Number(r.items), launched: Number(r.launched) }));
}
