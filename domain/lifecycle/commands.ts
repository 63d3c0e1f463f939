// The commands of a task's life, as one table: where each is allowed, who may give it, what else it
// checks, and what it changes. Zod-free: the workflow registers its Update handlers from this table.
import type * as CommandSchemaModule from '../schemas/task-commands';
import type { Actor, CompleteLaunch } from '../schemas/task';
import type {
  AcknowledgeCommand,
  ApproveCommand,
  CancelCommand,
  DecideExtensionCommand,
  EvidenceCommand,
  ReassignCommand,
  RecordMeasurementCommand,
  ReopenCommand,
  ReportProgressCommand,
  RequestExtensionCommand,
  ReturnCommand,
  SubmitCommand,
  SubmitReportCommand,
} from '../schemas/task-commands';
import { COMMAND_FAILURES, OPEN_STATUSES, type TaskState, type TaskStatus } from '../task';
import { outboxFor, reopenedSuffix } from './outbox';
import { finishRecurring } from './schedule';
import { closeLeadPeriod, copyOf, isClosed, markLate, recordOn, settleTargets, single, targetProgress, type Transition } from './state';

/** Every command a task takes, by the name of its Update. */
export interface TaskCommands {
  acknowledge: AcknowledgeCommand;
  reportProgress: ReportProgressCommand;
  recordMeasurement: RecordMeasurementCommand;
  attachEvidence: EvidenceCommand;
  submit: SubmitCommand;
  approve: ApproveCommand;
  return: ReturnCommand;
  requestExtension: RequestExtensionCommand;
  decideExtension: DecideExtensionCommand;
  reassign: ReassignCommand;
  cancel: CancelCommand;
  submitReport: SubmitReportCommand;
}
export type CommandName = keyof TaskCommands;

/** Why a command is refused; `type` is what the API maps to 409, 403 or 422. */
export interface Refusal {
  type: (typeof COMMAND_FAILURES)[keyof typeof COMMAND_FAILURES];
  message: string;
}

/** What an accepted command changes, beyond the state and its events. */
export interface CommandOutcome extends Transition {
  /** Re-plan reminders and escalations from this instant: what was due before it is history. */
  replanFrom?: string;
  /** The lead unit or the deadline changed: the search attributes follow at once. */
  searchAttributesChanged?: boolean;
}

type Issuer = 'lead' | 'leadOrCoordinating' | 'secretariat';

/** One row of the table. Checks run in order: status, issuer, then `check`. */
export interface CommandRule<C> {
  /** The zod schema in `domain/schemas/task-commands.ts` that the API and the Update validator parse it with. */
  schema: keyof typeof CommandSchemaModule & `${string}Schema`;
  /** The statuses it is allowed in (null: any), and the words for what cannot be done in another. */
  allowedIn: readonly TaskStatus[] | null;
  doing: string;
  /** Who may issue it, and the words for what only they may do. */
  issuer: Issuer;
  issuing: string;
  check?: (state: TaskState, command: C, actor: Actor, now: number) => Refusal | null;
  apply: (state: TaskState, command: C, actor: Actor, now: string) => CommandOutcome;
  /** What may follow once its event is written, judged on the state then: the last report completes a recurring obligation. */
  afterwards?: (state: TaskState, now: string) => Transition | null;
}

const WORKING: readonly TaskStatus[] = ['acknowledged', 'in_progress', 'returned'];
const CLOSED_PERIODS_KEPT = 24;
const PROGRESS_KEPT = 50;

const refused = (type: Refusal['type'], message: string): Refusal => ({ type, message });
const invalid = (message: string) => refused(COMMAND_FAILURES.invalid, message);
const invalidState = (message: string) => refused(COMMAND_FAILURES.invalidState, message);

const isOfficer = (actor: Actor) => actor.roles.includes('unit_officer') || actor.roles.includes('unit_head');
/** An officer or head of the lead (or co-lead) unit. */
export const isLeadActor = (state: TaskState, actor: Actor) =>
  (actor.unitCode === state.leadUnit || actor.unitCode === state.coLeadUnit) && isOfficer(actor);
const isCoordinatingActor = (state: TaskState, actor: Actor) => state.coordinatingUnits.includes(actor.unitCode) && isOfficer(actor);

