import type { RecordEventInput } from '../../activities';
import { initialState } from '../../domain/lifecycle/state';
import type { CompleteLaunch } from '../../domain/schemas/task';
import type { AuditEvent, OutboxNotification, TaskState, TaskStatus } from '../../domain/task';

// A task's life as its workflow records it, for tests of the audit trail's writing without a workflow.

export const T0 = Date.parse('2025-11-04T09:00:00+07:00');
export const MINUTE = 60_000;
export const lead = { userId: 'binh.tran', unitCode: 'CA_TINH', roles: ['unit_officer'] };

/** The state a task's workflow would snapshot with its `seq`-th event. */
export function snapshot(taskId: string, auditSeq: number, status: TaskStatus): TaskState {
  const launch: CompleteLaunch = {
    // One task per directive number: the read model keeps (directive number, ref) unique.
    directiveNumber: `01-TB/CQTT-${taskId}`,
    ref: '2.4',
    title: 'Xây dựng Trung tâm giám sát an ninh mạng của tỉnh hoặc thuê dịch vụ giám sát',
    description: '',
    leadUnit: lead.unitCode,
    coLeadUnit: null,
    responsibleOfficial: 'Giám đốc Công an tỉnh',
    coordinatingUnits: ['SO_TC'],
    deadline: { kind: 'date', dueAt: '2025-12-31T23:59:59+07:00' },
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
    decidedBy: 'SKHCN',
    expectedResult: 'Trung tâm giám sát an ninh mạng hoạt động',
    targets: [],
  };
  return {
    ...initialState({ taskId, launch }, new Date(T0).toISOString()),
    status,
    acknowledgedAt: auditSeq >= 2 ? new Date(T0 + MINUTE).toISOString() : null,
    auditSeq,
  };
}

export const LIFE: { kind: string; status: TaskStatus; actor: AuditEvent['actor']; payload: Record<string, unknown> }[] = [
  { kind: 'launched', status: 'assigned', actor: { system: 'workflow' }, payload: { ref: '2.4' } },
  { kind: 'acknowledged', status: 'acknowledged', actor: lead, payload: { note: 'Đã tiếp nhận' } },
  { kind: 'progress_reported', status: 'in_progress', actor: lead, payload: { text: 'Đang khảo sát nhà cung cấp', percent: 20 } },
  {
    kind: 'submitted',
    status: 'submitted',
    actor: lead,
    payload: { summary: 'Đã ký hợp đồng thuê dịch vụ giám sát', evidenceIds: ['hd-01'] },
  },
];

export function notice(taskId: string, role: 'lead_unit' | 'coordinating_units', unit: string): OutboxNotification {
  return {
    key: `${taskId}/assigned/assigned/${role}/${unit}`,
    kind: 'assigned',
    step: 'assigned',
    level: null,
    recipientRole: role,
    recipientUnit: unit,
    scheduledAt: new Date(T0).toISOString(),
    subject: '[Giao nhiệm vụ] Nhiệm vụ 2.4',
    body: 'Nhiệm vụ 2.4 (Văn bản số 01-TB/CQTT)',
  };
}

/** The activity's input for the `seq`-th event of the life above. */
export function input(taskId: string, seq: number): RecordEventInput {
  const step = LIFE[seq - 1];
  return {
    taskId,
    event: { seq, kind: step.kind, occurredAt: new Date(T0 + (seq - 1) * MINUTE).toISOString(), actor: step.actor, payload: step.payload },
    snapshot: snapshot(taskId, seq, step.status),
    notifications: seq === 1 ? [notice(taskId, 'lead_unit', lead.unitCode), notice(taskId, 'coordinating_units', 'SO_TC')] : [],
  };
}
