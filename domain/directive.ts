import { z } from 'zod';
import { typedText } from './schemas/task-commands';
import { DIRECTIVE_YEARS, deadlineSchema, idPart, launchTaskSchema, type LaunchTask } from './schemas/task';
import { notificationPolicyOverrideSchema } from './schemas/policy';
import { recurrenceRuleSchema } from './schemas/recurrence';
import type { RecurrenceRule } from './recurrence';
import { unitByName } from './units';
import { vnCivilDate } from './time';
import { DomainError } from './errors';
import type { ExtractResult, ItemDraft } from './intake/schema';

export { directiveIdFor } from './task';

/** One item of a directive as the secretariat edits it before launch: every launch field, all optional. */
export const itemDraftFieldsSchema = launchTaskSchema
  .omit({ directiveNumber: true, directiveYear: true, directiveIssuer: true })
  .partial()
  .extend({
    ref: idPart(50),
    sourceText: z.string().max(20000).optional(),
  });
export type ItemDraftFields = z.infer<typeof itemDraftFieldsSchema>;

/**
 * A directive with its items, as JSON or YAML (structured import, POST /api/v1/directives).
 * `assignedBy`, `decidedBy` and `policy` at the directive level apply to every item that does not set its own.
 */
export const directiveImportSchema = z.object({
  number: idPart(100),
  // Its year identifies the directive with the number (a task's `directiveYear`), so it is a year the launch takes.
  issuedOn: z.iso
    .date()
    .refine((d) => Number(d.slice(0, 4)) >= DIRECTIVE_YEARS.min && Number(d.slice(0, 4)) <= DIRECTIVE_YEARS.max, {
      message: `năm ban hành phải từ ${DIRECTIVE_YEARS.min} đến ${DIRECTIVE_YEARS.max}`,
    })
    .optional(),
  issuer: typedText().min(1).max(300).optional(),
  signer: typedText().min(1).max(300).optional(),
  title: typedText().min(1).max(2000).optional(),
  sourceText: z.string().max(200_000).optional(),
  assignedBy: typedText().min(1).max(300).optional(),
  decidedBy: z
    .string()
    .trim()
    .regex(/^[A-Z0-9_]{2,40}$/)
    .optional(),
  policy: notificationPolicyOverrideSchema.optional(),
  items: z
    .array(itemDraftFieldsSchema)
    .max(500)
    .default([])
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.ref)) ctx.addIssue({ code: 'custom', path: [i, 'ref'], message: `số hiệu mục "${item.ref}" bị lặp` });
        seen.add(item.ref);
      });
    }),
});
export type DirectiveImport = z.infer<typeof directiveImportSchema>;

/**
 * PATCH of one draft item: any launch field; `null` clears an optional one. Without the launch's
 * defaults: zod 4 fills a default even inside `.optional()`, and a patch of the deadline alone would
 * then wipe the item's coordinating units, description and targets.
 */
const everyItemField = itemDraftFieldsSchema.omit({ ref: true }).partial();
export const itemPatchSchema = z.object(
  Object.fromEntries(
    Object.entries(everyItemField.shape).map(([key, field]) => {
      let inner: z.ZodType = field;
      while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
      return [key, inner.optional()];
    }),
  ),
) as unknown as typeof everyItemField;
export type ItemPatch = z.infer<typeof itemPatchSchema>;

/** Why a draft is discarded: the record says it. */
export const discardDraftSchema = z.object({ reason: typedText().min(1).max(2000) });

/** Which items to launch; all drafts when `refs` is absent. */
export const launchItemsSchema = z.object({ refs: z.array(typedText().min(1).max(50)).min(1).max(500).optional() });

/**
 * The year a directive's number belongs to: its issue date's, else (a directive registered without
 * one) the year it is registered or launched in, in +07:00.
 */
export function issueYearOf(issuedOn: string | null | undefined, at: Date = new Date()): number {
  return issuedOn ? Number(issuedOn.slice(0, 4)) : vnCivilDate(at).year;
}

/** The launch request of one item: the item's own fields over the directive's defaults and identity. */
export function launchOf(
  directive: Pick<DirectiveImport, 'number'> & {
    issueYear: number;
    issuer: string | null;
    assignedBy?: string | null;
    decidedBy?: string | null;
    policy?: DirectiveImport['policy'] | null;
  },
  item: ItemDraftFields,
): LaunchTask {
  const { sourceText: _sourceText, ...fields } = item;
  return launchTaskSchema.parse({
    ...fields,
    directiveNumber: directive.number,
    directiveYear: directive.issueYear,
    directiveIssuer: directive.issuer ?? undefined,
    assignedBy: item.assignedBy ?? directive.assignedBy ?? undefined,
    decidedBy: item.decidedBy ?? directive.decidedBy ?? undefined,
    policy: directive.policy || item.policy ? { ...directive.policy, ...item.policy } : undefined,
  });
}

