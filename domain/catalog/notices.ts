// Every notice a person reads about a task, in Vietnamese, in one place, without zod: the workflow
// writes the inbox text with it, delivery the e-mail and webhook text (delivery/templates.ts).
import type { RecipientRole } from '../policy';
import type { InstantInput } from '../time';
import { dueDistance, formatDueDate, formatDueValue, periodLabelVi } from './format';

/*
 * A notice is a subject, a greeting, what happened and what is asked (`NOTICE_TEXTS`, one
 * entry per kind), and the facts of the assignment (directive number, item, unit, due date with
 * days remaining or overdue, escalation level). The inbox shows it as plain text; e-mail adds the
 * link, the signature and an HTML rendering; a webhook carries the e-mail's text. To change a
 * wording, edit `NOTICE_TEXTS`.
 */

/** Whom a notice addresses, as the notice and the history name them. */
export const RECIPIENT_ROLE_LABELS_VI: Readonly<Record<RecipientRole, string>> = Object.freeze({
  lead_unit: 'Đơn vị chủ trì',
  coordinating_units: 'Đơn vị phối hợp',
  lead_unit_head: 'Người đứng đầu đơn vị chủ trì',
  standing_office: 'Cơ quan Thường trực Ban Chỉ đạo',
  steering_committee: 'Ban Chỉ đạo',
  inspection_committee: 'Ủy ban Kiểm tra Tỉnh ủy',
});

export interface UnitRef {
  code: string;
  /** The registered name; the code is shown when the unit is unknown. */
  name: string | null;
}

/** What a notice says about its assignment. */
export interface NoticeTask {
  directiveNumber: string;
  ref: string;
  title: string;
  leadUnit: UnitRef;
  dueAt: InstantInput | null;
  expectedResult: string | null;
}

/** One notification for one recipient, with what its audit event recorded. */
export interface NoticeInput {
  kind: string;
  level: number | null;
  recipientRole: string;
  recipientUnit: UnitRef | null;
  /** The person it goes to, when it goes to a person. */
  person?: { fullName: string | null } | null;
  task: NoticeTask | null;
  /** The payload of the audit event that caused it (reasons, new deadline, new lead unit). */
  event: Record<string, unknown> | null;
  /** For periodic reports: the period and its due instant. */
  period: { key: string; dueAt: InstantInput | null } | null;
  /** When it is written: "days remaining" counts from here. */
  now: InstantInput;
  /** Names of units other than the lead and the recipient (a reassignment's new lead unit). */
  unitNames?: ReadonlyMap<string, string>;
  /** The outbox row's own text: what a kind without an entry in `NOTICE_TEXTS` shows. */
  fallback?: { subject: string; body: string };
}

/** A notice ready to lay out: plain text (inbox, e-mail, webhook) or HTML (e-mail). */
export interface Notice {
  subject: string;
  greeting: string;
  lines: string[];
  facts: [string, string][];
}

/** What the wording reads: the input with derived values ready to print. */
export interface Wording {
  ref: string;
  directiveNumber: string;
  leadUnit: string;
  level: number | null;
  due: string | null;
  period: string | null;
  event: Record<string, unknown>;
  unitName(code: unknown): string;
  date(value: unknown): string | null;
}

export interface NoticeText {
  subject(m: Wording): string;
  /** What happened and what is asked, one paragraph per string. */
  lines(m: Wording): string[];
}

export const SIGNATURE_VI = 'Hệ thống theo dõi thực hiện nhiệm vụ của Ban Chỉ đạo. Thư gửi tự động, đề nghị không trả lời thư này.';

const reason = (m: Wording) => (typeof m.event.reason === 'string' && m.event.reason ? [`Lý do: ${m.event.reason}`] : []);
const ofPeriod = (m: Wording) => (m.period ? ` ${m.period}` : '');

