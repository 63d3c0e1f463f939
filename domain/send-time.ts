// When a task's notifications go out: on a working morning at the policy's hour, then the task's own
// offset within the hour after it (issue 16). Zod-free and pure: workflows import this module.
import type { WorkingCalendar } from './calendar';
import { type CivilDate, vnInstant } from './time';

/** The window within which a task's stable send offset falls: the first hour of the morning (issue 16, P7b). */
export const SEND_SPREAD_SECONDS = 3600;

/**
 * A task's send offset, from its id alone (FNV-1a), so that it is the same in every run and replay,
 * for every notification of the task, and evenly spread across tasks over the first `spreadMinutes`.
 */
export function sendOffsetSeconds(taskId: string, spreadMinutes = SEND_SPREAD_SECONDS / 60): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < taskId.length; i++) {
    hash ^= taskId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return Math.floor(((hash % SEND_SPREAD_SECONDS) * spreadMinutes * 60) / SEND_SPREAD_SECONDS);
}

/** When a task's notifications go out on a working morning: the policy's hour, then the task's offset. */
export interface SendTime {
  hour: number;
  offsetMs: number;
}

export const sendTime = (hour: number, offsetSeconds = 0): SendTime => ({ hour, offsetMs: offsetSeconds * 1000 });

/** The first send time at or after `instant` on a working day. */
export function nextSendTime(calendar: WorkingCalendar, instant: Date, at: SendTime): Date {
  return new Date(calendar.nextWorkingMorning(new Date(instant.getTime() - at.offsetMs), at.hour).getTime() + at.offsetMs);
}

/** The send time of the working day `n` working days from `from` (moved to the next working day if needed). */
export function workingMorning(calendar: WorkingCalendar, from: CivilDate, n: number, at: SendTime): Date {
  return nextSendTime(calendar, new Date(vnInstant(calendar.addWorkingDays(from, n), at.hour).getTime() + at.offsetMs), at);
}
