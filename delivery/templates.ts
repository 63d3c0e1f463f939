import { RECIPIENT_ROLE_LABELS_VI, type RecipientRole } from '../domain/policy';
import { civilDayNumber, formatVnDate, parseCivilDate, toVnDateTime, vnCivilDate } from '../domain/time';

/*
 * Every message the system sends, in Vietnamese, in one place. A notification becomes a
 * subject, a plain-text body and an HTML body (e-mail), all from the same lines: a greeting,
 * what happened (`KIND_TEMPLATES`), the facts of the assignment (directive number, item, unit,
 * due date with days remaining or overdue, escalation level), and the link. To change a
 * wording, edit `KIND_TEMPLATES` or `DIGEST_TEMPLATE`; the layout code below rarely changes.
 */

export interface UnitRef {
  code: string;
  /** The registered name; the code is shown when the unit is unknown. */
  name: string | null;
}

/** What a message says about its assignment (the `tasks` read model as of delivery). */
export interface TaskFacts {
  id: string;
  directiveNumber: string;
  ref: string;
  title: string;
  leadUnit: UnitRef;
  dueAt: Date | null;
  expectedResult: string | null;
  launchedAt: Date | null;
  outcome: string | null;
}

/** One notification of the outbox with what its audit event recorded. */
export interface NotificationFacts {
  kind: string;
  step: string;
  level: number | null;
  recipientRole: string;
  recipientUnit: UnitRef | null;
  /** The outbox's own subject and body: the fallback for a kind without a template. */
  subject: string;
  body: string;
  /** The payload of the audit event that caused it (reasons, new deadline, new lead unit). */
  event: Record<string, unknown> | null;
  /** For periodic reports: the period and its due instant. */
  period: { key: string; dueAt: Date | null } | null;
}

export interface MessageInput {
  notification: NotificationFacts;
  task: TaskFacts | null;
  /** The person it goes to, when it goes to a person (inbox, e-mail). */
  person: { fullName: string | null } | null;
  link: string;
  /** When it is rendered: "days remaining" counts from here. */
  now: Date;
  /** Names of units other than the lead and the recipient (a reassignment's new lead unit). */
  unitNames?: ReadonlyMap<string, string>;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

const SIGNATURE = 'Hệ thống theo dõi thực hiện nhiệm vụ của Ban Chỉ đạo. Thư gửi tự động, đề nghị không trả lời thư này.';

// ---- wording per kind ----

interface KindTemplate {
  subject(m: Facts): string;
  /** What happened and what is asked, one paragraph per string. */
  lines(m: Facts): string[];
}

/** What the wording functions read: the input with derived values ready to print. */
interface Facts {
  ref: string;
  directiveNumber: string;
  title: string;
  leadUnit: string;
  level: number | null;
  due: string | null;
  distance: string | null;
  period: string | null;
  event: Record<string, unknown>;
  unitName(code: unknown): string;
  date(value: unknown): string | null;
  body: string;
}

const reason = (m: Facts) => (typeof m.event.reason === 'string' && m.event.reason ? [`Lý do: ${m.event.reason}`] : []);

export const KIND_TEMPLATES: Readonly<Record<string, KindTemplate>> = {
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
    lines: (m) => [`Đơn vị chủ trì ${m.leadUnit} chưa xác nhận tiếp nhận nhiệm vụ sau thời gian quy định. Đề nghị đồng chí chỉ đạo đơn vị tiếp nhận và triển khai ngay.`],
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
    subject: (m) => `[Nhắc việc] Báo cáo định kỳ${m.period ? ` kỳ ${m.period}` : ''} – nhiệm vụ ${m.ref}`,
    lines: (m) => [`Đề nghị đơn vị gửi báo cáo định kỳ${m.period ? ` kỳ ${m.period}` : ''} đúng hạn.`],
  },
  report_escalation: {
    subject: (m) => `[Đôn đốc cấp ${m.level}] Chưa có báo cáo${m.period ? ` kỳ ${m.period}` : ''} – nhiệm vụ ${m.ref}`,
    lines: (m) => [`${m.leadUnit} chưa gửi báo cáo định kỳ${m.period ? ` kỳ ${m.period}` : ''} đã đến hạn. Đề nghị chỉ đạo gửi báo cáo ngay.`],
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
    subject: (m) => `[Gia hạn] Đề nghị gia hạn nhiệm vụ ${m.ref} ${m.event.approve === false ? 'không được chấp thuận' : 'được chấp thuận'}`,
    lines: (m) =>
      m.event.approve === false
        ? ['Đề nghị gia hạn không được chấp thuận; thời hạn giữ nguyên.', ...reason(m)]
        : [`Đề nghị gia hạn được chấp thuận. Thời hạn mới: ${m.date(m.event.dueAt) ?? m.due ?? '(không rõ)'}${m.date(m.event.previousDueAt) ? ` (thời hạn cũ: ${m.date(m.event.previousDueAt)})` : ''}.`],
  },
  reassigned: {
    subject: (m) => `[Điều chỉnh] Nhiệm vụ ${m.ref} được giao cho ${m.unitName(m.event.newLeadUnit)}`,
    lines: (m) => [`Nhiệm vụ được giao cho ${m.unitName(m.event.newLeadUnit)} chủ trì${m.event.previousLeadUnit ? ` (thay ${m.unitName(m.event.previousLeadUnit)})` : ''}.`, ...reason(m)],
  },
  cancelled: {
    subject: (m) => `[Thu hồi] Nhiệm vụ ${m.ref} đã bị hủy`,
    lines: (m) => ['Cơ quan Thường trực đã thu hồi (hủy) nhiệm vụ; đơn vị dừng thực hiện.', ...reason(m)],
  },
};