const ISSUERS: Record<Issuer, { may: (state: TaskState, actor: Actor) => boolean; only: (state: TaskState, issuing: string) => string }> = {
  lead: { may: isLeadActor, only: (state, issuing) => `Chỉ cán bộ của đơn vị chủ trì (${state.leadUnit}) mới được ${issuing}` },
  leadOrCoordinating: {
    may: (state, actor) => isLeadActor(state, actor) || isCoordinatingActor(state, actor),
    only: (_, issuing) => `Chỉ đơn vị chủ trì hoặc phối hợp mới được ${issuing}`,
  },
  secretariat: {
    may: (_, actor) => actor.roles.includes('secretariat'),
    only: (_, issuing) => `Chỉ Cơ quan Thường trực mới được ${issuing}`,
  },
};

function missingEvidence(state: TaskState, evidenceIds: readonly string[]): Refusal | null {
  const missing = evidenceIds.filter((id) => !state.evidence.some((e) => e.evidenceId === id));
  return missing.length ? invalid(`Minh chứng chưa được đính kèm: ${missing.join(', ')}`) : null;
}

/** The one-event change: copy, change, record with the command as payload unless `payload` says otherwise. */
function change(state: TaskState, kind: string, actor: Actor, now: string, edit: (next: TaskState) => Record<string, unknown>): Transition {
  const next = copyOf(state);
  const payload = edit(next);
  return single(next, recordOn(next, kind, actor, payload, now));
}

type Table = { [K in CommandName]: CommandRule<TaskCommands[K]> };

