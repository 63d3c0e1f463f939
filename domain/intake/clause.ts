// The assignee clause that opens an item, read left to right, and where the work itself begins;
// units the registry lacks are skipped so the work still starts at its verb. Its grammar:
// docs/architecture.md, "The assignee clause".
import { findUnitMentions, foldDiacritics, isCollectiveUnit, tokenize, tokenMatches, unitRegistry } from '../units';
import type { Token, Unit, UnitMention } from '../units';
import { extractDeadline } from './deadline';
import { fuzzyUnitAt } from './units-cell';

export interface Clause {
  /** A lead the clause names (subject, "giao X", "đề nghị X"), or null. */
  lead: Unit | null;
  coLeads: Unit[];
  coordinating: Unit[];
  /** The clause addressed someone the registry lacks: the lead is unknown, not inherited. */
  unknownLead: boolean;
  /** That body's name as written, for review. */
  unknownName: string | null;
  /** Offset of the work's first word in the text. */
  workStart: number;
}

const seq = (tokens: Token[], i: number, words: string) =>
  words.split(' ').every((w, k) => tokens[i + k] !== undefined && tokenMatches(w, tokens[i + k].norm));
// "đề nghị", "lãnh đạo", "chỉ đạo" as OCR prints them ("Pé nghi", "lAnh bao"): short words whose
// initial đ may read as b or p, which the strict short-word match of domain/units.ts refuses.
const DE = /^[dbp][e0-9]$/;
const DAO = /^[dbp][a0-9]o$/;
const isDeNghi = (tokens: Token[], i: number) => tokens[i] !== undefined && DE.test(tokens[i].norm) && seq(tokens, i + 1, 'nghi');
const isDirect = (tokens: Token[], i: number, first: 'lanh' | 'chi') =>
  seq(tokens, i, first) && tokens[i + 1] !== undefined && DAO.test(tokens[i + 1].norm);
const exact = (tokens: Token[], i: number, words: string) => words.split(' ').every((w, k) => tokens[i + k]?.norm === w);

// Titles and determiners before a unit: "đồng chí Giám đốc", "người đứng đầu các".
const TITLES = [
  'dong chi',
  'giam doc',
  'pho giam doc',
  'chu tich',
  'pho chu tich',
  'thu truong',
  'nguoi dung dau',
  'lanh dao',
  'truong ban',
  'cac',
  'rieng',
];
// Adverbs between the assignee and the verb; "Tiếp tục", "Chủ động", "Tập trung" are the work's own.
const ADVERBS = ['khan truong', 'thuong xuyen', 'truc tiep', 'kip thoi'];
// An apposition after a unit names the same body again: "Công an tỉnh - Thành viên Ban Chỉ đạo".
const APPOSITIONS = ['thanh vien ban chi dao', 'co quan thuong truc ban chi dao', 'co quan thuong truc', 'thuong truc ban chi dao'];
// "theo lĩnh vực được phân công", "theo chức năng, nhiệm vụ": the scope of the subject, not the work.
const SCOPES = [
  'theo linh vuc duoc phan cong',
  'theo chuc nang nhiem vu duoc giao',
  'theo chuc nang nhiem vu',
  'theo linh vuc phu trach',
  'theo tham quyen',
  'theo linh vuc',
];
// A cadence opening the work: "Định kỳ ngày 20 hàng tháng báo cáo …", "Hằng quý, …".
const CADENCE = /^(?:dinh ky\s+)?(?:(?:truoc\s+)?ngay\s+\d{1,2}\s+)?(?:hang|moi)\s+(?:thang|quy|nam|tuan)\s*,?\s*/;
const CAN_CU = [
  'ke hoach nay',
  'chi thi nay',
  'thong bao nay',
  'van ban nay',
  'cong van nay',
  'chuc nang nhiem vu duoc giao',
  'chuc nang nhiem vu',
  'nhiem vu duoc giao',
];

