import {
  composeNotice,
  noticeText,
  NOTICE_TEXTS,
  SIGNATURE_VI,
  type Notice,
  type NoticeTask,
  type UnitRef,
} from '../domain/catalog/notices';
import { dueDistance, formatDueDate } from '../domain/catalog/format';
import { formatVnDate, parseCivilDate } from '../domain/time';

/*
 * How the outbox's notifications look as e-mail and webhook text. The words come from the
 * catalog (`domain/catalog/`): the same wording the workflow writes into the inbox, per
 * notification kind. This module lays a notice out (plain text with the link and signature,
 * HTML) and words the daily digest.
 */

export type { UnitRef } from '../domain/catalog/notices';
export { dueDistance, formatDueDate } from '../domain/catalog/format';

/** What a message says about its assignment (the `tasks` read model as of delivery). */
export interface TaskFacts extends NoticeTask {
  id: string;
  dueAt: Date | null;
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

/** The wording of every notification kind (the catalog's). */
export const KIND_TEMPLATES = NOTICE_TEXTS;

function noticeFor(input: MessageInput): Notice {
  const { notification: n } = input;
  return composeNotice({
    kind: n.kind,
    level: n.level,
    recipientRole: n.recipientRole,
    recipientUnit: n.recipientUnit,
    person: input.person,
    task: input.task,
    event: n.event,
    period: n.period,
    now: input.now,
    unitNames: input.unitNames,
    fallback: { subject: n.subject, body: n.body },
  });
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
    `<p style="color: #666; font-size: 12px; border-top: 1px solid #ddd; padding-top: 8px">${escapeHtml(SIGNATURE_VI)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

function toHtml(b: Notice, link: string): string {
  const rows = b.facts
    .map(
      ([k, v]) =>
        `<tr><th style="text-align: left; padding: 4px 12px 4px 0; vertical-align: top; white-space: nowrap">${escapeHtml(k)}</th><td style="padding: 4px 0">${escapeHtml(v)}</td></tr>`,
    )
    .join('\n');
  return htmlPage(
    b.subject,
    [
      `<p>${escapeHtml(b.greeting)}.</p>`,
      ...b.lines.map((l) => `<p>${escapeHtml(l)}</p>`),
      ...(rows ? [`<table style="border-collapse: collapse">\n${rows}\n</table>`] : []),
      `<p><a href="${escapeHtml(link)}">Xem chi tiết nhiệm vụ</a></p>`,
    ].join('\n'),
  );
}

/** Subject, plain text and HTML of one notification for one recipient. */
export function renderNotification(input: MessageInput): RenderedMessage {
  const notice = noticeFor(input);
  return {
    subject: notice.subject,
    text: noticeText(notice, { link: input.link, signature: SIGNATURE_VI }),
    html: toHtml(notice, input.link),
  };
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
  item: (i: DigestItem, now: Date) =>
    `${i.ref} (Văn bản số ${i.directiveNumber}): ${i.title} – thời hạn ${formatDueDate(i.dueAt)}, ${dueDistance(i.dueAt, now)}`,
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
    SIGNATURE_VI,
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