/** The table of commands. */
export const TASK_COMMANDS: Table = {
  acknowledge: {
    schema: 'acknowledgeSchema',
    allowedIn: ['assigned'],
    doing: 'tiếp nhận',
    issuer: 'lead',
    issuing: 'xác nhận tiếp nhận',
    apply: (state, command, actor, now) =>
      change(state, 'acknowledged', actor, now, (next) => {
        next.status = 'acknowledged';
        next.acknowledgedAt = now;
        return command;
      }),
  },
  reportProgress: {
    schema: 'reportProgressSchema',
    allowedIn: WORKING,
    doing: 'báo cáo tiến độ',
    issuer: 'leadOrCoordinating',
    issuing: 'báo cáo tiến độ',
    apply: (state, command, actor, now) =>
      change(state, 'progress_reported', actor, now, (next) => {
        if (isLeadActor(next, actor)) next.status = 'in_progress';
        next.progress.push({ at: now, by: actor.userId, unitCode: actor.unitCode, text: command.text, percent: command.percent });
        if (next.progress.length > PROGRESS_KEPT) next.progress.splice(0, next.progress.length - PROGRESS_KEPT);
        return command;
      }),
  },
  attachEvidence: {
    schema: 'evidenceSchema',
    allowedIn: [...WORKING, 'assigned'],
    doing: 'bổ sung minh chứng',
    issuer: 'leadOrCoordinating',
    issuing: 'bổ sung minh chứng',
    check: (state, command) =>
      state.evidence.some((e) => e.evidenceId === command.evidenceId)
        ? invalidState(`Minh chứng ${command.evidenceId} đã được đính kèm`)
        : null,
    apply: (state, command, actor, now) =>
      change(state, 'evidence_attached', actor, now, (next) => {
        next.evidence.push({ ...command, attachedBy: actor.userId, unitCode: actor.unitCode, attachedAt: now });
        return command;
      }),
  },
  recordMeasurement: {
    schema: 'recordMeasurementSchema',
    allowedIn: WORKING,
    doing: 'ghi nhận số liệu',
    issuer: 'leadOrCoordinating',
    issuing: 'ghi nhận số liệu',
    check: (state, command) =>
      state.targets.some((t) => t.id === command.targetId)
        ? missingEvidence(state, command.evidenceIds)
        : invalid(`Không có chỉ tiêu ${command.targetId}`),
    apply: (state, command, actor, now) =>
      change(state, 'measurement_recorded', actor, now, (next) => {
        const target = next.targets.find((t) => t.id === command.targetId)!;
        const seq = target.measurements.length + 1;
        target.measurements.push({
          seq,
          value: command.value,
          measuredOn: command.measuredOn,
          evidenceIds: command.evidenceIds,
          note: command.note,
          recordedBy: actor.userId,
          unitCode: actor.unitCode,
          recordedAt: now,
          accepted: false,
        });
        target.latestValue = command.value;
        target.progress = targetProgress(target, command.value);
        if (isLeadActor(next, actor)) next.status = 'in_progress';
        return { ...command, seq };
      }),
  },
  submit: {
    schema: 'submitSchema',
    allowedIn: WORKING,
    doing: 'đề nghị hoàn thành',
    issuer: 'lead',
    issuing: 'đề nghị hoàn thành',
    check: (state, command) => {
      if (state.deadlineKind !== 'date')
        return invalidState('Nhiệm vụ định kỳ/thường xuyên được báo cáo theo kỳ, không đề nghị hoàn thành');
      const missing = missingEvidence(state, command.evidenceIds);
      if (missing) return missing;
      return command.evidenceIds.length === 0 && state.evidence.length === 0 ? invalid('Đề nghị hoàn thành phải kèm minh chứng') : null;
    },
    apply: (state, command, actor, now) =>
      change(state, 'submitted', actor, now, (next) => {
        next.status = 'submitted';
        next.submittedAt = now;
        return command;
      }),
  },
  approve: {
    schema: 'approveSchema',
    allowedIn: ['submitted'],
    doing: 'duyệt hoàn thành',
    issuer: 'secretariat',
    issuing: 'duyệt hoàn thành',
    apply: (state, command, actor, now) => {
      const next = copyOf(state);
      // Lateness is judged by when the unit claimed completion, against the deadline in force.
      const claimedAt = next.submittedAt ?? now;
      next.status = 'completed';
      next.completedAt = now;
      next.outcome = next.dueAt && Date.parse(claimedAt) > Date.parse(next.dueAt) ? 'completed_late' : 'completed_on_time';
      settleTargets(next, now);
      closeLeadPeriod(next, now);
      const payload = {
        ...command,
        outcome: next.outcome,
        claimedAt,
        dueAt: next.dueAt,
        targetsMet: next.targets.filter((t) => t.met).map((t) => t.id),
      };
      const notes = outboxFor(next, 'approved', `approved${reopenedSuffix(next)}`, ['lead_unit'], { level: null, event: payload }, now);
      return single(next, recordOn(next, 'approved', actor, payload, now, notes));
    },
  },
  return: {
    schema: 'returnSchema',
    allowedIn: ['submitted'],
    doing: 'trả lại',
    issuer: 'secretariat',
    issuing: 'trả lại đề nghị hoàn thành',
    apply: (state, command, actor, now) => {
      const next = copyOf(state);
      next.status = 'returned';
      next.lastReturnReason = command.reason;
      const notes = outboxFor(next, 'returned', `returned-${next.auditSeq + 1}`, ['lead_unit'], { level: null, event: command }, now);
      return single(next, recordOn(next, 'returned', actor, command, now, notes));
    },
  },
  requestExtension: {
    schema: 'requestExtensionSchema',
    allowedIn: ['assigned', ...WORKING],
    doing: 'xin gia hạn',
    issuer: 'lead',
    issuing: 'xin gia hạn',
    check: (state, command, _actor, now) => {
      if (state.deadlineKind !== 'date' || !state.dueAt) return invalidState('Nhiệm vụ không có thời hạn cụ thể để gia hạn');
      if (state.pendingExtension) return invalidState('Đã có một đề nghị gia hạn đang chờ quyết định');
      if (Date.parse(command.requestedDueAt) <= now) return invalid('Thời hạn đề nghị phải ở tương lai');
      if (Date.parse(command.requestedDueAt) <= Date.parse(state.dueAt)) return invalid('Thời hạn đề nghị phải sau thời hạn hiện tại');
      return null;
    },
    apply: (state, command, actor, now) =>
      change(state, 'extension_requested', actor, now, (next) => {
        next.pendingExtension = {
          requestedDueAt: new Date(command.requestedDueAt).toISOString(),
          reason: command.reason,
          requestedBy: actor.userId,
          requestedAt: now,
        };
        return command;
      }),
  },
  decideExtension: {
    schema: 'decideExtensionSchema',
    allowedIn: null,
    doing: 'quyết định gia hạn',
    issuer: 'secretariat',
    issuing: 'quyết định gia hạn',
    check: (state, command, _actor, now) => {
      if (!state.pendingExtension) return invalidState('Không có đề nghị gia hạn nào đang chờ');
      if (isClosed(state)) return invalidState('Nhiệm vụ đã kết thúc');
      if (!command.approve && !command.reason) return invalid('Từ chối gia hạn phải nêu lý do');
      const newDue = command.newDueAt ?? state.pendingExtension.requestedDueAt;
      if (!command.approve) return null;
      if (Date.parse(newDue) <= now) return invalid('Thời hạn mới phải ở tương lai');
      // A validator rule: it refuses before anything enters history, so running workflows replay unchanged.
      return state.dueAt && Date.parse(newDue) <= Date.parse(state.dueAt)
        ? invalid('Gia hạn phải đưa thời hạn mới về sau thời hạn hiện tại; muốn rút ngắn thời hạn thì không dùng gia hạn')
        : null;
    },
    apply: (state, command, actor, now) => {
      const next = copyOf(state);
      const request = next.pendingExtension!;
      const previousDueAt = next.dueAt;
      next.pendingExtension = null;
      if (command.approve) {
        next.dueAt = new Date(command.newDueAt ?? request.requestedDueAt).toISOString();
        next.extensionCount++;
        next.escalationLevel = 0;
      }
      const payload = {
        ...command,
        previousDueAt,
        dueAt: next.dueAt,
        requestedDueAt: request.requestedDueAt,
        requestReason: request.reason,
        extensionCount: next.extensionCount,
      };
      const notes = outboxFor(
        next,
        'extension_decided',
        `extension-${next.auditSeq + 1}`,
        ['lead_unit'],
        { level: null, event: payload },
        now,
      );
      const recorded = recordOn(next, command.approve ? 'extension_approved' : 'extension_denied', actor, payload, now, notes);
      // An approved extension restarts the ladder: the plan is rebuilt from the new deadline.
      return { ...single(next, recorded), replanFrom: command.approve ? now : undefined, searchAttributesChanged: true };
    },
  },
  reassign: {
    schema: 'reassignSchema',
    allowedIn: OPEN_STATUSES,
    doing: 'giao lại',
    issuer: 'secretariat',
    issuing: 'giao lại nhiệm vụ',
    check: (state, command) => (command.newLeadUnit === state.leadUnit ? invalid('Đơn vị mới trùng đơn vị đang chủ trì') : null),
    apply: (state, command, actor, now) => {
      const next = copyOf(state);
      const previousLeadUnit = next.leadUnit;
      closeLeadPeriod(next, now);
      next.leadHistory[next.leadHistory.length - 1].reason = command.reason;
      next.leadUnit = command.newLeadUnit;
      next.responsibleOfficial = command.responsibleOfficial;
      next.coordinatingUnits = next.coordinatingUnits.filter((u) => u !== command.newLeadUnit);
      next.leadHistory.push({
        unitCode: command.newLeadUnit,
        responsibleOfficial: command.responsibleOfficial,
        from: now,
        to: null,
        reason: null,
      });
      // The new unit must acknowledge afresh; taking over a task already overdue makes it late too.
      if (next.status !== 'submitted') next.status = 'assigned';
      next.acknowledgedAt = null;
      markLate(next, Date.parse(now));
      const payload = { ...command, previousLeadUnit };
      const notes = outboxFor(next, 'reassigned', `reassigned-${next.auditSeq + 1}`, ['lead_unit'], { level: null, event: payload }, now);
      return { ...single(next, recordOn(next, 'reassigned', actor, payload, now, notes)), replanFrom: now, searchAttributesChanged: true };
    },
  },
  cancel: {
    schema: 'cancelSchema',
    allowedIn: OPEN_STATUSES,
    doing: 'hủy',
    issuer: 'secretariat',
    issuing: 'hủy nhiệm vụ',
    apply: (state, command, actor, now) => {
      const next = copyOf(state);
      next.status = 'cancelled';
      next.cancelledAt = now;
      closeLeadPeriod(next, now);
      const notes = outboxFor(
        next,
        'cancelled',
        `cancelled${reopenedSuffix(next)}`,
        ['lead_unit', 'coordinating_units'],
        { level: null, event: command },
        now,
      );
      return single(next, recordOn(next, 'cancelled', actor, command, now, notes));
    },
  },
  submitReport: {
    schema: 'submitReportSchema',
    allowedIn: ['assigned', ...WORKING],
    doing: 'nộp báo cáo định kỳ',
    issuer: 'lead',
    issuing: 'nộp báo cáo định kỳ',
    check: (state, command) =>
      state.reports.open.some((p) => p.key === command.periodKey)
        ? null
        : invalid(
            `Kỳ báo cáo ${command.periodKey} không mở (các kỳ đang mở: ${state.reports.open.map((p) => p.key).join(', ') || 'không có'})`,
          ),
    apply: (state, command, actor, now) =>
      change(state, 'report_submitted', actor, now, (next) => {
        const period = next.reports.open.find((p) => p.key === command.periodKey)!;
        period.submittedAt = now;
        period.onTime = Date.parse(now) <= Date.parse(period.due);
        if (period.onTime) next.reports.submittedOnTime++;
        else next.reports.submittedLate++;
        next.reports.open = next.reports.open.filter((p) => p !== period);
        next.reports.lastClosed.push(period);
        if (next.reports.lastClosed.length > CLOSED_PERIODS_KEPT) next.reports.lastClosed.shift();
        if (next.status === 'assigned' || next.status === 'acknowledged') next.status = 'in_progress';
        return { ...command, due: period.due, onTime: period.onTime };
      }),
    afterwards: finishRecurring,
  },
};

