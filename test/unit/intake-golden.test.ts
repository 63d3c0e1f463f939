import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractDirective } from '../../domain/intake/extract';
import type { DeadlineDraft, ItemDraft, TargetDraft } from '../../domain/intake/schema';
import { foldDiacritics } from '../../domain/units';

// The golden files were written by hand from reading each document, never from this parser's
// output. A mismatch means the parser is wrong, unless the reading of the document was.

interface GoldenItem {
  ref: string;
  leadUnit: string | null;
  coordinatingUnits: string[];
  deadline: DeadlineDraft;
  targets: TargetDraft[];
}

interface Golden {
  document: { number: string | null; date: string | null };
  items: GoldenItem[];
}

const root = path.join(__dirname, '..');
const seeds = [
  { name: '80/TB-UBND (UTF-8)', fixture: '002_91dd9e19e489807d.txt', golden: 'seed-002.expected.json' },
  { name: '01-TB/CQTT (OCR)', fixture: '004_2316aeaa4ca50f78.txt', golden: 'seed-004.expected.json' },
];

// Quoted text ("as written") is compared without diacritics or case: the OCR seed's marks are noise.
const sameText = (a: string, b: string) => foldDiacritics(a) === foldDiacritics(b);

function deadlineMismatches(expected: DeadlineDraft, actual: DeadlineDraft): string[] {
  if (expected.kind !== actual.kind) return [`deadline: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  const out: string[] = [];
  if (expected.kind === 'date' && actual.kind === 'date' && expected.due !== actual.due)
    out.push(`deadline.due: expected ${expected.due}, got ${actual.due}`);
  if (expected.kind === 'recurring' && actual.kind === 'recurring' && expected.rule !== actual.rule)
    out.push(`deadline.rule: expected ${expected.rule}, got ${actual.rule}`);
  if ('source' in expected && 'source' in actual && !sameText(expected.source, actual.source)) {
    out.push(`deadline.source: expected "${expected.source}", got "${actual.source}"`);
  }
  return out;
}

function targetMismatches(expected: TargetDraft[], actual: TargetDraft[]): string[] {
  if (expected.length !== actual.length) return [`targets: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  return expected.flatMap((e, i) => {
    const a = actual[i];
    const out: string[] = [];
    if (!sameText(e.metric, a.metric)) out.push(`targets[${i}].metric: expected "${e.metric}", got "${a.metric}"`);
    if (e.comparator !== a.comparator) out.push(`targets[${i}].comparator: expected ${e.comparator}, got ${a.comparator}`);
    if (e.value !== a.value) out.push(`targets[${i}].value: expected ${e.value}, got ${a.value}`);
    if ((e.unit === null) !== (a.unit === null) || (e.unit !== null && a.unit !== null && !sameText(e.unit, a.unit))) {
      out.push(`targets[${i}].unit: expected ${JSON.stringify(e.unit)}, got ${JSON.stringify(a.unit)}`);
    }
    return out;
  });
}

/** Every difference between the golden item and the draft, as readable lines. */
function itemMismatches(expected: GoldenItem, actual: ItemDraft | undefined): string[] {
  if (!actual) return [`${expected.ref}: no such draft`];
  const out: string[] = [];
  if (expected.leadUnit !== actual.leadUnit)
    out.push(`leadUnit: expected ${JSON.stringify(expected.leadUnit)}, got ${JSON.stringify(actual.leadUnit)}`);
  const wanted = new Set(expected.coordinatingUnits);
  const got = new Set(actual.coordinatingUnits);
  const absent = [...wanted].filter((u) => !got.has(u));
  const extra = [...got].filter((u) => !wanted.has(u));
  if (absent.length || extra.length) out.push(`coordinatingUnits: missing ${JSON.stringify(absent)}, unexpected ${JSON.stringify(extra)}`);
  out.push(...deadlineMismatches(expected.deadline, actual.deadline), ...targetMismatches(expected.targets, actual.targets));
  return out.map((line) => `${expected.ref} ${line}`);
}

for (const seed of seeds) {
  describe(`golden ${seed.name}`, () => {
    const golden = JSON.parse(readFileSync(path.join(root, 'golden', seed.golden), 'utf8')) as Golden;
    const result = extractDirective(readFileSync(path.join(root, 'fixtures', seed.fixture), 'utf8'));
    const byRef = new Map(result.items.map((item) => [item.ref, item]));

    it('reads the document number and issue date', () => {
      expect({ number: result.document.number, date: result.document.date }).toEqual(golden.document);
    });

    it('proposes exactly the work-giving items, in document order', () => {
      expect(result.items.map((i) => i.ref)).toEqual(golden.items.map((i) => i.ref));
    });

    it.each(golden.items.map((item) => [item.ref, item] as const))(
      'item %s: lead, coordinating units, deadline and targets',
      (_ref, item) => {
        const mismatches = itemMismatches(item, byRef.get(item.ref));
        expect(mismatches, mismatches.join('\n')).toEqual([]);
      },
    );

    it('gets every item and every deadline exactly right', () => {
      const items = golden.items.filter((g) => itemMismatches(g, byRef.get(g.ref)).length === 0).length;
      const deadlines = golden.items.filter((g) => {
        const actual = byRef.get(g.ref);
        return actual !== undefined && deadlineMismatches(g.deadline, actual.deadline).length === 0;
      }).length;
      expect({ items, deadlines }).toEqual({ items: golden.items.length, deadlines: golden.items.length });
    });
  });
}
