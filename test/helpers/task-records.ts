/**
 * What a task workflow left in the database, read for a test to assert on: one audit event, the
 * outbox rows of a kind, the read-model row. `auditKinds` and `outbox` (in ./tasks) give the whole trail.
 */
import type { Kysely } from 'kysely';
import type { AuditEventsTable, Database, NotificationsTable, TasksTable } from '../../db/schema';

/** The one audit event of `kind` in a task's trail, with the given columns. */
export function auditEvent<C extends keyof AuditEventsTable & string>(db: Kysely<Database>, taskId: string, kind: string, columns: C[]) {
  return db.selectFrom('audit_events').select(columns).where('task_id', '=', taskId).where('kind', '=', kind).executeTakeFirstOrThrow();
}

/** Every audit event of `kind` in a task's trail, in order, with the given columns. */
export function auditEvents<C extends keyof AuditEventsTable & string>(db: Kysely<Database>, taskId: string, kind: string, columns: C[]) {
  return db.selectFrom('audit_events').select(columns).where('task_id', '=', taskId).where('kind', '=', kind).orderBy('seq').execute();
}

/** A task's notifications of `kind` in the outbox, with the given columns. */
export function notices<C extends keyof NotificationsTable & string>(db: Kysely<Database>, taskId: string, kind: string, columns: C[]) {
  return db.selectFrom('notifications').select(columns).where('task_id', '=', taskId).where('kind', '=', kind).execute();
}

/** A task's row in the read model, with the given columns. */
export function taskRow<C extends keyof TasksTable & string>(db: Kysely<Database>, taskId: string, columns: C[]) {
  return db.selectFrom('tasks').select(columns).where('id', '=', taskId).executeTakeFirstOrThrow();
}