function skipAny(tokens: Token[], i: number, phrases: string[], strict = false): number {
  for (const p of phrases) if (strict ? exact(tokens, i, p) : seq(tokens, i, p)) return i + p.split(' ').length;
  return i;
}

interface Cursor {
  registry: readonly Unit[];
  text: string;
  tokens: Token[];
  mentions: UnitMention[];
  i: number;
}

/** The unit named at word i: the tolerant matcher's mention, else a fuzzy match of the registry (OCR). */
function mentionAt(c: Cursor, i = c.i): UnitMention | undefined {
  const found = c.mentions.find((m) => m.firstToken === i);
  if (found || !c.tokens[i] || c.mentions.some((m) => m.firstToken < i && i < m.endToken)) return found;
  const fuzzy = fuzzyUnitAt(c.text, c.tokens, i, c.registry);
  if (!fuzzy) return undefined;
  const mention: UnitMention = {
    unit: fuzzy.unit,
    start: c.tokens[i].start,
    end: c.tokens[fuzzy.endToken - 1].end,
    firstToken: i,
    endToken: fuzzy.endToken,
  };
  c.mentions.push(mention);
  c.mentions.sort((a, b) => a.firstToken - b.firstToken);
  return mention;
}
const gapBefore = (c: Cursor, i: number) => (i > 0 && c.tokens[i] ? c.text.slice(c.tokens[i - 1].end, c.tokens[i].start) : '');

/** Past titles before a unit ("đồng chí Giám đốc"), stopping where a unit's own name begins ("các sở, …"). */
function skipTitles(c: Cursor, i: number): number {
  let t = i;
  for (let guard = 0; guard < 5 && !mentionAt(c, t); guard++) {
    const next = skipAny(c.tokens, t, TITLES);
    if (next === t) break;
    t = next;
  }
  return mentionAt(c, t) ? t : i;
}

/** A list of units from token i: "A, B và C", allowing "người đứng đầu các" between them. */
function unitList(c: Cursor, i: number): { units: Unit[]; end: number } {
  const units: Unit[] = [];
  let j = i;
  for (;;) {
    let k = j;
    if (units.length) {
      const gap = gapBefore(c, k);
      // "và" as OCR prints it: "va", "v4", "vá".
      const va = c.tokens[k] !== undefined && /^v[a4@]$/.test(c.tokens[k].norm);
      const joined = /^\s*,\s*$/.test(gap) || (/^\s+$/.test(gap) && va);
      if (!joined) break;
      if (va) k++;
    }
    const t = skipTitles(c, k);
    const m = mentionAt(c, t);
    if (!m) break;
    units.push(m.unit);
    j = m.endToken;
  }
  return { units, end: j };
}

// Lower-case words inside the names of bodies: "Cơ quan Thường trực", "Kho bạc Nhà nước khu vực".
const ORG_WORDS = [
  'quan',
  'doan',
  'tinh',
  'dao',
  'truc',
  'hoi',
  'nha',
  'nuoc',
  'xa',
  'cong',
  'bac',
  'khu',
  'vuc',
  'phuong',
  'giao',
  'dan',
  'van',
  'hiem',
  'tri',
];

/** A registry-less body: a run of capitalised words ("Cơ quan Thường trực Ban Chỉ đạo", "Tỉnh đoàn"). */
function skipUnknownName(c: Cursor, i: number): number {
  let j = i;
  const capital = (k: number) => c.tokens[k] && /^\p{Lu}/u.test(c.text.slice(c.tokens[k].start, c.tokens[k].end));
  if (!capital(j)) return i;
  while (c.tokens[j] && (capital(j) || ORG_WORDS.includes(c.tokens[j].norm))) {
    if (j > i && /[,.;:()]/.test(gapBefore(c, j))) break;
    j++;
  }
  return j;
}

