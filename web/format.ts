import { NOTIFICATION_KIND_LABELS_VI } from '../domain/catalog/history';
import type { NotificationKind } from '../domain/notification-plan';
import { civilDayNumber, formatVnDate, formatVnDateTime, vnCivilDate } from '../domain/time';
import type { WorkingCalendar } from '../domain/calendar';
import { OPEN_STATUSES, TASK_STATUS_LABELS_VI, type TaskStatus } from '../domain/task';

export { formatVnDate, formatVnDateTime };

/** The Vietnamese label of a task status, or the code itself for one this version does not know. */
export function statusLabel(status: string): string {
  return TASK_STATUS_LABELS_VI[status as TaskStatus] ?? status;
}

export type DeadlineTone = 'none' | 'ok' | 'soon' | 'today' | 'overdue' | 'closed';

/**
 * How far a deadline is, as the badge says it: working days left ("còn 3 ngày làm việc") before it,
 * calendar days past it ("quá hạn 5 ngày"), as the delivery templates count lateness. A deadline at
 * 00:00 leaves the day before as the last day (`trước ngày 15/11` means the 14th is the last).
 */
export function deadlineDistance(
  dueAt: Date | null,
  status: string,
  now: Date,
  calendar: WorkingCalendar,
): { text: string; tone: DeadlineTone } {
  if (!dueAt) return { text: 'Không có thời hạn', tone: 'none' };
  if (!OPEN_STATUSES.includes(status as TaskStatus)) return { text: `Hạn ${formatVnDate(new Date(dueAt.getTime() - 1))}`, tone: 'closed' };
  const lastDay = vnCivilDate(new Date(dueAt.getTime() - 1));
  const today = vnCivilDate(now);
  if (now.getTime() < dueAt.getTime()) {
    const left = calendar.workingDaysBetween(today, lastDay);
    if (civilDayNumber(lastDay) === civilDayNumber(today) || left <= 0) return { text: 'Hạn chót hôm nay', tone: 'today' };
    return { text: `Còn ${left} ngày làm việc`, tone: left <= 3 ? 'soon' : 'ok' };
  }
  const late = civilDayNumber(today) - civilDayNumber(lastDay);
  return { text: late > 0 ? `Quá hạn ${late} ngày` : 'Quá hạn từ hôm nay', tone: 'overdue' };
}

const EVENT_LABELS: Record<string, string> = {
  launched: 'Giao nhiệm vụ',
  assigned: 'Nhiệm vụ mới được giao',
  extension_decided: 'Quyết định về đề nghị gia hạn',
  acknowledged: 'Đơn vị tiếp nhận nhiệm vụ',
  progress_reported: 'Báo cáo tiến độ',
  measurement_recorded: 'Cập nhật kết quả chỉ tiêu',
  evidence_attached: 'Bổ sung minh chứng',
  submitted: 'Đề nghị công nhận hoàn thành',
  returned: 'Trả lại, yêu cầu bổ sung',
  approved: 'Duyệt hoàn thành',
  completed: 'Hoàn thành',
  cancelled: 'Hủy nhiệm vụ',
  reassigned: 'Giao lại đơn vị chủ trì',
  extension_requested: 'Đề nghị gia hạn',
  extension_approved: 'Đồng ý gia hạn',
  extension_denied: 'Không đồng ý gia hạn',
  overdue: 'Quá hạn',
  report_period_opened: 'Mở kỳ báo cáo',
  report_submitted: 'Nộp báo cáo định kỳ',
};

/** The Vietnamese name of an audit event kind (lifecycle events and the reminders and escalations). */
export function eventLabel(kind: string): string {
  return EVENT_LABELS[kind] ?? NOTIFICATION_KIND_LABELS_VI[kind as NotificationKind] ?? kind;
}

/** A civil date `YYYY-MM-DD` as `dd/mm/yyyy`. */
export function formatCivilVn(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}
