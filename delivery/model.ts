import { createHash } from 'node:crypto';
import type { WorkingCalendar } from '../domain/calendar';
import type { DeliveryChannel } from '../db/schema';

/** The right-hand side of every Message-ID the system writes. */
export const MESSAGE_ID_DOMAIN = 'directive-engine.local';

/** Working hours of state agencies, Vietnam time: deliveries go out in [start, end). */
export const WORKING_HOURS = Object.freeze({ start: 8, end: 17 });

/**
 * The identity of one message to one recipient on one channel, derived from the notification
 * key (or the digest's), never random: a resend after a crash carries the same id, so the
 * mailbox or the receiving system sees the same message twice, never two messages.
 */
export function deliveryKeyFor(sourceKey: string, channel: DeliveryChannel, recipient: string): string {
  return createHash('sha256').update(`${sourceKey}|${channel}|${recipient}`).digest('hex').slice(0, 32);
}

/** The e-mail Message-ID of a delivery: `<delivery-key@directive-engine.local>`. */
export function messageIdFor(deliveryKey: string): string {
  return `<${deliveryKey}@${MESSAGE_ID_DOMAIN}>`;
}

export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failed one the delivery is dead. */
  maxAttempts: number;
  /** Wait after the first failure; doubled after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long an attempt may stay in flight before another process may take it over. */
  leaseMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  leaseMs: 120_000,
});

/** Exponential backoff: the wait after failed attempt number `attempt` (1-based). */
export function retryDelayMs(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** Whether `now` is inside working hours of a working day (08:00-17:00, Asia/Ho_Chi_Minh). */
export function isWorkingTime(calendar: WorkingCalendar, now: Date): boolean {
  const opens = calendar.nextWorkingMorning(now, WORKING_HOURS.start, { withinWorkingHours: true, endHour: WORKING_HOURS.end });
  return opens.getTime() === now.getTime();
}

/** The first instant at or after `at` when a delivery may go out. */
export function nextDeliveryWindow(calendar: WorkingCalendar, at: Date): Date {
  return calendar.nextWorkingMorning(at, WORKING_HOURS.start, { withinWorkingHours: true, endHour: WORKING_HOURS.end });
}
