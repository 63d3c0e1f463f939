import { createHash } from 'node:crypto';
import { ApplicationFailure, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { createActivities } from '../../activities';
import type { Database } from '../../db/schema';
import { WorkingCalendar } from '../../domain/calendar';
import { sendOffsetSeconds } from '../../domain/send-time';
import { toVnIso, vnCivilDate } from '../../domain/time';
import { taskIdFor, workflowIdFor, type DirectiveTaskInput, type Envelope } from '../../domain/task';
import type { Actor, CompleteLaunch } from '../../domain/schemas/task';
import type { EvidenceCommand } from '../../domain/schemas/task-commands';
import { DAY } from './fixtures';
import * as messages from '../../workflows/messages';
import { uniq } from './ids';

export const secretariat: Actor = { userId: 'thu.ky', unitCode: 'SKHCN', roles: ['secretariat'] };
export const leadOfficer: Actor = { userId: 'an.nguyen', unitCode: 'SO_TTTT', roles: ['unit_officer'] };
export const otherLeadOfficer: Actor = { userId: 'binh.tran', unitCode: 'CA_TINH', roles: ['unit_officer'] };
export const coordinatingOfficer: Actor = { userId: 'cuc.le', unitCode: 'SO_TC', roles: ['unit_officer'] };
export const strangerOfficer: Actor = { userId: 'dung.pham', unitCode: 'SO_YT', roles: ['unit_officer'] };
export const inspector: Actor = { userId: 'kiem.tra', unitCode: 'UBKT_TU', roles: ['inspector'] };

/** A complete "6 rõ" launch, due `dueInDays` after the server's current time unless a deadline is given. */
export function launchFor(nowMs: number, overrides: Partial<CompleteLaunch> & { dueInDays?: number } = {}): CompleteLaunch {
  const { dueInDays = 30, ...rest } = overrides;
  return {
    directiveNumber: `01-TB/CQTT-${uniq()}`,
    ref: '2.3 (1)',
    title: 'Thuê hạ tầng Trung tâm dữ liệu (DC) để lưu trữ dữ liệu đám mây',
    description: '',
    leadUnit: leadOfficer.unitCode,
    coLeadUnit: null,
    responsibleOfficial: 'Giám đốc Sở',
    coordinatingUnits: [coordinatingOfficer.unitCode],
    deadline: { kind: 'date', dueAt: new Date(nowMs + dueInDays * DAY).toISOString() },
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
    decidedBy: secretariat.unitCode,
    // Level 2 goes to this test world's own office, not to the Provincial Party Committee's the number implies.
    standingOffice: secretariat.unitCode,
    expectedResult: 'Hạ tầng DC được thuê và đưa vào sử dụng',
    targets: [],
    ...rest,
  };
}

/**
 * The id a bare launch (`POST /tasks`) gives an item of a number no directive registers: the year of
 * the launch in +07:00, no issuer (`resolveDirective`).
 */
/**
 * When a task's notification planned on the policy's hour goes out: that instant plus the task's
 * own offset within the morning's first hour (issue 16), as `outboxTimes` prints it (to the minute).
 */
export const sentAt = (taskId: string, onTheHour: Date): string =>
  toVnIso(new Date(onTheHour.getTime() + sendOffsetSeconds(taskId) * 1000)).slice(0, 16);

export function bareTaskIdFor(directiveNumber: string, ref: string, now = new Date()): string {
  return taskIdFor({ directiveNumber, directiveYear: vnCivilDate(now).year, directiveIssuer: null }, ref);
}

// Every task this test file started (each file has its own module instance), for `endStartedTasks`.
const started: WorkflowHandle[] = [];

/** Starts a task workflow on the given task queue. */
export async function startTask(env: TestWorkflowEnvironment, taskQueue: string, launch: CompleteLaunch) {
  const taskId = bareTaskIdFor(launch.directiveNumber, launch.ref);
  const input: DirectiveTaskInput = { taskId, launch };
  const handle = await env.client.workflow.start('directiveTask', { taskQueue, workflowId: workflowIdFor(taskId), args: [input] });
  started.push(handle);
  return { taskId, handle };
}

/** The audit trail's event kinds, in order. */
export async function auditKinds(db: Kysely<Database>, taskId: string): Promise<string[]> {
  const rows = await db.selectFrom('audit_events').select('kind').where('task_id', '=', taskId).orderBy('seq').execute();
  return rows.map((r) => r.kind);
}

/** A task's outbox rows, in the order the workflow wrote them. */
function outboxRows(db: Kysely<Database>, taskId: string) {
  return db
    .selectFrom('notifications')
    .select(['kind', 'step', 'recipient_role', 'recipient_unit', 'scheduled_at'])
    .where('task_id', '=', taskId)
    .orderBy('audit_seq')
    .orderBy('id')
    .execute();
}

const outboxLine = (r: { kind: string; step: string; recipient_role: string; recipient_unit: string | null }) =>
  `${r.kind} ${r.step} -> ${r.recipient_role}${r.recipient_unit ? `:${r.recipient_unit}` : ''}`;

/** The outbox as "kind step -> role" lines, in order. */
export async function outbox(db: Kysely<Database>, taskId: string): Promise<string[]> {
  return (await outboxRows(db, taskId)).map(outboxLine);
}

/**
 * Terminates the tasks this test file started that are still running. Call it before the
 * file's worker stops: a task left behind on the shared time-skipping server schedules a
 * workflow task at its next timer that no worker will ever poll, and the server then holds
 * its clock still for every later file (their `env.sleep` would wait in real time).
 */
export async function endStartedTasks(env?: TestWorkflowEnvironment): Promise<void> {
  // Given the environment, first wait for the tasks to be idle (the clock moves only once no
  // workflow task or activity is in flight): one terminated with an activity pending could hold
  // the clock still as well.
  if (env) await env.sleep(1);
  for (const handle of started.splice(0)) {
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') await handle.terminate('test finished');
  }
}

/** Moves the time-skipping server's clock to `at` (no-op if already there). */
export async function sleepUntil(env: TestWorkflowEnvironment, at: Date | number): Promise<void> {
  const ms = (typeof at === 'number' ? at : at.getTime()) - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

/** The arguments of an Update: a command given by an actor. */
export function by<C>(actor: Actor, command: C): { args: [Envelope<C>] } {
  return { args: [{ actor, command }] };
}

/** An evidence file as the API would attach it (the hash stands in for the uploaded bytes). */
export function evidence(evidenceId: string, fileName: string, description = ''): EvidenceCommand {
  const sha256 = createHash('sha256').update(fileName).digest('hex');
  return { evidenceId, fileName, sha256, contentType: 'application/pdf', size: 4096, description };
}

/** The failure type a refused Update carries ('InvalidState', 'NotPermitted', 'InvalidCommand'); 'accepted' when it was not refused. */
export async function refusal(update: Promise<unknown>): Promise<string> {
  try {
    await update;
    return 'accepted';
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause.type ?? 'ApplicationFailure';
    throw err;
  }
}

/** The outbox as in `outbox`, each line with the instant it went out, in Vietnam time to the minute: "... @ 2027-02-11T08:00". */
export async function outboxTimes(db: Kysely<Database>, taskId: string): Promise<string[]> {
  return (await outboxRows(db, taskId)).map((r) => `${outboxLine(r)} @ ${toVnIso(r.scheduled_at).slice(0, 16)}`);
}

/** The working calendar a task's workflow uses around `instant` (same activity, same overrides). */
export async function workingCalendar(db: Kysely<Database>, instant: number | Date): Promise<WorkingCalendar> {
  const { year } = vnCivilDate(new Date(instant));
  return new WorkingCalendar(await createActivities({ db }).loadCalendar({ years: [year - 1, year, year + 1, year + 2] }));
}

/** The lead unit's officer attaches one evidence file (`ev1`) and claims completion with it; the secretariat approves. */
export async function claimAndApprove(handle: WorkflowHandle, officer: Actor, claim: { fileName: string; summary: string; note?: string }) {
  await handle.executeUpdate(messages.attachEvidenceUpdate, by(officer, evidence('ev1', claim.fileName)));
  const submitted = await handle.executeUpdate(messages.submitUpdate, by(officer, { summary: claim.summary, evidenceIds: ['ev1'] }));
  const approved = await handle.executeUpdate(messages.approveUpdate, by(secretariat, { note: claim.note ?? '' }));
  return { submitted, approved };
}
