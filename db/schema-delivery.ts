import type { ColumnType, Generated, Selectable } from 'kysely';
import type { DefaultedTimestamp, Json, Timestamp } from './schema-columns';

/* The tables of delivery: deliveries and their attempts, webhook endpoints, digest runs (part of `Database`, db/schema.ts). */

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
