import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { taskIdFor, workflowIdFor, type Actor, type CompleteLaunch, type DirectiveTaskInput } from '../../domain/task';
import { uniq } from './servers';

export const secretariat: Actor = { userId: 'thu.ky', unitCode: 'SKHCN', roles: ['secretariat'] };
export const leadOfficer: Actor = { userId: 'an.nguyen', unitCode: 'SO_TTTT', roles: ['unit_officer'] };
export const otherLeadOfficer: Actor = { userId: 'binh.tran', unitCode: 'CA_TINH', roles: ['unit_officer'] };
export const coordinatingOfficer: Actor = { userId: 'cuc.le', unitCode: 'SO_TC', roles: ['unit_officer'] };
export const strangerOfficer: Actor = { userId: 'dung.pham', unitCode: 'SO_YT', roles: ['unit_officer'] };
export const inspector: Actor = { userId: 'kiem.tra', unitCode: 'UBKT_TU', roles: ['inspector'] };

const DAY = 24 * 3600_000;

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
    expectedResult: 'Hạ tầng DC được thuê và đưa vào sử dụng',
    targets: [],
    ...rest,
  };
}

/** Starts a task workflow on the given task queue. */
export async function startTask(env: TestWorkflowEnvironment, taskQueue: string, launch: CompleteLaunch) {
  const taskId = taskIdFor(launch.directiveNumber, launch.ref);
  const input: DirectiveTaskInput = { taskId, launch };
  const handle = await env.client.workflow.start('directiveTask', { taskQueue, workflowId: workflowIdFor(taskId), args: [input] });
  return { taskId, handle };
}

/** The audit trail's event kinds, in order. */
export async function auditKinds(db: Kysely<Database>, taskId: string): Promise<string[]> {
  const rows = await db.selectFrom('audit_events').select('kind').where('task_id', '=', taskId).orderBy('seq').execute();
  return rows.map((r) => r.kind);
}

/** The outbox as "kind step -> role" lines, in order. */
export async function outbox(db: Kysely<Database>, taskId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('notifications')
    .select(['kind', 'step', 'recipient_role', 'recipient_unit', 'scheduled_at'])
    .where('task_id', '=', taskId)
    .orderBy('audit_seq')
    .orderBy('id')
    .execute();
  return rows.map((r) => `${r.kind} ${r.step} -> ${r.recipient_role}${r.recipient_unit ? `:${r.recipient_unit}` : ''}`);
}
