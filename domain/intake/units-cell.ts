// Unit names in a "chủ trì" / "phối hợp" cell or field, resolved against the registry. Names the
// tolerant matcher of domain/units.ts finds are taken; any other name in the cell is scored
// against every registry name by edit distance on the folded, OCR-normalised text. A score at or
// above ACCEPT resolves it; below, the unit is left out and the name is flagged for review with
// its closest candidate, so that a damaged or unknown name is never silently a wrong unit.
import { findUnitMentions, foldDiacritics, looseFold, type Unit } from '../units';
import type { UnitReview } from './schema';

/** Similarity at or above which a fuzzy match is trusted. */
export const ACCEPT = 0.85;

export interface CellUnits {
  units: Unit[];
  review: UnitReview[];
}

// OCR confusions read back as the letters they stand for before comparing.
const OCR_BACK: Array<[RegExp, string]> = [
  [/[6é0]/g, 'o'],
  [/rn/g, 'm'],
  [/[1|]/g, 'l'],
  [/[¢&]/g, 'o'],
  [/€/g, 'e'],
  [/ð/g, 'd'],
];

function normalizeName(text: string): string {
  let s = foldDiacritics(looseFold(text.normalize('NFC')));
  for (const [re, to] of OCR_BACK) s = s.replace(re, to);
  return s
    .replace(/[^a-z0-9& ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The registry unit closest to a name, with a similarity in [0, 1]. */
export function closestUnit(name: string, registry: readonly Unit[]): { unit: Unit | null; score: number } {
  const target = normalizeName(name);
  let best: { unit: Unit | null; score: number } = { unit: null, score: 0 };
  if (!target) return best;
  for (const unit of registry) {
    for (const alias of [unit.name, ...unit.aliases]) {
      const candidate = normalizeName(alias);
      const score = 1 - editDistance(target, candidate) / Math.max(target.length, candidate.length);
      if (score > best.score) best = { unit, score };
    }
  }
  return best;
}

/** The units a cell names, in the order written, and the names it could not resolve with confidence. */
export function resolveCell(cell: string, field: UnitReview['field'], registry: readonly Unit[]): CellUnits {
  const text = cell.normalize('NFC').replace(/\([^)]*\)/g, (m) => ' '.repeat(m.length));
  const found: Array<{ at: number; unit: Unit }> = [];
  const review: UnitReview[] = [];
  let rest = text;
  for (const m of findUnitMentions(text, registry)) {
    found.push({ at: m.start, unit: m.unit });
    rest = rest.slice(0, m.start) + ' '.repeat(m.end - m.start) + rest.slice(m.end);
  }
  // A damaged collective ("céc so, ban, nganh, dia phirong") is one name with commas in it.
  if (!found.length) {
    const whole = closestUnit(rest, registry);
    if (whole.unit && whole.score >= ACCEPT) return { units: [whole.unit], review };
  }
  // What is left, cut at list separators, are names the tolerant matcher did not know.
  for (const piece of rest.matchAll(/[^,;]+/g)) {
    const name = piece[0].replace(/^\s*(và|va)\s+|\s+(và|va)\s*$/gi, '').trim();
    if (!/\p{Lu}/u.test(name) || name.replace(/[^\p{L}]/gu, '').length < 4) continue;
    const { unit, score } = closestUnit(name, registry);
    if (unit && score >= ACCEPT) found.push({ at: piece.index, unit });
    else review.push({ field, text: name, candidate: unit?.name ?? null, score: Math.round(score * 100) / 100 });
  }
  found.sort((a, b) => a.at - b.at);
  const units = found.map((f) => f.unit).filter((u, i, all) => all.indexOf(u) === i);
  return { units, review };
}

interface AliasForm {
  unit: Unit;
  norm: string;
  words: number;
}
const aliasForms = new WeakMap<readonly Unit[], AliasForm[]>();

function formsOf(registry: readonly Unit[]): AliasForm[] {
  let forms = aliasForms.get(registry);
  if (!forms) {
    forms = registry.flatMap((unit) =>
      [unit.name, ...unit.aliases].map((alias) => ({ unit, norm: normalizeName(alias), words: normalizeName(alias).split(' ').length })),
    );
    // A short name ("Sở Y tế", "VNPT") is one OCR slip away from ordinary words: never fuzzy.
    forms = forms.filter((f) => f.norm.length >= 10);
    aliasForms.set(registry, forms);
  }
  return forms;
}

/**
 * A unit named at word `first` of a text that the tolerant matcher missed ("Cac sé, ban, nganh,
 * dia phuong", "Sé TAi chinh"): the registry name closest to the same number of words there, if
 * its similarity reaches ACCEPT. `starts` are the offsets of the text's words.
 */
export function fuzzyUnitAt(
  text: string,
  starts: Array<{ start: number; end: number }>,
  first: number,
  registry: readonly Unit[],
): { unit: Unit; endToken: number; score: number } | null {
  let best: { unit: Unit; endToken: number; score: number } | null = null;
  for (const form of formsOf(registry)) {
    const last = first + form.words - 1;
    if (last >= starts.length) continue;
    const span = normalizeName(text.slice(starts[first].start, starts[last].end));
    const score = 1 - editDistance(span, form.norm) / Math.max(span.length, form.norm.length);
    if (score >= ACCEPT && (!best || score > best.score)) best = { unit: form.unit, endToken: last + 1, score };
  }
  return best;
}
