import { z } from 'zod';
import { notificationPolicyOverrideSchema, type NotificationKind, type RecipientRole } from './policy';
import { recurrenceRuleSchema, type RecurrenceRule } from './recurrence';
import { ROLES } from './roles';

/** ISO-8601 instant with an explicit offset, e.g. 2025-11-15T00:00:00+07:00. */
export const instantSchema = z.iso.datetime({ offset: true });
const civilDate = z.iso.date();
const text = (max: number) => z.string().trim().min(1).max(max);
const unitCode = z.string().trim().regex(/^[A-Z0-9_]{2,40}$/, 'mã đơn vị gồm chữ in hoa, số và dấu gạch dưới');

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
  id: z.string().trim().regex(/^[a-z0-9-]{1,40}$/).optional(),
  metric: text(300),
  comparator: z.enum(['>=', '<=', '=']),
  value: z.number().finite(),
  unit: z.string().trim().max(30).nullable().default(null),
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

/**
 * Body of POST /api/v1/tasks: one directive item launched as a task (nhiệm vụ). Fields of the
 * "6 rõ" may be absent in the body so the refusal can name every missing one (`missingSixClear`).
 */
export const launchTaskSchema = z.object({
  directiveNumber: text(100),
  ref: text(50),
  // rõ việc
  title: text(2000).optional(),
  description: z.string().trim().max(20000).default(''),
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
  // rõ kết quả
  expectedResult: text(5000).optional(),
  targets: z.array(targetSchema).max(50).default([]),
  policy: notificationPolicyOverrideSchema.optional(),
});
export type LaunchTask = z.infer<typeof launchTaskSchema>;

export const SIX_CLEAR = ['person', 'task', 'time', 'responsibility', 'authority', 'result'] as const;
export type SixClear = (typeof SIX_CLEAR)[number];
export const SIX_CLEAR_LABELS_VI: Record<SixClear, string> = {
  person: 'rõ người (đơn vị chủ trì và người chịu trách nhiệm)',
  task: 'rõ việc (tên nhiệm vụ)',
  time: 'rõ thời gian (thời hạn, định kỳ hoặc thường xuyên)',
  responsibility: 'rõ trách nhiệm (người/cơ quan giao nhiệm vụ)',
  authority: 'rõ thẩm quyền (cơ quan quyết định)',
  result: 'rõ kết quả (kết quả, sản phẩm dự kiến)',
};

/** Which of the "6 rõ" a launch request still lacks; a task launches only when this is empty. */
export function missingSixClear(t: LaunchTask): SixClear[] {
  const missing: SixClear[] = [];
  if (!t.leadUnit || !t.responsibleOfficial) missing.push('person');
  if (!t.title) missing.push('task');
  if (!t.deadline) missing.push('time');
  if (!t.assignedBy) missing.push('responsibility');
  if (!t.decidedBy) missing.push('authority');
  if (!t.expectedResult) missing.push('result');
  return missing;
}

/** A launch request with all six present: what the workflow receives. */
export type CompleteLaunch = LaunchTask & Required<Pick<LaunchTask, 'title' | 'leadUnit' | 'responsibleOfficial' | 'deadline' | 'assignedBy' | 'decidedBy' | 'expectedResult'>>;

export const TASK_STATUSES = ['assigned', 'acknowledged', 'in_progress', 'submitted', 'returned', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_STATUS_LABELS_VI: Record<TaskStatus, string> = {
  assigned: 'Đã giao',
  acknowledged: 'Đã tiếp nhận',
  in_progress: 'Đang thực hiện',
  submitted: 'Chờ duyệt',
  returned: 'Trả lại, yêu cầu bổ sung',
  completed: 'Hoàn thành',
  cancelled: 'Đã hủy',
};
export const OPEN_STATUSES: readonly TaskStatus[] = ['assigned', 'acknowledged', 'in_progress', 'submitted', 'returned'];

// ---- Commands (Workflow Updates). Each carries the verified actor; the API adds it. ----

const reason = text(2000);
export const acknowledgeSchema = z.object({ note: z.string().trim().max(2000).default('') });
export const reportProgressSchema = z.object({ text: text(5000), percent: z.number().min(0).max(100).nullable().default(null) });
export const evidenceSchema = z.object({
  evidenceId: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/),
  fileName: text(300),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: text(200),
  size: z.number().int().min(0),
  description: z.string().trim().max(2000).default(''),
});
export const recordMeasurementSchema = z.object({
  targetId: z.string().trim().min(1).max(40),
  value: z.number().finite(),
  measuredOn: civilDate,
  evidenceIds: z.array(z.string().min(1).max(64)).max(20).default([]),
  note: z.string().trim().max(2000).default(''),
});
export const submitSchema = z.object({ summary: text(10000), evidenceIds: z.array(z.string().min(1).max(64)).max(50).default([]) });
export const approveSchema = z.object({ note: z.string().trim().max(2000).default('') });
export const returnSchema = z.object({ reason });
export const requestExtensionSchema = z.object({ requestedDueAt: instantSchema, reason });
export const decideExtensionSchema = z.object({ approve: z.boolean(), newDueAt: instantSchema.nullable().default(null), reason: z.string().trim().max(2000).default('') });
export const reassignSchema = z.object({ newLeadUnit: unitCode, responsibleOfficial: text(200), reason });
export const cancelSchema = z.object({ reason });
export const submitReportSchema = z.object({ periodKey: text(20), summary: text(10000), evidenceIds: z.array(z.string().min(1).max(64)).max(50).default([]) });

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
export type SubmitReportCommand = z.infer<typeof submitReportSchema>;

