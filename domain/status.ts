import { type InstantInput, parseInstant } from './time';

/*
 * The reporting groups of Vietnamese government task tracking (domain.md, "How results are
 * reported"), computable as of any instant so that a report for 20/11 reads the same when
 * it is regenerated in December. Only timestamps decide the past: an assignment completed
 * or cancelled after `asOf` was still running on `asOf`.
 */

export const STATUS_GROUPS = [
  'completed_on_time',
  'completed_late',
  'in_progress_on_time',
  'in_progress_overdue',
  'cancelled',
  'no_deadline',
] as const;
export type StatusGroup = (typeof STATUS_GROUPS)[number];

export const STATUS_GROUP_LABELS_VI: Readonly<Record<StatusGroup, string>> = Object.freeze({
  completed_on_time: 'Hoàn thành đúng hạn',
  completed_late: 'Hoàn thành quá hạn',
  in_progress_on_time: 'Đang thực hiện trong hạn',
  in_progress_overdue: 'Đang thực hiện quá hạn',
  cancelled: 'Đã hủy',
  no_deadline: 'Chưa có thời hạn',
});

/**
 * What classification reads from an assignment. `status` is the current lifecycle status
 * (any string); only 'completed' and 'cancelled' are looked at, and only when the matching
 * timestamp is missing. `completedAt` is the instant that counts for lateness: the caller
 * decides whether that is the approval or the accepted claim.
 */
export interface ClassifiableAssignment {
  status: string;
  dueAt: string | Date | null;
  completedAt: string | Date | null;
  cancelledAt: string | Date | null;
  /**
   * The claim of completion under review or approved. A claim sent by the deadline keeps an open
   * assignment within it while it awaits review; ahead of schedule is judged on it.
   */
  submittedAt?: string | Date | null;
}

export interface ClassifyOptions {
  /** Completed at least this many days (24 h each) before the deadline counts as ahead of schedule. */
  aheadMarginDays: number;
}

export const DEFAULT_CLASSIFY_OPTIONS: Readonly<ClassifyOptions> = Object.freeze({ aheadMarginDays: 1 });

export interface Classification {
  group: StatusGroup;
  /** Completed on time with at least `aheadMarginDays` to spare (hoàn thành trước hạn). */
  aheadOfSchedule: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The group an assignment was in at `asOf`. The deadline instant itself is still on time;
 * an assignment completed without a deadline counts as completed on time; one still open
 * without a deadline is 'no_deadline'.
 */
export function classifyAssignment(
  a: ClassifiableAssignment,
  asOf: InstantInput,
  options: ClassifyOptions = DEFAULT_CLASSIFY_OPTIONS,
): Classification {
  if (!(options.aheadMarginDays >= 0)) throw new RangeError(`aheadMarginDays must be >= 0: ${options.aheadMarginDays}`);
  const now = parseInstant(asOf).getTime();
  const due = a.dueAt === null ? null : parseInstant(a.dueAt).getTime();

  if (happenedBy(a.cancelledAt, a.status === 'cancelled', now)) return { group: 'cancelled', aheadOfSchedule: false };

  if (happenedBy(a.completedAt, a.status === 'completed', now)) {
    // A completed status without a timestamp is legacy data: it cannot be late or early as far as we know.
    if (due === null || a.completedAt === null) return { group: 'completed_on_time', aheadOfSchedule: false };
    const done = parseInstant(a.completedAt).getTime();
    if (done > due) return { group: 'completed_late', aheadOfSchedule: false };
    // Judged on the instant lateness is judged on: the claim that was approved.
    const claimed = a.submittedAt ? Math.min(parseInstant(a.submittedAt).getTime(), done) : done;
    return { group: 'completed_on_time', aheadOfSchedule: claimed <= due - options.aheadMarginDays * DAY_MS };
  }

  if (due === null) return { group: 'no_deadline', aheadOfSchedule: false };
  if (a.status === 'submitted' && a.submittedAt) {
    const claimed = parseInstant(a.submittedAt).getTime();
    if (claimed <= due && claimed <= now) return { group: 'in_progress_on_time', aheadOfSchedule: false };
  }
  return { group: now > due ? 'in_progress_overdue' : 'in_progress_on_time', aheadOfSchedule: false };
}

/** How many assignments were in each group at `asOf` (every group present, zero when empty). */
export function countByGroup(
  items: readonly ClassifiableAssignment[],
  asOf: InstantInput,
  options: ClassifyOptions = DEFAULT_CLASSIFY_OPTIONS,
): Record<StatusGroup, number> {
  const counts = Object.fromEntries(STATUS_GROUPS.map((g) => [g, 0])) as Record<StatusGroup, number>;
  for (const item of items) counts[classifyAssignment(item, asOf, options).group]++;
  return counts;
}

/**
 * Share of the assignments that came due by `asOf` (deadline <= asOf, not cancelled by
 * then) that were completed on time; null when none came due. Work finished early but due
 * later is not counted yet: the rate measures deadlines met, not work done.
 */
export function completionRate(items: readonly ClassifiableAssignment[], asOf: InstantInput): number | null {
  const asOfDate = parseInstant(asOf);
  const now = asOfDate.getTime();
  let cameDue = 0;
  let onTime = 0;
  for (const item of items) {
    if (item.dueAt === null || parseInstant(item.dueAt).getTime() > now) continue;
    const { group } = classifyAssignment(item, asOfDate, { aheadMarginDays: 0 });
    if (group === 'cancelled') continue;
    cameDue++;
    if (group === 'completed_on_time') onTime++;
  }
  return cameDue === 0 ? null : onTime / cameDue;
}

function happenedBy(at: string | Date | null, statusSaysSo: boolean, now: number): boolean {
  if (at !== null) return parseInstant(at).getTime() <= now;
  return statusSaysSo;
}
