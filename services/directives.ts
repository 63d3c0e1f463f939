import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { directiveIdFor, launchOf, type DirectiveImport, type ItemDraftFields, type ItemPatch } from '../domain/directive';
import { DomainError } from '../domain/errors';
import { missingSixClear, taskIdFor, workflowIdFor, type DirectiveTaskInput, type SixClear } from '../domain/task';
import type { CompleteLaunch } from '../domain/schemas/task';

export interface DirectiveDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
}

export interface ItemView {
  ref: string;
  status: 'draft' | 'launched';
  taskId: string | null;
  fields: ItemDraftFields;
  missing: SixClear[];
}

export interface DirectiveView {
  id: string;
  number: string;
  issuedOn: string | null;
  issuer: string | null;
  signer: string | null;
  title: string | null;
  assignedBy: string | null;
  decidedBy: string | null;
  policy: DirectiveImport['policy'] | null;
  items: ItemView[];
}

export type LaunchOutcome =
  | { ref: string; outcome: 'launched' | 'already_launched'; taskId: string }
  | { ref: string; outcome: 'missing'; missing: SixClear[] }
  /** The start failed (the server unreachable, a timeout): the item stays a draft; launching it again is safe. */
  | { ref: string; outcome: 'failed'; taskId: string; error: string };

// Starts in flight at once for one bulk launch: enough to keep the Temporal client's connection
// busy, few enough that one big directive does not crowd out everybody else's requests.
export const LAUNCH_CONCURRENCY = 16;
// Started items are marked launched with one UPDATE per batch instead of one per item.
export const LAUNCH_MARK_BATCH = 100;

function header(d: DirectiveImport) {
  return { number: d.number, assignedBy: d.assignedBy, decidedBy: d.decidedBy, policy: d.policy };
}

/** Registers a directive and its items as drafts, in one transaction; a number already registered is a conflict. */
export async function createDirective(db: Kysely<Database>, d: DirectiveImport, createdBy: string): Promise<DirectiveView> {
  const id = directiveIdFor(d.number);
  await db.transaction().execute(async (trx) => {
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
    if (!inserted) throw new DomainError('conflict', `Văn bản số ${d.number} đã được đăng ký`);
    if (d.items.length) {
      await trx
        .insertInto('directive_items')
        .values(d.items.map((item, position) => ({ directive_id: id, ref: item.ref, position, fields: JSON.stringify(item) })))
        .execute();
    }
  });
  return getDirective(db, id);
}

/** A directive with each item's draft, what it still lacks of the "6 rõ", and its task once launched. */
export async function getDirective(db: Kysely<Database>, id: string): Promise<DirectiveView> {
  const row = await db.selectFrom('directives').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new DomainError('not_found', `Không có văn bản ${id}`);
  const items = await db.selectFrom('directive_items').selectAll().where('directive_id', '=', id).orderBy('position').execute();
  const directive: DirectiveImport = {
    number: row.number,
    assignedBy: row.assigned_by ?? undefined,
    decidedBy: row.decided_by ?? undefined,
    policy: (row.policy as DirectiveImport['policy']) ?? undefined,
    items: [],
  };
  return {
    id: row.id,
    number: row.number,
    issuedOn: row.issued_on,
    issuer: row.issuer,
    signer: row.signer,
    title: row.title,
    assignedBy: row.assigned_by,
    decidedBy: row.decided_by,
    policy: directive.policy ?? null,
    items: items.map((i) => {
      const fields = i.fields as unknown as ItemDraftFields;
      return { ref: i.ref, status: i.status, taskId: i.task_id, fields, missing: missingSixClear(launchOf(header(directive), fields)) };
    }),
  };
}

/** Edits a draft; a launched item is no longer a draft (its changes go through the task's commands). */
export async function patchItem(db: Kysely<Database>, id: string, ref: string, patch: ItemPatch): Promise<DirectiveView> {
  await db.transaction().execute(async (trx) => {
    const item = await trx.selectFrom('directive_items').selectAll().where('directive_id', '=', id).where('ref', '=', ref).forUpdate().executeTakeFirst();
    if (!item) throw new DomainError('not_found', `Văn bản ${id} không có mục ${ref}`);
    if (item.status === 'launched') throw new DomainError('conflict', `Mục ${ref} đã được giao (nhiệm vụ ${item.task_id}); hãy dùng các lệnh của nhiệm vụ`);
    const fields = { ...(item.fields as Record<string, unknown>), ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === null) delete (fields as Record<string, unknown>)[k];
    await trx.updateTable('directive_items').set({ fields: JSON.stringify(fields), updated_at: sql`now()` }).where('directive_id', '=', id).where('ref', '=', ref).execute();
  });
  return getDirective(db, id);
}

