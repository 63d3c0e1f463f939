import { z } from 'zod';

// The contract of `directive:extract`: other tools read this JSON, so objects are strict and the
// field set only grows by a new version of this schema.

const isoDateTimeVietnam = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/;

export const deadlineDraftSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('date'),
    due: z.string().regex(isoDateTimeVietnam, 'ISO-8601 với múi giờ +07:00'),
    source: z.string().min(1),
  }),
  z.strictObject({
    kind: z.literal('recurring'),
    rule: z.string().regex(/^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Z0-9,+-]+)*$/, 'RRULE theo RFC 5545'),
    source: z.string().min(1),
  }),
  z.strictObject({ kind: z.literal('ongoing'), source: z.string().min(1) }),
  z.strictObject({ kind: z.literal('unspecified') }),
]);
export type DeadlineDraft = z.infer<typeof deadlineDraftSchema>;

export const targetDraftSchema = z.strictObject({
  metric: z.string().min(1),
  comparator: z.enum(['>=', '<=', '=']),
  value: z.number(),
  unit: z.string().min(1).nullable(),
});
export type TargetDraft = z.infer<typeof targetDraftSchema>;

/** The "6 rõ" every assignment must satisfy before launch. */
export const sixClearSchema = z.enum(['person', 'task', 'time', 'responsibility', 'authority', 'result']);
export type SixClear = z.infer<typeof sixClearSchema>;

export const itemDraftSchema = z.strictObject({
  ref: z.string().min(1),
  title: z.string(),
  text: z.string(),
  leadUnit: z.string().nullable(),
  coordinatingUnits: z.array(z.string()),
  deadline: deadlineDraftSchema,
  targets: z.array(targetDraftSchema),
  missing: z.array(sixClearSchema),
});
export type ItemDraft = z.infer<typeof itemDraftSchema>;

export const extractResultSchema = z.strictObject({
  document: z.strictObject({
    number: z.string().nullable(),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  }),
  items: z.array(itemDraftSchema),
});
export type ExtractResult = z.infer<typeof extractResultSchema>;