/**
 * Reopening a completed or cancelled task that must be done again: not an Update (a closed workflow
 * takes none) but the first act of a new run of the same workflow, carrying the closed state, so the
 * same task and chain continue (`services/task-reopen.ts`). Its checks are the table's.
 */
export const REOPEN: CommandRule<ReopenCommand> = {
  schema: 'reopenSchema',
  allowedIn: ['completed', 'cancelled'],
  doing: 'mở lại',
  issuer: 'secretariat',
  issuing: 'mở lại nhiệm vụ',
  check: (state, command, _actor, now) => {
    if (state.deadlineKind !== 'date') return invalidState('Chỉ mở lại được nhiệm vụ có thời hạn cụ thể');
    return Date.parse(command.newDueAt) <= now ? invalid('Thời hạn mới phải ở tương lai') : null;
  },
  apply: (state, command, actor, now) => {
    const next = copyOf(state);
    const previousStatus = next.status;
    const previousDueAt = next.dueAt;
    next.reopenCount = (next.reopenCount ?? 0) + 1;
    next.status = next.acknowledgedAt ? 'in_progress' : 'assigned';
    next.dueAt = new Date(command.newDueAt).toISOString();
    next.submittedAt = null;
    next.completedAt = null;
    next.cancelledAt = null;
    next.outcome = null;
    next.pendingExtension = null;
    next.escalationLevel = 0;
    // The unit leads again from now: the time between closing and reopening is no one's.
    next.leadHistory.push({ unitCode: next.leadUnit, responsibleOfficial: next.responsibleOfficial, from: now, to: null, reason: null });
    const payload = { ...command, previousStatus, previousDueAt, dueAt: next.dueAt, reopenCount: next.reopenCount };
    const notes = outboxFor(next, 'reopened', `reopened-${next.auditSeq + 1}`, ['lead_unit'], { level: null, event: payload }, now);
    return { ...single(next, recordOn(next, 'reopened', actor, payload, now, notes)), replanFrom: now, searchAttributesChanged: true };
  },
};

