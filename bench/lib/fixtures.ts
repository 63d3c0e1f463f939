import type { Kysely } from 'kysely';
import { addUnit, addUser, issueToken } from '../../db/repositories/auth';
import type { Database } from '../../db/schema';
import { initialState } from '../../domain/lifecycle/state';
import type { Role } from '../../domain/roles';
import type { AuditEvent, OutboxNotification, TaskState } from '../../domain/task';
import type { CompleteLaunch } from '../../domain/schemas/task';
import { unitRegistry } from '../../domain/units';

/*
 * Realistic inputs shared by the benchmarks: launch bodies with the full "6 rõ" in Vietnamese,
 * a task state of the size the workflow snapshots, and audit events with their outbox rows.
 */

const DAY = 86_400_000;

/** The registry's unit codes (the valid ones for `leadUnit`). */
export const UNIT_CODES: readonly string[] = unitRegistry.map((u) => u.code).filter((c) => /^[A-Z0-9_]{2,40}$/.test(c));

/** Item `i` of a directive as the secretariat launches it: due `dueInDays` after `nowMs`. */
export function launchBody(directiveNumber: string, i: number, nowMs: number, dueInDays = 30 + (i % 300)): CompleteLaunch {
  const lead = UNIT_CODES[i % UNIT_CODES.length];
  const coordinating = UNIT_CODES[(i * 7 + 3) % UNIT_CODES.length];
  return {
    directiveNumber,
    ref: `${Math.floor(i / 10) + 1}.${(i % 10) + 1}`,
    title: `Triển khai nền tảng số dùng chung cấp tỉnh, hạng mục ${i + 1}: tích hợp dữ liệu và cung cấp dịch vụ công trực tuyến`,
    description: 'Theo Kết luận của Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số.',
    leadUnit: lead,
    coLeadUnit: null,
    responsibleOfficial: 'Giám đốc Sở',
    coordinatingUnits: coordinating === lead ? [] : [coordinating],
    deadline: { kind: 'date', dueAt: new Date(nowMs + dueInDays * DAY).toISOString() },
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
    decidedBy: 'SKHCN',
    expectedResult: 'Hệ thống được đưa vào vận hành, kết nối với Cổng dịch vụ công quốc gia',
    targets: [],
  };
}

/** The state the workflow snapshots into the read model after `seq` events (about 2 KB of JSON). */
export function sampleState(taskId: string, seq: number, launchedAt: string): TaskState {
  const lead = UNIT_CODES[seq % UNIT_CODES.length];
  const launch: CompleteLaunch = {
    directiveNumber: '01-TB/CQTT',
    ref: taskId,
    title: 'Thuê hạ tầng Trung tâm dữ liệu (DC) để lưu trữ dữ liệu đám mây của tỉnh',
    description: 'Theo Kết luận của Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số.',
    leadUnit: lead,
    coLeadUnit: null,
    responsibleOfficial: 'Giám đốc Sở',
    coordinatingUnits: ['STC', 'SNV'],
    deadline: { kind: 'date', dueAt: new Date(Date.parse(launchedAt) + 60 * DAY).toISOString() },
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
    decidedBy: 'SKHCN',
    expectedResult: 'Hạ tầng DC được thuê và đưa vào sử dụng',
    targets: [],
  };
  return {
    ...initialState({ taskId, launch }, launchedAt),
    status: seq > 1 ? 'acknowledged' : 'assigned',
    acknowledgedAt: seq > 1 ? launchedAt : null,
    escalationLevel: Math.min(3, Math.floor(seq / 10)),
    progress: Array.from({ length: Math.min(5, Math.floor(seq / 3)) }, (_, k) => ({
      at: launchedAt,
      by: 'an.nguyen',
      unitCode: lead,
      text: `Đã hoàn thành bước ${k + 1}: khảo sát, lập dự toán và trình thẩm định giá thuê`,
      percent: 10 * (k + 1),
    })),
    notificationsPlanned: seq,
    auditSeq: seq,
  };
}

/** Event `seq` of a task's life, with the outbox rows it causes (0–2, about one on average). */
export function sampleEvent(taskId: string, seq: number, at: string): { event: AuditEvent; notifications: OutboxNotification[] } {
  const lead = UNIT_CODES[seq % UNIT_CODES.length];
  const note = (
    kind: OutboxNotification['kind'],
    step: string,
    role: OutboxNotification['recipientRole'],
    level: number | null = null,
  ): OutboxNotification => ({
    key: `${taskId}/${kind}/${step}/${role}/${lead}`,
    kind,
    step,
    level,
    recipientRole: role,
    recipientUnit: lead,
    scheduledAt: at,
    subject: `[Nhắc việc] Nhiệm vụ ${taskId}`,
    body: `Nhiệm vụ ${taskId} (Thuê hạ tầng Trung tâm dữ liệu) sắp đến hạn. Đề nghị đơn vị ${lead} khẩn trương thực hiện và báo cáo kết quả.`,
  });
  const system = { system: 'workflow' as const };
  const human = { userId: 'an.nguyen', unitCode: lead, roles: ['unit_officer'] };
  if (seq === 1) {
    return {
      event: { seq, kind: 'launched', occurredAt: at, actor: system, payload: { launch: launchBody('01-TB/CQTT', seq, Date.parse(at)) } },
      notifications: [note('assigned', 'assigned', 'lead_unit'), note('assigned', 'assigned', 'coordinating_units')],
    };
  }
  switch (seq % 4) {
    case 0:
      return {
        event: {
          seq,
          kind: 'progress_reported',
          occurredAt: at,
          actor: human,
          payload: { text: 'Đã trình thẩm định giá thuê', percent: 40 },
        },
        notifications: [],
      };
    case 1:
      return {
        event: {
          seq,
          kind: 'due_reminder',
          occurredAt: at,
          actor: system,
          payload: { step: `due-${seq}wd@e0`, level: null, plannedAt: at, recipients: ['lead_unit'] },
        },
        notifications: [note('due_reminder', `due-${seq}wd@e0`, 'lead_unit')],
      };
    case 2:
      return {
        event: {
          seq,
          kind: 'escalation',
          occurredAt: at,
          actor: system,
          payload: { step: `level-${seq}@e0`, level: 3, plannedAt: at, recipients: ['steering_committee', 'inspection_committee'] },
        },
        notifications: [
          note('escalation', `level-${seq}@e0`, 'steering_committee', 3),
          note('escalation', `level-${seq}@e0`, 'inspection_committee', 3),
        ],
      };
    default:
      return {
        event: {
          seq,
          kind: 'urging',
          occurredAt: at,
          actor: system,
          payload: { step: `urge-${seq}@e0`, level: null, plannedAt: at, recipients: ['lead_unit'] },
        },
        notifications: [note('urging', `urge-${seq}@e0`, 'lead_unit')],
      };
  }
}

/** Registers every unit `launchBody` may name: a launch naming a unit the registry lacks is refused (422). */
export async function addLaunchUnits(db: Kysely<Database>): Promise<void> {
  for (const code of UNIT_CODES) await addUnit(db, { code, name: unitRegistry.find((u) => u.code === code)?.name ?? code });
}

/** A user with the given role in a unit of its own, and a bearer token (`Authorization` value). */
export async function userWithToken(db: Kysely<Database>, login: string, unitCode: string, roles: Role[]): Promise<string> {
  await addUnit(db, { code: unitCode, name: `Đơn vị ${unitCode}` });
  await addUser(db, { login, unitCode, roles });
  const { token } = await issueToken(db, login);
  return `Bearer ${token}`;
}
