// Where a reading came from (issue 15, item 1): the phrase of the text a field was read from, its
// offsets in the cleaned text (`cleanText`, what the parser reads), and how sure the reading is.
// Confidence is a plain scale, not a probability: 1 for a phrase that is exactly a registry name
// or an unambiguous header field, a little less for a diacritic-less or OCR-damaged match, the
// similarity score for a fuzzy one, and less again for a value an item inherits from its lead-in
// or the preamble (INHERITED times the source's own).
import { findUnitMentions, foldDiacritics, tokenize, type Unit } from '../units';
import type { DeadlineDraft, Source } from './schema';
import { fuzzyUnitAt } from './units-cell';

/** Factor applied to a value an item does not state itself but takes from its lead-in. */
export const INHERITED = 0.8;

/** Confidence of a unit named with its diacritics lost, and of one the OCR-tolerant matcher read through damage. */
const UNIT_FOLDED = 0.95;
const UNIT_OCR = 0.9;

/** A source whose offsets are relative to `text`; `origin` is the ref (or "preamble") whose text holds the phrase. */
export interface Located extends Source {
  origin: string;
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

const flexible = (phrase: string) =>
  new RegExp(
    phrase
      .trim()
      .split(/\s+/)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('\\s+'),
    'u',
  );

/** Where `phrase` (whitespace collapsed or not) first occurs in `text` at or after `from`; null if it does not. */
export function locate(text: string, phrase: string, from = 0): { start: number; end: number } | null {
  if (!phrase.trim()) return null;
  const exact = text.indexOf(phrase, from);
  if (exact >= 0) return { start: exact, end: exact + phrase.length };
  const m = flexible(phrase).exec(text.slice(from));
  return m ? { start: from + m.index, end: from + m.index + m[0].length } : null;
}

const squash = (s: string) => s.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();

/** The phrase of `text` that names `unit`, and how closely it matches the registry's name for it. */
export function unitSource(text: string, unit: Unit, registry: readonly Unit[], origin: string): Located | null {
  const nfc = text.normalize('NFC');
  const tokens = tokenize(nfc);
  const mention = findUnitMentions(nfc, registry, tokens).find((m) => m.unit === unit);
  const names = [unit.name, ...unit.aliases];
  if (mention) {
    const phrase = nfc.slice(mention.start, mention.end);
    const said = squash(phrase);
    const confidence = names.some((n) => squash(n) === said)
      ? 1
      : names.some((n) => foldDiacritics(squash(n)) === foldDiacritics(said))
        ? UNIT_FOLDED
        : UNIT_OCR;
    return { text: phrase, start: mention.start, end: mention.end, confidence, origin };
  }
  // A name the tolerant matcher missed and the fuzzy one accepted: its similarity score.
  let best: Located | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const hit = fuzzyUnitAt(nfc, tokens, i, registry);
    if (hit?.unit === unit && (!best || hit.score > best.confidence)) {
      const end = tokens[hit.endToken - 1].end;
      best = { text: nfc.slice(tokens[i].start, end), start: tokens[i].start, end, confidence: round2(hit.score), origin };
    }
  }
  return best;
}

const FULL_DATE = /\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}/;

/**
 * How sure a deadline reading is, from its phrase: a full date written out 1; a period with its
 * year (a quarter, a year end, a month) 0.9; a recurrence, an ongoing duty or an event 0.8; a
 * period without a year, which takes the document's, 0.7.
 */
export function deadlineConfidence(deadline: DeadlineDraft): number {
  if (deadline.kind === 'unspecified') return 0;
  if (deadline.kind !== 'date') return 0.8;
  const folded = foldDiacritics(deadline.source.toLowerCase());
  if (FULL_DATE.test(folded)) return 1;
  return /\b(19|20)\d{2}\b/.test(folded) ? 0.9 : 0.7;
}

/** A located source as the result shows it: offsets made absolute (`base` is where its text starts in the cleaned text). */
export function placed(source: Located, cleaned: string, base: number | null): Source {
  let start: number | null = null;
  let end: number | null = null;
  if (
    base !== null &&
    source.start !== null &&
    source.end !== null &&
    cleaned.slice(base + source.start, base + source.end) === source.text
  ) {
    [start, end] = [base + source.start, base + source.end];
  } else {
    const found = locate(cleaned, source.text, base ?? 0) ?? locate(cleaned, source.text);
    if (found) [start, end] = [found.start, found.end];
  }
  return { text: source.text, start, end, confidence: round2(source.confidence) };
}