/** What every Update receives: the command and who gives it. */
export interface Envelope<C> {
  actor: Actor;
  command: C;
}

/** Failure types of rejected commands; the API maps them to HTTP statuses. */
export const COMMAND_FAILURES = {
  invalidState: 'InvalidState', // 409
  forbidden: 'NotPermitted', // 403
  invalid: 'InvalidCommand', // 422
} as const;

// ---- State (the query's answer) ----

export interface Measurement {
  seq: number;
  value: number;
  measuredOn: string;
  evidenceIds: string[];
  note: string;
  recordedBy: string;
  unitCode: string;
  recordedAt: string;
  accepted: boolean;
}

export interface TargetState extends Required<Omit<TargetInput, 'id'>> {
  id: string;
  measurements: Measurement[];
  latestValue: number | null;
  /** Share of the way to the target by the latest value (0..1, null when not meaningful). */
  progress: number | null;
  met: boolean;
  metAt: string | null;
}

export interface EvidenceRecord extends EvidenceCommand {
  attachedBy: string;
  unitCode: string;
  attachedAt: string;
}

export interface ReportPeriodState {
  key: string;
  due: string;
  submittedAt: string | null;
  onTime: boolean | null;
  escalationLevel: number;
}

export interface TaskState {
  taskId: string;
  directiveNumber: string;
  ref: string;
  title: string;
  description: string;
  leadUnit: string;
  coLeadUnit: string | null;
  responsibleOfficial: string;
  coordinatingUnits: string[];
  assignedBy: string;
  decidedBy: string;
  expectedResult: string;
  deadlineKind: Deadline['kind'];
  recurrence: RecurrenceRule | null;
  recurrenceUntil: string | null;
  status: TaskStatus;
  launchedAt: string;
  acknowledgedAt: string | null;
  submittedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  originalDueAt: string | null;
  dueAt: string | null;
  extensionCount: number;
  pendingExtension: { requestedDueAt: string; reason: string; requestedBy: string; requestedAt: string } | null;
  /** Who led when: lateness is attributed to the unit leading while overdue. */
  leadHistory: { unitCode: string; responsibleOfficial: string; from: string; to: string | null; reason: string | null }[];
  /** Units that led while the task was overdue (filled as it happens). */
  lateUnits: string[];
  outcome: 'completed_on_time' | 'completed_late' | null;
  escalationLevel: number;
  lastReturnReason: string | null;
  progress: { at: string; by: string; unitCode: string; text: string; percent: number | null }[];
  evidence: EvidenceRecord[];
  targets: TargetState[];
  reports: { open: ReportPeriodState[]; submittedOnTime: number; submittedLate: number; lastClosed: ReportPeriodState[] };
  notificationsPlanned: number;
  auditSeq: number;
}

/** Input of the directiveTask workflow; `carried` is set when it continues as new. */
export interface DirectiveTaskInput {
  taskId: string;
  launch: CompleteLaunch;
  carried?: { state: TaskState; cursor: string };
}

/** A row of the audit trail as the workflow produces it (the activity adds the hash chain). */
export interface AuditEvent {
  seq: number;
  kind: string;
  occurredAt: string;
  actor: { userId: string; unitCode: string; roles: string[] } | { system: 'workflow' };
  payload: Record<string, unknown>;
}

/** Lifecycle events whose news goes to units, beside the planned reminders and escalations. */
export type EventNotificationKind = 'assigned' | 'returned' | 'approved' | 'extension_decided' | 'reassigned' | 'cancelled';

/** A notification the workflow puts in the outbox; `key` makes it exactly-once. */
export interface OutboxNotification {
  key: string;
  kind: NotificationKind | EventNotificationKind;
  step: string;
  level: number | null;
  recipientRole: RecipientRole;
  recipientUnit: string | null;
  scheduledAt: string;
  subject: string;
  body: string;
}

function slug(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The business id of a task: one per (directive number, item reference), so the same item
 * can never be launched twice; `01-TB/CQTT` + `2.3 (1)` -> `01-tb-cqtt.2-3-1`.
 */
export function taskIdFor(directiveNumber: string, ref: string): string {
  return `${slug(directiveNumber)}.${slug(ref)}`;
}

/** The Temporal workflow id of a task: derived, never random, so a retried launch finds the first. */
export function workflowIdFor(taskId: string): string {
  return `task-${taskId}`;
}