const FALLBACK_TEMPLATE: KindTemplate = {
  subject: (m) => m.body.split('\n')[0] || `Thông báo về nhiệm vụ ${m.ref}`,
  lines: (m) => [m.body],
};

// ---- dates ----

/** `dd/MM/yyyy`, or "trước ngày dd/MM/yyyy" for a deadline at 00:00, which is how documents write it. */
export function formatDueDate(dueAt: Date): string {
  const t = toVnDateTime(dueAt);
  const midnight = t.hour === 0 && t.minute === 0 && t.second === 0;
  return midnight ? `trước ngày ${formatVnDate(dueAt)}` : formatVnDate(dueAt);
}

/**
 * Days remaining or overdue, in civil days of Vietnam, counted from the last day on which the
 * work may still be done (a deadline at 00:00 of the 15th leaves the 14th as the last day).
 */
export function dueDistance(dueAt: Date, now: Date): string {
  const lastDay = civilDayNumber(vnCivilDate(new Date(dueAt.getTime() - 1)));
  const today = civilDayNumber(vnCivilDate(now));
  if (now.getTime() < dueAt.getTime()) {
    const left = lastDay - today;
    return left > 0 ? `còn ${left} ngày` : 'hạn chót là hôm nay';
  }
  const late = today - lastDay;
  return late > 0 ? `đã quá hạn ${late} ngày` : 'đã quá hạn từ hôm nay';
}

