// Text intake: a directive's text in, draft assignments out (the `directive:extract` contract).
// Only leaves that assign work become drafts; lead-ins pass their units down. See
// docs/architecture.md, "Which parts become drafts".
import { unitRegistry, type Unit } from '../units';
import { extractAssignees, findAddressee } from './assignees';
import { parseClause } from './clause';
import { extractDeadline } from './deadline';
import { readDocumentInfo } from './document';
import { isFieldLine, readFields, readFlatTable, readTable, type Fields } from './fields';
import { findingsOf, isFindingHeading, isPraise } from './findings';
import { missingClear } from './missing';
import { cleanText, collapseWhitespace } from './normalize';
import { deadlineConfidence, INHERITED, locate, placed, round2, unitSource, type Located } from './provenance';
import type { DeadlineDraft, ExtractResult, Finding, ItemDraft, Source } from './schema';
import { joinRef, splitItems, type ItemNode } from './split';
import { extractTargets } from './targets';
import { ACCEPT, resolveCell, type CellUnits } from './units-cell';

const TITLE_MAX = 120;

/** A short title: the work from its first word (after the assignee clause) to the end of its first sentence. */
export function titleOf(text: string, workStart = 0): string {
  let body = collapseWhitespace(text.slice(workStart)).replace(/^[\s,:;.)-]+/, '');
  if (!body) body = collapseWhitespace(text);
  const stops = [/[.;]\s/, /:\s/, /\s\((?:cơ quan|đơn vị) chủ trì/i].map((re) => body.search(re)).filter((i) => i > 0);
  let title = stops.length ? body.slice(0, Math.min(...stops)) : body.replace(/[.;:]$/, '');
  if (title.length > TITLE_MAX) {
    const cut = title.lastIndexOf(' ', TITLE_MAX - 1);
    title = `${title.slice(0, cut > 40 ? cut : TITLE_MAX - 1)}…`;
  }
  return title.charAt(0).toLocaleUpperCase('vi') + title.slice(1);
}

interface Assigned {
  lead: Unit | null;
  coLeads: Unit[];
  coordinating: Unit[];
  deadline: DeadlineDraft;
  review: CellUnits['review'];
  /** Where the lead and the deadline were read, offsets in the text of `origin` (provenance.ts). */
  leadSource: Located | null;
  deadlineSource: Located | null;
}

const unique = (units: Unit[], not: Unit[]) => units.filter((u, i) => !not.includes(u) && units.indexOf(u) === i);

/** Who and when an item's own text names, falling back on what its lead-in passed down. */
function assign(
  ref: string,
  text: string,
  inherited: Assigned,
  fields: Fields | null,
  registry: readonly Unit[],
  documentDate: string | null,
): Assigned & { workStart: number } {
  const clause = parseClause(text, registry);
  const context = { documentDate };
  let own: Omit<Assigned, 'deadline' | 'leadSource' | 'deadlineSource'> | null = null;
  // Whether the lead (or its absence) is the item's own reading rather than its lead-in's.
  let ownLead = true;
  if (fields && fields.lead !== undefined) {
    const lead = resolveCell(fields.lead, 'leadUnit', registry);
    const partners = resolveCell(fields.partners ?? '', 'coordinatingUnits', registry);
    const [first = null, ...rest] = lead.units;
    own = { lead: first, coLeads: rest, coordinating: unique(partners.units, lead.units), review: [...lead.review, ...partners.review] };
  } else if (clause.lead || clause.unknownLead) {
    const base = clause.lead ? extractAssignees(text, registry) : { coordinating: [] };
    const lead = clause.lead;
    // A body the registry lacks leads nobody; its name goes to review with the closest unit.
    const review = clause.unknownName ? resolveCell(clause.unknownName, 'leadUnit', registry).review : [];
    own = {
      lead,
      coLeads: clause.coLeads,
      coordinating: unique(
        [...clause.coordinating, ...base.coordinating],
        [lead, ...clause.coLeads].filter((u) => u !== null),
      ),
      review,
    };
  } else {
    const base = extractAssignees(text, registry);
    if (base.lead) own = { lead: base.lead, coLeads: [], coordinating: base.coordinating, review: [] };
    else if (clause.coordinating.length || base.coordinating.length) {
      // "Phối hợp với Công an tỉnh xây dựng …": own partners replace the inherited ones.
      const coordinating = unique(
        [...clause.coordinating, ...base.coordinating],
        [inherited.lead, ...inherited.coLeads].filter((u) => u !== null),
      );
      own = { ...inherited, coordinating };
      ownLead = false;
    }
  }
  const who = own ?? inherited;
  let leadSource = inherited.leadSource;
  if (own && ownLead)
    leadSource = who.lead
      ? // A table row or a plan's field names its lead in the "chủ trì" cell, which `text` may not hold.
        ((fields?.lead !== undefined ? unitSource(fields.lead, who.lead, registry, ref) : null) ??
        unitSource(text, who.lead, registry, ref) ?? { text: who.lead.name, start: null, end: null, confidence: ACCEPT, origin: ref })
      : null;
  let deadline: DeadlineDraft =
    fields?.time !== undefined ? extractDeadline(fields.time, context, { cell: true }) : { kind: 'unspecified' };
  if (deadline.kind === 'unspecified') deadline = extractDeadline(text, context);
  let deadlineSource: Located | null = null;
  if (deadline.kind === 'unspecified') [deadline, deadlineSource] = [inherited.deadline, inherited.deadlineSource];
  else if ('source' in deadline) {
    const at = locate(text, deadline.source);
    deadlineSource = {
      text: deadline.source,
      start: at?.start ?? null,
      end: at?.end ?? null,
      confidence: deadlineConfidence(deadline),
      origin: ref,
    };
  }
  return { ...who, leadSource, deadline, deadlineSource, workStart: clause.workStart };
}

