// Text intake: a directive's text in, draft assignments out (the `directive:extract` contract).
//
// Which items become drafts: every item without sub-items, except one that only acknowledges
// ("Ghi nhận và biểu dương ...", "Đánh giá cao ...", item 1 of 01-TB/CQTT): it names no unit
// and no deliverable. An item with sub-items ("2.2. Giao ... :", "4. Các sở, ban, ngành:") is
// their lead-in: its units and deadline pass down to sub-items that name none of their own. The
// preamble and the closing ("Trên đây là ...", "... thông báo để ... thực hiện") are never items;
// the preamble only supplies the number, the date, and a default addressee ("các cơ quan, đơn vị,
// địa phương cần ...") for items that name nobody.
import { unitRegistry, type Unit } from '../units';
import { findAddressee, extractAssignees } from './assignees';
import { extractDeadline } from './deadline';
import { extractDocumentInfo } from './document';
import { missingClear } from './missing';
import { cleanText, collapseWhitespace, looseFold, loosePhrase as P } from './normalize';
import type { DeadlineDraft, ExtractResult, ItemDraft } from './schema';
import { splitItems, type ItemNode } from './split';
import { extractTargets } from './targets';

const ACKNOWLEDGEMENT = new RegExp(`^\\s*(?:${[P('ghi nhan'), P('bieu duong'), P('danh gia cao'), P('hoan nghenh'), P('khen ngoi')].join('|')})`);
const LEAD_IN = /^\s*(?:giao|yeu cau)\b/;
const TITLE_MAX = 120;

/** A short title: the item's first sentence, or what follows an assignment lead-in ("Giao ...:"). */
export function titleOf(text: string): string {
  let body = collapseWhitespace(text);
  const colon = body.indexOf(':');
  if (colon > 0 && LEAD_IN.test(looseFold(body.slice(0, colon))) && body.slice(colon + 1).trim()) body = body.slice(colon + 1).trim();
  const stops = [/[.;]\s/, /:\s/].map((re) => body.search(re)).filter((i) => i > 0);
  let title = stops.length ? body.slice(0, Math.min(...stops)) : body.replace(/[.;:]$/, '');
  if (title.length > TITLE_MAX) {
    const cut = title.lastIndexOf(' ', TITLE_MAX - 1);
    title = `${title.slice(0, cut > 40 ? cut : TITLE_MAX - 1)}…`;
  }
  return title;
}

interface Inherited {
  lead: Unit | null;
  coordinating: Unit[];
  deadline: DeadlineDraft;
}

/** Draft assignments, with the document's number and date, from the text of a directive. */
export function extractDirective(raw: string, registry: readonly Unit[] = unitRegistry): ExtractResult {
  const text = cleanText(raw);
  const split = splitItems(text);
  const document = extractDocumentInfo(split.preamble || text);
  const context = { documentDate: document.date };
  const items: ItemDraft[] = [];

  const visit = (node: ItemNode, inherited: Inherited) => {
    const own = extractAssignees(node.text, registry);
    const lead = own.lead ?? inherited.lead;
    const coordinating = (own.lead ? own.coordinating : [...inherited.coordinating, ...own.coordinating]).filter(
      (u, i, all) => u !== lead && all.indexOf(u) === i,
    );
    const ownDeadline = extractDeadline(node.text, context);
    const deadline = ownDeadline.kind === 'unspecified' ? inherited.deadline : ownDeadline;

    if (node.children.length) {
      node.children.forEach((child) => visit(child, { lead, coordinating, deadline }));
      return;
    }
    if (ACKNOWLEDGEMENT.test(looseFold(node.text))) return;

    const body = collapseWhitespace(node.text);
    const targets = extractTargets(node.text);
    items.push({
      ref: node.ref,
      title: titleOf(body),
      text: body,
      leadUnit: lead?.name ?? null,
      coordinatingUnits: coordinating.map((u) => u.name),
      deadline,
      targets,
      missing: missingClear({ lead, text: body, deadline, targets, document }),
    });
  };

  const addressee = findAddressee(split.preamble, registry);
  split.items.forEach((node) => visit(node, { lead: addressee, coordinating: [], deadline: { kind: 'unspecified' } }));
  return { document, items };
}