/** RFC 5545 RRULE of the text intake -> the recurrence the workflow tracks; null when it has no equivalent. */
export function recurrenceFromRRule(rule: string): RecurrenceRule | null {
  const parts = Object.fromEntries(rule.split(';').map((p) => p.split('=') as [string, string]));
  const interval = Number(parts.INTERVAL ?? '1');
  let candidate: unknown = null;
  if (parts.FREQ === 'MONTHLY' && interval === 1 && parts.BYMONTHDAY)
    candidate = { freq: 'monthly', dayOfMonth: Number(parts.BYMONTHDAY === '-1' ? 31 : parts.BYMONTHDAY) };
  else if (parts.FREQ === 'MONTHLY' && interval === 3) candidate = { freq: 'quarterly', dueOffsetDays: 0 };
  else if (parts.FREQ === 'MONTHLY' && interval === 6) candidate = { freq: 'half-yearly', dueOffsetDays: 0 };
  else if (parts.FREQ === 'YEARLY') candidate = { freq: 'yearly', dueOffsetDays: 0 };
  const parsed = recurrenceRuleSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

/**
 * `text` cut to at most `max` characters for a field with a limit: on a code point (never inside a
 * surrogate pair), at the last space when there is one, marked with "…". The whole text stays in
 * `sourceText`/`description` (cut only past their own, larger limit).
 */
export function clip(text: string, max: number): string {
  const points = [...text];
  if (points.length <= max && text.length <= max) return text;
  let cut = '';
  for (const p of points) {
    if (cut.length + p.length > max - 1) break;
    cut += p;
  }
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** A text-intake draft as editable item fields: names become unit codes, deadlines the workflow's shape. */
export function itemFieldsFromDraft(draft: ItemDraft): ItemDraftFields {
  const lead = draft.leadUnit ? unitByName(draft.leadUnit) : undefined;
  let deadline: z.infer<typeof deadlineSchema> | undefined;
  if (draft.deadline.kind === 'date') deadline = { kind: 'date', dueAt: draft.deadline.due };
  else if (draft.deadline.kind === 'recurring' || draft.deadline.kind === 'ongoing') {
    // An ongoing duty is tracked through the province's monthly report, due on the 20th (domain.md).
    const rule =
      draft.deadline.kind === 'recurring' ? recurrenceFromRRule(draft.deadline.rule) : { freq: 'monthly' as const, dayOfMonth: 20 };
    if (rule) deadline = draft.deadline.kind === 'recurring' ? { kind: 'recurring', rule, until: null } : { kind: 'ongoing', rule };
  }
  return {
    ref: clip(draft.ref, 50),
    title: draft.title ? clip(draft.title, 2000) : undefined,
    description: clip(draft.text, 20000),
    sourceText: clip(draft.text, 20000),
    leadUnit: lead?.code,
    coordinatingUnits: draft.coordinatingUnits.map((n) => unitByName(n)?.code).filter((c): c is string => Boolean(c)),
    deadline,
    targets: draft.targets
      .slice(0, 50)
      .map((t) => ({ metric: clip(t.metric, 300), comparator: t.comparator, value: t.value, unit: t.unit, dueAt: null })),
    // The intake found the expected result in the text itself (an outcome verb or a target): keep that text as it.
    expectedResult: draft.missing.includes('result') ? undefined : clip(draft.text, 5000),
  };
}

/**
 * A directive to review, from the text intake's result, under the number the secretariat confirmed
 * (or the header's own): a notice is never registered under a placeholder number.
 */
export function directiveFromExtract(extract: ExtractResult, sourceText: string, number: string): DirectiveImport {
  const parsed = directiveImportSchema.safeParse({
    number: clip(number, 100),
    issuedOn: extract.document.date ?? undefined,
    sourceText,
    items: extract.items.slice(0, 500).map(itemFieldsFromDraft),
  });
  if (parsed.success) return parsed.data;
  // What the intake read is not the client's to fix field by field, but it is the text's doing, not a fault of the server.
  throw new DomainError(
    'invalid',
    `Không tạo được bản nháp từ văn bản: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    parsed.error.issues.map((i) => ({ path: i.path.join('.'), reason: i.message })),
  );
}
