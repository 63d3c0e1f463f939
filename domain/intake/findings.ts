// Parts of a notice's body that do not assign work (test/corpus/README.md, "findings"): results
// and assessments, shortcomings and causes, background, a plan's purpose and goals, praise and
// non-assigning conclusions. They are returned as findings so that a reader sees them, never as
// items. A section is one by its heading ("I. KẾT QUẢ ĐẠT ĐƯỢC", "2. Tồn tại, hạn chế", "1. Mục
// đích: …"); a paragraph is one by its opening ("Ban Chỉ đạo biểu dương …", "cơ bản thống nhất").
import { foldDiacritics } from '../units';
import { looseFold, loosePhrase as P } from './normalize';
import type { Finding } from './schema';
import type { ItemNode } from './split';

const FINDING_WORDS = [
  'ket qua',
  'danh gia',
  'ton tai',
  'han che',
  'nguyen nhan',
  'boi canh',
  'tinh hinh',
  'muc dich',
  'yeu cau',
  'muc tieu',
  'quan diem',
  'kho khan',
  'vuong mac',
  'thuc trang',
  'bai hoc',
  'uu diem',
  'khuyet diem',
];
// A heading that names work is not a finding even if it also says "kết quả" ("Nhiệm vụ, chỉ tiêu").
const WORK_WORDS = [
  'nhiem vu',
  'giai phap',
  'to chuc thuc hien',
  'chi tieu',
  'phan cong',
  'trach nhiem',
  'ket luan chi dao',
  'de xuat',
  'kien nghi',
];

const FINDING_HEADING = new RegExp(FINDING_WORDS.map((w) => P(w)).join('|'));
const WORK_HEADING = new RegExp(WORK_WORDS.map((w) => P(w)).join('|'));
// Praise and agreement, within the first words (after a subject such as "Ban Chỉ đạo"). Matched
// on plain folded words, not OCR-tolerantly: a loose "biểu dương" also reads "bồi dưỡng".
const PRAISE = new RegExp(
  `^(?:\\S+\\s+){0,6}?(?:${['ghi nhan', 'bieu duong', 'danh gia cao', 'hoan nghenh', 'khen ngoi', 'co ban thong nhat', 'thong nhat voi'].join('|')})\\b`,
);

/** The heading of a node: its first line, or what precedes a colon on it ("Mục đích: …"). */
function headingOf(text: string): string {
  const firstLine = text.split('\n')[0].trim();
  const colon = firstLine.indexOf(':');
  return colon > 0 && colon < 40 ? firstLine.slice(0, colon) : firstLine;
}

/** Whether a heading announces assessment or background rather than work. */
export function isFindingHeading(text: string): boolean {
  const heading = headingOf(text);
  const words = heading.split(/\s+/).filter(Boolean);
  // A sentence (with a full stop) is an item's text, not a heading.
  if (words.length === 0 || words.length > 10 || /[.;]/.test(heading)) return false;
  const loose = looseFold(heading);
  // "Yêu cầu các cơ quan …" is a request, "Yêu cầu" or "Mục đích, yêu cầu" a heading.
  if (/^\s*yeu cau\s+\S/.test(loose) && !/^\s*yeu cau\s*$/.test(loose) && words.length > 2) return false;
  return FINDING_HEADING.test(loose) && !WORK_HEADING.test(loose);
}

/** Whether a paragraph only praises, records or agrees: nothing to do. */
export function isPraise(text: string): boolean {
  return PRAISE.test(foldDiacritics(text));
}

/** The findings a finding section holds: one per sub-item, else one per paragraph after its heading. */
export function findingsOf(node: ItemNode): Finding[] {
  if (node.children.length) return node.children.map((child) => ({ ref: child.ref, text: child.text.replace(/\s+/g, ' ').trim() }));
  const lines = node.text.split('\n');
  const heading = headingOf(node.text);
  const rest = heading === lines[0].trim() ? lines.slice(1).join('\n') : node.text;
  const paragraphs = rest
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  if (!paragraphs.length) return [{ ref: node.ref, text: node.text.replace(/\s+/g, ' ').trim() }];
  return paragraphs.map((text) => ({ ref: node.ref, text }));
}
