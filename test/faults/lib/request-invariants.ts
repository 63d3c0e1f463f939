/**
 * The invariants every request-level fault scenario holds over the tasks it touched, once its
 * workload is over. Each check returns violations as sentences instead of throwing, so one run
 * reports all of them and the counts go into the suite's report.
 *
 * Written against a plain `{db, temporal, ledger, tasks}` so the process-level suite's
 * invariants.ts can take these checks over (or the reverse) without the request scenarios' world.
 */
import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import { isDeepStrictEqual } from 'node:util';
import { verifyAuditChain } from '../../../db/repositories/audit';
import type { Database } from '../../../db/schema';
import { workflowIdFor, type TaskState } from '../../../domain/task';
import { getStateQuery } from '../../../workflows/messages';
import { problemSchema, PROBLEM_TYPES } from '../../../api/problems';
import type { AckedCommand, ApiWorld } from '../../helpers/api-world';

export interface InvariantInput {
  db: Kysely<Database>;
  temporal: Client;
  /** Commands the API acknowledged (2xx). */
  ledger: readonly AckedCommand[];
  /** The tasks to check. */
  tasks: Iterable<string>;
}

/** Every acknowledged command is in its task's audit trail exactly once. */
export async function commandsRecordedOnce(db: Kysely<Database>, ledger: readonly AckedCommand[]): Promise<string[]> {
  const violations: string[] = [];
  for (const c of ledger) {
    const { n } = await db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('task_id', '=', c.taskId)
      .where('kind', '=', c.kind)
      .where(sql<boolean>`payload @> ${JSON.stringify(c.match)}::jsonb`)
      .executeTakeFirstOrThrow();
    if (Number(n) !== 1) violations.push(`an acknowledged command has ${n} '${c.kind}' rows in the audit trail (1 expected): ${c.what}`);
  }
  return violations;
}

/** Every task's hash chain verifies from its first event to the read model's last. */
export async function chainsVerify(db: Kysely<Database>, taskIds: readonly string[]): Promise<string[]> {
  const violations: string[] = [];
  for (const taskId of taskIds) {
    const verdict = await verifyAuditChain(db, taskId);
    if (!verdict.ok)
      violations.push(`the hash chain of ${taskId} does not verify at event ${verdict.problem?.seq}: ${verdict.problem?.reason}`);
    else if (verdict.events === 0) violations.push(`${taskId} has no audit event at all`);
  }
  return violations;
}

/**
 * The read model equals the workflow's state: the `tasks` row (status, lead unit, deadline,
 * audit position and the state snapshot written with the last event) against the `getState` query.
 * A workflow may still be writing (a timer fired a moment ago), so a mismatch is re-read for a while
 * before it counts; a workflow that is not running or completed, or an activity retrying, is stuck.
 */
