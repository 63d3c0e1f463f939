// The document's number ("Số: 80 /TB-UBND", OCR "S6 01-TB/CQTT"), issue date ("Thái Nguyên,
// ngày 14 tháng 5 năm 2025", OCR "ngay 04 thang 11 ndm 2025") and issuer, read from the header.
// The number is the notice's own, after "Số" in the header; a number cited in the body is never it,
// and a blank number field ("Số:      /TB-VP") gives null. Without a date line, the date is that
// of the first dated sentence of the opening ("Ngày 10/12/2025, Ban Chỉ đạo … đã họp").
import { formatDate, isValidDate } from './dates';
import { cleanText, looseFold, loosePhrase as P } from './normalize';
import type { Source } from './schema';

export interface DocumentInfo {
  number: string | null;
  issuer: string | null;
  /** "YYYY-MM-DD". */
  date: string | null;
}

/** Where each of number, issuer and date was read, offsets in `cleanText(header)`. */
export interface DocumentSources {
  number: Source | null;
  issuer: Source | null;
  date: Source | null;
}

// How sure each header reading is (provenance.ts): "Số" as printed 1, through OCR damage 0.9, a
// number with no "Số" before it 0.6; a date line 1 (0.9 through OCR damage or in figures), the
// date of the opening meeting, which stands in for a missing date line, 0.6; the issuer, read from
// the layout of the header's left column and checked against nothing, 0.8.
const NUMBER_SO = 1;
const NUMBER_OCR = 0.9;
const NUMBER_BARE = 0.6;
const DATE_LINE = 1;
const DATE_OCR = 0.9;
const DATE_OPENING = 0.6;
const ISSUER = 0.8;

// "80/TB-UBND", "01-TB/CQTT", "1137/QĐ-UBND": a serial, then upper-case parts joined by / or -.
const NUMBER_BODY = '(\\d{1,5})\\s*([-/])\\s*([A-ZĐ][A-ZĐ0-9]*(?:\\s*[-/]\\s*[A-ZĐ][A-ZĐ0-9]*)*)';
// "Số" may read as "S6", "Sé", "So"; the number follows it on the same line.
const NUMBER_AFTER_SO = new RegExp(`(?:^|[\\s,(])S[^\\s\\d]?[0-9]?\\s*[:.]?\\s*${NUMBER_BODY}`, 'm');
const ANY_NUMBER = new RegExp(NUMBER_BODY);
const OPENING_DATE = new RegExp(`^\\s*${P('ngay')}\\s+(\\d{1,2})\\s*/\\s*(\\d{1,2})\\s*/\\s*(\\d{4})`, 'm');
// "năm" as OCR prints it ("ndm", "nim", "ném"): the strict short-word match would miss the date line.
const NAM = '(?<![a-z0-9])n[aeiou0-9d?|]{1,2}m(?![a-z0-9])';
const ISSUE_DATE = new RegExp(`${P('ngay')}\\s+(\\d{1,2})\\s+${P('thang')}\\s+(\\d{1,2})\\s+${NAM}\\s+(\\d{4})`);
const ISSUE_DATE_NUMERIC = new RegExp(`,\\s*${P('ngay')}\\s+(\\d{1,2})\\s*/\\s*(\\d{1,2})\\s*/\\s*(\\d{4})`);

function tidyNumber(m: RegExpExecArray): string {
  return `${m[1]}${m[2]}${m[3]}`.replace(/\s+/g, '');
}

/** Number and issue date of a directive, read from its header (the text before the first item). */
export function extractDocumentInfo(header: string): DocumentInfo {
  const { sources: _sources, ...info } = readDocumentInfo(header);
  return info;
}

