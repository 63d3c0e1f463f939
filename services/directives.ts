import type { Kysely } from 'kysely';
import {
  directiveEvents,
  directiveItems,
  discardItem,
  findDirective,
  insertDirective,
  lockItem,
  markItemsLaunched,
  recordDirectiveEvent,
  updateItemFields,
  type Directive,
  type DirectiveActor,
  type DirectiveEvent,
} from '../db/repositories/directives';
import type { Database } from '../db/schema';
import { z } from 'zod';
import {
  directiveFromExtract,
  directiveIdFor,
  directiveImportSchema,
  issueYearOf,
  launchOf,
  type DirectiveImport,
  type ItemDraftFields,
  type ItemPatch,
} from '../domain/directive';
import { DomainError } from '../domain/errors';
import type { Actor } from '../domain/schemas/task';
import { extractDirective } from '../domain/intake/extract';
import type { ExtractResult } from '../domain/intake/schema';
import { issuerKey, missingSixClear, taskIdFor, type DirectiveIdentity, type SixClear } from '../domain/task';
import { launchTask, type LaunchResult, type TaskDeps } from './tasks';

export type DirectiveDeps = TaskDeps;

export interface ItemView {
  ref: string;
  status: 'draft' | 'launched' | 'discarded';
  taskId: string | null;
  fields: ItemDraftFields;
  missing: SixClear[];
}