/**
 * Launches the chosen items (all when `refs` is absent), `LAUNCH_CONCURRENCY` at a time; the
 * outcomes come back in the items' order. An item lacking any of the "6 rõ" is not launched and
 * says what it lacks; a launched one is found again, never started twice (the workflow id
 * derives from directive number and ref); an item whose start fails is reported as `failed`
 * and left a draft while the others go on.
 */
export async function launchItems({ db, temporal, taskQueue }: DirectiveDeps, id: string, refs?: string[]): Promise<LaunchOutcome[]> {
  const view = await getDirective(db, id);
  const unknown = (refs ?? []).filter((r) => !view.items.some((i) => i.ref === r));
  if (unknown.length) throw new DomainError('invalid', `Văn bản ${view.number} không có mục: ${unknown.join(', ')}`, unknown.map((r) => ({ path: 'refs', reason: `không có mục ${r}` })));
  const chosen = refs ? view.items.filter((i) => refs.includes(i.ref)) : view.items;
  const directive = { number: view.number, assignedBy: view.assignedBy ?? undefined, decidedBy: view.decidedBy ?? undefined, policy: view.policy ?? undefined };

  const outcomes: LaunchOutcome[] = new Array(chosen.length);
  const toStart: number[] = [];
  chosen.forEach((item, i) => {
    if (item.missing.length) outcomes[i] = { ref: item.ref, outcome: 'missing', missing: item.missing };
    else toStart.push(i);
  });

  // Marked after the start: a crash in between leaves a draft whose relaunch finds the running
  // workflow. Batches are written one after another; the first failure stops further starts and
  // is thrown once the starts in flight are done.
  let unmarked: { ref: string; taskId: string }[] = [];
  let marking = Promise.resolve();
  let markFailure: { error: unknown } | null = null;
  const flush = () => {
    const batch = unmarked;
    unmarked = [];
    if (!batch.length) return;
    marking = marking
      .then(() => (markFailure ? undefined : markLaunched(db, id, batch)))
      .catch((error: unknown) => {
        markFailure ??= { error };
      });
  };

  const startOne = async (i: number) => {
    const item = chosen[i];
    const taskId = taskIdFor(view.number, item.ref);
    const input: DirectiveTaskInput = { taskId, launch: launchOf(directive, item.fields) as CompleteLaunch };
    try {
      await temporal.workflow.start('directiveTask', { taskQueue, workflowId: workflowIdFor(taskId), args: [input] });
      outcomes[i] = { ref: item.ref, outcome: 'launched', taskId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        outcomes[i] = { ref: item.ref, outcome: 'already_launched', taskId };
      } else {
        outcomes[i] = { ref: item.ref, outcome: 'failed', taskId, error: `Chưa giao được mục ${item.ref}: ${(err as Error).message}. Giao lại mục này không tạo nhiệm vụ trùng.` };
        return;
      }
    }
    unmarked.push({ ref: item.ref, taskId });
    if (unmarked.length >= LAUNCH_MARK_BATCH) flush();
  };

  let next = 0;
  const lane = async () => {
    while (next < toStart.length && !markFailure) await startOne(toStart[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(LAUNCH_CONCURRENCY, toStart.length) }, lane));
  flush();
  await marking;
  if (markFailure) throw (markFailure as { error: unknown }).error;
  return outcomes;
}

/** Marks started items launched, in one statement; an item already marked keeps its first launch time. */
async function markLaunched(db: Kysely<Database>, directiveId: string, items: { ref: string; taskId: string }[]): Promise<void> {
  await sql`
    update directive_items as d
    set status = 'launched', task_id = v.task_id, launched_at = ${new Date()}
    from unnest(${items.map((i) => i.ref)}::text[], ${items.map((i) => i.taskId)}::text[]) as v(ref, task_id)
    where d.directive_id = ${directiveId} and d.ref = v.ref and d.status = 'draft'`.execute(db);
}

/** Directives, newest first, with item counts. */
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
