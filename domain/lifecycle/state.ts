// A task's state and the shape of every change to it, without zod: the workflow imports this module.
import { DEFAULT_NOTIFICATION_POLICY, mergePolicy, type NotificationPolicy } from '../policy';
import { launchedStandingOffice } from './outbox';
import type { Actor, CompleteLaunch } from '../schemas/task';
import type { AuditEvent, DirectiveTaskInput, OutboxNotification, TargetState, TaskState } from '../task';

/*
 * Every change is copy-on-write: a transition copies the state, changes the copy, and returns it
 * with the audit events it records. A state once returned is never changed again, so it is the
 * snapshot its last event writes to the read model, however long that write waits its turn.
 */

/** One audit event, the state it leaves (the read model's snapshot) and the outbox rows it writes. */
export interface Recorded {
  event: AuditEvent;
  snapshot: TaskState;
  notifications: OutboxNotification[];
}

/** A state and the events that led to it from the previous one, in `seq` order. */
export interface Transition {
  state: TaskState;
  recorded: Recorded[];
}

/** The state of a task just launched, before its first event. */
export function initialState(input: Pick<DirectiveTaskInput, 'taskId' | 'launch'>, now: string): TaskState {
  const { launch } = input;
  const dueAt = launch.deadline.kind === 'date' ? new Date(launch.deadline.dueAt).toISOString() : null;
  return {
    taskId: input.taskId,
    directiveNumber: launch.directiveNumber,
    // Absent from launches before the year was part of a task's identity: their rows keep the migrated year.
    ...(launch.directiveYear !== undefined ? { directiveYear: launch.directiveYear, directiveIssuer: launch.directiveIssuer ?? null } : {}),
    ref: launch.ref,
    title: launch.title,
    description: launch.description,
    leadUnit: launch.leadUnit,
    coLeadUnit: launch.coLeadUnit,
    responsibleOfficial: launch.responsibleOfficial,
    coordinatingUnits: launch.coordinatingUnits,
    assignedBy: launch.assignedBy,
    decidedBy: launch.decidedBy,
    standingOffice: launch.standingOffice ?? launchedStandingOffice(launch.directiveNumber, launch.decidedBy),
    expectedResult: launch.expectedResult,
    deadlineKind: launch.deadline.kind,
    recurrence: launch.deadline.kind === 'date' ? null : launch.deadline.rule,
    recurrenceUntil: launch.deadline.kind === 'recurring' && launch.deadline.until ? new Date(launch.deadline.until).toISOString() : null,
    status: 'assigned',
    launchedAt: now,
    acknowledgedAt: null,
    submittedAt: null,
    completedAt: null,
    cancelledAt: null,
    originalDueAt: dueAt,
    dueAt,
    extensionCount: 0,
    pendingExtension: null,
    leadHistory: [{ unitCode: launch.leadUnit, responsibleOfficial: launch.responsibleOfficial, from: now, to: null, reason: null }],
    lateUnits: [],
    outcome: null,
    escalationLevel: 0,
    lastReturnReason: null,
    progress: [],
    evidence: [],
    targets: launch.targets.map((target, i) => ({
      id: target.id ?? `target-${i + 1}`,
      metric: target.metric,
      comparator: target.comparator,
      value: target.value,
      unit: target.unit,
      dueAt: target.dueAt ? new Date(target.dueAt).toISOString() : null,
      measurements: [],
      latestValue: null,
      progress: null,
      met: false,
      metAt: null,
    })),
    reports: { open: [], submittedOnTime: 0, submittedLate: 0, lastClosed: [] },
    notificationsPlanned: 0,
    auditSeq: 0,
  };
}

/** The reminder policy of a task: the province's defaults under the launch's overrides. */
export function policyFor(launch: Pick<CompleteLaunch, 'policy'>): NotificationPolicy {
  return mergePolicy(DEFAULT_NOTIFICATION_POLICY, launch.policy);
}

/** Completed or cancelled: nothing more happens to it. */
export const isClosed = (state: TaskState) => state.status === 'completed' || state.status === 'cancelled';

/** A copy to change; the original stays as it was. */
export function copyOf(state: TaskState): TaskState {
  return JSON.parse(JSON.stringify(state));
}

/** Records an event on a changed copy: it takes the next `seq`, and the copy becomes its snapshot. */
export function recordOn(
  next: TaskState,
  kind: string,
  actor: Actor | null,
  payload: Record<string, unknown>,
  now: string,
  notifications: OutboxNotification[] = [],
): Recorded {
  const event: AuditEvent = {
    seq: ++next.auditSeq,
    kind,
    occurredAt: now,
    actor: actor ? { userId: actor.userId, unitCode: actor.unitCode, roles: actor.roles } : { system: 'workflow' },
    payload,
  };
  return { event, snapshot: next, notifications };
}

/** The change ending in `next` with one event. */
export function single(next: TaskState, recorded: Recorded): Transition {
  return { state: next, recorded: [recorded] };
}

/** Ends the lead period of the unit leading now. */
export function closeLeadPeriod(next: TaskState, at: string): void {
  const current = next.leadHistory[next.leadHistory.length - 1];
  if (current.to === null) current.to = at;
}

/** Whether the unit leading now has just become late: the deadline in force has passed on an open task it leads, and it is not marked yet. */
export function becomesLate(state: TaskState, now: number): boolean {
  if (!state.dueAt || isClosed(state) || state.status === 'submitted' || now < Date.parse(state.dueAt)) return false;
  return !state.lateUnits.includes(state.leadUnit);
}

/** Marks the unit leading now as late when it has just become so; true when that is news. */
export function markLate(next: TaskState, now: number): boolean {
  if (!becomesLate(next, now)) return false;
  next.lateUnits.push(next.leadUnit);
  return true;
}

/** Whether a measured value reaches a target. */
export function satisfies(value: number, comparator: TargetState['comparator'], target: number): boolean {
  return comparator === '>=' ? value >= target : comparator === '<=' ? value <= target : value === target;
}

/** The share of the way to a "at least" target a value has come (0..1); null where a share means nothing. */
export function targetProgress(target: Pick<TargetState, 'value' | 'comparator'>, value: number): number | null {
  return target.value !== 0 && target.comparator === '>=' ? Math.min(1, value / target.value) : null;
}

/** At approval the secretariat accepts every measurement, and a target is met by the first that reaches it. */
export function settleTargets(next: TaskState, now: string): void {
  for (const target of next.targets) {
    for (const measurement of target.measurements) measurement.accepted = true;
    const hit = target.measurements.find((m) => satisfies(m.value, target.comparator, target.value));
    if (hit && !target.met) {
      target.met = true;
      target.metAt = now;
    }
  }
}
