import { z } from 'zod';

// The contract of `directive:extract`: other tools read this JSON, so objects are strict and the
// field set only grows by a new version of this schema; fields added later are optional here so
// earlier results still parse. See docs/architecture.md, "The extract JSON is a contract".

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
  // An event, not a date: the item is due when it happens. `source` is the phrase as written.
  z.strictObject({ kind: z.literal('trigger'), source: z.string().min(1) }),
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

/** A unit name the parser read but could not match to the registry with confidence: a person must check it. */
export const unitReviewSchema = z.strictObject({
  field: z.enum(['leadUnit', 'coLeadUnits', 'coordinatingUnits']),
  /** The name as written in the document. */
  text: z.string(),
  /** The closest registry unit, below the acceptance threshold, if any. */
  candidate: z.string().nullable(),
  score: z.number().min(0).max(1),
});
export type UnitReview = z.infer<typeof unitReviewSchema>;

/**
 * Where a field was read: the phrase as written, its offsets in the cleaned text (null when the
 * phrase could not be placed), and a confidence in [0, 1] (1: an exact registry name or header
 * field; the similarity score for a fuzzy unit match; lower for an inherited value).
 */
export const sourceSchema = z.strictObject({
  text: z.string(),
  start: z.number().int().min(0).nullable(),
  end: z.number().int().min(0).nullable(),
  confidence: z.number().min(0).max(1),
  /** Set when the item does not state the value itself: the ref of the lead-in it comes from, or "preamble". */
  inheritedFrom: z.string().optional(),
});
export type Source = z.infer<typeof sourceSchema>;

export const itemDraftSchema = z.strictObject({
  ref: z.string().min(1),
  title: z.string(),
  text: z.string(),
  leadUnit: z.string().nullable(),
  /** "A và B đồng chủ trì": B (and any after it) shares the lead; A is `leadUnit`. */
  coLeadUnits: z.array(z.string()).optional(),
  coordinatingUnits: z.array(z.string()),
  deadline: deadlineDraftSchema,
  targets: z.array(targetDraftSchema),
  missing: z.array(sixClearSchema),
  review: z.array(unitReviewSchema).optional(),
  /** Where the lead unit and the deadline were read; null when the item has none. */
  sources: z.strictObject({ leadUnit: sourceSchema.nullable(), deadline: sourceSchema.nullable() }).optional(),
});
export type ItemDraft = z.infer<typeof itemDraftSchema>;

export const findingSchema = z.strictObject({ ref: z.string().optional(), text: z.string() });
export type Finding = z.infer<typeof findingSchema>;

export const extractResultSchema = z.strictObject({
  document: z.strictObject({
    number: z.string().nullable(),
    /** The issuing body named in the header, sentence-cased. */
    issuer: z.string().nullable().optional(),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable(),
    /** Where the number, issuer and date were read; null for a field the text does not give. */
    sources: z.strictObject({ number: sourceSchema.nullable(), issuer: sourceSchema.nullable(), date: sourceSchema.nullable() }).optional(),
  }),
  items: z.array(itemDraftSchema),
  /** Parts of the body that assess, report or give background: read, but not assignments. */
  findings: z.array(findingSchema).optional(),
});
export type ExtractResult = z.infer<typeof extractResultSchema>;
