// Task state, statuses, ids and failure types, without zod: workflows import this module
// (docs/architecture.md, "Zod-free domain modules"). The schemas are in `schemas/task.ts`.
import type { NotificationKind } from './notification-plan';
import type { RecipientRole } from './policy';
import type { RecurrenceRule } from './recurrence';
import type { Actor, CompleteLaunch, Deadline, LaunchTask, TargetInput } from './schemas/task';
import type { EvidenceCommand, ReopenCommand } from './schemas/task-commands';

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
  /** The directive's issue year and issuer, part of the task's identity; absent in states launched before they were. */
  directiveYear?: number;
  directiveIssuer?: string | null;
  /**
   * Seconds after the policy's hour at which this task's reminders and escalations go out, stable for
   * its whole life (issue 16: a province's 08:00 peak spread over the hour); absent in tasks launched before.
   */
  sendOffsetSeconds?: number;
  ref: string;
  title: string;
  description: string;
  leadUnit: string;
  coLeadUnit: string | null;
  responsibleOfficial: string;
  coordinatingUnits: string[];
  assignedBy: string;
  decidedBy: string;
  /** The standing office of the issuing committee (level 2 of the ladder); absent in states carried from before issue 13. */
  standingOffice?: string;
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
  /** How many times the secretariat reopened it; absent in states carried from before issue 13. */
  reopenCount?: number;
}

/** Input of the directiveTask workflow; `carried` is set when it continues as new. */
export interface DirectiveTaskInput {
  taskId: string;
  launch: CompleteLaunch;
  /** The official who launched it, from the API's token; absent in histories started before issue 13. */
  launchedBy?: Actor;
  /** `calendarSent`: notifications sent before a calendar change moved them after the cursor (absent when none). */
  carried?: { state: TaskState; cursor: string; calendarSent?: string[] };
  /**
   * A closed task reopened by the secretariat: this run carries the closed state and its first act
   * records the 'reopened' event (a closed workflow takes no Update, so reopening starts a new run).
   */
  reopen?: { command: ReopenCommand; actor: Actor };
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
export type EventNotificationKind = 'assigned' | 'returned' | 'approved' | 'extension_decided' | 'reassigned' | 'cancelled' | 'reopened';

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

/** The readable part of a task id: diacritics dropped, lower case, runs of anything else as one "-". */
export function idSlug(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

// FNV-1a over the UTF-8 bytes, 64 bits, without node:crypto: this module is on the workflow's load path.
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

/** What identifies the directive a task comes from: its number restarts every year, and two issuers may use the same one. */
export interface DirectiveIdentity {
  directiveNumber: string;
  /** The year of the directive's issue date (of its registration when it has none), in +07:00. */
  directiveYear: number;
  /** The issuing body as registered; null when the directive names none. */
  directiveIssuer: string | null;
}

/** The issuer as it identifies a directive: its slug, so case, tone-mark placement and spacing do not make a second one ('' when none). */
export function issuerKey(issuer: string | null | undefined): string {
  return issuer ? idSlug(issuer) : '';
}

/**
 * The business id of a task, one per (directive number, issue year, issuer, item reference), so
 * the same item is never launched twice and two items never share one: `2026-80-tb-ubnd.3`, with a
 * hash after a second dot when a slug would lose something. See docs/architecture.md,
 * "Workflow ids derive from business ids".
 */
export function taskIdFor(directive: DirectiveIdentity, ref: string): string {
  const { directiveNumber, directiveYear } = directive;
  const issuer = issuerKey(directive.directiveIssuer);
  const readable = `${directiveYear}-${idSlug(directiveNumber)}.${idSlug(ref)}`;
  if (idSlug(directiveNumber) === directiveNumber && idSlug(ref) === ref && !issuer) return readable;
  const parts: (string | number)[] = [directiveNumber, ref, directiveYear];
  if (issuer) parts.push(issuer);
  return `${readable}.${fnv1a64(JSON.stringify(parts)).slice(0, 12)}`;
}

/**
 * The stable id of a directive, by the same rule: the year and the number's slug (`2026-80-tb-ubnd`),
 * and a hash of the exact parts after a dot when the number is not its own slug or an issuer is named.
 */
export function directiveIdFor(directive: DirectiveIdentity): string {
  const { directiveNumber, directiveYear } = directive;
  const issuer = issuerKey(directive.directiveIssuer);
  const readable = `${directiveYear}-${idSlug(directiveNumber)}`;
  if (idSlug(directiveNumber) === directiveNumber && !issuer) return readable;
  return `${readable}.${fnv1a64(JSON.stringify(issuer ? [directiveNumber, directiveYear, issuer] : [directiveNumber, directiveYear])).slice(0, 12)}`;
}

/**
 * The ids earlier schemes gave an item, before the year was part of it: slugs only (the first),
 * then slugs and a hash of the exact `[number, ref]` (the second). Tasks launched then keep them.
 */
export function earlierTaskIdsFor(directiveNumber: string, ref: string): string[] {
  const legacy = legacyTaskIdFor(directiveNumber, ref);
  const plain = idSlug(directiveNumber) === directiveNumber && idSlug(ref) === ref;
  return plain ? [legacy] : [`${legacy}.${fnv1a64(JSON.stringify([directiveNumber, ref])).slice(0, 12)}`, legacy];
}

/** The id the first scheme gave (both parts slugged, nothing more); tasks launched then keep it. */
export function legacyTaskIdFor(directiveNumber: string, ref: string): string {
  return `${idSlug(directiveNumber)}.${idSlug(ref)}`;
}

/** The Temporal workflow id of a task: derived, never random, so a retried launch finds the first. */
export function workflowIdFor(taskId: string): string {
  return `task-${taskId}`;
}