/** The wording of every notification kind: planned reminders and escalations, and lifecycle news. */
export const NOTICE_TEXTS: Readonly<Record<string, NoticeText>> = {
  assigned: {
    subject: (m) => `[Giao nhiệm vụ] ${m.ref} – Văn bản số ${m.directiveNumber}`,
    lines: () => ['Ban Chỉ đạo giao nhiệm vụ dưới đây. Đề nghị đơn vị xác nhận tiếp nhận và tổ chức thực hiện đúng thời hạn.'],
  },
  ack_reminder: {
    subject: (m) => `[Nhắc việc] Đề nghị tiếp nhận nhiệm vụ ${m.ref} – Văn bản số ${m.directiveNumber}`,
    lines: (m) => [`Đơn vị chủ trì ${m.leadUnit} chưa xác nhận tiếp nhận nhiệm vụ. Đề nghị đơn vị xác nhận tiếp nhận trên hệ thống.`],
  },
  ack_escalation: {
    subject: (m) => `[Đôn đốc] ${m.leadUnit} chưa tiếp nhận nhiệm vụ ${m.ref}`,
    lines: (m) => [
      `Đơn vị chủ trì ${m.leadUnit} chưa xác nhận tiếp nhận nhiệm vụ sau thời gian quy định. Đề nghị đồng chí chỉ đạo đơn vị tiếp nhận và triển khai ngay.`,
    ],
  },
  due_reminder: {
    subject: (m) => `[Nhắc việc] Nhiệm vụ ${m.ref} sắp đến hạn${m.due ? ` (${m.due})` : ''}`,
    lines: () => ['Nhiệm vụ sắp đến hạn. Đề nghị đơn vị khẩn trương hoàn thành và gửi đề nghị hoàn thành kèm minh chứng.'],
  },
  escalation: {
    subject: (m) => `[Đôn đốc cấp ${m.level}] Nhiệm vụ ${m.ref} quá hạn – ${m.leadUnit}`,
    lines: (m) => [
      m.level === 1
        ? `Nhiệm vụ do ${m.leadUnit} chủ trì đã quá hạn mà chưa hoàn thành. Đề nghị đồng chí người đứng đầu đơn vị trực tiếp chỉ đạo hoàn thành.`
        : m.level === 2
          ? `Nhiệm vụ do ${m.leadUnit} chủ trì vẫn quá hạn sau khi đã đôn đốc người đứng đầu đơn vị. Đề nghị Cơ quan Thường trực đôn đốc, xem xét.`
          : `Nhiệm vụ do ${m.leadUnit} chủ trì vẫn quá hạn sau các lần đôn đốc. Báo cáo Thường trực Ban Chỉ đạo và Ủy ban Kiểm tra Tỉnh ủy để xem xét, kiểm tra.`,
    ],
  },
  urging: {
    subject: (m) => `[Đôn đốc] Nhiệm vụ ${m.ref} vẫn quá hạn – ${m.leadUnit}`,
    lines: () => ['Nhiệm vụ vẫn chưa hoàn thành. Đề nghị đơn vị khẩn trương hoàn thành và báo cáo kết quả.'],
  },
  report_reminder: {
    subject: (m) => `[Nhắc việc] Báo cáo định kỳ${ofPeriod(m)} – nhiệm vụ ${m.ref}`,
    lines: (m) => [`Đề nghị đơn vị gửi báo cáo định kỳ${ofPeriod(m)} đúng hạn.`],
  },
  report_escalation: {
    subject: (m) => `[Đôn đốc cấp ${m.level}] Chưa có báo cáo${ofPeriod(m)} – nhiệm vụ ${m.ref}`,
    lines: (m) => [`${m.leadUnit} chưa gửi báo cáo định kỳ${ofPeriod(m)} đã đến hạn. Đề nghị chỉ đạo gửi báo cáo ngay.`],
  },
  returned: {
    subject: (m) => `[Trả lại] Nhiệm vụ ${m.ref} cần bổ sung`,
    lines: (m) => ['Cơ quan Thường trực trả lại đề nghị hoàn thành nhiệm vụ, yêu cầu bổ sung.', ...reason(m)],
  },
  approved: {
    subject: (m) => `[Hoàn thành] Nhiệm vụ ${m.ref} đã được duyệt`,
    lines: (m) => [
      `Cơ quan Thường trực đã duyệt hoàn thành nhiệm vụ${m.event.outcome === 'completed_late' ? ' (hoàn thành quá hạn)' : m.event.outcome === 'completed_on_time' ? ' (hoàn thành đúng hạn)' : ''}.`,
    ],
  },
  extension_decided: {
    subject: (m) =>
      `[Gia hạn] Đề nghị gia hạn nhiệm vụ ${m.ref} ${m.event.approve === false ? 'không được chấp thuận' : 'được chấp thuận'}`,
    lines: (m) =>
      m.event.approve === false
        ? ['Đề nghị gia hạn không được chấp thuận; thời hạn giữ nguyên.', ...reason(m)]
        : [
            `Đề nghị gia hạn được chấp thuận. Thời hạn mới: ${m.date(m.event.dueAt) ?? m.due ?? '(không rõ)'}${m.date(m.event.previousDueAt) ? ` (thời hạn cũ: ${m.date(m.event.previousDueAt)})` : ''}.`,
          ],
  },
  reassigned: {
    subject: (m) => `[Điều chỉnh] Nhiệm vụ ${m.ref} được giao cho ${m.unitName(m.event.newLeadUnit)}`,
    lines: (m) => [
      `Nhiệm vụ được giao cho ${m.unitName(m.event.newLeadUnit)} chủ trì${m.event.previousLeadUnit ? ` (thay ${m.unitName(m.event.previousLeadUnit)})` : ''}.`,
      ...reason(m),
    ],
  },
  reopened: {
    subject: (m) => `[Mở lại] Nhiệm vụ ${m.ref} phải thực hiện lại`,
    lines: (m) => [
      `Cơ quan Thường trực mở lại nhiệm vụ; đề nghị đơn vị thực hiện lại. Thời hạn mới: ${m.date(m.event.dueAt) ?? m.due ?? '(không rõ)'}.`,
      ...reason(m),
    ],
  },
  cancelled: {
    subject: (m) => `[Thu hồi] Nhiệm vụ ${m.ref} đã bị hủy`,
    lines: (m) => ['Cơ quan Thường trực đã thu hồi (hủy) nhiệm vụ; đơn vị dừng thực hiện.', ...reason(m)],
  },
};

