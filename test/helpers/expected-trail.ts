/**
 * An expected audit trail (`auditKinds`) and outbox (`outbox`) of a task workflow, built from the
 * steps a scenario walks through: `[...launchedAndAcknowledged, ...claimedAndApproved]`.
 */
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../db/schema';
import { auditKinds, coordinatingOfficer, leadOfficer, outbox } from './tasks';

// Pieces of an expected audit trail (`auditKinds`), in the order the workflow records them.
/** A task launched and acknowledged by its lead unit. */
export const launchedAndAcknowledged = ['launched', 'acknowledged'];
/** The three due reminders (7, 3 and 1 working days ahead), the deadline passing, and its first escalation. */
export const remindedOverdueEscalated = ['due_reminder', 'due_reminder', 'due_reminder', 'overdue', 'escalation'];
/** Evidence attached, completion claimed, and the claim approved. */
export const claimedAndApproved = ['evidence_attached', 'submitted', 'approved'];

// Pieces of an expected outbox (`outbox`), in its "kind step -> role:unit" lines.
/** A notice ("kind step") the workflow sends both the lead unit and the coordinating units. */
export const toBothUnits = (kindStep: string, lead = leadOfficer.unitCode, coordinating = coordinatingOfficer.unitCode) => [
  `${kindStep} -> lead_unit:${lead}`,
  `${kindStep} -> coordinating_units:${coordinating}`,
];
/** The launch, told to the lead unit and to the coordinating units. */
export const assignedLines = (lead = leadOfficer.unitCode, coordinating = coordinatingOfficer.unitCode) =>
  toBothUnits('assigned assigned', lead, coordinating);
/** The due reminder `n` working days before the deadline of epoch `epoch` (0 until an extension), to the unit leading then. */
export const dueReminderLine = (unit: string, n: number, epoch = 0) => `due_reminder due-${n}wd@e${epoch} -> lead_unit:${unit}`;
/** The due reminders 7, 3 and 1 working days ahead and the deadline's first escalation, to the unit leading then. */
export const remindedAndEscalatedLines = (unit: string, epoch = 0) => [
  ...[7, 3, 1].map((n) => dueReminderLine(unit, n, epoch)),
  `escalation level-1@e${epoch} -> lead_unit_head:${unit}`,
];

/** Asserts a task's audit trail, kind by kind (`auditKinds`), and its outbox, line by line (`outbox`). */
export async function assertTrail(db: Kysely<Database>, taskId: string, want: { kinds: string[]; outbox: string[] }) {
  expect(await auditKinds(db, taskId)).toEqual(want.kinds);
  expect(await outbox(db, taskId)).toEqual(want.outbox);
}