/** Why this actor may not reopen this task now, or null when it may. */
export const reopenRefusal = (state: TaskState, command: ReopenCommand, actor: Actor, now: number) =>
  refusalByRule(REOPEN, state, command, actor, now);

/**
 * The launch, the first event of every task: the lead and coordinating units hear of their assignment.
 * The official who launched it is its actor (histories started before the API passed one name the workflow).
 */
export function recordLaunch(state: TaskState, launch: CompleteLaunch, now: string, launchedBy?: Actor | null): Transition {
  const next = copyOf(state);
  const notes = outboxFor(next, 'assigned', 'assigned', ['lead_unit', 'coordinating_units'], { level: null, event: {} }, now);
  return single(next, recordOn(next, 'launched', launchedBy ?? null, { launch }, now, notes));
}

/** The command names, in the table's order. */
export const COMMAND_NAMES = Object.keys(TASK_COMMANDS) as CommandName[];

/** Why this actor may not give this command to a task in this state now, or null when it may. */
export function refusalOf<K extends CommandName>(
  name: K,
  state: TaskState,
  command: TaskCommands[K],
  actor: Actor,
  now: number,
): Refusal | null {
  return refusalByRule<TaskCommands[K]>(TASK_COMMANDS[name], state, command, actor, now);
}

function refusalByRule<C>(rule: CommandRule<C>, state: TaskState, command: C, actor: Actor, now: number): Refusal | null {
  if (rule.allowedIn && !rule.allowedIn.includes(state.status))
    return invalidState(`Không thể ${rule.doing} khi nhiệm vụ đang ở trạng thái "${state.status}"`);
  const issuer = ISSUERS[rule.issuer];
  if (!issuer.may(state, actor)) return refused(COMMAND_FAILURES.forbidden, issuer.only(state, rule.issuing));
  return rule.check?.(state, command, actor, now) ?? null;
}

/** The accepted command's change: the new state, its events and outbox rows, and what the workflow must redo. */
export function applyCommand<K extends CommandName>(
  name: K,
  state: TaskState,
  command: TaskCommands[K],
  actor: Actor,
  now: string,
): CommandOutcome {
  const rule: CommandRule<TaskCommands[K]> = TASK_COMMANDS[name];
  return rule.apply(state, command, actor, now);
}