/** Draft assignments, findings, and the document's number, date and issuer, from a directive's text. */
export function extractDirective(raw: string, registry: readonly Unit[] = unitRegistry): ExtractResult {
  const text = cleanText(raw);
  const split = splitItems(text);
  const info = readDocumentInfo(split.preamble || text);
  const items: ItemDraft[] = [];
  const findings: Finding[] = [];

  // Provenance: where each text that `assign` read starts in the cleaned text, by its ref.
  const bases = new Map<string, number | null>();
  let cursor = 0;
  const anchor = (origin: string, part: string) => {
    const at = locate(text, part.slice(0, 60), cursor);
    if (at) cursor = at.start;
    bases.set(origin, at?.start ?? null);
  };
  const sourceFor = (ref: string, located: Located | null): Source | null => {
    if (!located) return null;
    const source = placed(located, text, bases.get(located.origin) ?? null);
    return located.origin === ref
      ? source
      : { ...source, confidence: round2(source.confidence * INHERITED), inheritedFrom: located.origin };
  };
  const headerBase = split.preamble ? text.indexOf(split.preamble) : 0;
  // Header offsets are in the preamble, which opens the cleaned text: shifted, not searched (an
  // issuer on two lines of the left column spans the right column's words too).
  const headerSource = (s: Source | null): Source | null =>
    s && {
      ...s,
      start: s.start === null || headerBase < 0 ? null : headerBase + s.start,
      end: s.end === null || headerBase < 0 ? null : headerBase + s.end,
    };
  const { sources: headerSources, ...documentFields } = info;
  const document = {
    ...documentFields,
    sources: {
      number: headerSource(headerSources.number),
      issuer: headerSource(headerSources.issuer),
      date: headerSource(headerSources.date),
    },
  };

  const push = (ref: string, body: string, title: string, a: Assigned) => {
    const targets = extractTargets(body);
    const item: ItemDraft = {
      ref,
      title,
      text: body,
      leadUnit: a.lead?.name ?? null,
      coLeadUnits: a.coLeads.map((u) => u.name),
      coordinatingUnits: a.coordinating.map((u) => u.name),
      deadline: a.deadline,
      targets,
      missing: missingClear({ lead: a.lead, text: body, deadline: a.deadline, targets, document }),
      sources: { leadUnit: sourceFor(ref, a.leadSource), deadline: sourceFor(ref, a.deadlineSource) },
    };
    if (a.review.length) item.review = a.review;
    items.push(item);
  };

  const visit = (node: ItemNode, inherited: Assigned) => {
    if (isFindingHeading(node.text)) {
      findings.push(...findingsOf(node));
      return;
    }
    let nodeText = node.text;
    let children = node.children;
    // A plan's task with "- Cơ quan chủ trì: …" lines: the lines are its fields.
    if (children.length && children.every((c) => isFieldLine(c.text))) {
      nodeText = [node.text, ...children.map((c) => c.text)].join('\n');
      children = [];
    }
    const table = readTable(nodeText) ?? readFlatTable(nodeText);
    if (table) {
      for (const row of table.rows) {
        const rowRef = joinRef(node.ref, `(${row.number})`);
        anchor(rowRef, row.title);
        const a = assign(rowRef, row.title, inherited, row.fields, registry, document.date);
        // A row's title is its indicator or task as written, without a target value.
        const title = collapseWhitespace(row.title.replace(/\s*[:;,]?\s*\d+([.,]\d+)?\s*%.*$/, ''));
        push(rowRef, collapseWhitespace(row.title), title.charAt(0).toLocaleUpperCase('vi') + title.slice(1), a);
      }
      children.forEach((child) => visit(child, inherited));
      return;
    }
    const read = readFields(nodeText);
    const work = read ? nodeText.slice(0, read.start) : nodeText;
    anchor(node.ref, nodeText);
    const a = assign(node.ref, nodeText, inherited, read?.fields ?? null, registry, document.date);
    if (children.length) {
      children.forEach((child) => visit(child, a));
      return;
    }
    const body = collapseWhitespace(nodeText);
    if (isPraise(body)) {
      findings.push({ ref: node.ref, text: body });
      return;
    }
    push(node.ref, body, titleOf(work, Math.min(a.workStart, work.length)), a);
  };

  const addressee = findAddressee(split.preamble, registry);
  bases.set('preamble', headerBase >= 0 ? headerBase : null);
  const start: Assigned = {
    lead: addressee,
    coLeads: [],
    coordinating: [],
    deadline: { kind: 'unspecified' },
    review: [],
    leadSource: addressee ? unitSource(split.preamble, addressee, registry, 'preamble') : null,
    deadlineSource: null,
  };
  split.items.forEach((node) => visit(node, start));
  return { document, items, findings };
}
