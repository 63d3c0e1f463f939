// Who an item gives the work to: the lead unit (chủ trì) and the coordinating units (phối hợp),
// from the phrasings directives use; units only cited are neither. The rules, in order:
// docs/architecture.md, "Who leads, who coordinates".
import { parseClause } from './clause';
import { looseFold, loosePhrase as P } from './normalize';
import { findUnitMentions, isCollectiveUnit, tokenize, tokenMatches, unitRegistry } from '../units';
import type { Token, Unit, UnitMention } from '../units';

export interface Assignees {
  lead: Unit | null;
  coordinating: Unit[];
}

// Titles and determiners between "Giao" and a unit: "Giao đồng chí Giám đốc Sở ...".
const FILLERS = ['dong', 'chi', 'cac', 'giam', 'doc', 'thu', 'truong', 'lanh', 'dao', 'nguoi', 'dung', 'dau', 'chu', 'tich', 'pho', 'va'];
// Adverbs between a unit and "phối hợp": "các cơ quan, đơn vị chủ động phối hợp".
const ADVERBS = ['chu', 'dong', 'tich', 'cuc', 'co', 'trach', 'nhiem', 'khan', 'truong', 'cung'];
// "phối" is spelled out: a loose match would also read "phù hợp" (suitable) as "phối hợp".
const PHOI = /^ph[oe0-9bd]i$/;
const VOI = /^v.?i$/;

const isAny = (token: Token | undefined, words: string[]) => token !== undefined && words.some((w) => tokenMatches(w, token.norm));
const isWord = (token: Token | undefined, word: string) => token !== undefined && tokenMatches(word, token.norm);

function onlyFillers(tokens: Token[], from: number, to: number, words = FILLERS): boolean {
  for (let i = from; i < to; i++) if (!isAny(tokens[i], words)) return false;
  return true;
}

interface Parsed {
  text: string;
  tokens: Token[];
  mentions: UnitMention[];
}

function parse(text: string, registry: readonly Unit[]): Parsed {
  const tokens = tokenize(text);
  const all = findUnitMentions(text, registry, tokens);
  const mentions = all.filter((m, k) => k === 0 || !/^\s*-\s*$/.test(text.slice(all[k - 1].end, m.start)));
  return { text, tokens, mentions };
}

/** The mentions that follow `k` as one list: "A, B và C". */
function listAfter(p: Parsed, k: number): UnitMention[] {
  const list: UnitMention[] = [];
  for (let j = k + 1; j < p.mentions.length; j++) {
    const prev = p.mentions[j - 1];
    const next = p.mentions[j];
    const gap = p.text.slice(prev.end, next.start);
    if (!/^\s*(,|(và|va)\s)/i.test(gap) || /[.;:()]/.test(gap)) break;
    if (!onlyFillers(p.tokens, prev.endToken, next.firstToken)) break;
    list.push(next);
  }
  return list;
}

function giaoLead(p: Parsed): { lead: Unit; coordinating: Unit[] } | null {
  for (let i = 0; i < p.tokens.length; i++) {
    const t = p.tokens[i];
    if (!/^(Giao|GIAO)$/.test(p.text.slice(t.start, t.end))) continue;
    if (p.mentions.some((m) => m.firstToken <= i && i < m.endToken)) continue;
    const k = p.mentions.findIndex((m) => m.firstToken > i);
    if (k === -1) continue;
    const first = p.mentions[k];
    if (first.firstToken - i - 1 > 5 || !onlyFillers(p.tokens, i + 1, first.firstToken)) continue;

    const chain = [first];
    for (let j = k + 1; j < p.mentions.length; j++) {
      const prev = chain[chain.length - 1];
      const next = p.mentions[j];
      const between = next.firstToken - prev.endToken;
      const gap = p.text.slice(prev.end, next.start);
      if (between !== 2 || /[.;:,]/.test(gap) || !isWord(p.tokens[prev.endToken], 'chi') || !isWord(p.tokens[prev.endToken + 1], 'dao'))
        break;
      chain.push(next);
    }
    if (chain.length > 1) {
      const single = [...chain].reverse().find((m) => !isCollectiveUnit(m.unit)) ?? chain[0];
      return { lead: single.unit, coordinating: chain.filter((m) => m !== single).map((m) => m.unit) };
    }
    return { lead: first.unit, coordinating: listAfter(p, k).map((m) => m.unit) };
  }
  return null;
}

function chuTriLead(p: Parsed): Unit | null {
  const m = p.mentions.find((m) => isWord(p.tokens[m.endToken], 'chu') && isWord(p.tokens[m.endToken + 1], 'tri'));
  return m?.unit ?? null;
}

function requestedLead(p: Parsed): Unit | null {
  for (let i = 0; i + 1 < p.tokens.length; i++) {
    // "yêu" is all vowels, so its loose form would match almost any short word: compare exactly.
    if (p.tokens[i].norm !== 'yeu' || !isWord(p.tokens[i + 1], 'cau')) continue;
    const m = p.mentions.find((m) => m.firstToken >= i + 2 && m.firstToken <= i + 10);
    if (m) return m.unit;
  }
  return null;
}

