import { unitRegistry } from '../../domain/units';
import type { ExtractResult } from '../../domain/intake/schema';

/** A notice's gold answer as `test/corpus/README.md` defines it. */
export interface GoldNotice {
  document: { number: string | null; issuer: string; date: string | null };
  items: GoldItem[];
  findings: number;
  notes?: string;
}

export interface GoldItem {
  ref: string;
  titleStart: string;
  leadUnit: string | null;
  coLeadUnits: string[];
  coordinatingUnits: string[];
  deadline: { kind: 'date'; due: string } | { kind: 'recurring' | 'trigger'; phrase: string } | { kind: 'ongoing' | 'unspecified' };
}

/** What one notice scored; counts, so that totals are sums and not averages of ratios. */
export interface NoticeScore {
  gold: number;
  proposed: number;
  found: number;
  refExact: number;
  leadExact: number;
  deadlineExact: number;
  leadAndDeadlineExact: number;
  titleStartExact: number;
  numberExact: boolean;
  dateExact: boolean;
  /** Proposed date deadlines whose year is written nowhere in the notice. */
  inventedYears: string[];
}

/** The fields of a score that count items, the ones `addScores` sums. */
const COUNTS = ['gold', 'proposed', 'found', 'refExact', 'leadExact', 'deadlineExact', 'leadAndDeadlineExact', 'titleStartExact'] as const;

/** A score with nothing counted yet. */
function emptyScore(document: Pick<NoticeScore, 'numberExact' | 'dateExact'>): NoticeScore {
  const counts = Object.fromEntries(COUNTS.map((key) => [key, 0])) as Record<(typeof COUNTS)[number], number>;
  return { ...counts, ...document, inventedYears: [] };
}

/** Case-, diacritic- and punctuation-insensitive form (đ folds to d, as OCR prints it). */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** One spelling of a reference: no spaces, a dot before each parenthesised part, no trailing dot. */
export function normalizeRef(ref: string): string {
  return ref
    .replace(/\s+/g, '')
    .replace(/([^.])\(/g, '$1.(')
    .replace(/\.$/, '')
    .toLowerCase();
}

const codeByName = new Map(unitRegistry.map((unit) => [unit.name, unit.code]));
const unitCode = (nameOrCode: string | null): string | null => (nameOrCode === null ? null : (codeByName.get(nameOrCode) ?? nameOrCode));

function sameDeadline(gold: GoldItem['deadline'], proposed: ExtractResult['items'][number]['deadline']): boolean {
  if (gold.kind !== proposed.kind) return false;
  if (gold.kind === 'date' && proposed.kind === 'date') return Date.parse(gold.due) === Date.parse(proposed.due);
  return true;
}

/** Scores one extraction against its gold answer; `text` is the notice as the parser read it. */
export function scoreNotice(gold: GoldNotice, proposed: ExtractResult, text: string): NoticeScore {
  const unmatched = [...proposed.items];
  const score: NoticeScore = {
    ...emptyScore({
      numberExact: fold(gold.document.number ?? '') === fold(proposed.document.number ?? ''),
      dateExact: gold.document.date === proposed.document.date,
    }),
    gold: gold.items.length,
    proposed: proposed.items.length,
  };
  const titleMatches = (goldItem: GoldItem, item: ExtractResult['items'][number]) => fold(item.title).startsWith(fold(goldItem.titleStart));
  for (const goldItem of gold.items) {
    // An item is found under its own reference, or failing that under the work its title names.
    let index = unmatched.findIndex((item) => normalizeRef(item.ref) === normalizeRef(goldItem.ref));
    const byRef = index >= 0;
    if (!byRef) index = unmatched.findIndex((item) => titleMatches(goldItem, item));
    if (index < 0) continue;
    const [item] = unmatched.splice(index, 1);
    score.found++;
    if (byRef) score.refExact++;
    const lead = unitCode(item.leadUnit) === goldItem.leadUnit;
    const deadline = sameDeadline(goldItem.deadline, item.deadline);
    if (lead) score.leadExact++;
    if (deadline) score.deadlineExact++;
    if (lead && deadline) score.leadAndDeadlineExact++;
    if (titleMatches(goldItem, item)) score.titleStartExact++;
  }
  // A year is known when the notice writes it, or it is the year after the document's: a quarter
  // or month without a year that would end before the document rolls forward into it.
  const rolledInto = proposed.document.date ? String(Number(proposed.document.date.slice(0, 4)) + 1) : null;
  for (const item of proposed.items) {
    if (item.deadline.kind !== 'date') continue;
    const year = new Date(Date.parse(item.deadline.due) + 7 * 3_600_000).getUTCFullYear().toString();
    if (!text.includes(year) && year !== rolledInto) score.inventedYears.push(`${item.ref}: ${year}`);
  }
  return score;
}

/** Sums scores of several notices. */
export function addScores(scores: readonly NoticeScore[]): NoticeScore {
  const total = emptyScore({ numberExact: true, dateExact: true });
  for (const s of scores) {
    for (const key of COUNTS) total[key] += s[key];
    total.numberExact &&= s.numberExact;
    total.dateExact &&= s.dateExact;
    total.inventedYears.push(...s.inventedYears);
  }
  return total;
}

/** Precision and recall of items found; the exact rates are over the gold items. */
export function rates(s: NoticeScore) {
  const ratio = (n: number, d: number) => (d === 0 ? 1 : n / d);
  return {
    precision: ratio(s.found, s.proposed),
    recall: ratio(s.found, s.gold),
    lead: ratio(s.leadExact, s.gold),
    deadline: ratio(s.deadlineExact, s.gold),
    leadAndDeadline: ratio(s.leadAndDeadlineExact, s.gold),
    titleStart: ratio(s.titleStartExact, s.gold),
    ref: ratio(s.refExact, s.gold),
  };
}
