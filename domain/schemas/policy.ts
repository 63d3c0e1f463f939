import { z } from 'zod';
import {
  DEFAULT_NOTIFICATION_POLICY,
  DEFAULT_REPORT_POLICY,
  ladderProblems,
  POLICY_LIMITS,
  RECIPIENT_ROLES,
  type EscalationStep,
  type NotificationPolicy,
  type NotificationPolicyOverride,
  type ReportPolicy,
} from '../policy';
import type { Assert, SameType } from '../type-checks';

// The zod schemas of the policy, for the API (launch and directive bodies), the OpenAPI document
// and tests. `mergePolicy` checks by hand with the same limits (`POLICY_LIMITS`, `ladderProblems`),
// so that workflows never load these.

export const recipientRoleSchema = z.enum(RECIPIENT_ROLES);

const escalationStepSchema = z.object({
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  afterWorkingDays: z.number().int().min(POLICY_LIMITS.afterWorkingDays.min).max(POLICY_LIMITS.afterWorkingDays.max),
  recipients: z.array(recipientRoleSchema).min(1),
});

const escalationLadderSchema = z
  .array(escalationStepSchema)
  .min(1)
  .superRefine((ladder, ctx) => {
    for (const { message } of ladderProblems(ladder)) ctx.addIssue({ code: 'custom', message });
  });

const days = (limits: { min: number; max: number; maxItems: number }) =>
  z.array(z.number().int().min(limits.min).max(limits.max)).max(limits.maxItems);
const whole = (limits: { min: number; max: number }) => z.number().int().min(limits.min).max(limits.max);

const policyFields = {
  acknowledgeReminderWorkingDays: days(POLICY_LIMITS.acknowledgeReminderWorkingDays),
  acknowledgeEscalationWorkingDays: whole(POLICY_LIMITS.acknowledgeEscalationWorkingDays),
  remindBeforeDueWorkingDays: days(POLICY_LIMITS.remindBeforeDueWorkingDays),
  sendAtHour: whole(POLICY_LIMITS.sendAtHour),
  escalationLadder: escalationLadderSchema,
  urgeEveryDays: whole(POLICY_LIMITS.urgeEveryDays),
  spreadMinutes: whole(POLICY_LIMITS.spreadMinutes),
};

// Defaults are fresh copies of the frozen `DEFAULT_*` policies: callers may change what they parse.
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** A `NotificationPolicy`; `parse({})` gives the province's defaults (`DEFAULT_NOTIFICATION_POLICY`). */
export const notificationPolicySchema = z.object({
  acknowledgeReminderWorkingDays: policyFields.acknowledgeReminderWorkingDays.default(() =>
    copy(DEFAULT_NOTIFICATION_POLICY.acknowledgeReminderWorkingDays),
  ),
  acknowledgeEscalationWorkingDays: policyFields.acknowledgeEscalationWorkingDays.default(
    DEFAULT_NOTIFICATION_POLICY.acknowledgeEscalationWorkingDays,
  ),
  remindBeforeDueWorkingDays: policyFields.remindBeforeDueWorkingDays.default(() =>
    copy(DEFAULT_NOTIFICATION_POLICY.remindBeforeDueWorkingDays),
  ),
  sendAtHour: policyFields.sendAtHour.default(DEFAULT_NOTIFICATION_POLICY.sendAtHour),
  escalationLadder: policyFields.escalationLadder.default(() => copy(DEFAULT_NOTIFICATION_POLICY.escalationLadder)),
  urgeEveryDays: policyFields.urgeEveryDays.default(DEFAULT_NOTIFICATION_POLICY.urgeEveryDays),
  spreadMinutes: policyFields.spreadMinutes.default(DEFAULT_NOTIFICATION_POLICY.spreadMinutes),
});

/** A `NotificationPolicyOverride`: any subset of fields. */
export const notificationPolicyOverrideSchema = z.object(policyFields).partial();

/** A `ReportPolicy`; `parse({})` gives `DEFAULT_REPORT_POLICY`. */
export const reportPolicySchema = z.object({
  remindBeforeDueWorkingDays: policyFields.remindBeforeDueWorkingDays.default(() => copy(DEFAULT_REPORT_POLICY.remindBeforeDueWorkingDays)),
  sendAtHour: policyFields.sendAtHour.default(DEFAULT_REPORT_POLICY.sendAtHour),
  escalationLadder: policyFields.escalationLadder.default(() => copy(DEFAULT_REPORT_POLICY.escalationLadder)),
});

type EscalationStepMatchesSchema = Assert<SameType<z.output<typeof escalationStepSchema>, EscalationStep>>;
type NotificationPolicyMatchesSchema = Assert<SameType<z.output<typeof notificationPolicySchema>, NotificationPolicy>>;
type OverrideMatchesSchema = Assert<SameType<z.output<typeof notificationPolicyOverrideSchema>, NotificationPolicyOverride>>;
type ReportPolicyMatchesSchema = Assert<SameType<z.output<typeof reportPolicySchema>, ReportPolicy>>;