export async function readModelMatchesWorkflows(
  db: Kysely<Database>,
  temporal: Client,
  taskIds: readonly string[],
  settleMs = 15_000,
): Promise<string[]> {
  const violations: string[] = [];
  for (const taskId of taskIds) {
    const handle = temporal.workflow.getHandle(workflowIdFor(taskId));
    let mismatch: string | null;
    for (const deadline = Date.now() + settleMs; ;) {
      const description = await handle.describe().catch(() => null);
      if (!description) {
        mismatch = 'no workflow with that id';
        break;
      }
      const stuck = (description.raw.pendingActivities ?? []).filter((a) => (a.attempt ?? 1) > 2);
      if (!['RUNNING', 'COMPLETED'].includes(description.status.name)) mismatch = `workflow ${description.status.name}`;
      else if (stuck.length)
        mismatch = `stuck: ${stuck.map((a) => `${a.activityType?.name} retrying (attempt ${a.attempt}: ${a.lastFailure?.message ?? ''})`).join(', ')}`;
      else {
        const state = await handle.query(getStateQuery);
        const row = await db
          .selectFrom('tasks')
          .select(['status', 'lead_unit', 'due_at', 'audit_seq', 'state'])
          .where('id', '=', taskId)
          .executeTakeFirst();
        mismatch = row ? differences(state, row) : 'no row in tasks';
      }
      if (!mismatch || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (mismatch) violations.push(`${taskId}: read model ≠ workflow state: ${mismatch}`);
  }
  return violations;
}

function differences(
  state: TaskState,
  row: { status: string; lead_unit: string; due_at: Date | null; audit_seq: number; state: unknown },
): string | null {
  const found: string[] = [];
  if (row.status !== state.status) found.push(`status ${row.status} ≠ ${state.status}`);
  if (row.lead_unit !== state.leadUnit) found.push(`lead_unit ${row.lead_unit} ≠ ${state.leadUnit}`);
  if ((row.due_at ? row.due_at.getTime() : null) !== (state.dueAt ? Date.parse(state.dueAt) : null))
    found.push(`due_at ${row.due_at?.toISOString()} ≠ ${state.dueAt}`);
  if (row.audit_seq !== state.auditSeq) found.push(`audit_seq ${row.audit_seq} ≠ ${state.auditSeq}`);
  if (!found.length && !isDeepStrictEqual(row.state, JSON.parse(JSON.stringify(state))))
    found.push('tasks.state (the snapshot written with the last event) differs from the queried state');
  return found.length ? found.join('; ') : null;
}

/** No notification key twice in the outbox, no notification read twice by one person, no evidence or Idempotency-Key claim left half-done. */
export async function nothingTwiceNothingHalfDone(db: Kysely<Database>, taskIds: readonly string[]): Promise<string[]> {
  if (!taskIds.length) return [];
  const violations: string[] = [];
  const keys = await db
    .selectFrom('notifications')
    .select(['key', (eb) => eb.fn.countAll<string>().as('n')])
    .where('task_id', 'in', taskIds)
    .groupBy('key')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  for (const k of keys) violations.push(`notification key ${k.key} is in the outbox ${k.n} times`);
  const reads = await db
    .selectFrom('notification_reads as r')
    .innerJoin('notifications as n', 'n.id', 'r.notification_id')
    .select(['r.notification_id', 'r.login', (eb) => eb.fn.countAll<string>().as('n')])
    .where('n.task_id', 'in', taskIds)
    .groupBy(['r.notification_id', 'r.login'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  for (const r of reads) violations.push(`notification ${r.notification_id} marked read ${r.n} times for ${r.login}`);
  const pending = await db
    .selectFrom('evidence')
    .select(['id', 'task_id'])
    .where('task_id', 'in', taskIds)
    .where('status', '=', 'pending')
    .execute();
  for (const e of pending) violations.push(`evidence ${e.id} of ${e.task_id} left pending (a partial write)`);
  return violations;
}

/** Idempotency-Key claims of the given users still `in_progress` once every request was answered. */
export async function claimsLeftInProgress(db: Kysely<Database>, logins: readonly string[]): Promise<string[]> {
  if (!logins.length) return [];
  const rows = await db
    .selectFrom('idempotency_keys')
    .select(['login', 'key', 'path'])
    .where('login', 'in', logins)
    .where('state', '=', 'in_progress')
    .execute();
  return rows.map((r) => `Idempotency-Key "${r.key}" of ${r.login} (${r.path}) left in_progress`);
}

/** All of the above over a scenario's tasks and ledger. */
export async function checkRequestInvariants(input: InvariantInput & { logins?: readonly string[] }): Promise<string[]> {
  const taskIds = [...new Set(input.tasks)];
  return [
    ...(await commandsRecordedOnce(input.db, input.ledger)),
    ...(await chainsVerify(input.db, taskIds)),
    ...(await readModelMatchesWorkflows(input.db, input.temporal, taskIds)),
    ...(await nothingTwiceNothingHalfDone(input.db, taskIds)),
    ...(await claimsLeftInProgress(input.db, input.logins ?? [])),
  ];
}

/** The same over what an API world's file did: its ledger, the tasks it touched and its people's Idempotency-Key claims. */
export function checkWorldInvariants(w: Pick<ApiWorld, 'db' | 'env' | 'ledger' | 'tasks' | 'people'>): Promise<string[]> {
  return checkRequestInvariants({
    db: w.db,
    temporal: w.env.client,
    ledger: w.ledger,
    tasks: w.tasks,
    logins: Object.values(w.people).map((p) => p.login),
  });
}

/** What an answer to any request must be: no 5xx; a 4xx is a problem document, a validation error names each field and why. */
export function answerViolations(
  what: string,
  res: { status: number; headers: Record<string, string>; body: any; text: string },
): string[] {
  const found: string[] = [];
  const said = `${what} → ${res.status} ${res.text?.slice(0, 300) ?? ''}`;
  if (res.status >= 500) found.push(`a 5xx: ${said}`);
  // 431 (headers too large) comes from Node's HTTP parser, before any application code can answer.
  if (res.status >= 400 && res.status !== 431) {
    if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? ''))
      found.push(`a ${res.status} that is not application/problem+json: ${said}`);
    else if (!problemSchema.safeParse(res.body).success || res.body.status !== res.status)
      found.push(`a malformed problem document: ${said}`);
    else if (
      res.body.type === PROBLEM_TYPES.validation &&
      !(
        Array.isArray(res.body.errors) &&
        res.body.errors.length &&
        res.body.errors.every((e: { path: string; reason: string }) => e.path && e.reason)
      )
    ) {
      found.push(`a validation error without each field and its reason: ${said}`);
    }
  }
  return found;
}

/** The fields of `after` that differ from `before`, as "name: before → after". */
export function snapshotChanges(before: Record<string, unknown>, after: Record<string, unknown>, ignore: readonly string[] = []): string[] {
  return Object.keys(before)
    .filter((k) => !ignore.includes(k) && before[k] !== after[k])
    .map((k) => `${k}: ${String(before[k])} → ${String(after[k])}`);
}
