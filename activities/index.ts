import { sql, type Kysely, type QueryCreator } from 'kysely';
import type { Database } from '../db/schema';
import { AuditAppender, type AlongsideWrite, type AppendScope } from '../db/repositories/audit';
import { buildCalendarData, DEFAULT_CALENDAR_OVERRIDES, type CalendarData, type CalendarOverride } from '../domain/calendar';
import { workflowIdFor, type AuditEvent, type OutboxNotification, type TaskState } from '../domain/task';

export interface ActivityDeps {
  db: Kysely<Database>;
}

export interface RecordEventInput {
  taskId: string;
  event: AuditEvent;
  snapshot: TaskState;
  notifications: OutboxNotification[];
}

/** Activities over injected dependencies, built once per worker. */
export function createActivities({ db }: ActivityDeps) {
  // One per worker: its chain heads spare each event the look-up of its predecessor.
  const audit = new AuditAppender(db);
  return {
    /**
     * Appends one event to the task's audit chain, brings the read model up to that event and
     * puts its notifications in the outbox, in one statement (so one transaction, one round
     * trip). Keyed by (task, seq) and by notification key: a retried activity writes nothing new.
     */
    async recordEvent({ taskId, event, snapshot, notifications }: RecordEventInput): Promise<{ hash: string }> {
      return audit.append(taskId, event, eventWrites({ taskId, event, snapshot, notifications }));
    },

    /** The working calendar for the given years: computed holidays plus the decided overrides (shipped file, then the database table). */
    async loadCalendar({ years }: { years: number[] }): Promise<CalendarData> {
      const rows = await db.selectFrom('calendar_overrides').select(['day', 'kind', 'reason']).execute();
      const byDate = new Map<string, CalendarOverride>(DEFAULT_CALENDAR_OVERRIDES.map((o) => [o.date, o]));
      for (const r of rows) byDate.set(r.day, { date: r.day, kind: r.kind, reason: r.reason });
      return buildCalendarData(years, [...byDate.values()]);
    },
  };
}

/** What goes with an event in the same statement: the read model and the outbox (exported for bench P6's baseline). */
export function eventWrites({ taskId, event, snapshot, notifications }: RecordEventInput): Record<string, AlongsideWrite> {
  return {
    model: (db) => upsertReadModel(db, snapshot),
    outbox: (db) => insertOutbox(db, taskId, event.seq, notifications),
  };
}

/**
 * The read model as of the event, only forward (`audit_seq` guard) and only once the event is in
 * the chain (`linked`). The row travels as one jsonb value that `jsonb_populate_record` turns into
 * the table's types, because INSERT … SELECT cannot type bare parameters from its target.
 */
function upsertReadModel(db: QueryCreator<AppendScope>, s: TaskState) {
  const row = {
    id: s.taskId,
    workflow_id: workflowIdFor(s.taskId),
    directive_number: s.directiveNumber,
    ref: s.ref,
    title: s.title,
    description: s.description,
    lead_unit: s.leadUnit,
    co_lead_unit: s.coLeadUnit,
    responsible_official: s.responsibleOfficial,
    coordinating_units: s.coordinatingUnits,
    assigned_by: s.assignedBy,
    decided_by: s.decidedBy,
    expected_result: s.expectedResult,
    deadline_kind: s.deadlineKind,
    recurrence: s.recurrence ?? null,
    status: s.status,
    original_due_at: s.originalDueAt,
    due_at: s.dueAt,
    launched_at: s.launchedAt,
    acknowledged_at: s.acknowledgedAt,
    submitted_at: s.submittedAt,
    completed_at: s.completedAt,
    cancelled_at: s.cancelledAt,
    extension_count: s.extensionCount,
    escalation_level: s.escalationLevel,
    outcome: s.outcome,
    late_units: s.lateUnits,
    state: s,
    audit_seq: s.auditSeq,
  };
  const columns = Object.keys(row) as (keyof typeof row)[];
  const changed = columns.filter((c) => c !== 'id');
  return db
    .insertInto('tasks')
    .columns(columns)
    .expression(
      db
        .selectFrom(['linked', sql`jsonb_populate_record(null::tasks, ${JSON.stringify(row)}::jsonb)`.as('r')])
        .select(columns.map((c) => sql.ref(`r.${c}`).as(c))),
    )
    // Never let an older snapshot overwrite a newer one.
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet(Object.fromEntries([...changed.map((c) => [c, sql.ref(`excluded.${c}`)]), ['updated_at', sql`now()`]]))
        .where('tasks.audit_seq', '<', s.auditSeq),
    );
}

/** The event's notifications, each once by key, only once the event is in the chain (`linked`). */
function insertOutbox(db: QueryCreator<AppendScope>, taskId: string, auditSeq: number, notifications: OutboxNotification[]) {
  const rows = notifications.map((n) => ({
    key: n.key,
    task_id: taskId,
    audit_seq: auditSeq,
    kind: n.kind,
    step: n.step,
    level: n.level,
    recipient_role: n.recipientRole,
    recipient_unit: n.recipientUnit,
    scheduled_at: n.scheduledAt,
    subject: n.subject,
    body: n.body,
  }));
  const columns = ['key', 'task_id', 'audit_seq', 'kind', 'step', 'level', 'recipient_role', 'recipient_unit', 'scheduled_at', 'subject', 'body'] as const;
  return db
    .insertInto('notifications')
    .columns([...columns])
    .expression(
      db
        .selectFrom(['linked', sql`jsonb_populate_recordset(null::notifications, ${JSON.stringify(rows)}::jsonb)`.as('n')])
        .select(columns.map((c) => sql.ref(`n.${c}`).as(c))),
    )
    .onConflict((oc) => oc.column('key').doNothing());
}

export type Activities = ReturnType<typeof createActivities>;
