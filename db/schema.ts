import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Role } from '../domain/roles';

/*
 * Every table of the database, in one file: the Kysely `Database` and its `Selectable` aliases.
 * Repositories (db/repositories/) are the only code that queries them.
 */

/** timestamptz: pg returns Date; we write Date or ISO strings. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
/** A timestamptz with a database default that callers may also set (an injected clock). */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

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

export interface UnitsTable {
  code: string;
  name: string;
  aliases: ColumnType<string[], string[] | undefined, string[]>;
  kind: string | null;
  /** A deactivated unit receives no new work. */
  active: Generated<boolean>;
  created_at: Generated<Timestamp>;
}

export interface UsersTable {
  id: Generated<string>;
  login: string;
  full_name: string | null;
  unit_code: string;
  roles: Role[];
  email: string | null;
  active: Generated<boolean>;
  created_at: Generated<Timestamp>;
}

/** Tokens are kept only as the SHA-256 of the plaintext; the plaintext is shown once, at issue. */
export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  token_hash: Buffer;
  label: string | null;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export type DeliveryChannel = 'inbox' | 'email' | 'webhook';
/**
 * pending: written, never tried; sending: an attempt is in flight (`next_attempt_at` is when its
 * lease runs out); retrying: the last attempt failed, the next waits for `next_attempt_at`;
 * sent: accepted by the recipient's side; dead: given up after the last attempt (the dead letter).
 */
export type DeliveryState = 'pending' | 'sending' | 'retrying' | 'sent' | 'dead';
export type AttemptOutcome = 'sent' | 'failed' | 'interrupted';

/** What a delivery carries, rendered once when the delivery is created. */
export interface DeliveryContent {
  subject: string;
  text: string;
  html?: string;
  /** The webhook body exactly as signed and posted. */
  json?: string;
}

/** One message to one recipient on one channel, for a notification of the outbox or a unit's daily digest. */
export interface DeliveriesTable {
  id: Generated<string>;
  delivery_key: string;
  source_key: string;
  notification_id: string | null;
  digest_run_id: string | null;
  task_id: string | null;
  channel: DeliveryChannel;
  /** A login for the inbox and e-mail, an endpoint id for a webhook. */
  recipient: string;
  /** The e-mail address or URL at the time the delivery was created. */
  address: string | null;
  content: Json<DeliveryContent>;
  state: ColumnType<DeliveryState, DeliveryState | undefined, DeliveryState>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  sent_at: Timestamp | null;
  created_at: DefaultedTimestamp;
}

export interface DeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  outcome: AttemptOutcome | null;
  detail: string | null;
}

/** Where a unit's messages are also posted (an OTT/Zalo bridge, another system), signed with the endpoint's secret. */
export interface WebhookEndpointsTable {
  id: Generated<string>;
  unit_code: string;
  url: string;
  secret: string;
  description: string | null;
  active: Generated<boolean>;
  created_at: DefaultedTimestamp;
}

/** One daily digest of a unit: what it listed; unique per (unit, day). */
export interface DigestRunsTable {
  id: Generated<string>;
  unit_code: string;
  day: ColumnType<string, string, string>;
  items: Json<unknown>;
  created_at: DefaultedTimestamp;
}

export type DeliveryRow = Selectable<DeliveriesTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
// The web app's sign-in (migration 0011): passwords, server-side sessions, and the record of sign-ins.

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

export type AuthEventKind =
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_in_limited'
  | 'sign_out'
  | 'session_expired'
  | 'password_changed'
  | 'password_set'
  | 'sessions_revoked';

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
