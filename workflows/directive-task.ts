import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { createActivities } from '../activities';
// The zod-free halves of the domain modules: each cached workflow evaluates its own copy of every
// module it imports at load, and zod schemas cost about a megabyte per copy (bench/RESULTS.md, P5).
import { WorkingCalendar, type CalendarData } from '../domain/calendar';
import { DEFAULT_NOTIFICATION_POLICY, DEFAULT_REPORT_POLICY, mergePolicy, nextNotification, nextReportNotification, notificationsBetween, reportNotificationsBetween, type NotificationPolicy, type PlannedNotification, type RecipientRole, type ScheduleInput } from '../domain/policy';
import { nextPeriod, type Period } from '../domain/recurrence';
import { EVENT_SUBJECTS_VI, plannedMessage } from '../domain/notification-text';
import type { Actor } from '../domain/schemas/task';
import { COMMAND_FAILURES, OPEN_STATUSES, type AuditEvent, type DirectiveTaskInput, type Envelope, type OutboxNotification, type ReportPeriodState, type TaskState, type TaskStatus } from '../domain/task';
import * as messages from './messages';
import { AssignmentStatus, DirectiveNumber, DueAt, LeadUnit } from './search-attributes';

const { recordEvent, loadCalendar } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  // No attempt limit: a database outage delays the record, it never loses it.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Continue as new well before Temporal's own limits, so a years-long obligation stays small. */
const HISTORY_EVENTS_LIMIT = 5_000;
const CLOSED_PERIODS_KEPT = 24;

const nowIso = () => new Date().toISOString();