const unitLabel = (u: UnitRef) => (u.name ? `${u.name} (${u.code})` : u.code);

/** Subject, greeting, paragraphs and facts of one notification for one recipient. */
export function composeNotice(input: NoticeInput): Notice {
  const { task, period, now } = input;
  const dueAt = period ? period.dueAt : (task?.dueAt ?? null);
  const names = input.unitNames ?? new Map<string, string>();
  const due = dueAt ? formatDueDate(dueAt) : null;
  const wording: Wording = {
    ref: task?.ref ?? '',
    directiveNumber: task?.directiveNumber ?? '',
    leadUnit: task ? (task.leadUnit.name ?? task.leadUnit.code) : '',
    level: input.level,
    due,
    period: period ? periodLabelVi(period.key) : null,
    event: input.event ?? {},
    unitName: (code) =>
      typeof code === 'string' ? (names.get(code) ?? (task && code === task.leadUnit.code ? task.leadUnit.name : null) ?? code) : '',
    date: formatDueValue,
  };
  const text = task ? NOTICE_TEXTS[input.kind] : undefined;
  const fallback = input.fallback ?? { subject: '', body: '' };

  const role = RECIPIENT_ROLE_LABELS_VI[input.recipientRole as RecipientRole] ?? input.recipientRole;
  const addressee = input.recipientUnit ? `${role} – ${input.recipientUnit.name ?? input.recipientUnit.code}` : role;
  const greeting = input.person?.fullName ? `Kính gửi: Đồng chí ${input.person.fullName} (${addressee})` : `Kính gửi: ${addressee}`;

  const facts: [string, string][] = [];
  if (task) {
    facts.push(['Văn bản chỉ đạo', `Số ${task.directiveNumber}`]);
    facts.push(['Nhiệm vụ', `${task.ref} – ${task.title}`]);
    facts.push(['Đơn vị chủ trì', unitLabel(task.leadUnit)]);
    if (period) facts.push(['Kỳ báo cáo', periodLabelVi(period.key)]);
    if (dueAt) facts.push([period ? 'Hạn báo cáo' : 'Thời hạn', `${due} (${dueDistance(dueAt, now)})`]);
    else if (!period) facts.push(['Thời hạn', 'không có thời hạn cụ thể (nhiệm vụ định kỳ hoặc thường xuyên)']);
    if (input.level) facts.push(['Mức đôn đốc', `cấp ${input.level}`]);
    if (input.kind === 'assigned' && task.expectedResult) facts.push(['Kết quả cần đạt', task.expectedResult]);
  }
  return {
    subject: text ? text.subject(wording) : fallback.body.split('\n')[0] || `Thông báo về nhiệm vụ ${wording.ref}`,
    greeting,
    lines: text ? text.lines(wording) : [fallback.body],
    facts,
  };
}

/** A notice as plain text: the inbox shows it bare; e-mail and webhooks add the link and the signature. */
export function noticeText(notice: Notice, extras: { link?: string; signature?: string } = {}): string {
  const width = Math.max(0, ...notice.facts.map(([k]) => k.length));
  const lines = [
    `${notice.greeting}.`,
    '',
    ...notice.lines.flatMap((l) => [l, '']),
    ...notice.facts.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`),
  ];
  if (extras.link) lines.push(...(notice.facts.length ? [''] : []), `Xem chi tiết: ${extras.link}`);
  if (extras.signature) lines.push('', '--', extras.signature);
  return [...lines, ''].join('\n');
}

/** The subject and body the inbox shows (the outbox row's text). */
export function inboxNotice(input: NoticeInput): { subject: string; body: string } {
  const notice = composeNotice(input);
  return { subject: notice.subject, body: noticeText(notice).trimEnd() };
}
