import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/*
 * Every table of the database: the Kysely `Database` and its `Selectable` aliases; the tables of people
 * (`schema-auth.ts`) and of delivery (`schema-delivery.ts`) are kept apart and re-exported here.
 * Repositories (db/repositories/) are the only code that queries them.
 */

import type { DefaultedTimestamp, Json, Timestamp } from './schema-columns';
import type { ApiTokensTable, AuthEventsTable, UnitsTable, UserPasswordsTable, UsersTable, WebSessionsTable } from './schema-auth';
import type { DeliveriesTable, DeliveryAttemptsTable, DigestRunsTable, WebhookEndpointsTable } from './schema-delivery';

export type * from './schema-auth';
export type * from './schema-delivery';

export interface DirectivesTable {
  id: string;
  number: string;
  issued_on: ColumnType<string, string, string> | null;
  issuer: string | null;
  signer: string | null;
  title: string | null;
  source_text: string | null;
  assigned_by: string | null;
  decided_by: string | null;
  policy: Json<unknown> | null;
  created_by: string | null;
  created_at: Generated<Timestamp>;
  /** With `number` and `issuer_key`, what identifies the directive (migration 0013). */
  issue_year: number;
  issuer_key: Generated<string>;
}

/** Who registered a directive, and who edited or discarded each draft, and when (migration 0013). */
export interface DirectiveEventsTable {
  id: Generated<string>;
  directive_id: string;
  kind: 'registered' | 'edited' | 'discarded';
  ref: string | null;
  actor: Json<Record<string, unknown>>;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
  occurred_at: DefaultedTimestamp;
}

/** One item of a directive: a draft until launched, then the id of its task. */
export interface DirectiveItemsTable {
  directive_id: string;
  ref: string;
  position: number;
  fields: Json<Record<string, unknown>>;
  status: Generated<'draft' | 'launched' | 'discarded'>;
  task_id: string | null;
  launched_at: Timestamp | null;
  updated_at: Generated<Timestamp>;
}

/** The read model of a task: the workflow's state as of `audit_seq`, written by activities only. */
export interface TasksTable {
  id: string;
  workflow_id: string;
  directive_number: string;
  /** The directive's issue year and issuer slug: with the number and ref, the task's identity (null year: a row written before it existed). */
  directive_year: number | null;
  directive_issuer_key: Generated<string>;
  ref: string;
  title: string;
  description: Generated<string>;
  lead_unit: string;
  co_lead_unit: string | null;
  responsible_official: string | null;
  coordinating_units: ColumnType<string[], string[] | undefined, string[]>;
  assigned_by: string | null;
  decided_by: string | null;
  expected_result: string | null;
  deadline_kind: Generated<string>;
  recurrence: Json<unknown> | null;
  status: string;
  original_due_at: Timestamp | null;
  due_at: Timestamp | null;
  launched_at: Timestamp;
  acknowledged_at: Timestamp | null;
  submitted_at: Timestamp | null;
  completed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  extension_count: Generated<number>;
  escalation_level: Generated<number>;
  outcome: string | null;
  late_units: ColumnType<string[], string[] | undefined, string[]>;
  state: Json<unknown> | null;
  audit_seq: Generated<number>;
  updated_at: Generated<Timestamp>;
  /** The instant of the event this row is the snapshot of; null for rows written without one (seeds). */
  event_at: Timestamp | null;
  /** Since when the columns a report reads have held their values (set by a trigger, migration 0014). */
  report_since: Generated<Timestamp>;
}

/** The values a task's report columns held before, each in force over [valid_from, valid_to) (migration 0014). */
export interface TaskReportHistoryTable {
  task_id: string;
  valid_from: Timestamp;
  valid_to: Timestamp;
  lead_unit: string;
  directive_number: string;
  status: string;
  due_at: Timestamp | null;
  submitted_at: Timestamp | null;
  completed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  outcome: string | null;
  late_units: string[];
  extension_count: number;
}

/** One event of a task's life; append-only (a trigger refuses UPDATE/DELETE), hash-chained per task. */
export interface AuditEventsTable {
  id: Generated<string>;
  task_id: string;
  seq: number;
  kind: string;
  occurred_at: Timestamp;
  actor: Json<Record<string, unknown>>;
  actor_user: string | null;
  actor_unit: string | null;
  payload: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
  recorded_at: Generated<Timestamp>;
}

/** A signed checkpoint of every task's chain head (db/audit-checkpoint.ts); appended, never changed. */
export interface AuditCheckpointsTable {
  id: Generated<string>;
  signed_at: Timestamp;
  key_id: string;
  root: string;
  tasks: number;
  document: Json<Record<string, unknown>>;
}

/** The outbox: each notification once, by key; delivery channels read it. */
export interface NotificationsTable {
  id: Generated<string>;
  key: string;
  task_id: string;
  audit_seq: number;
  kind: string;
  step: string;
  level: number | null;
  recipient_role: string;
  recipient_unit: string | null;
  scheduled_at: Timestamp;
  subject: string;
  body: string;
  status: Generated<string>;
  created_at: Generated<Timestamp>;
  /** When the delivery dispatcher expanded it into deliveries (null: not yet). */
  dispatched_at: Timestamp | null;
}

/** Who has read which notification in their inbox: a row per (notification, login), written once. */
export interface NotificationReadsTable {
  notification_id: string;
  login: string;
  read_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Government-decided swap days and extra days off, editable without code. */
export interface CalendarOverridesTable {
  day: ColumnType<string, string, string>;
  kind: 'day_off' | 'working_day';
  reason: string;
}

/** Every table. */
export interface Database {
  units: UnitsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  directives: DirectivesTable;
  directive_items: DirectiveItemsTable;
  directive_events: DirectiveEventsTable;
  tasks: TasksTable;
  task_report_history: TaskReportHistoryTable;
  audit_events: AuditEventsTable;
  audit_checkpoints: AuditCheckpointsTable;
  notifications: NotificationsTable;
  notification_reads: NotificationReadsTable;
  calendar_overrides: CalendarOverridesTable;
  evidence: EvidenceTable;
  idempotency_keys: IdempotencyKeysTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  webhook_endpoints: WebhookEndpointsTable;
  digest_runs: DigestRunsTable;
  user_passwords: UserPasswordsTable;
  web_sessions: WebSessionsTable;
  auth_events: AuthEventsTable;
}

export type TaskRow = Selectable<TasksTable>;
export type NewTaskRow = Insertable<TasksTable>;
export type TaskRowUpdate = Updateable<TasksTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type NotificationRow = Selectable<NotificationsTable>;

/** An evidence file (minh chứng): its bytes, their SHA-256, and whether the workflow has recorded it. */
export interface EvidenceTable {
  id: string;
  task_id: string;
  sha256: string;
  file_name: string;
  content_type: string;
  size: number;
  content: Buffer;
  uploaded_by: string;
  unit_code: string;
  description: Generated<string>;
  status: ColumnType<'pending' | 'attached', 'pending' | 'attached' | undefined, 'pending' | 'attached'>;
  created_at: Generated<Timestamp>;
  attached_at: Timestamp | null;
}

/** A POST's Idempotency-Key, per login: the request it was first used for and, once done, the answer. */
export interface IdempotencyKeysTable {
  login: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  state: ColumnType<'in_progress' | 'done', 'in_progress' | 'done' | undefined, 'in_progress' | 'done'>;
  status_code: number | null;
  response_headers: Json<Record<string, string>> | null;
  response_body: Buffer | null;
  created_at: Generated<Timestamp>;
  completed_at: Timestamp | null;
}

export type EvidenceRow = Selectable<EvidenceTable>;
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;
