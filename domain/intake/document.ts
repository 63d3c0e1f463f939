// The document's number ("Số: 80 /TB-UBND", OCR "S6 01-TB/CQTT"), issue date ("Thái Nguyên,
// ngày 14 tháng 5 năm 2025", OCR "ngay 04 thang 11 ndm 2025") and issuer, read from the header.
// The number is the notice's own, after "Số" in the header; a number cited in the body is never it,
// and a blank number field ("Số:      /TB-VP") gives null. Without a date line, the date is that
// of the first dated sentence of the opening ("Ngày 10/12/2025, Ban Chỉ đạo … đã họp").
import { formatDate, isValidDate } from './dates';
import { cleanText, looseFold, loosePhrase as P } from './normalize';

export interface DocumentInfo {
  number: string | null;
  issuer: string | null;
  /** "YYYY-MM-DD". */
  date: string | null;
}

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
  const clean = cleanText(header);
  const lines = clean.split('\n');
  // The number sits in the first lines; later ones cite other documents ("Nghị quyết số 57-NQ/TW").
  // Only the header's lines before the title: a body line may cite "Thông báo số 01-TB/CQTT".
  const headerEnd = lines.findIndex((l, k) => k > 0 && /^(THÔNG BÁO|KẾ HOẠCH|CHỈ THỊ|CÔNG VĂN|QUYẾT ĐỊNH|BÁO CÁO|Kính gửi)/.test(l.trim()));
  const top = lines.slice(0, headerEnd > 0 ? headerEnd : 15).join('\n');
  const numbered = NUMBER_AFTER_SO.exec(top) ?? ANY_NUMBER.exec(top);
  const loose = looseFold(clean);
  const dated = ISSUE_DATE.exec(loose) ?? ISSUE_DATE_NUMERIC.exec(loose) ?? OPENING_DATE.exec(loose);
  let date: string | null = null;
  if (dated) {
    const d = { year: Number(dated[3]), month: Number(dated[2]), day: Number(dated[1]) };
    if (isValidDate(d)) date = formatDate(d);
  }
  return { number: numbered ? tidyNumber(numbered) : null, issuer: issuerOf(lines), date };
}

// The right column of the two-column header, and the lines that end the left one.
const RIGHT_COLUMN = /(cong hoa xa hoi|doc lap|dang cong san viet nam|tu do|hanh phuc|\S+ \S+,\s*ngay\s).*$/;
const HEADER_STOP = /^\s*(s[^\s]{0,2}\s*[:.]?\s*\d|s[^\s]{0,2}\s*:|\*|-{3,}|[a-z ]+,\s*ngay|thong bao|ke hoach|chi thi|cong van|kinh gui)/;
const SUPERIOR = /^(dang bo tinh|uy ban nhan dan tinh|ubnd tinh|tinh uy)\b/;

/** The issuing body of the header's left column, sentence-cased; a superior body above it is dropped. */
function issuerOf(lines: string[]): string | null {
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
  return lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1);
}
