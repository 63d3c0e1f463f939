// Which of the "6 rõ" a text draft leaves open, each read from the draft's own fields, so the
// secretariat knows what to complete before launch. What counts as clear for each:
// docs/architecture.md, "Directives and text intake", the "6 rõ" still missing.
import { findUnitMentions, isCollectiveUnit, type Unit } from '../units';
import { collapseWhitespace, looseFold, loosePhrase as P } from './normalize';
import type { DeadlineDraft, SixClear, TargetDraft } from './schema';

export interface DraftFacts {
  lead: Unit | null;
  text: string;
  deadline: DeadlineDraft;
  targets: TargetDraft[];
  document: { number: string | null; date: string | null };
}

const OUTCOME = new RegExp(
  [
    P('ban hanh'),
    P('hoan thanh'),
    P('hoan thien'),
    P('thanh lap'),
    P('tao ra'),
    `${P('dua vao')}\\s+(?:${P('van hanh')}|${P('su dung')})`,
  ].join('|'),
);

function wordsBesidesUnits(text: string): number {
  let rest = text;
  for (const m of findUnitMentions(text).reverse()) rest = rest.slice(0, m.start) + rest.slice(m.end);
  return collapseWhitespace(rest.replace(/[^\p{L}\p{N}\s]/gu, ' '))
    .split(' ')
    .filter((w) => w.length > 1).length;
}

/** The "6 rõ" still missing from a draft, in the fixed order person, task, time, responsibility, authority, result. */
export function missingClear(facts: DraftFacts): SixClear[] {
  const missing: SixClear[] = [];
  if (!facts.lead) missing.push('person');
  if (wordsBesidesUnits(facts.text) < 2) missing.push('task');
  if (facts.deadline.kind === 'unspecified') missing.push('time');
  if (!facts.lead || isCollectiveUnit(facts.lead)) missing.push('responsibility');
  if (!facts.document.number || !facts.document.date) missing.push('authority');
  if (facts.targets.length === 0 && !OUTCOME.test(looseFold(facts.text))) missing.push('result');
  return missing;
}
