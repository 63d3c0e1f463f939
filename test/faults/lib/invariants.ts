/**
 * What must hold once the system is quiet again after a fault scenario, checked against the
 * database, the Temporal server and the workload's ledger:
 * 1. every acknowledged operation is in audit_events exactly once; nothing refused with 4xx is;
 * 2. every task's hash chain verifies (db/repositories/audit.ts);
 * 3. no notification key delivered twice (deliveries per key, channel and recipient; webhook receipts);
 * 4. the read model (`tasks`) equals the workflow's state (the getState query);
 * 5. no assignment stuck: no failing workflow task, no activity pending, deadline timers fired,
 *    the outbox dispatched (or waiting for working hours);
 * plus the answers the API gave during the faults: 503 problem documents, never a 500 or a hang.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { sql } from 'kysely';
import { canonicalJson } from '../../../db/audit-chain';
import { verifyAuditChain } from '../../../db/repositories/audit';
import { workflowIdFor, type TaskState } from '../../../domain/task';
import { getStateQuery } from '../../../workflows/messages';
import { WorkingCalendar } from '../../../domain/calendar';
import { createActivities } from '../../../activities';
import { isWorkingTime } from '../../../delivery/model';
import { vnCivilDate } from '../../../domain/time';
import type { FaultSystem } from './system';

/** What the checks read: a pool on the system's database and a client of its Temporal server. */
export type CheckedSystem = Pick<FaultSystem, 'db' | 'client'>;
import type { Workload } from './workload';

export interface Violation {
  invariant: string;
  detail: string;
}