export interface DirectiveView extends Directive {
  items: ItemView[];
  /** Who registered it, and who edited or discarded which draft, and when; oldest first. */
  history: DirectiveEvent[];
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

/** What identifies a registered directive, as its tasks' ids take it. */
const identityOf = (d: Directive): DirectiveIdentity => ({
  directiveNumber: d.number,
  directiveYear: d.issueYear,
  directiveIssuer: d.issuer,
});

/**
 * Registers a directive and its items as drafts, in one transaction with the record of who did it.
 * A directive is identified by (number, issue year, issuer): the same number of another year or
 * another issuer is another directive; the same three again are a conflict.
 */
export async function createDirective(db: Kysely<Database>, d: DirectiveImport, createdBy: DirectiveActor): Promise<DirectiveView> {
  const issueYear = issueYearOf(d.issuedOn);
  const id = directiveIdFor({ directiveNumber: d.number, directiveYear: issueYear, directiveIssuer: d.issuer ?? null });
  await db.transaction().execute(async (trx) => {
    if (!(await insertDirective(trx, id, d, { issueYear, issuerKey: issuerKey(d.issuer) }, createdBy.userId)))
      throw new DomainError('conflict', `Văn bản số ${d.number} năm ${issueYear}${d.issuer ? ` của ${d.issuer}` : ''} đã được đăng ký`);
    await recordDirectiveEvent(trx, id, { kind: 'registered', ref: null, actor: createdBy, payload: { items: d.items.length } });
  });
  return getDirective(db, id);
}

/** What the secretariat confirms when registering a notice from its text; an absent field takes the text's reading. */
export interface ConfirmedHeader {
  number?: string;
  issuer?: string;
  issuedOn?: string;
  /** The refs of the proposal to register; all of them when absent. */
  items?: string[];
}

/** The longest text kept as a directive's source (`directiveImportSchema.sourceText`). */
export const SOURCE_TEXT_MAX = 200_000;

/**
 * Registers a notice from its text (POST /directives/from-text): the text is read again
 * (`extractDirective`, as `/extract` previewed it) and registered with the header the
 * secretariat confirmed and the drafts it keeps. The number is required: the confirmed one, else
 * the header's own; a notice whose header gives none is refused (422 naming `number`), never
 * registered under a placeholder.
 */
export async function createDirectiveFromText(
  db: Kysely<Database>,
  text: string,
  confirmed: ConfirmedHeader,
  createdBy: DirectiveActor,
): Promise<{ extract: ExtractResult; directive: DirectiveView }> {
  if (text.length > SOURCE_TEXT_MAX)
    throw new DomainError('invalid', `Văn bản dài quá ${SOURCE_TEXT_MAX} ký tự`, [
      { path: 'text', reason: `tối đa ${SOURCE_TEXT_MAX} ký tự` },
    ]);
  const extract = extractDirective(text);
  const number = confirmed.number ?? extract.document.number;
  if (!number)
    throw new DomainError('invalid', 'Phần đầu văn bản không ghi số hiệu ("Số …"): hãy nhập số hiệu của văn bản khi đăng ký', [
      { path: 'number', reason: 'bắt buộc: văn bản không ghi số hiệu' },
    ]);
  const unknown = (confirmed.items ?? []).filter((ref) => !extract.items.some((i) => i.ref === ref));
  if (unknown.length)
    throw new DomainError(
      'invalid',
      `Văn bản không có mục: ${unknown.join(', ')}`,
      unknown.map((ref) => ({ path: 'items', reason: `không có mục ${ref}` })),
    );
  const items = confirmed.items ? extract.items.filter((i) => confirmed.items!.includes(i.ref)) : extract.items;
  const date = confirmed.issuedOn ?? extract.document.date;
  let input: DirectiveImport;
  try {
    const drafts = directiveFromExtract({ ...extract, document: { ...extract.document, number, date }, items }, text, number);
    input = directiveImportSchema.parse({ ...drafts, issuer: confirmed.issuer ?? extract.document.issuer ?? undefined });
  } catch (err) {
    // A reading the import schema refuses (an issuer over its length, say) is the document's, not ours.
    if (!(err instanceof z.ZodError)) throw err;
    throw new DomainError(
      'invalid',
      'Bản đọc của văn bản không đăng ký được; hãy sửa các trường được nêu',
      err.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', reason: i.message })),
    );
  }
  return { extract, directive: await createDirective(db, input, createdBy) };
}

/** A directive with each item's draft, what it still lacks of the "6 rõ", and its task once launched. */
export async function getDirective(db: Kysely<Database>, id: string): Promise<DirectiveView> {
  const directive = await findDirective(db, id);
  if (!directive) throw new DomainError('not_found', `Không có văn bản ${id}`);
  const items = await directiveItems(db, id);
  return {
    ...directive,
    history: await directiveEvents(db, id),
    items: items.map((i) => ({
      ref: i.ref,
      status: i.status,
      taskId: i.taskId,
      fields: i.fields,
      missing: missingSixClear(launchOf(directive, i.fields)),
    })),
  };
}

/** Edits a draft, recording who set which fields; a launched item is no longer a draft (its changes go through the task's commands). */
export async function patchItem(
  db: Kysely<Database>,
  id: string,
  ref: string,
  patch: ItemPatch,
  by: DirectiveActor,
): Promise<DirectiveView> {
  await db.transaction().execute(async (trx) => {
    const item = await draftItem(trx, id, ref);
    const fields = { ...(item.fields as Record<string, unknown>), ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === null) delete (fields as Record<string, unknown>)[k];
    await updateItemFields(trx, id, ref, fields);
    await recordDirectiveEvent(trx, id, { kind: 'edited', ref, actor: by, payload: { patch } });
  });
  return getDirective(db, id);
}

/** Discards a draft (an item that gives no one work, read by mistake): it stays listed with who discarded it, and is never launched. */
export async function discardDraft(
  db: Kysely<Database>,
  id: string,
  ref: string,
  reason: string,
  by: DirectiveActor,
): Promise<DirectiveView> {
  await db.transaction().execute(async (trx) => {
    await draftItem(trx, id, ref);
    await discardItem(trx, id, ref);
    await recordDirectiveEvent(trx, id, { kind: 'discarded', ref, actor: by, payload: { reason } });
  });
  return getDirective(db, id);
}

/** A draft, locked until the transaction ends; a launched or discarded item is a conflict. */
async function draftItem(trx: Parameters<typeof lockItem>[0], id: string, ref: string) {
  const item = await lockItem(trx, id, ref);
  if (!item) throw new DomainError('not_found', `Văn bản ${id} không có mục ${ref}`);
  if (item.status === 'launched')
    throw new DomainError('conflict', `Mục ${ref} đã được giao (nhiệm vụ ${item.taskId}); hãy dùng các lệnh của nhiệm vụ`);
  if (item.status === 'discarded') throw new DomainError('conflict', `Mục ${ref} đã bị loại khỏi bản nháp`);
  return item;
}

/**
 * Launches the chosen items (all when `refs` is absent), `LAUNCH_CONCURRENCY` at a time; the
 * outcomes come back in the items' order. An item lacking any of the "6 rõ" is not launched and
 * says what it lacks; a launched one is found again, never started twice (the workflow id
 * derives from the directive's identity and the ref); a discarded draft is not launched; an item whose start fails is reported as `failed`
 * and left a draft while the others go on.
 */
export async function launchItems(deps: DirectiveDeps, id: string, refs?: string[], launchedBy?: Actor): Promise<LaunchOutcome[]> {
  const { db } = deps;
  const view = await getDirective(db, id);
  const unknown = (refs ?? []).filter((r) => !view.items.some((i) => i.ref === r));
  if (unknown.length)
    throw new DomainError(
      'invalid',
      `Văn bản ${view.number} không có mục: ${unknown.join(', ')}`,
      unknown.map((r) => ({ path: 'refs', reason: `không có mục ${r}` })),
    );
  const discarded = (refs ?? []).filter((r) => view.items.some((i) => i.ref === r && i.status === 'discarded'));
  if (discarded.length) throw new DomainError('conflict', `Các mục đã bị loại không được giao: ${discarded.join(', ')}`);
  const chosen = refs ? view.items.filter((i) => refs.includes(i.ref)) : view.items.filter((i) => i.status !== 'discarded');
  const identity = identityOf(view);

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
      .then(() => (markFailure ? undefined : markItemsLaunched(db, id, batch)))
      .catch((error: unknown) => {
        markFailure ??= { error };
      });
  };

  const startOne = async (i: number) => {
    const item = chosen[i];
    const launch = launchOf(view, item.fields);
    let result: LaunchResult;
    try {
      result = await launchTask(deps, launch, launchedBy, identity);
    } catch (err) {
      const taskId = taskIdFor(identity, item.ref);
      outcomes[i] = {
        ref: item.ref,
        outcome: 'failed',
        taskId,
        error: `Chưa giao được mục ${item.ref}: ${(err as Error).message}. Giao lại mục này không tạo nhiệm vụ trùng.`,
      };
      return;
    }
    if (result.outcome === 'missing') {
      outcomes[i] = { ref: item.ref, outcome: 'missing', missing: result.missing };
      return;
    }
    outcomes[i] = { ref: item.ref, outcome: result.outcome, taskId: result.taskId };
    unmarked.push({ ref: item.ref, taskId: result.taskId });
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
