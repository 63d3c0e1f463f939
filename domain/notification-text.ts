import { RECIPIENT_ROLE_LABELS_VI, type PlannedNotification, type RecipientRole } from './policy';
import { formatVnDate, vnCivilDate, civilDayNumber } from './time';

/** What a notification message needs to know about its task. */
export interface MessageContext {
  directiveNumber: string;
  ref: string;
  title: string;
  leadUnit: string;
  dueAt: string | null;
  now: string;
  periodKey?: string;
}

function dayDistance(ctx: MessageContext): string {
  if (!ctx.dueAt) return '';
  const days = civilDayNumber(vnCivilDate(ctx.dueAt)) - civilDayNumber(vnCivilDate(ctx.now));
  if (days > 0) return `còn ${days} ngày`;
  if (days === 0) return 'đến hạn hôm nay';
  return `đã quá hạn ${-days} ngày`;
}

function itemLine(ctx: MessageContext): string {
  return `Nhiệm vụ ${ctx.ref} (Văn bản số ${ctx.directiveNumber}): ${ctx.title}`;
}

/** Subject and body of a planned reminder or escalation, in Vietnamese. */
export function plannedMessage(n: PlannedNotification, recipient: RecipientRole, ctx: MessageContext): { subject: string; body: string } {
  const due = ctx.dueAt ? `Thời hạn: ${formatVnDate(ctx.dueAt)} (${dayDistance(ctx)}).` : '';
  const to = `Kính gửi: ${RECIPIENT_ROLE_LABELS_VI[recipient]}.`;
  const period = ctx.periodKey ? ` kỳ ${ctx.periodKey}` : '';
  switch (n.kind) {
    case 'ack_reminder':
      return { subject: `[Nhắc việc] Đề nghị tiếp nhận nhiệm vụ ${ctx.ref}`, body: `${to}\n${itemLine(ctx)}\nĐơn vị chủ trì ${ctx.leadUnit} chưa xác nhận tiếp nhận nhiệm vụ. ${due}` };
    case 'ack_escalation':
      return { subject: `[Đôn đốc] Đơn vị ${ctx.leadUnit} chưa tiếp nhận nhiệm vụ ${ctx.ref}`, body: `${to}\n${itemLine(ctx)}\nĐơn vị chủ trì chưa xác nhận tiếp nhận nhiệm vụ sau thời hạn quy định. ${due}` };
    case 'due_reminder':
      return { subject: `[Nhắc việc] Nhiệm vụ ${ctx.ref} sắp đến hạn`, body: `${to}\n${itemLine(ctx)}\n${due}` };
    case 'escalation':
      return { subject: `[Đôn đốc cấp ${n.level}] Nhiệm vụ ${ctx.ref} quá hạn`, body: `${to}\n${itemLine(ctx)}\nĐơn vị chủ trì: ${ctx.leadUnit}. ${due}\nMức đôn đốc: cấp ${n.level}.` };
    case 'urging':
      return { subject: `[Đôn đốc] Nhiệm vụ ${ctx.ref} vẫn quá hạn`, body: `${to}\n${itemLine(ctx)}\nĐơn vị chủ trì: ${ctx.leadUnit}. ${due}` };
    case 'report_reminder':
      return { subject: `[Nhắc việc] Báo cáo định kỳ${period} của nhiệm vụ ${ctx.ref}`, body: `${to}\n${itemLine(ctx)}\nĐề nghị gửi báo cáo${period}. ${due}` };
    case 'report_escalation':
      return { subject: `[Đôn đốc cấp ${n.level}] Chưa có báo cáo${period} của nhiệm vụ ${ctx.ref}`, body: `${to}\n${itemLine(ctx)}\nĐơn vị chủ trì ${ctx.leadUnit} chưa gửi báo cáo${period}. ${due}` };
  }
}

/** Messages for lifecycle events the lead unit (and others) must hear about. */
export const EVENT_SUBJECTS_VI = {
  assigned: (ref: string) => `[Giao nhiệm vụ] Nhiệm vụ ${ref}`,
  returned: (ref: string) => `[Trả lại] Nhiệm vụ ${ref} cần bổ sung`,
  approved: (ref: string) => `[Hoàn thành] Nhiệm vụ ${ref} đã được duyệt`,
  extension_decided: (ref: string, approved: boolean) => `[Gia hạn] Đề nghị gia hạn nhiệm vụ ${ref} ${approved ? 'được chấp thuận' : 'không được chấp thuận'}`,
  reassigned: (ref: string) => `[Điều chỉnh] Nhiệm vụ ${ref} được giao cho đơn vị khác`,
  cancelled: (ref: string) => `[Thu hồi] Nhiệm vụ ${ref} đã bị hủy`,
} as const;
