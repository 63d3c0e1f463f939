// The reminder and escalation policy (who is reminded when, the escalation ladder), without zod:
// workflows import this module (docs/architecture.md, "Zod-free domain modules"). The schemas are in
// `schemas/policy.ts`; the schedule planned from a policy is in `notification-plan.ts`.
import { checkArray, checkInt, invalid, isObject } from './guards';

/** Who a notice may go to; what a person reads for each is in `catalog/notices.ts`. */
export const RECIPIENT_ROLES = [
  'lead_unit',
  'coordinating_units',
  'lead_unit_head',
  'standing_office',
  'steering_committee',
  'inspection_committee',
] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

/** One rung of an escalation ladder: who hears of an overdue task, how long after the deadline. */
export interface EscalationStep {
  level: 1 | 2 | 3;
  afterWorkingDays: number;
  recipients: RecipientRole[];
}

/**
 * When to remind, escalate and urge for one assignment. Working days come from the
 * `WorkingCalendar`; `urgeEveryDays` counts calendar days.
 */
export interface NotificationPolicy {
  acknowledgeReminderWorkingDays: number[];
  acknowledgeEscalationWorkingDays: number;
  remindBeforeDueWorkingDays: number[];
  sendAtHour: number;
  escalationLadder: EscalationStep[];
  urgeEveryDays: number;
  /**
   * The minutes after `sendAtHour` over which the province's tasks are spread, each at its own fixed
   * second (issue 16): 60 spreads a Monday's reminders over the hour, 0 sends every one on the hour.
   */
  spreadMinutes: number;
}

/** A per-directive or per-assignment override: any subset of fields; arrays replace, never merge. */
export type NotificationPolicyOverride = Partial<NotificationPolicy>;

/**
 * How a periodic report is chased: reminders before it is due, then an escalation ladder;
 * no weekly urging (the next period's report takes over).
 */
export interface ReportPolicy {
  remindBeforeDueWorkingDays: number[];
  sendAtHour: number;
  escalationLadder: EscalationStep[];
}

// Upper bounds keep a mistyped override from planning a schedule no workflow task can compute in
// time. The zod schemas (`policy.ts`) and the checks of `mergePolicy` both read them from here.
export const POLICY_LIMITS = {
  acknowledgeReminderWorkingDays: { min: 1, max: 60, maxItems: 10 },
  acknowledgeEscalationWorkingDays: { min: 1, max: 60 },
  remindBeforeDueWorkingDays: { min: 0, max: 120, maxItems: 10 },
  sendAtHour: { min: 0, max: 23 },
  afterWorkingDays: { min: 0, max: 120 },
  urgeEveryDays: { min: 1, max: 90 },
  spreadMinutes: { min: 0, max: 60 },
} as const;

/** What is wrong with an escalation ladder's order: a level twice, or a higher level sooner than a lower one. */
export function ladderProblems(ladder: readonly EscalationStep[]): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  const byLevel = [...ladder].sort((a, b) => a.level - b.level);
  for (let i = 1; i < byLevel.length; i++) {
    if (byLevel[i].level === byLevel[i - 1].level) {
      problems.push({ index: i, message: `cấp ${byLevel[i].level} bị lặp` });
    } else if (byLevel[i].afterWorkingDays < byLevel[i - 1].afterWorkingDays) {
      problems.push({ index: i, message: `cấp ${byLevel[i].level} không được sớm hơn cấp ${byLevel[i - 1].level}` });
    }
  }
  return problems;
}

/** The province's defaults (frozen; `mergePolicy` returns fresh copies). */
export const DEFAULT_NOTIFICATION_POLICY: NotificationPolicy = deepFreeze({
  acknowledgeReminderWorkingDays: [1, 2],
  acknowledgeEscalationWorkingDays: 3,
  remindBeforeDueWorkingDays: [7, 3, 1],
  sendAtHour: 8,
  escalationLadder: [
    { level: 1, afterWorkingDays: 0, recipients: ['lead_unit_head'] },
    { level: 2, afterWorkingDays: 3, recipients: ['standing_office'] },
    { level: 3, afterWorkingDays: 7, recipients: ['steering_committee', 'inspection_committee'] },
  ],
  urgeEveryDays: 7,
  spreadMinutes: 60,
});

/** The default report policy (frozen). */
export const DEFAULT_REPORT_POLICY: ReportPolicy = deepFreeze({
  remindBeforeDueWorkingDays: [3, 1],
  sendAtHour: 8,
  escalationLadder: [
    { level: 1, afterWorkingDays: 0, recipients: ['lead_unit_head'] },
    { level: 2, afterWorkingDays: 3, recipients: ['standing_office'] },
  ],
});

