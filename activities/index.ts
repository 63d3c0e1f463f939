import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { eventHash, GENESIS_HASH } from '../db/audit';
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
  return {
    /**
     * Appends one event to the task's audit chain, brings the read model up to that event and
     * puts its notifications in the outbox, in one transaction. Keyed by (task, seq) and by
     * notification key: a retried activity writes nothing new.
     */
    async recordEvent({ taskId, event, snapshot, notifications }: RecordEventInput): Promise<{ hash: string }> {
      return db.transaction().execute(async (trx) => {
        // One writer per task at a time, so the chain's previous hash is stable while we link to it.
        await sql`SELECT pg_advisory_xact_lock(hashtext(${taskId}))`.execute(trx);
        const existing = await trx.selectFrom('audit_events').select('hash').where('task_id', '=', taskId).where('seq', '=', event.seq).executeTakeFirst();
        let hash: string;
        if (existing) {
          hash = existing.hash;
        } else {
          let prevHash = GENESIS_HASH;
          if (event.seq > 1) {
            const prev = await trx.selectFrom('audit_events').select('hash').where('task_id', '=', taskId).where('seq', '=', event.seq - 1).executeTakeFirst();
            // The workflow writes in order; a missing predecessor means its write is still retrying.
            if (!prev) throw new Error(`audit event ${taskId}#${event.seq - 1} not written yet`);
            prevHash = prev.hash;
          }
          hash = eventHash(prevHash, { taskId, ...event });
          const actor = event.actor as Record<string, unknown>;
          await trx
            .insertInto('audit_events')
            .values({
              task_id: taskId,
              seq: event.seq,
              kind: event.kind,
              occurred_at: event.occurredAt,
              actor: JSON.stringify(event.actor),
              actor_user: typeof actor.userId === 'string' ? actor.userId : null,
              actor_unit: typeof actor.unitCode === 'string' ? actor.unitCode : null,
              payload: JSON.stringify(event.payload),
              prev_hash: prevHash,
              hash,
            })
            .execute();
        }
        await upsertReadModel(trx, snapshot);
        if (notifications.length) {
          await trx
            .insertInto('notifications')
            .values(
              notifications.map((n) => ({
                key: n.key,
                task_id: taskId,
                audit_seq: event.seq,
                kind: n.kind,
                step: n.step,
                level: n.level,
                recipient_role: n.recipientRole,
                recipient_unit: n.recipientUnit,
                scheduled_at: n.scheduledAt,
                subject: n.subject,
                body: n.body,
              })),
            )
            .onConflict((oc) => oc.column('key').doNothing())
            .execute();
        }
        return { hash };
      });
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

async function upsertReadModel(trx: Kysely<Database>, s: TaskState): Promise<void> {
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
    recurrence: s.recurrence ? JSON.stringify(s.recurrence) : null,
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
    state: JSON.stringify(s),
    audit_seq: s.auditSeq,
  };
  const { id: _id, ...changes } = row;
  await trx
    .insertInto('tasks')
    .values(row)
    // Never let an older snapshot overwrite a newer one.
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...changes, updated_at: sql`now()` }).where('tasks.audit_seq', '<', s.auditSeq))
    .execute();
}

export type Activities = ReturnType<typeof createActivities>;
