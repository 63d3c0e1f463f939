import type { Kysely } from 'kysely';
import { addUnit, addUser } from '../../db/repositories/auth';
import type { Database } from '../../db/schema';
import type { Role } from '../../domain/roles';
import { uniq } from './ids';

/*
 * Rows as the lifecycle workflow leaves them (the `tasks` read model, audit events, the
 * `notifications` outbox), written directly so delivery can be tested at any date without a
 * Temporal server; test/integration/delivery-escalation.test.ts drives a real workflow instead.
 */

/** A unit with a real-looking Vietnamese name. */
export async function aNamedUnit(db: Kysely<Database>, prefix: string, name: string): Promise<string> {
  const code = `${prefix}_${uniq().toUpperCase()}`;
  await addUnit(db, { code, name: `${name} ${code.slice(-8)}` });
  return code;
}

export interface TestPerson {
  login: string;
  email: string | null;
  unitCode: string;
}

/** A user of a unit, with an e-mail address unless `email: null`. */
export async function aPerson(
  db: Kysely<Database>,
  unitCode: string,
  roles: Role[],
  o: { fullName?: string; email?: string | null } = {},
): Promise<TestPerson> {
  const login = `nv.${uniq()}`;
  const email = o.email === undefined ? `${login}@thainguyen.gov.vn` : o.email;
  await addUser(db, { login, unitCode, roles, fullName: o.fullName ?? 'Nguyễn Văn Thử', email });
  return { login, email, unitCode };
}

export interface TaskFixture {
  leadUnit: string;
  coordinatingUnits?: string[];
  coLeadUnit?: string | null;
  decidedBy: string;
  dueAt: string | null;
  status?: string;
  ref?: string;
  title?: string;
  launchedAt?: string;
}

/** A task row of the read model; returns its id. */
export async function aTaskRow(
  db: Kysely<Database>,
  t: TaskFixture,
): Promise<{ taskId: string; directiveNumber: string; ref: string; title: string }> {
  const directiveNumber = `01-TB/CQTT-${uniq()}`;
  const ref = t.ref ?? '2.3 (1)';
  const title = t.title ?? 'Thuê hạ tầng Trung tâm dữ liệu (DC) để lưu trữ dữ liệu đám mây';
  const taskId = `${directiveNumber.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.${ref.replace(/[^0-9a-z]+/gi, '-').replace(/^-|-$/g, '')}`;
  await db
    .insertInto('tasks')
    .values({
      id: taskId,
      workflow_id: `task-${taskId}`,
      directive_number: directiveNumber,
      ref,
      title,
      lead_unit: t.leadUnit,
      co_lead_unit: t.coLeadUnit ?? null,
      coordinating_units: t.coordinatingUnits ?? [],
      decided_by: t.decidedBy,
      responsible_official: 'Giám đốc Sở',
      expected_result: 'Hạ tầng DC được thuê và đưa vào sử dụng',
      status: t.status ?? 'assigned',
      original_due_at: t.dueAt,
      due_at: t.dueAt,
      launched_at: t.launchedAt ?? '2026-01-05T09:00:00+07:00',
    })
    .execute();
  return { taskId, directiveNumber, ref, title };
}

export interface NotificationFixture {
  kind: string;
  step: string;
  level?: number | null;
  role: string;
  unit: string | null;
  scheduledAt: string;
  /** The payload of the audit event that caused it (e.g. `{ reason }` of a return). */
  event?: Record<string, unknown>;
}

const seqs = new Map<string, number>();

/** One outbox row, keyed as the workflow keys it, with its audit event; returns the key. */
export async function aNotification(db: Kysely<Database>, taskId: string, n: NotificationFixture): Promise<string> {
  const seq = (seqs.get(taskId) ?? 0) + 1;
  seqs.set(taskId, seq);
  await db
    .insertInto('audit_events')
    .values({
      task_id: taskId,
      seq,
      kind: n.kind,
      occurred_at: n.scheduledAt,
      actor: JSON.stringify({ system: 'workflow' }),
      actor_user: null,
      actor_unit: null,
      payload: JSON.stringify(n.event ?? {}),
      // Linked like a real chain: the database refuses any other (migration 0009).
      prev_hash: `${seq - 1}`.padStart(64, '0'),
      hash: `${seq}`.padStart(64, '0'),
    })
    .execute();
  const key = `${taskId}/${n.kind}/${n.step}/${n.role}/${n.unit ?? '-'}`;
  await db
    .insertInto('notifications')
    .values({
      key,
      task_id: taskId,
      audit_seq: seq,
      kind: n.kind,
      step: n.step,
      level: n.level ?? null,
      recipient_role: n.role,
      recipient_unit: n.unit,
      scheduled_at: n.scheduledAt,
      subject: `[${n.kind}] ${taskId}`,
      body: `Nội dung thông báo ${n.kind}`,
    })
    .execute();
  return key;
}

/** The deliveries of one notification as "channel recipient state" lines, sorted. */
export async function deliveriesOf(db: Kysely<Database>, key: string): Promise<string[]> {
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('notifications as n', 'n.id', 'd.notification_id')
    .select(['d.channel', 'd.recipient', 'd.state'])
    .where('n.key', '=', key)
    .execute();
  return rows.map((r) => `${r.channel} ${r.recipient} ${r.state}`).sort();
}

/** The unit changes heads: `formerHead` becomes an officer and `newHead` heads the unit. */
export async function handOverHeadship(db: Kysely<Database>, formerHead: TestPerson, newHead: TestPerson): Promise<void> {
  await db
    .updateTable('users')
    .set({ roles: ['unit_officer'] })
    .where('login', '=', formerHead.login)
    .execute();
  await db
    .updateTable('users')
    .set({ roles: ['unit_head'] })
    .where('login', '=', newHead.login)
    .execute();
}
