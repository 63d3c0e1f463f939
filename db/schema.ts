import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AuthTables } from './tables/auth';
import type { DeliveryTables } from './tables/delivery';

/** timestamptz: pg returns Date; we write Date or ISO strings. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

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
}

/** One item of a directive: a draft until launched, then the id of its task. */
export interface DirectiveItemsTable {
  directive_id: string;
  ref: string;
  position: number;
  fields: Json<Record<string, unknown>>;
  status: Generated<'draft' | 'launched'>;
  task_id: string | null;
  launched_at: Timestamp | null;
  updated_at: Generated<Timestamp>;
}

/** The read model of a task: the workflow's state as of `audit_seq`, written by activities only. */
export interface TasksTable {
  id: string;
  workflow_id: string;
  directive_number: string;
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

/** Every table; units, users and tokens are declared in tables/auth.ts, deliveries in tables/delivery.ts. */
export interface Database extends AuthTables, DeliveryTables {
  directives: DirectivesTable;
  directive_items: DirectiveItemsTable;
  tasks: TasksTable;
  audit_events: AuditEventsTable;
  notifications: NotificationsTable;
  notification_reads: NotificationReadsTable;
  calendar_overrides: CalendarOverridesTable;
  evidence: EvidenceTable;
  idempotency_keys: IdempotencyKeysTable;
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

// The web app's sign-in (migration 0011): passwords, server-side sessions, and the record of sign-ins.

/** A timestamptz with a default: `Generated<Timestamp>` would select as the ColumnType itself, not a Date. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A person's password as scrypt's encoded hash (algorithm, parameters, per-user salt, key). */
export interface UserPasswordsTable {
  user_id: string;
  password_hash: string;
  /** A one-time password: the person must choose their own before anything else. */
  must_change: Generated<boolean>;
  changed_at: DefaultedTimestamp;
}

/** A signed-in browser; the cookie holds a random value of which only the SHA-256 is kept. */
export interface WebSessionsTable {
  id: Generated<string>;
  token_hash: Buffer;
  user_id: string;
  csrf_token: string;
  created_at: DefaultedTimestamp;
  last_seen_at: DefaultedTimestamp;
  /** The absolute end of the session, whatever its activity. */
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  address: string | null;
  user_agent: string | null;
}

export type AuthEventKind = 'sign_in' | 'sign_in_failed' | 'sign_in_limited' | 'sign_out' | 'session_expired' | 'password_changed' | 'password_set' | 'sessions_revoked';

/** Sign-ins, sign-outs, refused attempts and password changes, as they happened. */
export interface AuthEventsTable {
  id: Generated<string>;
  occurred_at: DefaultedTimestamp;
  kind: AuthEventKind;
  login: string | null;
  user_id: string | null;
  address: string | null;
  user_agent: string | null;
  session_id: string | null;
}