/**
 * Applies overrides in order (directive, then assignment) over a base policy. A field an override
 * sets replaces the base field whole, the escalation ladder included, so an override can remove a
 * level. The result is checked by hand, not with zod, since the workflow calls this on every start
 * and replay (docs/architecture.md, "Zod-free domain modules").
 */
export function mergePolicy(
  base: NotificationPolicy,
  ...overrides: readonly (NotificationPolicyOverride | null | undefined)[]
): NotificationPolicy {
  let merged: Record<string, unknown> = { ...base };
  for (const o of overrides) {
    if (!o) continue;
    const checked = checkPolicyOverride(o);
    for (const [k, v] of Object.entries(checked)) if (v !== undefined) merged[k] = v;
  }
  merged = JSON.parse(JSON.stringify(merged));
  const policy = {} as Record<keyof NotificationPolicy, unknown>;
  for (const key of POLICY_FIELDS) {
    // As the schema's defaults do: a field missing from the base takes the province's default.
    policy[key] =
      merged[key] === undefined ? JSON.parse(JSON.stringify(DEFAULT_NOTIFICATION_POLICY[key])) : FIELD_CHECKS[key](merged[key], key);
  }
  return policy as NotificationPolicy;
}

/** Checks an override as `notificationPolicyOverrideSchema` does; unknown fields are dropped. */
export function checkPolicyOverride(override: unknown): NotificationPolicyOverride {
  if (!isObject(override)) invalid(POLICY, '', 'phải là một đối tượng');
  const checked: Record<string, unknown> = {};
  for (const key of POLICY_FIELDS) {
    const v = override[key];
    if (v !== undefined) checked[key] = FIELD_CHECKS[key](v, key);
  }
  return checked as NotificationPolicyOverride;
}

const POLICY = 'chính sách nhắc việc';

// In the schema's order, so a merged policy lists its fields as `notificationPolicySchema.parse` did.
const POLICY_FIELDS = [
  'acknowledgeReminderWorkingDays',
  'acknowledgeEscalationWorkingDays',
  'remindBeforeDueWorkingDays',
  'sendAtHour',
  'escalationLadder',
  'urgeEveryDays',
  'spreadMinutes',
] as const satisfies readonly (keyof NotificationPolicy)[];

function checkDays(limits: { min: number; max: number; maxItems: number }) {
  return (v: unknown, path: string) =>
    checkArray(v, 0, limits.maxItems, (d, p) => checkInt(d, limits.min, limits.max, POLICY, p), POLICY, path);
}

function checkStep(step: unknown, path: string): EscalationStep {
  if (!isObject(step)) invalid(POLICY, path, 'phải là một đối tượng');
  const level = step.level;
  if (level !== 1 && level !== 2 && level !== 3) invalid(POLICY, `${path}.level`, 'phải là 1, 2 hoặc 3');
  const { min, max } = POLICY_LIMITS.afterWorkingDays;
  const afterWorkingDays = checkInt(step.afterWorkingDays, min, max, POLICY, `${path}.afterWorkingDays`);
  const recipients = checkArray(
    step.recipients,
    1,
    Infinity,
    (r, p) =>
      (RECIPIENT_ROLES as readonly unknown[]).includes(r)
        ? (r as RecipientRole)
        : invalid(POLICY, p, `phải là một trong ${RECIPIENT_ROLES.join(', ')}`),
    POLICY,
    `${path}.recipients`,
  );
  return { level, afterWorkingDays, recipients };
}

function checkLadder(v: unknown, path: string): EscalationStep[] {
  const ladder = checkArray(v, 1, Infinity, checkStep, POLICY, path);
  const problem = ladderProblems(ladder)[0];
  if (problem) invalid(POLICY, path, problem.message);
  return ladder;
}

const FIELD_CHECKS: { [K in keyof NotificationPolicy]: (v: unknown, path: string) => NotificationPolicy[K] } = {
  acknowledgeReminderWorkingDays: checkDays(POLICY_LIMITS.acknowledgeReminderWorkingDays),
  acknowledgeEscalationWorkingDays: (v, p) =>
    checkInt(v, POLICY_LIMITS.acknowledgeEscalationWorkingDays.min, POLICY_LIMITS.acknowledgeEscalationWorkingDays.max, POLICY, p),
  remindBeforeDueWorkingDays: checkDays(POLICY_LIMITS.remindBeforeDueWorkingDays),
  sendAtHour: (v, p) => checkInt(v, POLICY_LIMITS.sendAtHour.min, POLICY_LIMITS.sendAtHour.max, POLICY, p),
  escalationLadder: checkLadder,
  urgeEveryDays: (v, p) => checkInt(v, POLICY_LIMITS.urgeEveryDays.min, POLICY_LIMITS.urgeEveryDays.max, POLICY, p),
  spreadMinutes: (v, p) => checkInt(v, POLICY_LIMITS.spreadMinutes.min, POLICY_LIMITS.spreadMinutes.max, POLICY, p),
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