/** Comma-separated time phrases opening the work: "hằng năm, trước ngày 15/7, …". */
function skipTimePhrases(c: Cursor, i: number): number {
  let j = i;
  for (;;) {
    const from = c.tokens[j]?.start;
    if (from === undefined) return j;
    const comma = c.text.indexOf(',', from);
    if (comma < 0 || comma - from > 40) return j;
    const segment = c.text.slice(from, comma);
    const periodic = /^(h[aằ]ng|đ[iị]nh k[yỳ]|m[oỗ]i)\s/i.test(segment.normalize('NFC'));
    if (!periodic && extractDeadline(segment, { documentDate: '2000-01-01' }).kind === 'unspecified') return j;
    let k = j;
    while (c.tokens[k] && c.tokens[k].start < comma) k++;
    j = k;
  }
}

/** The opening assignee clause of an item's text and where its work begins. */
export function parseClause(raw: string, registry: readonly Unit[] = unitRegistry): Clause {
  const text = raw.normalize('NFC');
  const tokens = tokenize(text);
  const all = findUnitMentions(text, registry, tokens);
  const mentions = all.filter((m, k) => k === 0 || !/^\s*-\s*$/.test(text.slice(all[k - 1].end, m.start)));
  const c: Cursor = { registry, text, tokens, mentions, i: 0 };
  const out: Clause = { lead: null, coLeads: [], coordinating: [], unknownLead: false, unknownName: null, workStart: 0 };

  // "Về phát triển kinh tế số: Giao …": a topic before a colon is not the work.
  const colon = text.indexOf(':');
  if (exact(tokens, 0, 've') && colon > 0 && colon < 120) while (tokens[c.i] && tokens[c.i].start < colon) c.i++;

  let cue: 'giao' | 'de-nghi' | 'yeu-cau' | null = null;
  if (tokens[c.i] && /^(Giao|GIAO|giao)$/.test(text.slice(tokens[c.i].start, tokens[c.i].end))) [cue, c.i] = ['giao', c.i + 1];
  else if (isDeNghi(tokens, c.i)) [cue, c.i] = ['de-nghi', c.i + 2];
  else if (exact(tokens, c.i, 'yeu') && seq(tokens, c.i + 1, 'cau')) [cue, c.i] = ['yeu-cau', c.i + 2];

  const subjectStart = c.i;
  const t = skipTitles(c, c.i);
  let subjects = unitList(c, t);
  // "Sở KH&CN đề nghị các sở, ban, ngành, địa phương:": the addressee after the request leads.
  if (
    subjects.units.length &&
    (isDeNghi(tokens, subjects.end) || (exact(tokens, subjects.end, 'yeu') && seq(tokens, subjects.end + 1, 'cau')))
  ) {
    const after = unitList(c, subjects.end + 2);
    if (after.units.length) subjects = after;
  }
  if (subjects.units.length) c.i = subjects.end;
  else if (cue === 'giao' || cue === 'de-nghi') {
    const skipped = skipUnknownName(c, t);
    if (skipped > t) [c.i, out.unknownLead, out.unknownName] = [skipped, true, text.slice(tokens[t].start, tokens[skipped - 1].end)];
  } else {
    // "Tỉnh đoàn chủ trì …": an unknown subject is known by the "chủ trì" after it.
    const skipped = skipUnknownName(c, t);
    if (skipped > t && skipped < t + 10 && seq(tokens, skipped, 'chu tri'))
      [c.i, out.unknownLead, out.unknownName] = [skipped, true, text.slice(tokens[t].start, tokens[skipped - 1].end)];
    else c.i = subjectStart;
  }

  let coLead = false;
  let chuTri = false;
  let lanhDaoUnit: Unit | null = null;
  for (let guard = 0; guard < 12; guard++) {
    const i = c.i;
    if (/^\s*[-–(]\s*$/.test(gapBefore(c, i)) || /^\s*-\s*$/.test(gapBefore(c, i))) {
      const next = skipAny(tokens, i, APPOSITIONS);
      if (next > i) {
        c.i = next;
        // "(Văn phòng Tỉnh ủy)" after an apposition names it again.
        continue;
      }
    }
    if (seq(tokens, i, 'dong chu tri')) [c.i, coLead] = [i + 3, true];
    else if (seq(tokens, i, 'chu tri')) [c.i, chuTri] = [i + 2, true];
    else if (/^ph[oe0-9bd]i$/.test(tokens[i]?.norm ?? '') && seq(tokens, i + 1, 'hop')) {
      let j = i + 2;
      if (tokens[j] && /^v.?i$/.test(tokens[j].norm)) j++;
      const list = unitList(c, j);
      if (list.units.length) {
        out.coordinating.push(...list.units);
        c.i = list.end;
      } else {
        const skipped = skipUnknownName(c, j);
        if (skipped === j) break;
        c.i = skipped;
      }
      // "…, phối hợp với A, B" may end in an unknown name: "và Tỉnh đoàn".
      if (exact(tokens, c.i, 'va')) c.i = Math.max(c.i, skipUnknownName(c, c.i + 1));
    } else if (
      !lanhDaoUnit &&
      subjects.units.length &&
      (isDirect(tokens, i, 'lanh') || isDirect(tokens, i, 'chi')) &&
      subjects.units[0].kind === 'party'
    ) {
      const j = isDirect(tokens, i, 'lanh') && isDirect(tokens, i + 2, 'chi') ? i + 4 : i + 2;
      const m = mentionAt(c, j);
      if (!m) break;
      [lanhDaoUnit, c.i] = [m.unit, m.endToken];
    } else if (skipAny(tokens, i, SCOPES) > i) c.i = skipAny(tokens, i, SCOPES);
    else if (tokens[i] && CADENCE.test(foldDiacritics(text.slice(tokens[i].start)))) {
      const end = tokens[i].start + CADENCE.exec(foldDiacritics(text.slice(tokens[i].start)))![0].length;
      while (tokens[c.i] && tokens[c.i].start < end) c.i++;
    } else if (seq(tokens, i, 'la co quan thuong truc')) c.i = skipAny(tokens, i + 5, ['ban chi dao', 'cua ban chi dao']);
    else if (seq(tokens, i, 'can cu') && skipAny(tokens, i + 2, CAN_CU) > i + 2) c.i = skipAny(tokens, i + 2, CAN_CU);
    else if (seq(tokens, i, 'chiu trach nhiem truoc')) {
      const stop = text.slice(tokens[i].start).search(/[;,]/);
      if (stop < 0) break;
      const at = tokens[i].start + stop;
      while (tokens[c.i] && tokens[c.i].start < at) c.i++;
    } else if (skipAny(tokens, i, ADVERBS) > i && (subjects.units.length || i === 0 || cue)) c.i = skipAny(tokens, i, ADVERBS);
    else if ((subjects.units.length || cue) && skipTimePhrases(c, i) > i) c.i = skipTimePhrases(c, i);
    else break;
  }
  if (c.i === subjectStart && skipAny(tokens, c.i, ADVERBS) > c.i) c.i = skipAny(tokens, c.i, ADVERBS);

  const [first, ...rest] = subjects.units;
  if (first) {
    out.lead = lanhDaoUnit ?? first;
    // Two subjects share the lead when they say so ("đồng chủ trì", one "chủ trì" for both) or
    // when two collectives are the sentence's own subjects (21 II.3). "Giao A, B:" keeps the
    // reading of seed 01-TB/CQTT 2.5: the first named leads, the others coordinate.
    const shared = coLead || chuTri || (cue === null && rest.every((u) => isCollectiveUnit(u) && isCollectiveUnit(first)));
    if (shared && !lanhDaoUnit) out.coLeads = rest;
    else out.coordinating.unshift(...rest);
  }
  out.coordinating = out.coordinating.filter((u, k, all) => u !== out.lead && !out.coLeads.includes(u) && all.indexOf(u) === k);
  out.workStart = tokens[c.i]?.start ?? text.length;
  return out;
}
