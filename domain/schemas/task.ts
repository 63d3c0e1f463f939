import { z } from 'zod';
import { notificationPolicyOverrideSchema } from './policy';
import { recurrenceRuleSchema } from './recurrence';
import { ROLES } from '../roles';
import { idSlug } from '../task';
import { instantSchema, trimmedText as text, typedText, unitCodeSchema as unitCode } from './task-commands';

// The launch's zod schemas and the types inferred from them. Workflows import `../task.ts`
// (state, statuses, ids) and load `task-commands.ts` lazily, never this module.

/**
 * The verified human behind a command, as the workflow records it (set by the API from the
 * token, never from the body; `userId` is the login).
 */
export const actorSchema = z.object({
  userId: text(100),
  unitCode: unitCode,
  roles: z.array(z.enum(ROLES)).min(1),
});
export type Actor = z.infer<typeof actorSchema>;

export const targetSchema = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{1,40}$/)
    .optional(),
  metric: text(300),
  comparator: z.enum(['>=', '<=', '=']),
  value: z.number().finite(),
  unit: typedText().max(30).nullable().default(null),
  dueAt: instantSchema.nullable().default(null),
});
export type TargetInput = z.infer<typeof targetSchema>;

/** "Rõ thời gian": a deadline instant, a recurring report obligation, or an ongoing duty with periodic reports. */
export const deadlineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('date'), dueAt: instantSchema }),
  z.object({ kind: z.literal('recurring'), rule: recurrenceRuleSchema, until: instantSchema.nullable().default(null) }),
  z.object({ kind: z.literal('ongoing'), rule: recurrenceRuleSchema }),
]);
export type Deadline = z.infer<typeof deadlineSchema>;

/** A directive number or item ref: a task id is made of it, so it needs a letter or a digit. */
export const idPart = (max: number) => text(max).refine((v) => v === '' || idSlug(v) !== '', 'cần ít nhất một chữ cái hoặc chữ số');

/** The years a directive may be issued in (its number restarts every year): from the founding of the state. */
export const DIRECTIVE_YEARS = { min: 1945, max: 2100 } as const;

/**
 * Body of POST /api/v1/tasks: one directive item launched as a task (nhiệm vụ). Fields of the
 * "6 rõ" may be absent in the body so the refusal can name every missing one (`missingSixClear`).
 */
export const launchTaskSchema = z.object({
  directiveNumber: idPart(100),
  // Numbers restart every year and two issuers may share one: with the number, these identify the
  // directive (and the task id). When absent, `launchTask` takes them from the registered directive
  // of that number, else the year of the launch in +07:00 and no issuer.
  directiveYear: z.number().int().min(DIRECTIVE_YEARS.min).max(DIRECTIVE_YEARS.max).optional(),
  directiveIssuer: typedText().min(1).max(300).optional(),
  ref: idPart(50),
  // rõ việc
  title: text(2000).optional(),
  description: typedText().max(20000).default(''),
  // rõ người
  leadUnit: unitCode.optional(),
  coLeadUnit: unitCode.nullable().default(null),
  responsibleOfficial: text(200).optional(),
  coordinatingUnits: z.array(unitCode).max(200).default([]),
  // rõ thời gian
  deadline: deadlineSchema.optional(),
  // rõ trách nhiệm: who assigned it (issuer/signer); rõ thẩm quyền: who decides on it
  assignedBy: text(300).optional(),
  decidedBy: unitCode.optional(),
  // Who hears of an overdue task at level 2: the standing office of the committee that issued the
  // directive; when absent, `launchTask` derives it from the directive's number and issuer (`standingOfficeFor`).
  standingOffice: unitCode.optional(),
  // rõ kết quả
  expectedResult: text(5000).optional(),
  targets: z.array(targetSchema).max(50).default([]),
  policy: notificationPolicyOverrideSchema.optional(),
});
export type LaunchTask = z.infer<typeof launchTaskSchema>;

/** A launch request with all six present: what the workflow receives. */
export type CompleteLaunch = LaunchTask &
  Required<Pick<LaunchTask, 'title' | 'leadUnit' | 'responsibleOfficial' | 'deadline' | 'assignedBy' | 'decidedBy' | 'expectedResult'>>;