// Before a subject only titles may stand ("Đồng chí Giám đốc Sở …"): "Chỉ đạo các doanh nghiệp …"
// opens with the work, and the units after it are its object.
const SUBJECT_FILLERS = ['dong', 'chi', 'cac', 'giam', 'doc', 'thu', 'truong', 'nguoi', 'dung', 'dau', 'chu', 'tich', 'pho', 'rieng'];

function subjectLead(p: Parsed): Unit | null {
  const first = p.mentions[0];
  if (!first || first.firstToken > 5 || !onlyFillers(p.tokens, 0, first.firstToken, SUBJECT_FILLERS)) return null;
  const chi = p.tokens.findIndex((t, k) => k < first.firstToken && isWord(t, 'chi'));
  if (chi >= 0 && !(chi > 0 && isWord(p.tokens[chi - 1], 'dong'))) return null;
  return first.unit;
}

function coordinatingMentions(p: Parsed): UnitMention[] {
  const found: UnitMention[] = [];
  for (let i = 0; i + 1 < p.tokens.length; i++) {
    if (!PHOI.test(p.tokens[i].norm) || !isWord(p.tokens[i + 1], 'hop')) continue;
    // After: "phối hợp (với) A, B".
    let j = i + 2;
    if (p.tokens[j] && VOI.test(p.tokens[j].norm)) j++;
    const k = p.mentions.findIndex((m) => m.firstToken === j || (m.firstToken > j && m.firstToken <= j + 1 && isWord(p.tokens[j], 'cac')));
    if (k !== -1 && !/[.;:]/.test(p.text.slice(p.tokens[i + 1].end, p.mentions[k].start))) found.push(p.mentions[k], ...listAfter(p, k));
    // Before: "A, B (chủ động) phối hợp".
    const before = p.mentions.findIndex((m) => m.endToken <= i && i - m.endToken <= 3 && onlyFillers(p.tokens, m.endToken, i, ADVERBS));
    if (before !== -1 && !/[.;:,]/.test(p.text.slice(p.mentions[before].end, p.tokens[i].start))) {
      let start = before;
      while (start > 0 && listAfter(p, start - 1)[0] === p.mentions[start]) start--;
      found.push(...p.mentions.slice(start, before + 1));
    }
  }
  // Another clause with its own subject: ". Sở A, Sở B ..." or "; Ủy ban Kiểm tra Tỉnh ủy ...".
  p.mentions.forEach((m, k) => {
    if (!/[.;]\s*$/.test(p.text.slice(0, m.start))) return;
    found.push(m, ...listAfter(p, k));
  });
  return found;
}

/** Lead and coordinating units an item's own text names; lead is null when it names none. */
export function extractAssignees(text: string, registry: readonly Unit[] = unitRegistry): Assignees {
  const p = parse(text.normalize('NFC'), registry);
  const giao = giaoLead(p);
  const lead = giao?.lead ?? chuTriLead(p) ?? requestedLead(p) ?? subjectLead(p);
  const coordinating: Unit[] = [];
  for (const unit of [...(giao?.coordinating ?? []), ...coordinatingMentions(p).map((m) => m.unit)]) {
    if (unit !== lead && !coordinating.includes(unit)) coordinating.push(unit);
  }
  return { lead, coordinating };
}

/**
 * The units a preamble addresses the whole list to ("Trong thời gian tới, các cơ quan, đơn vị,
 * địa phương cần ..."), read from its last paragraph; items that name no unit fall back on it.
 */
export function findAddressee(preamble: string, registry: readonly Unit[] = unitRegistry): Unit | null {
  const paragraphs = preamble
    .normalize('NFC')
    .split(/\n\s*\n/)
    .filter((s) => s.trim());
  const last = paragraphs[paragraphs.length - 1] ?? '';
  // "…, Sở Khoa học và Công nghệ đề nghị các sở, ban, ngành, địa phương:": the addressee of the request.
  const trimmed = last.trim();
  const request = new RegExp(`(?:^|[,;.]\\s*)([^,;.]*?(?:^|\\s)(?:${P('de nghi')}|${P('yeu cau')}|giao)\\s[^:]*):\\s*$`).exec(
    looseFold(trimmed),
  );
  if (request) {
    const at = request.index + request[0].indexOf(request[1]);
    const clause = parseClause(trimmed.slice(at, at + request[1].length).trim(), registry);
    if (clause.lead) return clause.lead;
  }
  const p = parse(last, registry);
  const m = p.mentions.find(
    (m) =>
      isAny(p.tokens[m.endToken], ['can', 'phai']) || (isWord(p.tokens[m.endToken], 'co') && isWord(p.tokens[m.endToken + 1], 'trach')),
  );
  return m?.unit ?? null;
}
