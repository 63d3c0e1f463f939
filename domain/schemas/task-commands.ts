// The command schemas, apart from the launch's: the API validates every command with them, and so
// do the workflow's Update validators, which load this module lazily (docs/architecture.md).
import { z } from 'zod';

/** ISO-8601 instant with an explicit offset, e.g. 2025-11-15T00:00:00+07:00. */
export const instantSchema = z.iso.datetime({ offset: true });
const civilDate = z.iso.date();
/** Text a person typed: trimmed and in NFC, so "ế" typed as e + two combining marks is stored, compared and searched as one letter. */
export const typedText = () => z.string().trim().normalize('NFC');
/** Trimmed, non-empty NFC text of at most `max` characters. */
export const trimmedText = (max: number) => typedText().min(1).max(max);
const text = trimmedText;
export const unitCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Z0-9_]{2,40}$/, 'mã đơn vị gồm chữ in hoa, số và dấu gạch dưới');
const unitCode = unitCodeSchema;

// ---- Commands (Workflow Updates). Each carries the verified actor; the API adds it. ----

const reason = text(2000);
export const acknowledgeSchema = z.object({ note: typedText().max(2000).default('') });
export const reportProgressSchema = z.object({ text: text(5000), percent: z.number().min(0).max(100).nullable().default(null) });
export const evidenceSchema = z.object({
  evidenceId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/),
  fileName: text(300),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: text(200),
  size: z.number().int().min(0),
  description: typedText().max(2000).default(''),
});
export const recordMeasurementSchema = z.object({
  targetId: z.string().trim().min(1).max(40),
  value: z.number().finite(),
  measuredOn: civilDate,
  evidenceIds: z.array(z.string().min(1).max(64)).max(20).default([]),
  note: typedText().max(2000).default(''),
});
export const submitSchema = z.object({ summary: text(10000), evidenceIds: z.array(z.string().min(1).max(64)).max(50).default([]) });
export const approveSchema = z.object({ note: typedText().max(2000).default('') });
export const returnSchema = z.object({ reason });
export const requestExtensionSchema = z.object({ requestedDueAt: instantSchema, reason });
export const decideExtensionSchema = z.object({
  approve: z.boolean(),
  newDueAt: instantSchema.nullable().default(null),
  reason: typedText().max(2000).default(''),
});
export const reassignSchema = z.object({ newLeadUnit: unitCode, responsibleOfficial: text(200), reason });
export const cancelSchema = z.object({ reason });
/** Reopening a completed or cancelled task: it must be done again, by a new deadline. */
export const reopenSchema = z.object({ reason, newDueAt: instantSchema });
export const submitReportSchema = z.object({
  periodKey: text(20),
  summary: text(10000),
  evidenceIds: z.array(z.string().min(1).max(64)).max(50).default([]),
});

export type AcknowledgeCommand = z.infer<typeof acknowledgeSchema>;
export type ReportProgressCommand = z.infer<typeof reportProgressSchema>;
export type EvidenceCommand = z.infer<typeof evidenceSchema>;
export type RecordMeasurementCommand = z.infer<typeof recordMeasurementSchema>;
export type SubmitCommand = z.infer<typeof submitSchema>;
export type ApproveCommand = z.infer<typeof approveSchema>;
export type ReturnCommand = z.infer<typeof returnSchema>;
export type RequestExtensionCommand = z.infer<typeof requestExtensionSchema>;
export type DecideExtensionCommand = z.infer<typeof decideExtensionSchema>;
export type ReassignCommand = z.infer<typeof reassignSchema>;
export type CancelCommand = z.infer<typeof cancelSchema>;
export type ReopenCommand = z.infer<typeof reopenSchema>;
export type SubmitReportCommand = z.infer<typeof submitReportSchema>;