/** `extractDocumentInfo`, with where each field was read and how sure the reading is. */
export function readDocumentInfo(header: string): DocumentInfo & { sources: DocumentSources } {
  const clean = cleanText(header);
  const lines = clean.split('\n');
  // The number sits in the first lines; later ones cite other documents ("Nghị quyết số 57-NQ/TW").
  // Only the header's lines before the title: a body line may cite "Thông báo số 01-TB/CQTT".
  const headerEnd = lines.findIndex((l, k) => k > 0 && /^(THÔNG BÁO|KẾ HOẠCH|CHỈ THỊ|CÔNG VĂN|QUYẾT ĐỊNH|BÁO CÁO|Kính gửi)/.test(l.trim()));
  const top = lines.slice(0, headerEnd > 0 ? headerEnd : 15).join('\n');
  const afterSo = NUMBER_AFTER_SO.exec(top);
  const numbered = afterSo ?? ANY_NUMBER.exec(top);
  let numberSource: Source | null = null;
  if (numbered) {
    const phrase = numbered[0].replace(/^[\s,(]+/, '');
    const start = numbered.index + numbered[0].length - phrase.length;
    const confidence = !afterSo ? NUMBER_BARE : /^Số/i.test(phrase) ? NUMBER_SO : NUMBER_OCR;
    numberSource = { text: phrase, start, end: start + phrase.length, confidence };
  }
  const loose = looseFold(clean);
  const line = ISSUE_DATE.exec(loose);
  const numeric = line ? null : ISSUE_DATE_NUMERIC.exec(loose);
  const dated = line ?? numeric ?? OPENING_DATE.exec(loose);
  let date: string | null = null;
  let dateSource: Source | null = null;
  if (dated) {
    const d = { year: Number(dated[3]), month: Number(dated[2]), day: Number(dated[1]) };
    if (isValidDate(d)) {
      date = formatDate(d);
      const lead = dated[0].length - dated[0].replace(/^[\s,]+/, '').length;
      const start = dated.index + lead;
      const phrase = clean.slice(start, dated.index + dated[0].length);
      const confidence = line
        ? /^ngày \d+ tháng \d+ năm \d{4}$/i.test(phrase.replace(/\s+/g, ' '))
          ? DATE_LINE
          : DATE_OCR
        : numeric
          ? DATE_OCR
          : DATE_OPENING;
      dateSource = { text: phrase, start, end: start + phrase.length, confidence };
    }
  }
  const issuer = issuerOf(lines);
  let issuerSource: Source | null = null;
  if (issuer) {
    // The name may run over two lines of the left column: the span from its first part to its last.
    const start = clean.indexOf(issuer.parts[0]);
    let end = start;
    for (const part of issuer.parts) if (start >= 0 && clean.indexOf(part, end) >= 0) end = clean.indexOf(part, end) + part.length;
    issuerSource = { text: issuer.written, start: start >= 0 ? start : null, end: start >= 0 ? end : null, confidence: ISSUER };
  }
  return {
    number: numbered ? tidyNumber(numbered) : null,
    issuer: issuer?.name ?? null,
    date,
    sources: { number: numberSource, issuer: issuerSource, date: dateSource },
  };
}

// The right column of the two-column header, and the lines that end the left one.
const RIGHT_COLUMN = /(cong hoa xa hoi|doc lap|dang cong san viet nam|tu do|hanh phuc|\S+ \S+,\s*ngay\s).*$/;
const HEADER_STOP = /^\s*(s[^\s]{0,2}\s*[:.]?\s*\d|s[^\s]{0,2}\s*:|\*|-{3,}|[a-z ]+,\s*ngay|thong bao|ke hoach|chi thi|cong van|kinh gui)/;
const SUPERIOR = /^(dang bo tinh|uy ban nhan dan tinh|ubnd tinh|tinh uy)\b/;

/**
 * The issuing body of the header's left column, sentence-cased; a superior body above it is
 * dropped. `written` is the name as printed (its lines joined), `parts` those lines' parts.
 */
function issuerOf(lines: string[]): { name: string; written: string; parts: string[] } | null {
  const parts: string[] = [];
  for (const line of lines.slice(0, 12)) {
    const left = line.split(/\s{3,}/)[0].trim();
    const loose = looseFold(left);
    if (HEADER_STOP.test(loose) || (parts.length && left === '')) break;
    if (left === '') continue;
    const cut = RIGHT_COLUMN.exec(loose);
    const kept = cut ? left.slice(0, cut.index).trim() : left;
    if (kept) parts.push(kept);
  }
  if (!parts.length) return null;
  // "ỦY BAN NHÂN DÂN / TỈNH THÁI NGUYÊN" is one name on two lines; "ĐẢNG BỘ TỈNH THÁI NGUYÊN /
  // BAN CHỈ ĐẠO …" is the superior, then the issuer.
  let body = parts;
  if (parts.length > 1 && SUPERIOR.test(looseFold(parts[0])) && !/^tinh\b/.test(looseFold(parts[1]))) body = parts.slice(1);
  // "ỦY BAN NHÂN DÂN TỈNH / VĂN PHÒNG": an office is named with its parent.
  if (body.length === 1 && parts.length > 1 && /^van phong$/.test(looseFold(body[0]).trim())) body = [body[0], ...parts.slice(0, -1)];
  const written = body.join(' ').replace(/\s+/g, ' ').trim();
  const name = body
    .join(' ')
    .replace(/\s+/g, ' ')
    .replace(/[*\s]+$/, '')
    .trim();
  if (!/\p{L}/u.test(name)) return null;
  const lower = name
    .toLocaleLowerCase('vi')
    .replace(/thái nguyên/g, 'Thái Nguyên')
    .replace(/đề án/g, 'Đề án')
    .replace(/tỉnh ủy/g, 'Tỉnh ủy');
  return { name: lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1), written, parts: body };
}
