// How a task's history (its audit trail) reads, one line per event, in Vietnamese; with the
// notices in `notices.ts`, the catalog of every text a person reads about a task.
import type { NotificationKind } from '../notification-plan';
import type { RecipientRole } from '../policy';
import { RECIPIENT_ROLE_LABELS_VI } from './notices';
import { formatDueValue, periodLabelVi } from './format';

/** The name of each kind of planned notice, in the inbox and in a task's history. */
export const NOTIFICATION_KIND_LABELS_VI: Readonly<Record<NotificationKind, string>> = Object.freeze({
  ack_reminder: 'Nhắc tiếp nhận nhiệm vụ',
  ack_escalation: 'Báo cáo người đứng đầu: nhiệm vụ chưa được tiếp nhận',
  due_reminder: 'Nhắc việc sắp đến hạn',
  escalation: 'Báo cáo vượt cấp: nhiệm vụ quá hạn',
  urging: 'Đôn đốc nhiệm vụ quá hạn',
  report_reminder: 'Nhắc báo cáo định kỳ',
  report_escalation: 'Báo cáo vượt cấp: chậm báo cáo định kỳ',
});

/** The name of every kind of audit event the task workflow records. */
export const HISTORY_LABELS_VI: Readonly<Record<string, string>> = Object.freeze({
  launched: 'Giao nhiệm vụ',
  acknowledged: 'Đơn vị chủ trì xác nhận tiếp nhận',
  progress_reported: 'Báo cáo tiến độ',
  evidence_attached: 'Bổ sung minh chứng',
  measurement_recorded: 'Ghi nhận số liệu chỉ tiêu',
  submitted: 'Đề nghị hoàn thành',
  approved: 'Duyệt hoàn thành',
  returned: 'Trả lại, yêu cầu bổ sung',
  extension_requested: 'Xin gia hạn',
  extension_approved: 'Chấp thuận gia hạn',
  extension_denied: 'Không chấp thuận gia hạn',
  reassigned: 'Giao lại đơn vị chủ trì',
  cancelled: 'Thu hồi (hủy) nhiệm vụ',
  reopened: 'Mở lại nhiệm vụ',
  report_period_opened: 'Mở kỳ báo cáo định kỳ',
  report_submitted: 'Nộp báo cáo định kỳ',
  overdue: 'Quá hạn',
  completed: 'Hoàn thành',
  ...NOTIFICATION_KIND_LABELS_VI,
});

const text = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** One line of a task's history: the event's name and the facts that matter ("Chấp thuận gia hạn (thời hạn mới 30/04/2026)"). */
export function historyLabel(kind: string, payload: Record<string, unknown>): string {
  const name = HISTORY_LABELS_VI[kind] ?? kind;
  const detail = historyDetail(kind, payload);
  return detail ? `${name} (${detail})` : name;
}

function historyDetail(kind: string, payload: Record<string, unknown>): string | null {
  const period = text(payload.periodKey) && periodLabelVi(String(payload.periodKey));
  switch (kind) {
    case 'progress_reported':
      return [text(payload.text), typeof payload.percent === 'number' ? `(${payload.percent}%)` : null].filter(Boolean).join(' ') || null;
    case 'evidence_attached':
      return text(payload.fileName);
    case 'approved':
      return payload.outcome === 'completed_late'
        ? 'hoàn thành quá hạn'
        : payload.outcome === 'completed_on_time'
          ? 'hoàn thành đúng hạn'
          : null;
    case 'returned':
    case 'cancelled':
    case 'reopened':
    case 'extension_denied':
      return text(payload.reason) && `lý do: ${payload.reason}`;
    case 'extension_requested':
      return (
        formatDueValue(payload.requestedDueAt) &&
        `đến ${formatDueValue(payload.requestedDueAt)}${text(payload.reason) ? `, lý do: ${payload.reason}` : ''}`
      );
    case 'extension_approved':
      return formatDueValue(payload.dueAt) && `thời hạn mới ${formatDueValue(payload.dueAt)}`;
    case 'reassigned':
      return text(payload.newLeadUnit) && `${payload.previousLeadUnit ? `từ ${payload.previousLeadUnit} ` : ''}sang ${payload.newLeadUnit}`;
    case 'report_period_opened':
      return period && `${period}${formatDueValue(payload.due) ? `, hạn ${formatDueValue(payload.due)}` : ''}`;
    case 'report_submitted':
      return period && `${period}${payload.onTime === true ? ', đúng hạn' : payload.onTime === false ? ', quá hạn' : ''}`;
    case 'overdue':
      return (
        formatDueValue(payload.dueAt) &&
        `${text(payload.leadUnit) ?? 'đơn vị chủ trì'} chưa hoàn thành, thời hạn ${formatDueValue(payload.dueAt)}`
      );
    case 'completed':
      return payload.reason === 'all_periods_reported' ? 'đã báo cáo đủ các kỳ' : null;
  }
  if (kind in NOTIFICATION_KIND_LABELS_VI) {
    const to = Array.isArray(payload.recipients)
      ? payload.recipients.map((r) => RECIPIENT_ROLE_LABELS_VI[r as RecipientRole] ?? String(r)).join(', ')
      : null;
    const level = typeof payload.level === 'number' && (kind as NotificationKind).endsWith('escalation') ? `cấp ${payload.level}` : null;
    return [period, level, to && `gửi ${to}`].filter(Boolean).join(', ') || null;
  }
  return null;
}