function fail(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

type CommandSchemas = typeof import('../domain/schemas/task-commands');

/**
 * The command schemas (the API's), loaded on a workflow's first command: webpack evaluates a
 * `require` inside a function when it is first called, into this workflow's own module cache, and
 * answers later calls from that cache. So only workflows that receive commands build the schemas,
 * and an idle cached workflow holds none. Loading sends nothing to the server: replays are unaffected.
 */
function commandSchemas(): CommandSchemas {
  return require('../domain/schemas/task-commands');
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    fail(COMMAND_FAILURES.invalid, `Lệnh không hợp lệ: ${result.error.issues.map((i) => `${i.path.join('.') || '(lệnh)'}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

function initialState(input: DirectiveTaskInput): TaskState {
  const l = input.launch;
  const launchedAt = nowIso();
  const dueAt = l.deadline.kind === 'date' ? new Date(l.deadline.dueAt).toISOString() : null;
  return {
    taskId: input.taskId,
    directiveNumber: l.directiveNumber,
    ref: l.ref,
    title: l.title,
    description: l.description,
    leadUnit: l.leadUnit,
    coLeadUnit: l.coLeadUnit,
    responsibleOfficial: l.responsibleOfficial,
    coordinatingUnits: l.coordinatingUnits,
    assignedBy: l.assignedBy,
    decidedBy: l.decidedBy,
    expectedResult: l.expectedResult,
    deadlineKind: l.deadline.kind,
    recurrence: l.deadline.kind === 'date' ? null : l.deadline.rule,
    recurrenceUntil: l.deadline.kind === 'recurring' && l.deadline.until ? new Date(l.deadline.until).toISOString() : null,
    status: 'assigned',
    launchedAt,
    acknowledgedAt: null,
    submittedAt: null,
    completedAt: null,
    cancelledAt: null,
    originalDueAt: dueAt,
    dueAt,
    extensionCount: 0,
    pendingExtension: null,
    leadHistory: [{ unitCode: l.leadUnit, responsibleOfficial: l.responsibleOfficial, from: launchedAt, to: null, reason: null }],
    lateUnits: [],
    outcome: null,
    escalationLevel: 0,
    lastReturnReason: null,
    progress: [],
    evidence: [],
    targets: l.targets.map((t, i) => ({
      id: t.id ?? `target-${i + 1}`,
      metric: t.metric,
      comparator: t.comparator,
      value: t.value,
      unit: t.unit,
      dueAt: t.dueAt ? new Date(t.dueAt).toISOString() : null,
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

const isClosed = (s: TaskState) => s.status === 'completed' || s.status === 'cancelled';
const satisfies = (value: number, comparator: '>=' | '<=' | '=', target: number) =>
  comparator === '>=' ? value >= target : comparator === '<=' ? value <= target : value === target;

/** One directive item carried from launch to done: deadline, reminders, escalation, review, reports, targets. */
export async function directiveTask(input: DirectiveTaskInput): Promise<TaskState> {
  const { launch, taskId } = input;
  const state: TaskState = input.carried?.state ?? initialState(input);
  // Notifications planned at or before the cursor have been handled; the cursor only moves forward.
  let cursor = input.carried?.cursor ?? state.launchedAt;
  // Bumped by every accepted command, so the main loop re-plans its next wake-up.
  let changes = 0;
  const policy: NotificationPolicy = mergePolicy(DEFAULT_NOTIFICATION_POLICY, launch.policy);

  // ---- the record: one activity per event, strictly in sequence (the hash chain needs order) ----
  let writes: Promise<unknown> = Promise.resolve();
  function record(kind: string, actor: Actor | null, payload: Record<string, unknown>, notifications: OutboxNotification[] = []): Promise<void> {
    const event: AuditEvent = {
      seq: ++state.auditSeq,
      kind,
      occurredAt: nowIso(),
      actor: actor ? { userId: actor.userId, unitCode: actor.unitCode, roles: actor.roles } : { system: 'workflow' },
      payload,
    };
    // A copy: the state keeps changing while the write waits its turn.
    const snapshot: TaskState = JSON.parse(JSON.stringify(state));
    const write = writes.then(async () => {
      await recordEvent({ taskId, event, snapshot, notifications });
    });
    writes = write.catch(() => undefined);
    return write;
  }

  function recipientUnit(role: RecipientRole): string[] {
    switch (role) {
      case 'lead_unit':
      case 'lead_unit_head':
        return state.coLeadUnit ? [state.leadUnit, state.coLeadUnit] : [state.leadUnit];
      case 'coordinating_units':
        return state.coordinatingUnits;
      case 'standing_office':
        return [state.decidedBy];
      default:
        return [];
    }
  }

  function outboxFor(kind: OutboxNotification['kind'], step: string, level: number | null, roles: RecipientRole[], subject: string, body: string): OutboxNotification[] {
    const scheduledAt = nowIso();
    return roles.flatMap((role) => {
      const units: (string | null)[] = recipientUnit(role);
      return (units.length ? units : [null]).map((unit) => ({
        key: `${taskId}/${kind}/${step}/${role}/${unit ?? '-'}`,
        kind,
        step,
        level,
        recipientRole: role,
        recipientUnit: unit,
        scheduledAt,
        subject,
        body,
      }));
    });
  }

  // ---- launch: recorded (seq 1) before any handler is registered. An Update that came with the first
  // activation runs as soon as setHandler registers its handler, before the code below it: recorded
  // later, the launch would follow that Update's event in the trail (an 'acknowledged' before 'launched').
  const launched = input.carried
    ? Promise.resolve()
    : record('launched', null, { launch }, outboxFor('assigned', 'assigned', null, ['lead_unit', 'coordinating_units'], EVENT_SUBJECTS_VI.assigned(state.ref), `Nhiệm vụ ${state.ref} (Văn bản số ${state.directiveNumber}): ${state.title}. Đơn vị chủ trì: ${state.leadUnit}.`));

  // ---- calendar: loaded through an activity so replays see exactly the calendar the run used.
  // Loaded after every handler is registered: an Update may arrive with the first activation.
  let calendarData: CalendarData | null = null;
  let calendar: WorkingCalendar = new WorkingCalendar({ holidays: [], extraWorkingDays: [], extraDaysOff: [], coveredYears: [] });
  async function ensureCalendarCovers(instant: number) {
    const year = new Date(instant + 7 * 3600_000).getUTCFullYear();
    if (calendarData?.coveredYears?.includes(year + 1)) return;
    calendarData = await loadCalendar({ years: yearsAround(year) });
    calendar = new WorkingCalendar(calendarData);
  }

  function scheduleInput(): ScheduleInput {
    return {
      launchedAt: state.launchedAt,
      dueAt: state.deadlineKind === 'date' ? state.dueAt : null,
      acknowledgedAt: state.acknowledgedAt,
      // While a claim awaits review the ball is in the secretariat's court: no reminders to the unit.
      closed: isClosed(state) || state.status === 'submitted',
      policy,
    };
  }

  // ---- validators' shared checks ----
  const isSecretariat = (a: Actor) => a.roles.includes('secretariat');
  const isLeadActor = (a: Actor) => (a.unitCode === state.leadUnit || a.unitCode === state.coLeadUnit) && (a.roles.includes('unit_officer') || a.roles.includes('unit_head'));
  const isCoordinatingActor = (a: Actor) => state.coordinatingUnits.includes(a.unitCode) && (a.roles.includes('unit_officer') || a.roles.includes('unit_head'));
  function requireStatus(allowed: readonly TaskStatus[], what: string) {
    if (!allowed.includes(state.status)) fail(COMMAND_FAILURES.invalidState, `Không thể ${what} khi nhiệm vụ đang ở trạng thái "${state.status}"`);
  }
  function requireLead(a: Actor, what: string) {
    if (!isLeadActor(a)) fail(COMMAND_FAILURES.forbidden, `Chỉ cán bộ của đơn vị chủ trì (${state.leadUnit}) mới được ${what}`);
  }
  function requireLeadOrCoordinating(a: Actor, what: string) {
    if (!isLeadActor(a) && !isCoordinatingActor(a)) fail(COMMAND_FAILURES.forbidden, `Chỉ đơn vị chủ trì hoặc phối hợp mới được ${what}`);
  }
  function requireSecretariat(a: Actor, what: string) {
    if (!isSecretariat(a)) fail(COMMAND_FAILURES.forbidden, `Chỉ Cơ quan Thường trực mới được ${what}`);
  }
  const working: readonly TaskStatus[] = ['acknowledged', 'in_progress', 'returned'];

  function command<C>(
    def: UpdateDefinition<TaskState, [Envelope<C>]>,
    schemaOf: (schemas: CommandSchemas) => z.ZodType<C>,
    validate: (actor: Actor, c: C) => void,
    apply: (actor: Actor, c: C) => Promise<void>,
  ) {
    const schema = () => schemaOf(commandSchemas());
    setHandler(
      def,
      async ({ actor, command: raw }) => {
        await apply(actor, schema().parse(raw));
        changes++;
        return state;
      },
      {
        validator: (envelope) => {
          if (!envelope || typeof envelope !== 'object' || !envelope.actor) fail(COMMAND_FAILURES.invalid, 'Thiếu người thực hiện lệnh');
          validate(envelope.actor, parse(schema(), envelope.command));
        },
      },
    );
  }

  setHandler(messages.getStateQuery, () => state);

  command(
    messages.acknowledgeUpdate,
    (s) => s.acknowledgeSchema,
    (a) => {
      requireStatus(['assigned'], 'tiếp nhận');
      requireLead(a, 'xác nhận tiếp nhận');
    },
    async (a, c) => {
      state.status = 'acknowledged';
      state.acknowledgedAt = nowIso();
      await record('acknowledged', a, c);
    },
  );

  command(
    messages.reportProgressUpdate,
    (s) => s.reportProgressSchema,
    (a) => {
      requireStatus(working, 'báo cáo tiến độ');
      requireLeadOrCoordinating(a, 'báo cáo tiến độ');
    },
    async (a, c) => {
      if (isLeadActor(a)) state.status = 'in_progress';
      state.progress.push({ at: nowIso(), by: a.userId, unitCode: a.unitCode, text: c.text, percent: c.percent });
      if (state.progress.length > 50) state.progress.splice(0, state.progress.length - 50);
      await record('progress_reported', a, c);
    },
  );

  command(
    messages.attachEvidenceUpdate,
    (s) => s.evidenceSchema,
    (a, c) => {
      requireStatus([...working, 'assigned'], 'bổ sung minh chứng');
      requireLeadOrCoordinating(a, 'bổ sung minh chứng');
      if (state.evidence.some((e) => e.evidenceId === c.evidenceId)) fail(COMMAND_FAILURES.invalidState, `Minh chứng ${c.evidenceId} đã được đính kèm`);
    },
    async (a, c) => {
      state.evidence.push({ ...c, attachedBy: a.userId, unitCode: a.unitCode, attachedAt: nowIso() });
      await record('evidence_attached', a, c);
    },
  );

  command(
    messages.recordMeasurementUpdate,
    (s) => s.recordMeasurementSchema,
    (a, c) => {
      requireStatus(working, 'ghi nhận số liệu');
      requireLeadOrCoordinating(a, 'ghi nhận số liệu');
      if (!state.targets.some((t) => t.id === c.targetId)) fail(COMMAND_FAILURES.invalid, `Không có chỉ tiêu ${c.targetId}`);
      const missing = c.evidenceIds.filter((id) => !state.evidence.some((e) => e.evidenceId === id));
      if (missing.length) fail(COMMAND_FAILURES.invalid, `Minh chứng chưa được đính kèm: ${missing.join(', ')}`);
    },
    async (a, c) => {
      const target = state.targets.find((t) => t.id === c.targetId)!;
      const seq = target.measurements.length + 1;
      target.measurements.push({ seq, value: c.value, measuredOn: c.measuredOn, evidenceIds: c.evidenceIds, note: c.note, recordedBy: a.userId, unitCode: a.unitCode, recordedAt: nowIso(), accepted: false });
      target.latestValue = c.value;
      target.progress = target.value !== 0 && target.comparator === '>=' ? Math.min(1, c.value / target.value) : null;
      if (isLeadActor(a)) state.status = 'in_progress';
      await record('measurement_recorded', a, { ...c, seq });
    },
  );

  command(
    messages.submitUpdate,
    (s) => s.submitSchema,
    (a, c) => {
      requireStatus(working, 'đề nghị hoàn thành');
      requireLead(a, 'đề nghị hoàn thành');
      if (state.deadlineKind !== 'date') fail(COMMAND_FAILURES.invalidState, 'Nhiệm vụ định kỳ/thường xuyên được báo cáo theo kỳ, không đề nghị hoàn thành');
      const missing = c.evidenceIds.filter((id) => !state.evidence.some((e) => e.evidenceId === id));
      if (missing.length) fail(COMMAND_FAILURES.invalid, `Minh chứng chưa được đính kèm: ${missing.join(', ')}`);
      if (c.evidenceIds.length === 0 && state.evidence.length === 0) fail(COMMAND_FAILURES.invalid, 'Đề nghị hoàn thành phải kèm minh chứng');
    },
    async (a, c) => {
      state.status = 'submitted';
      state.submittedAt = nowIso();
      await record('submitted', a, c);
    },
  );

  command(
    messages.approveUpdate,
    (s) => s.approveSchema,
    (a) => {
      requireStatus(['submitted'], 'duyệt hoàn thành');
      requireSecretariat(a, 'duyệt hoàn thành');
    },
    async (a, c) => {
      const now = nowIso();
      // Lateness is judged by when the unit claimed completion, against the deadline in force.
      const claimedAt = state.submittedAt ?? now;
      state.status = 'completed';
      state.completedAt = now;
      state.outcome = state.dueAt && Date.parse(claimedAt) > Date.parse(state.dueAt) ? 'completed_late' : 'completed_on_time';
      for (const t of state.targets) {
        for (const m of t.measurements) m.accepted = true;
        const hit = t.measurements.find((m) => satisfies(m.value, t.comparator, t.value));
        if (hit && !t.met) {
          t.met = true;
          t.metAt = now;
        }
      }
      closeLeadPeriod(now);
      await record('approved', a, { ...c, outcome: state.outcome, claimedAt, dueAt: state.dueAt, targetsMet: state.targets.filter((t) => t.met).map((t) => t.id) }, outboxFor('approved', 'approved', null, ['lead_unit'], EVENT_SUBJECTS_VI.approved(state.ref), `Nhiệm vụ ${state.ref} (${state.title}) đã được Cơ quan Thường trực duyệt hoàn thành.`));
    },
  );

  command(
    messages.returnUpdate,
    (s) => s.returnSchema,
    (a) => {
      requireStatus(['submitted'], 'trả lại');
      requireSecretariat(a, 'trả lại đề nghị hoàn thành');
    },
    async (a, c) => {
      state.status = 'returned';
      state.lastReturnReason = c.reason;
      await record('returned', a, c, outboxFor('returned', `returned-${state.auditSeq + 1}`, null, ['lead_unit'], EVENT_SUBJECTS_VI.returned(state.ref), `Nhiệm vụ ${state.ref} (${state.title}) bị trả lại. Lý do: ${c.reason}`));
    },
  );

  command(
    messages.requestExtensionUpdate,
    (s) => s.requestExtensionSchema,
    (a, c) => {
      requireStatus(['assigned', ...working], 'xin gia hạn');
      requireLead(a, 'xin gia hạn');
      if (state.deadlineKind !== 'date' || !state.dueAt) fail(COMMAND_FAILURES.invalidState, 'Nhiệm vụ không có thời hạn cụ thể để gia hạn');
      if (state.pendingExtension) fail(COMMAND_FAILURES.invalidState, 'Đã có một đề nghị gia hạn đang chờ quyết định');
      if (Date.parse(c.requestedDueAt) <= Date.now()) fail(COMMAND_FAILURES.invalid, 'Thời hạn đề nghị phải ở tương lai');
      if (Date.parse(c.requestedDueAt) <= Date.parse(state.dueAt)) fail(COMMAND_FAILURES.invalid, 'Thời hạn đề nghị phải sau thời hạn hiện tại');
    },
    async (a, c) => {
      state.pendingExtension = { requestedDueAt: new Date(c.requestedDueAt).toISOString(), reason: c.reason, requestedBy: a.userId, requestedAt: nowIso() };
      await record('extension_requested', a, c);
    },
  );

  command(
    messages.decideExtensionUpdate,
    (s) => s.decideExtensionSchema,
    (a, c) => {
      requireSecretariat(a, 'quyết định gia hạn');
      if (!state.pendingExtension) fail(COMMAND_FAILURES.invalidState, 'Không có đề nghị gia hạn nào đang chờ');
      if (isClosed(state)) fail(COMMAND_FAILURES.invalidState, 'Nhiệm vụ đã kết thúc');
      if (!c.approve && !c.reason) fail(COMMAND_FAILURES.invalid, 'Từ chối gia hạn phải nêu lý do');
      const newDue = c.newDueAt ?? state.pendingExtension.requestedDueAt;
      if (c.approve && Date.parse(newDue) <= Date.now()) fail(COMMAND_FAILURES.invalid, 'Thời hạn mới phải ở tương lai');
    },
    async (a, c) => {
      const request = state.pendingExtension!;
      state.pendingExtension = null;
      const previousDueAt = state.dueAt;
      if (c.approve) {
        state.dueAt = new Date(c.newDueAt ?? request.requestedDueAt).toISOString();
        state.extensionCount++;
        state.escalationLevel = 0;
        // The plan is rebuilt from the new deadline; what was due before now is history.
        cursor = nowIso();
      }
      await record(
        c.approve ? 'extension_approved' : 'extension_denied',
        a,
        { ...c, previousDueAt, dueAt: state.dueAt, requestedDueAt: request.requestedDueAt, requestReason: request.reason, extensionCount: state.extensionCount },
        outboxFor('extension_decided', `extension-${state.auditSeq + 1}`, null, ['lead_unit'], EVENT_SUBJECTS_VI.extension_decided(state.ref, c.approve), c.approve ? `Thời hạn mới: ${state.dueAt}` : `Lý do: ${c.reason}`),
      );
      await updateSearchAttributes();
    },
  );

  command(
    messages.reassignUpdate,
    (s) => s.reassignSchema,
    (a, c) => {
      requireStatus(OPEN_STATUSES, 'giao lại');
      requireSecretariat(a, 'giao lại nhiệm vụ');
      if (c.newLeadUnit === state.leadUnit) fail(COMMAND_FAILURES.invalid, 'Đơn vị mới trùng đơn vị đang chủ trì');
    },
    async (a, c) => {
      const now = nowIso();
      const previous = state.leadUnit;
      closeLeadPeriod(now);
      state.leadHistory[state.leadHistory.length - 1].reason = c.reason;
      state.leadUnit = c.newLeadUnit;
      state.responsibleOfficial = c.responsibleOfficial;
      state.coordinatingUnits = state.coordinatingUnits.filter((u) => u !== c.newLeadUnit);
      state.leadHistory.push({ unitCode: c.newLeadUnit, responsibleOfficial: c.responsibleOfficial, from: now, to: null, reason: null });
      // The new unit must acknowledge afresh.
      if (state.status !== 'submitted') state.status = 'assigned';
      state.acknowledgedAt = null;
      cursor = now;
      markOverdue(Date.parse(now));
      await record('reassigned', a, { ...c, previousLeadUnit: previous }, outboxFor('reassigned', `reassigned-${state.auditSeq + 1}`, null, ['lead_unit'], EVENT_SUBJECTS_VI.reassigned(state.ref), `Nhiệm vụ ${state.ref} (${state.title}) được giao cho đơn vị ${c.newLeadUnit} chủ trì. Lý do: ${c.reason}`));
      await updateSearchAttributes();
    },
  );

  command(
    messages.cancelUpdate,
    (s) => s.cancelSchema,
    (a) => {
      requireStatus(OPEN_STATUSES, 'hủy');
      requireSecretariat(a, 'hủy nhiệm vụ');
    },
    async (a, c) => {
      state.status = 'cancelled';
      state.cancelledAt = nowIso();
      closeLeadPeriod(state.cancelledAt);
      await record('cancelled', a, c, outboxFor('cancelled', 'cancelled', null, ['lead_unit', 'coordinating_units'], EVENT_SUBJECTS_VI.cancelled(state.ref), `Nhiệm vụ ${state.ref} (${state.title}) đã bị thu hồi. Lý do: ${c.reason}`));
    },
  );

  command(
    messages.submitReportUpdate,
    (s) => s.submitReportSchema,
    (a, c) => {
      requireStatus(['assigned', ...working], 'nộp báo cáo định kỳ');
      requireLead(a, 'nộp báo cáo định kỳ');
      if (!state.reports.open.some((p) => p.key === c.periodKey)) {
        fail(COMMAND_FAILURES.invalid, `Kỳ báo cáo ${c.periodKey} không mở (các kỳ đang mở: ${state.reports.open.map((p) => p.key).join(', ') || 'không có'})`);
      }
    },
    async (a, c) => {
      const now = nowIso();
      const period = state.reports.open.find((p) => p.key === c.periodKey)!;
      period.submittedAt = now;
      period.onTime = Date.parse(now) <= Date.parse(period.due);
      if (period.onTime) state.reports.submittedOnTime++;
      else state.reports.submittedLate++;
      state.reports.open = state.reports.open.filter((p) => p !== period);
      state.reports.lastClosed.push(period);
      if (state.reports.lastClosed.length > CLOSED_PERIODS_KEPT) state.reports.lastClosed.shift();
      if (state.status === 'assigned' || state.status === 'acknowledged') state.status = 'in_progress';
      await record('report_submitted', a, { ...c, due: period.due, onTime: period.onTime });
      await maybeFinishRecurring(now);
    },
  );

  function closeLeadPeriod(at: string) {
    const current = state.leadHistory[state.leadHistory.length - 1];
    if (current.to === null) current.to = at;
  }

  /** Once the deadline in force has passed on an open task, the unit leading it is late. */
  function markOverdue(now: number): boolean {
    if (!state.dueAt || isClosed(state) || state.status === 'submitted' || now < Date.parse(state.dueAt)) return false;
    if (state.lateUnits.includes(state.leadUnit)) return false;
    state.lateUnits.push(state.leadUnit);
    return true;
  }

  async function maybeFinishRecurring(now: string) {
    if (state.deadlineKind !== 'recurring' || !state.recurrenceUntil || !state.recurrence) return;
    if (state.reports.open.length > 0) return;
    const upcoming = nextPeriod(state.recurrence, lastPeriodDue());
    if (Date.parse(upcoming.due) <= Date.parse(state.recurrenceUntil)) return;
    state.status = 'completed';
    state.completedAt = now;
    state.outcome = state.reports.submittedLate > 0 ? 'completed_late' : 'completed_on_time';
    closeLeadPeriod(now);
    await record('completed', null, { reason: 'all_periods_reported', submittedOnTime: state.reports.submittedOnTime, submittedLate: state.reports.submittedLate });
  }

  function lastPeriodDue(): string {
    const all = [...state.reports.lastClosed, ...state.reports.open].map((p) => p.due).sort();
    return all.length ? all[all.length - 1] : state.launchedAt;
  }

  /** The next period to open: its reporting period has started and it is not tracked yet. */
  function nextPeriodToOpen(): Period | null {
    if (!state.recurrence || isClosed(state)) return null;
    const p = nextPeriod(state.recurrence, lastPeriodDue());
    if (state.recurrenceUntil && Date.parse(p.due) > Date.parse(state.recurrenceUntil)) return null;
    return p;
  }

  async function updateSearchAttributes() {
    upsertSearchAttributes([
      { key: LeadUnit, value: state.leadUnit },
      { key: AssignmentStatus, value: state.status },
      { key: DirectiveNumber, value: state.directiveNumber },
      ...(state.dueAt ? [{ key: DueAt, value: new Date(state.dueAt) }] : []),
    ]);
  }

  async function fire(n: PlannedNotification, periodKey?: string) {
    const ctx = { directiveNumber: state.directiveNumber, ref: state.ref, title: state.title, leadUnit: state.leadUnit, dueAt: periodKey ? state.reports.open.find((p) => p.key === periodKey)?.due ?? null : state.dueAt, now: nowIso(), periodKey };
    // The extension count keeps a re-planned reminder distinct from the one sent for the old deadline.
    const step = periodKey ? n.step : `${n.step}@e${state.extensionCount}`;
    const notes = n.recipients.flatMap((role) => {
      const { subject, body } = plannedMessage(n, role, ctx);
      return outboxFor(n.kind, step, n.level ?? null, [role], subject, body);
    });
    if (n.kind === 'escalation' && n.level) state.escalationLevel = Math.max(state.escalationLevel, n.level);
    if (periodKey && n.kind === 'report_escalation' && n.level) {
      const p = state.reports.open.find((x) => x.key === periodKey);
      if (p) p.escalationLevel = Math.max(p.escalationLevel, n.level);
    }
    state.notificationsPlanned += notes.length;
    await record(n.kind, null, { step, level: n.level ?? null, plannedAt: n.at, recipients: n.recipients, ...(periodKey ? { periodKey } : {}) }, notes);
  }

  // ---- launch ----
  await launched;
  await updateSearchAttributes();
  let lastStatus = state.status;

  // ---- the life: fire what is due, then sleep until the next planned instant or a command ----
  while (!isClosed(state)) {
    const now = Date.now();
    await ensureCalendarCovers(now);

    if (markOverdue(now)) await record('overdue', null, { dueAt: state.dueAt, leadUnit: state.leadUnit });

    for (let p = nextPeriodToOpen(); p && Date.parse(p.start) <= now; p = nextPeriodToOpen()) {
      const period: ReportPeriodState = { key: p.key, due: p.due, submittedAt: null, onTime: null, escalationLevel: 0 };
      state.reports.open.push(period);
      await record('report_period_opened', null, { periodKey: p.key, due: p.due });
    }

    for (const n of notificationsBetween(scheduleInput(), calendar, cursor, new Date(now))) await fire(n);
    for (const period of [...state.reports.open]) {
      for (const n of reportNotificationsBetween(period, period.submittedAt, DEFAULT_REPORT_POLICY, calendar, cursor, new Date(now))) await fire(n, period.key);
    }
    cursor = new Date(now).toISOString();

    if (state.status !== lastStatus) {
      lastStatus = state.status;
      await updateSearchAttributes();
    }

    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_EVENTS_LIMIT) {
      await condition(allHandlersFinished);
      await writes;
      await continueAsNew<typeof directiveTask>({ taskId, launch, carried: { state, cursor } });
    }

    const wakeAt = nextWakeUp();
    const seen = changes;
    if (wakeAt === null) await condition(() => changes !== seen);
    else await condition(() => changes !== seen, Math.max(1, wakeAt - Date.now()));
  }

  await updateSearchAttributes();
  // Updates in flight finish (and their audit rows are written) before the workflow completes.
  await condition(allHandlersFinished);
  await writes;
  return state;

  function nextWakeUp(): number | null {
    const candidates: number[] = [];
    const n = nextNotification(scheduleInput(), calendar, cursor);
    if (n) candidates.push(Date.parse(n.at));
    if (state.dueAt && !state.lateUnits.includes(state.leadUnit) && Date.parse(state.dueAt) > Date.parse(cursor)) candidates.push(Date.parse(state.dueAt));
    for (const period of state.reports.open) {
      const r = nextReportNotification(period, period.submittedAt, DEFAULT_REPORT_POLICY, calendar, cursor);
      if (r) candidates.push(Date.parse(r.at));
    }
    const toOpen = nextPeriodToOpen();
    if (toOpen) candidates.push(Math.max(Date.parse(toOpen.start), Date.parse(cursor) + 1));
    return candidates.length ? Math.min(...candidates) : null;
  }
}

function yearsAround(year: number): number[] {
  return [year - 1, year, year + 1, year + 2];
}
