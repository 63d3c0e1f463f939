// Text clean-up and OCR-tolerant keyword patterns shared by the intake parsers. Matching runs on
// `looseFold(text)`, which has the same length as the text, so a match's offsets cut the phrase
// "as written" out of the original.
import { foldDiacritics, looseFold, looseWordSource } from '../units';

export { looseFold };

/**
 * The document text ready for parsing: NFC (NFKC, to undo OCR ligatures such as "ﬁ"), Unix line
 * ends, no Markdown emphasis or heading marks, no stray combining marks, one kind of dash.
 */
export function cleanText(raw: string): string {
  return raw
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u00a0\t]/g, ' ')
    .replace(/[–—]/g, '-')
    .replace(/\*+/g, '')
    .replace(/[ðÐ]/g, (ch) => (ch === 'ð' ? 'đ' : 'Đ'))
    .replace(/[\p{L}\d.&]+/gu, repairOcrWord)
    .split('\n')
    .map((line) => line.replace(/^\s*#{1,6}\s+/, '').replace(/\s+$/, ''))
    .filter((line) => !isPageFurniture(line))
    .join('\n');
}

// OCR glyphs inside Vietnamese words that no Vietnamese word has, read back as the letter they
// stand for (make-ocr.ts and seed 004 show them): "v&i" "c&" (ơ), "trwoc" "chtrc" (ư), "thirc"
// (ư), "tlnh" (i between consonants). Words with capitals, digits or dots (KH&CN, 57-NQ/TW,
// www.) are left alone, so abbreviations and addresses survive.
function repairOcrWord(word: string): string {
  if (!/^[a-zà-ỹđ&]+$/u.test(word) && !/^\p{Lu}[a-zà-ỹđ&]+$/u.test(word)) return word;
  return word
    .replace(/&/g, 'ơ')
    .replace(/(?<=[a-zđ])w|w(?=[a-zđ])/g, 'ư')
    .replace(/(?<=[tcnhgđsr])ir(?=[a-zơôoc])/g, 'ư')
    .replace(/(?<=[bcdđghkmnpqrstvx])l(?=[bcdđghkmnpqrstvx])/g, 'i');
}

const PAGE_NUMBER = /^\s*-?\s*\d{1,3}\s*-?\s*$/;
const RUNNING_HEADER = new RegExp(`^\\s*(?:${loosePhrase('thoi gian ky')}\\s*:|${loosePhrase('van ban so')}\\s+\\d)`);

// A page break of a scanned document, in mid-sentence: a page number ("2", "- 2 -"), a running
// header ("Văn bản số 20-KH/BCĐ") or the signing-time stamp ("Thời gian ký: …"). Dropped, so the
// sentence it cut joins up again.
function isPageFurniture(line: string): boolean {
  return PAGE_NUMBER.test(line) || RUNNING_HEADER.test(looseFold(line));
}

/** Whitespace runs (line breaks included) as one space, trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A regular expression source for a phrase of plain words ("cham nhat truoc ngay") that matches
 * it in `looseFold` text with or without diacritics and through common OCR damage.
 */
export function loosePhrase(phrase: string): string {
  const words = phrase.trim().split(/\s+/);
  return `(?<![a-z0-9])${words.map(looseWordSource).join('\\s+')}(?![a-z0-9])`;
}

/**
 * `loosePhrase`, but a short word's vowels may also read as another vowel ("béo cao" for "báo
 * cáo", OCR's toned a→é). Only for phrases whose other words keep false friends out, where a
 * miss costs more than a stray match: it was measured to hurt when used for every phrase.
 */
export function relaxedPhrase(phrase: string): string {
  const words = phrase.trim().split(/\s+/);
  return `(?<![a-z0-9])${words.map((w) => (w.length <= 3 ? relaxedShortWord(w) : looseWordSource(w))).join('\\s+')}(?![a-z0-9])`;
}

function relaxedShortWord(word: string): string {
  const folded = foldDiacritics(word);
  if (!/^[a-z]+$/.test(folded) || !/[aeiouy]/.test(folded)) return looseWordSource(word);
  return [...folded].map((ch, i) => (/[aeiouy]/.test(ch) ? '[aeiouy0-9db?|]' : ch === 'd' && i === 0 ? '[dbp]' : ch)).join('');
}

/** The span of the original text, whitespace collapsed: what a deadline or target quotes as its source. */
export function quote(text: string, start: number, end: number): string {
  return collapseWhitespace(text.slice(start, end));
}
