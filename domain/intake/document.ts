// The document's number ("Số: 80 /TB-UBND", OCR "S6 01-TB/CQTT") and issue date ("Thái Nguyên,
// ngày 14 tháng 5 năm 2025", OCR "ngay 04 thang 11 ndm 2025"), read from the header.
import { formatDate, isValidDate } from './dates';
import { cleanText, looseFold, loosePhrase as P } from './normalize';

export interface DocumentInfo {
  number: string | null;
  /** "YYYY-MM-DD". */
  date: string | null;
}

// "80/TB-UBND", "01-TB/CQTT", "1137/QĐ-UBND": a serial, then upper-case parts joined by / or -.
const NUMBER_BODY = '(\\d{1,5})\\s*([-/])\\s*([A-ZĐ][A-ZĐ0-9]*(?:\\s*[-/]\\s*[A-ZĐ][A-ZĐ0-9]*)*)';
// "Số" may read as "S6", "Sé", "So"; the number follows it on the same line.
const NUMBER_AFTER_SO = new RegExp(`(?:^|[\\s,(])S[^\\s\\d]?[0-9]?\\s*[:.]?\\s*${NUMBER_BODY}`, 'm');
const ANY_NUMBER = new RegExp(NUMBER_BODY);
const ISSUE_DATE = new RegExp(`${P('ngay')}\\s+(\\d{1,2})\\s+${P('thang')}\\s+(\\d{1,2})\\s+${P('nam')}\\s+(\\d{4})`);
const ISSUE_DATE_NUMERIC = new RegExp(`,\\s*${P('ngay')}\\s+(\\d{1,2})\\s*/\\s*(\\d{1,2})\\s*/\\s*(\\d{4})`);

function tidyNumber(m: RegExpExecArray): string {
  return `${m[1]}${m[2]}${m[3]}`.replace(/\s+/g, '');
}

/** Number and issue date of a directive, read from its header (the text before the first item). */
export function extractDocumentInfo(header: string): DocumentInfo {
  const clean = cleanText(header);
  const lines = clean.split('\n');
  // The number sits in the first lines; later ones cite other documents ("Nghị quyết số 57-NQ/TW").
  const top = lines.slice(0, 15).join('\n');
  const numbered = NUMBER_AFTER_SO.exec(top) ?? ANY_NUMBER.exec(top);
  const loose = looseFold(clean);
  const dated = ISSUE_DATE.exec(loose) ?? ISSUE_DATE_NUMERIC.exec(loose);
  let date: string | null = null;
  if (dated) {
    const d = { year: Number(dated[3]), month: Number(dated[2]), day: Number(dated[1]) };
    if (isValidDate(d)) date = formatDate(d);
  }
  return { number: numbered ? tidyNumber(numbered) : null, date };
}