function dateOf(value: unknown): string | null {
  if (typeof value !== 'string' && !(value instanceof Date)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : formatDueDate(d);
}

const unitLabel = (u: UnitRef) => (u.name ? `${u.name} (${u.code})` : u.code);

// ---- layout ----

interface Block {
  subject: string;
  greeting: string;
  lines: string[];
  facts: [string, string][];
  link: string;
}

function blockFor(input: MessageInput): Block {
  const { notification: n, task, person, now } = input;
  const dueAt = n.period ? n.period.dueAt : (task?.dueAt ?? null);
  const names = input.unitNames ?? new Map<string, string>();
  const facts: Facts = {
    ref: task?.ref ?? '',
    directiveNumber: task?.directiveNumber ?? '',
    title: task?.title ?? '',
    leadUnit: task ? (task.leadUnit.name ?? task.leadUnit.code) : '',
    level: n.level,
    due: dueAt ? formatDueDate(dueAt) : null,
    distance: dueAt ? dueDistance(dueAt, now) : null,
    period: n.period?.key ?? null,
    event: n.event ?? {},
    unitName: (code) => (typeof code === 'string' ? (names.get(code) ?? (task && code === task.leadUnit.code ? task.leadUnit.name : null) ?? code) : ''),
    date: dateOf,
    body: n.body,
  };
  const template = task ? (KIND_TEMPLATES[n.kind] ?? FALLBACK_TEMPLATE) : FALLBACK_TEMPLATE;

  const role = RECIPIENT_ROLE_LABELS_VI[n.recipientRole as RecipientRole] ?? n.recipientRole;
  const addressee = n.recipientUnit ? `${role} – ${n.recipientUnit.name ?? n.recipientUnit.code}` : role;
  const greeting = person?.fullName ? `Kính gửi: Đồng chí ${person.fullName} (${addressee})` : `Kính gửi: ${addressee}`;

  const rows: [string, string][] = [];
  if (task) {
    rows.push(['Văn bản chỉ đạo', `Số ${task.directiveNumber}`]);
    rows.push(['Nhiệm vụ', `${task.ref} – ${task.title}`]);
    rows.push(['Đơn vị chủ trì', unitLabel(task.leadUnit)]);
    if (n.period) rows.push(['Kỳ báo cáo', n.period.key]);
    if (dueAt) rows.push([n.period ? 'Hạn báo cáo' : 'Thời hạn', `${facts.due} (${facts.distance})`]);
    else if (!n.period) rows.push(['Thời hạn', 'không có thời hạn cụ thể (nhiệm vụ định kỳ hoặc thường xuyên)']);
    if (n.level) rows.push(['Mức đôn đốc', `cấp ${n.level}`]);
    if (n.kind === 'assigned' && task.expectedResult) rows.push(['Kết quả cần đạt', task.expectedResult]);
  }
  return { subject: template.subject(facts), greeting, lines: template.lines(facts), facts: rows, link: input.link };
}

function toText(b: Block): string {
  const width = Math.max(0, ...b.facts.map(([k]) => k.length));
  return [
    `${b.greeting}.`,
    '',
    ...b.lines.flatMap((l) => [l, '']),
    ...b.facts.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`),
    ...(b.facts.length ? [''] : []),
    `Xem chi tiết: ${b.link}`,
    '',
    '--',
    SIGNATURE,
    '',
  ].join('\n');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function htmlPage(subject: string, inner: string): string {
  return [
    '<!doctype html>',
    '<html lang="vi"><head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; color: #1a1a1a; line-height: 1.5">',
    inner,
    `<p style="color: #666; font-size: 12px; border-top: 1px solid #ddd; padding-top: 8px">${escapeHtml(SIGNATURE)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

function toHtml(b: Block): string {
  const rows = b.facts
    .map(([k, v]) => `<tr><th style="text-align: left; padding: 4px 12px 4px 0; vertical-align: top; white-space: nowrap">${escapeHtml(k)}</th><td style="padding: 4px 0">${escapeHtml(v)}</td></tr>`)
    .join('\n');
  return htmlPage(
    b.subject,
    [
      `<p>${escapeHtml(b.greeting)}.</p>`,
      ...b.lines.map((l) => `<p>${escapeHtml(l)}</p>`),
      ...(rows ? [`<table style="border-collapse: collapse">\n${rows}\n</table>`] : []),
      `<p><a href="${escapeHtml(b.link)}">Xem chi tiết nhiệm vụ</a></p>`,
    ].join('\n'),
  );
}

/** Subject, plain text and HTML of one notification for one recipient. */
export function renderNotification(input: MessageInput): RenderedMessage {
  const block = blockFor(input);
  return { subject: block.subject, text: toText(block), html: toHtml(block) };
}

// ---- the daily digest ----

/** One assignment as the digest lists it. */
export interface DigestItem {
  taskId: string;
  directiveNumber: string;
  ref: string;
  title: string;
  dueAt: Date;
  link: string;
}

export interface DigestInput {
  unit: UnitRef;
  day: string; // YYYY-MM-DD
  overdue: DigestItem[];
  dueSoon: DigestItem[];
  /** How many working days ahead "due soon" looks. */
  dueSoonWorkingDays: number;
  person: { fullName: string | null } | null;
  now: Date;
}

export const DIGEST_TEMPLATE = {
  subject: (d: DigestInput) =>
    `[Tổng hợp ngày ${formatVnDate(parseCivilDate(d.day))}] ${d.unit.name ?? d.unit.code}: ${d.overdue.length} nhiệm vụ quá hạn, ${d.dueSoon.length} nhiệm vụ sắp đến hạn`,
  intro: (d: DigestInput) =>
    `Tình hình thực hiện các nhiệm vụ do ${d.unit.name ?? d.unit.code} chủ trì, tính đến ngày ${formatVnDate(parseCivilDate(d.day))}. Đề nghị đồng chí chỉ đạo hoàn thành các nhiệm vụ quá hạn và các nhiệm vụ sắp đến hạn.`,
  overdueHeading: (d: DigestInput) => `Nhiệm vụ quá hạn (${d.overdue.length})`,
  dueSoonHeading: (d: DigestInput) => `Nhiệm vụ sắp đến hạn trong ${d.dueSoonWorkingDays} ngày làm việc (${d.dueSoon.length})`,
  none: 'Không có.',
  item: (i: DigestItem, now: Date) => `${i.ref} (Văn bản số ${i.directiveNumber}): ${i.title} – thời hạn ${formatDueDate(i.dueAt)}, ${dueDistance(i.dueAt, now)}`,
};

/** Subject, plain text and HTML of a unit head's daily digest. */
export function renderDigest(d: DigestInput): RenderedMessage {
  const t = DIGEST_TEMPLATE;
  const greeting = d.person?.fullName
    ? `Kính gửi: Đồng chí ${d.person.fullName} (Người đứng đầu ${d.unit.name ?? d.unit.code})`
    : `Kính gửi: Người đứng đầu ${d.unit.name ?? d.unit.code}`;
  const section = (items: DigestItem[]) => (items.length ? items.map((i) => `- ${t.item(i, d.now)}\n  ${i.link}`) : [t.none]);
  const subject = t.subject(d);
  const text = [
    `${greeting}.`,
    '',
    t.intro(d),
    '',
    t.overdueHeading(d),
    ...section(d.overdue),
    '',
    t.dueSoonHeading(d),
    ...section(d.dueSoon),
    '',
    '--',
    SIGNATURE,
    '',
  ].join('\n');
  const list = (items: DigestItem[]) =>
    items.length
      ? `<ul>\n${items.map((i) => `<li>${escapeHtml(t.item(i, d.now))} – <a href="${escapeHtml(i.link)}">xem</a></li>`).join('\n')}\n</ul>`
      : `<p>${escapeHtml(t.none)}</p>`;
  const html = htmlPage(
    subject,
    [
      `<p>${escapeHtml(greeting)}.</p>`,
      `<p>${escapeHtml(t.intro(d))}</p>`,
      `<h3>${escapeHtml(t.overdueHeading(d))}</h3>`,
      list(d.overdue),
      `<h3>${escapeHtml(t.dueSoonHeading(d))}</h3>`,
      list(d.dueSoon),
    ].join('\n'),
  );
  return { subject, text, html };
}