export interface Verdict {
  violations: Violation[];
  notes: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RUNNING = proto.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

/** Every task the run touched: launched, or named by an operation whose launch outcome is unknown. */
function taskIds(w: Workload): string[] {
  return [...new Set([...w.views.keys(), ...w.ledger.operations.map((o) => o.taskId)])];
}

async function stateOf(sys: CheckedSystem, taskId: string): Promise<TaskState | null> {
  try {
    return await sys.client.workflow.getHandle(workflowIdFor(taskId)).query(getStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** Why a workflow's task keeps failing, from its history (the last WorkflowTaskFailed event). */
export async function workflowTaskFailure(sys: CheckedSystem, taskId: string): Promise<string> {
  try {
    const history = await sys.client.workflow.getHandle(workflowIdFor(taskId)).fetchHistory();
    const failed = [...(history.events ?? [])].reverse().find((e) => e.workflowTaskFailedEventAttributes);
    const a = failed?.workflowTaskFailedEventAttributes;
    if (!a) return 'no WorkflowTaskFailed event';
    return `cause ${a.cause}: ${a.failure?.message ?? '-'} ${(a.failure?.stackTrace ?? '').split('\n').slice(0, 4).join(' | ')}`;
  } catch (err) {
    return `history unreadable: ${(err as Error).message}`;
  }
}

async function workingNow(sys: CheckedSystem, now: Date): Promise<boolean> {
  const { year } = vnCivilDate(now);
  const calendar = new WorkingCalendar(await createActivities({ db: sys.db }).loadCalendar({ years: [year - 1, year, year + 1] }));
  return isWorkingTime(calendar, now);
}

/**
 * Waits until every task's read model has caught up with its workflow, no activity is pending, due
 * timers have fired and (in working hours) the dispatcher has expanded every due notification.
 */
export async function waitForQuiet(
  sys: CheckedSystem,
  w: Workload,
  timeoutMs = 180_000,
): Promise<{ quiet: boolean; waitedMs: number; lagging: string[] }> {
  const started = Date.now();
  let lagging: string[] = [];
  while (Date.now() - started < timeoutMs) {
    lagging = [];
    for (const id of taskIds(w)) {
      try {
        const handle = sys.client.workflow.getHandle(workflowIdFor(id));
        const d = await handle.describe().catch((err) => (err instanceof WorkflowNotFoundError ? null : Promise.reject(err)));
        if (!d) continue;
        if ((d.raw.pendingActivities ?? []).length) lagging.push(`${id}: activity pending`);
        if ((d.raw.pendingWorkflowTask?.attempt ?? 1) > 3) {
          // A workflow task failing again and again will not heal by waiting: the checks report it.
          return {
            quiet: false,
            waitedMs: Date.now() - started,
            lagging: [`${id}: workflow task failing (attempt ${d.raw.pendingWorkflowTask?.attempt})`],
          };
        }
        const state = await stateOf(sys, id);
        const row = await sys.db.selectFrom('tasks').select('audit_seq').where('id', '=', id).executeTakeFirst();
        if (state && row?.audit_seq !== state.auditSeq)
          lagging.push(`${id}: read model at ${row?.audit_seq ?? 'none'} of ${state.auditSeq}`);
      } catch (err) {
        lagging.push(`${id}: ${(err as Error).message}`);
      }
    }
    const now = new Date();
    if (!lagging.length && (await workingNow(sys, now))) {
      const due = await sys.db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('dispatched_at', 'is', null)
        .where('scheduled_at', '<=', new Date(now.getTime() - 1_000))
        .executeTakeFirstOrThrow();
      if (Number(due.n) > 0) lagging.push(`${due.n} due notifications not dispatched yet`);
      const sending = await sys.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('state', 'in', ['pending', 'sending', 'retrying'])
        .where('next_attempt_at', '<=', now)
        .executeTakeFirstOrThrow();
      if (Number(sending.n) > 0) lagging.push(`${sending.n} deliveries due and not sent yet`);
    }
    if (!lagging.length) return { quiet: true, waitedMs: Date.now() - started, lagging };
    await sleep(1_000);
  }
  return { quiet: false, waitedMs: Date.now() - started, lagging };
}

export async function checkInvariants(sys: CheckedSystem, w: Workload): Promise<Verdict> {
  const violations: Violation[] = [];
  const notes: string[] = [];
  const ids = taskIds(w);
  const bad = (invariant: string, detail: string) => violations.push({ invariant, detail });

  // ---- 1. the audit trail holds every acknowledged operation exactly once, nothing refused ----
  const events = await sys.db
    .selectFrom('audit_events')
    .select(['task_id', 'seq', 'kind', sql<string>`payload::text`.as('payload')])
    .where('task_id', 'in', ids.length ? ids : ['-'])
    .execute();
  let unknownApplied = 0;
  for (const op of w.ledger.operations) {
    // The operation's own row is of its kind; a later event may quote it (a decision repeats the
    // request's reason), so rows of other kinds on the same task are not its rows.
    const withMarker = events.filter((e) => e.payload.includes(op.marker));
    const rows = withMarker.filter((e) => op.auditKinds.includes(e.kind) && e.task_id === op.taskId);
    const misplaced = withMarker.filter((e) => e.task_id !== op.taskId);
    const what = `${op.op} ${op.marker.slice(0, 24)} on ${op.taskId} by ${op.actor} (answer ${op.status}, ${op.attempts} attempts, retried on ${op.retried.join(',') || '-'})`;
    if (misplaced.length)
      bad('audit-exactly-once', `${what}: found as ${misplaced.map((e) => `${e.task_id}#${e.seq} ${e.kind}`).join(', ')}`);
    if (op.outcome === 'acknowledged' && rows.length !== 1)
      bad('audit-exactly-once', `${what}: acknowledged but in the audit trail ${rows.length} times`);
    if (op.outcome === 'refused' && rows.length !== 0)
      bad('audit-exactly-once', `${what}: refused but in the audit trail ${rows.length} times`);
    if (op.outcome === 'unknown') {
      if (rows.length > 1) bad('audit-exactly-once', `${what}: outcome unknown to the client, in the audit trail ${rows.length} times`);
      unknownApplied += rows.length;
    }
  }
  const unknown = w.ledger.operations.filter((o) => o.outcome === 'unknown').length;
  if (unknown) notes.push(`${unknown} operations never answered definitively (${unknownApplied} of them applied once)`);

  // ---- 2. every hash chain verifies ----
  for (const id of ids) {
    const verdict = await verifyAuditChain(sys.db, id);
    if (!verdict.ok) bad('audit-chain', `${id}: ${verdict.problem?.reason} at #${verdict.problem?.seq}`);
  }

  // ---- 3. no notification key delivered twice ----
  const doubled = await sys.db
    .selectFrom('deliveries')
    .select(['source_key', 'channel', 'recipient', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['source_key', 'channel', 'recipient'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  for (const d of doubled) bad('delivered-once', `${d.source_key} on ${d.channel} to ${d.recipient}: ${d.n} deliveries`);
  const sameMessage = await sys.db
    .selectFrom('notifications')
    .select(['task_id', 'kind', 'step', 'recipient_role', 'recipient_unit', (eb) => eb.fn.countAll<string>().as('n')])
    .where('task_id', 'in', ids.length ? ids : ['-'])
    .groupBy(['task_id', 'kind', 'step', 'recipient_role', 'recipient_unit'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  for (const n of sameMessage)
    bad('delivered-once', `${n.task_id} ${n.kind} ${n.step} -> ${n.recipient_role}:${n.recipient_unit}: ${n.n} outbox rows`);
  const hookRows = await sys.db
    .selectFrom('deliveries')
    .select(['delivery_key', 'source_key', 'recipient', 'state'])
    .where('channel', '=', 'webhook')
    .execute();
  const byKey = new Map(hookRows.map((r) => [r.delivery_key, r]));
  const receivedAs = new Map<string, Set<string>>();
  let redelivered = 0;
  const seenIds = new Set<string>();
  for (const r of w.receiver.requests) {
    if (!r.deliveryId || r.status >= 300) continue;
    if (seenIds.has(r.deliveryId)) redelivered++;
    seenIds.add(r.deliveryId);
    const row = byKey.get(r.deliveryId);
    if (!row) {
      bad('delivered-once', `webhook received delivery ${r.deliveryId} that no deliveries row has`);
      continue;
    }
    const message = `${row.source_key}|${row.recipient}`;
    const ids2 = receivedAs.get(message) ?? new Set<string>();
    ids2.add(r.deliveryId);
    receivedAs.set(message, ids2);
  }
  for (const [message, got] of receivedAs)
    if (got.size > 1) bad('delivered-once', `webhook message ${message} received under ${got.size} delivery ids`);
  const deliveries = await sys.db
    .selectFrom('deliveries')
    .select(['channel', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('channel')
    .execute();
  notes.push(
    `deliveries: ${deliveries.map((d) => `${d.channel} ${d.n}`).join(', ') || 'none'}; webhook requests ${w.receiver.requests.length} (${redelivered} repeats of an id already accepted, deduplicated by X-Delivery-Id)`,
  );

  // ---- 4 and 5: read model equals workflow state; nothing stuck ----
  const now = new Date();
  const working = await workingNow(sys, now);
  let running = 0;
  for (const id of ids) {
    const handle = sys.client.workflow.getHandle(workflowIdFor(id));
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        if (w.views.has(id)) bad('not-stuck', `${id}: launch acknowledged but no workflow exists`);
        continue;
      }
      throw err;
    }
    const raw = description.raw;
    const status = raw.workflowExecutionInfo?.status;
    if (status !== RUNNING && description.status.name !== 'COMPLETED') bad('not-stuck', `${id}: workflow ${description.status.name}`);
    if (status === RUNNING) {
      running++;
      for (const a of raw.pendingActivities ?? [])
        bad(
          'not-stuck',
          `${id}: activity ${a.activityType?.name} pending, attempt ${a.attempt}, last failure: ${a.lastFailure?.message ?? '-'}`,
        );
      const wft = raw.pendingWorkflowTask;
      if (wft && (wft.attempt ?? 1) > 1)
        bad('not-stuck', `${id}: workflow task failing (attempt ${wft.attempt}): ${await workflowTaskFailure(sys, id)}`);
    }
    let state: TaskState | null;
    try {
      state = await stateOf(sys, id);
    } catch (err) {
      bad(
        'not-stuck',
        `${id}: state not readable (${(err as Error).message}; ${(err as Error & { cause?: Error }).cause?.message ?? ''}); ${await workflowTaskFailure(sys, id)}`,
      );
      continue;
    }
    const row = await sys.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!state) continue;
    if (!row) {
      bad('read-model', `${id}: no read model row`);
      continue;
    }
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    const pairs: [string, unknown, unknown][] = [
      ['status', row.status, state.status],
      ['due_at', iso(row.due_at), state.dueAt],
      ['audit_seq', row.audit_seq, state.auditSeq],
      ['lead_unit', row.lead_unit, state.leadUnit],
      ['extension_count', row.extension_count, state.extensionCount],
      ['late_units', canonicalJson(row.late_units), canonicalJson(state.lateUnits)],
    ];
    for (const [field, model, live] of pairs)
      if (model !== live)
        bad('read-model', `${id}: ${field} is ${JSON.stringify(model)} in the read model, ${JSON.stringify(live)} in the workflow`);
    if (canonicalJson(row.state) !== canonicalJson(state)) bad('read-model', `${id}: state snapshot differs from the workflow's state`);

    // Deadlines are durable timers: once passed on an open task the leading unit is late.
    const open = !['completed', 'cancelled', 'submitted'].includes(state.status);
    if (open && state.dueAt && Date.parse(state.dueAt) < now.getTime() - 15_000 && !state.lateUnits.includes(state.leadUnit)) {
      bad('not-stuck', `${id}: due ${state.dueAt} passed but ${state.leadUnit} not marked late (the deadline timer did not fire)`);
    }
  }
  if (working) {
    const undispatched = await sys.db
      .selectFrom('notifications')
      .select(['key', 'scheduled_at'])
      .where('task_id', 'in', ids.length ? ids : ['-'])
      .where('dispatched_at', 'is', null)
      .where('scheduled_at', '<=', new Date(now.getTime() - 30_000))
      .execute();
    for (const n of undispatched)
      bad('not-stuck', `notification ${n.key} due ${n.scheduled_at.toISOString()} not dispatched in working hours`);
  } else {
    notes.push('outside working hours: due notifications wait for the next working morning (not checked as dispatched)');
  }

  // ---- timers that fired during the run ----
  const fired = w.timers.filter((t) => t.at <= now.getTime() && events.some((e) => e.task_id === t.taskId && e.kind === t.kind));
  const kinds = [...new Set(w.timers.map((t) => t.kind))];
  notes.push(
    `timers: ${kinds.map((k) => `${k} ${fired.filter((t) => t.kind === k).length}/${w.timers.filter((t) => t.kind === k && t.at <= now.getTime()).length}`).join(', ')} fired of those planned and due (a deadline extended, submitted or reassigned before it needs no 'overdue' event; every passed deadline of an open task was checked above); timer-driven audit events: ${events.filter((e) => ['overdue', 'report_period_opened', 'escalation', 'ack_reminder', 'ack_escalation', 'due_reminder', 'urging', 'report_reminder', 'report_escalation'].includes(e.kind)).length}`,
  );
  // The task whose escalation was planned on the next full hour is left alone by the clients: once
  // that hour has passed, the escalation must be in its trail (a durable timer across the faults).
  for (const t of w.timers.filter((x) => x.kind === 'escalation' && x.at < now.getTime() - 20_000)) {
    if (!events.some((e) => e.task_id === t.taskId && e.kind === 'escalation'))
      bad('not-stuck', `${t.taskId}: escalation planned at ${new Date(t.at).toISOString()} did not fire`);
  }
  if (!w.timers.some((t) => t.kind === 'escalation'))
    notes.push(
      'no working-day full hour fell inside the run: reminders and escalations (sent at sendAtHour plus each task’s offset, on working days) could not fire; deadline timers and report periods did',
    );

  // ---- the API's answers during the faults ----
  for (const b of w.ledger.badAnswers) bad('api-answers', `${b.op}: ${b.status || 'hang'} ${b.detail}`);
  notes.push(`${w.ledger.summary()}; ${running} workflows still running`);
  return { violations, notes };
}
