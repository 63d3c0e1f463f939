// Deadlines as directives write them, resolved to a due moment, a recurrence or an ongoing duty.
//
// Meaning (domain.md, "Deadlines as they are written"):
// - "trước ngày D", "trước Tết", "trước quý N", "trước năm Y": due when that day begins, 00:00+07:00.
// - "chậm nhất ngày D", "đến ngày D", "hạn ngày D": due by the end of that day, 23:59:59+07:00.
// - a quarter, a month, a half-year, "đến hết năm Y", "năm Y đạt X%", "giai đoạn Y1 - Y2": the last
//   day of the period at 23:59:59+07:00.
// - "định kỳ ngày 20 hàng tháng": FREQ=MONTHLY;BYMONTHDAY=20. Several periods at once ("báo cáo
//   theo tháng, quý, 6 tháng, 1 năm") become the most frequent one: the monthly report is due first
//   and the others fall on its cycle, so tracking the finest period misses none of them.
// - "hằng năm, trước ngày 15/7": FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=15.
// - "thường xuyên", "nhiệm vụ thường xuyên", a rule "kể từ ngày 01/8/2025": ongoing.
// - "khi quyết định ... có hiệu lực", "khi hợp đồng ... được ký kết": trigger, the event as written.
// - anything else ("thực hiện ngay"): unspecified; so is a day or period whose year cannot be
//   known (a notice without a date): never a guessed year.
// A missing year comes from the document date; if that puts the deadline before the document was
// issued, it means the next year ("trong Quý I" in a December notice).
// When an item has several, a fixed date wins (the earliest), then a recurrence, then a bare
// "trong năm Y" (which usually scopes the work rather than fixing a due date), then "ongoing".
import { tetDate } from '../lunar';
import { compareDates, endOfDayIso, endOfMonth, isValidDate, parseDate, startOfDayIso, type CivilDate } from './dates';
import { cleanText, looseFold, loosePhrase as P, quote, relaxedPhrase } from './normalize';
import type { DeadlineDraft } from './schema';

export interface DeadlineContext {
  /** The document's issue date, "YYYY-MM-DD": supplies the year a deadline leaves out. */
  documentDate: string | null;
}

// Rank: a fixed date (0) beats an event (1), which beats a reporting cadence (2), which beats a
// bare "trong năm Y" or a target's year (3), which beats a standing duty (4).
type Candidate =
  | { rank: number; kind: 'date'; due: CivilDate; endOfDay: boolean; start: number; end: number }
  | { rank: number; kind: 'recurring'; rule: string; explicitDay: boolean; start: number; end: number }
  | { rank: number; kind: 'trigger' | 'ongoing'; start: number; end: number };

export interface DeadlineOptions {
  /** The text is a table's or a field's time cell: a bare "Năm 2026", "Tháng 9/2026" is the deadline. */
  cell?: boolean;
}

const DATE_SEP = '\\s*[/.-]\\s*';
// "tháng" and "tuần" written out: the loose forms would also read "thông", "thường", "tin".
const THANG = '(?<![a-z0-9])th[a0-9d]ng(?![a-z0-9])';
// "năm" written out: OCR prints it "ndm", "nim", "ném", which the strict short-word match misses.
const NAM = '(?<![a-z0-9])n[aeiou0-9d?|]{1,2}m(?![a-z0-9])';
const TUAN = '(?<![a-z0-9])tu[a0-9d]n(?![a-z0-9])';
const DAY_MONTH_YEAR = `(\\d{1,2})${DATE_SEP}(\\d{1,2})(?:${DATE_SEP}(\\d{4}))?(?![\\d/])`;
const DAY_WORDS = `(\\d{1,2})\\s+${THANG}\\s+(\\d{1,2})(?:\\s*(?:,|${NAM})\\s*(\\d{4}))?(?!\\d)`;
// A bare "ngày 22/12/2024" cites another document; only these words make a date a deadline.
const DAY_CUE = `(?:(${P('cham nhat')})(?:\\s+${P('la')})?\\s+)?(?:(${P('truoc')})|(${P('den het')}|${P('den')}|${P('han chot')}|${P('han')}|${P('trong')}|${P('hoan thanh')}))?`;
const BEFORE = `(?:(${P('truoc')})\\s+)?`;
const PERIOD_CUE = `(?:${P('hoan thanh trong')}|${P('hoan thanh')}|${P('trong')}|${P('het')}|${P('cuoi')}|${P('den het')}|${P('den')})\\s+`;
const YEAR_OPT = `(?:\\s*(?:[/,-]|${NAM})\\s*(\\d{4}))?`;

const RE = {
  dayNumeric: new RegExp(`${DAY_CUE}\\s*(${P('ngay')}\\s+)?${DAY_MONTH_YEAR}`, 'g'),
  dayWords: new RegExp(`${DAY_CUE}\\s*(${P('ngay')})\\s+${DAY_WORDS}`, 'g'),
  quarter: new RegExp(`${BEFORE}(?:${PERIOD_CUE})?${P('quy')}\\s+(iv|[il1|]{1,3}|[2-4])(?![a-z0-9])${YEAR_OPT}`, 'g'),
  month: new RegExp(`(?:(${P('truoc')})\\s+|${PERIOD_CUE})${THANG}\\s+(\\d{1,2})(?![\\d])(?:\\s*(?:[/-]|${NAM})\\s*(\\d{4}))?`, 'g'),
  halfYear: new RegExp(`${P('trong')}\\s+(?:6|${P('sau')})\\s+${THANG}\\s+(${P('dau')}|${P('cuoi')})\\s+${NAM}(?:\\s+(\\d{4}))?`, 'g'),
  untilYearEnd: new RegExp(`(?:${P('tu nay')}\\s+)?${P('den')}\\s+(?:${P('het')}\\s+)?${NAM}(?:\\s+(\\d{4}))?`, 'g'),
  beforeYear: new RegExp(`${P('truoc')}\\s+${NAM}\\s+(\\d{4})`, 'g'),
  completeInYear: new RegExp(`(?:${P('hoan thanh')}|${P('xong')})\\s+(?:${P('trong')}\\s+)?${NAM}\\s+(\\d{4})`, 'g'),
  yearEnd: new RegExp(`(?:${P('cuoi')}|${P('het')})\\s+${NAM}(?:\\s+(\\d{4}))?`, 'g'),
  yearTarget: new RegExp(`${NAM}\\s+(\\d{4})\\s+${P('dat')}(?:\\s+[\\d.,]+\\s*%?)?`, 'g'),
  period: new RegExp(`${P('giai doan')}\\s+(\\d{4})\\s*-\\s*(\\d{4})`, 'g'),
  inYear: new RegExp(`${P('trong')}\\s+${NAM}\\s+(\\d{4})`, 'g'),
  inThisYear: new RegExp(`${P('trong')}\\s+${NAM}\\s+${P('nay')}`, 'g'),
  tet: new RegExp(`${P('truoc')}\\s+${P('tet')}(?:\\s+(?:${P('nguyen dan')}|${P('am lich')}|${P('co truyen')}))?`, 'g'),
  monthlyOnDay: new RegExp(
    `(?:${P('dinh ky')}\\s+)?(?:(?:${P('truoc')}|${P('vao')})\\s+)?${P('ngay')}\\s+(\\d{1,2})\\s+(?:${P('hang')}|${P('moi')})\\s+${THANG}`,
    'g',
  ),
  periodList: new RegExp(
    `(?:${P('bao cao')}\\s+)?(?:${P('theo')}|${P('hang')}|${P('dinh ky')})\\s+((?:${periodWord()})(?:\\s*,\\s*(?:${P('va')}\\s+)?(?:${periodWord()}))+)`,
    'g',
  ),
  everyPeriod: new RegExp(`(?:${P('dinh ky')}\\s+)?(?:${P('hang')}|${P('moi')})\\s+(${TUAN}|${THANG}|${P('quy')}|${NAM})`, 'g'),
  weekday: new RegExp(
    `${P('thu')}\\s+(${P('hai')}|${P('ba')}|${P('tu')}|${NAM}|${P('sau')}|${P('bay')}|[2-7])\\s+(?:${P('hang')}|${P('moi')})\\s+${TUAN}`,
    'g',
  ),
  ongoing: new RegExp(`(?:${P('nhiem vu')}\\s+)?${P('thuong xuyen')}`, 'g'),
  // "khi quyết định sắp xếp … có hiệu lực", "khi hợp đồng thuê dịch vụ được ký kết": an event.
  trigger: new RegExp(
    `${P('khi')}\\s+[^.;]{3,120}?\\s(?:${['co hieu luc', 'duoc ky ket', 'duoc ban hanh', 'duoc phe duyet', 'duoc cong bo', 'di vao hoat dong', 'duoc thanh lap', 'duoc bo tri'].map((w) => P(w)).join('|')})`,
    'g',
  ),
  // "kể từ ngày 01/8/2025": a standing rule that starts on a day, not a due date.
  sinceDay: new RegExp(`${P('ke tu')}\\s+${P('ngay')}\\s+\\d{1,2}${DATE_SEP}\\d{1,2}(?:${DATE_SEP}\\d{4})?`, 'g'),
  // "hằng năm, trước ngày 15/7": a yearly cadence on a day.
  yearlyOnDay: new RegExp(
    `(?:${P('hang')}|${P('moi')})\\s+${NAM}\\s*,?\\s*(?:${P('truoc')}|${P('vao')})\\s+${P('ngay')}\\s+(\\d{1,2})${DATE_SEP}(\\d{1,2})(?![\\d/])`,
    'g',
  ),
  // A target's year: "tối thiểu 3% tổng chi ngân sách năm 2026" is due at that year's end.
  anyYear: new RegExp(`${NAM}\\s+(\\d{4})`, 'g'),
  targetCue: new RegExp(`(?:${P('dat')}|${P('toi thieu')}|${P('it nhat')}|${P('toi da')})\\s+[\\d.,]+\\s*%?`),
  cellMonth: new RegExp(`${THANG}\\s+(\\d{1,2})\\s*[/-]\\s*(\\d{4})`, 'g'),
  cellHalfYear: new RegExp(`(?:6|${P('sau')})\\s+${THANG}\\s+(${P('dau')}|${P('cuoi')})\\s+${NAM}(?:\\s+(\\d{4}))?`, 'g'),
  reportContext: new RegExp(`${relaxedPhrase('bao cao')}|${P('dinh ky')}`),
};

function periodWord(): string {
  return `6\\s+${THANG}|(?:1\\s+)?${NAM}|${THANG}|${P('quy')}|${TUAN}`;
}

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };

function quarterNumber(token: string): number | null {
  if (/^[2-4]$/.test(token)) return Number(token);
  return ROMAN[token.replace(/[l1|]/g, 'i')] ?? null;
}

/** The year to use when the text gives none, rolled forward if the period ended before the document. */
function inferYear(explicit: string | undefined, resolve: (year: number) => CivilDate, documentDate: CivilDate | null): CivilDate | null {
  if (explicit) return resolve(Number(explicit));
  if (!documentDate) return null;
  const same = resolve(documentDate.year);
  return compareDates(same, documentDate) < 0 ? resolve(documentDate.year + 1) : same;
}

function lastDayOfQuarter(year: number, quarter: number): CivilDate {
  return endOfMonth(year, quarter * 3);
}

// Heavenly stems by year % 10 and earthly branches by year % 12, folded; Tý and Tỵ fold alike and
// are told apart on the original text.
const STEMS: Record<string, number> = { canh: 0, tan: 1, nham: 2, quy: 3, giap: 4, at: 5, binh: 6, dinh: 7, mau: 8, ky: 9 };
const BRANCHES: Record<string, number[]> = {
  than: [0],
  dau: [1],
  tuat: [2],
  hoi: [3],
  ty: [4, 9],
  suu: [5],
  dan: [6],
  mao: [7],
  meo: [7],
  thin: [8],
  ti: [9],
  ngo: [10],
  mui: [11],
};

function branchesOf(original: string, folded: string): number[] {
  const lower = original.toLowerCase();
  if (lower === 'tý') return [4];
  if (lower === 'tỵ' || lower === 'tị') return [9];
  return BRANCHES[folded] ?? [];
}

function tetCandidate(text: string, loose: string, m: RegExpExecArray, documentDate: CivilDate | null): Candidate | null {
  let end = m.index + m[0].length;
  let year: number | null = null;
  const canChi = /^\s+([a-z]+)\s+([a-z]+)/.exec(loose.slice(end));
  let stem: number | undefined;
  let branches: number[] = [];
  if (canChi && STEMS[canChi[1]] !== undefined) {
    const branchStart = end + canChi[0].length - canChi[2].length;
    branches = branchesOf(text.slice(branchStart, branchStart + canChi[2].length), canChi[2]);
    if (branches.length) {
      stem = STEMS[canChi[1]];
      end += canChi[0].length;
    }
  }
  const explicit = new RegExp(`^\\s+${NAM}\\s+(\\d{4})`).exec(loose.slice(end));
  if (explicit) {
    year = Number(explicit[1]);
    end += explicit[0].length;
  } else if (documentDate) {
    // The first Tết after the document whose year fits the stem and branch, if any were written.
    for (let y = documentDate.year; y <= documentDate.year + 60; y++) {
      const fits = stem === undefined || (y % 10 === stem && branches.includes(y % 12));
      if (fits && compareDates(tetDate(y), documentDate) > 0) {
        year = y;
        break;
      }
    }
  }
  if (year === null) return null;
  return { rank: 0, kind: 'date', due: tetDate(year), endOfDay: false, start: m.index, end };
}

const WEEKDAYS: Record<string, string> = {
  hai: 'MO',
  '2': 'MO',
  ba: 'TU',
  '3': 'TU',
  tu: 'WE',
  '4': 'WE',
  nam: 'TH',
  '5': 'TH',
  sau: 'FR',
  '6': 'FR',
  bay: 'SA',
  '7': 'SA',
};

function matchWord(word: string, token: string): boolean {
  return new RegExp(`^${P(word)}$`).test(token);
}

function periodRule(word: string): { rule: string; order: number } | null {
  const w = word.replace(/\s+/g, ' ');
  if (new RegExp(`^${TUAN}$`).test(w)) return { rule: 'FREQ=WEEKLY', order: 0 };
  if (new RegExp(`^${THANG}$`).test(w)) return { rule: 'FREQ=MONTHLY', order: 1 };
  if (matchWord('quy', w)) return { rule: 'FREQ=MONTHLY;INTERVAL=3', order: 2 };
  if (/^6 /.test(w)) return { rule: 'FREQ=MONTHLY;INTERVAL=6', order: 3 };
  if (/^(1 )?/.test(w) && matchWord('nam', w.replace(/^1 /, ''))) return { rule: 'FREQ=YEARLY', order: 4 };
  return null;
}

/** The clause (between ";" or "." marks) around a match. */
function clauseAround(loose: string, start: number, end: number): string {
  const before = Math.max(loose.lastIndexOf('.', start), loose.lastIndexOf(';', start));
  const stops = [loose.indexOf('.', end), loose.indexOf(';', end)].filter((i) => i >= 0);
  return loose.slice(before + 1, stops.length ? Math.min(...stops) : loose.length);
}

function sentenceAround(loose: string, start: number, end: number): string {
  const before = loose.lastIndexOf('.', start);
  const after = loose.indexOf('.', end);
  return loose.slice(before + 1, after === -1 ? loose.length : after);
}

function collect(text: string, loose: string, documentDate: CivilDate | null, options: DeadlineOptions = {}): Candidate[] {
  const found: Candidate[] = [];
  const each = (re: RegExp, fn: (m: RegExpExecArray) => Candidate | null) => {
    re.lastIndex = 0;
    for (let m = re.exec(loose); m; m = re.exec(loose)) {
      const c = fn(m);
      if (c) found.push(c);
      if (m[0].length === 0) re.lastIndex++;
    }
  };
  const dateCandidate = (m: RegExpExecArray, due: CivilDate | null, endOfDay: boolean, rank = 0): Candidate | null =>
    due && isValidDate(due) ? { rank, kind: 'date', due, endOfDay, start: m.index, end: m.index + m[0].length } : null;

  // Groups: 1 "chậm nhất", 2 "trước", 3 another cue, 4 "ngày", 5 day, 6 month, 7 year.
  const day = (m: RegExpExecArray) => {
    if (!m[1] && !m[2] && !m[3]) return null;
    // Without "ngày", "trong 6-12 tháng" would read as a date: a bare d/m needs its year.
    if (!m[4] && !m[7]) return null;
    const d = Number(m[5]);
    const month = Number(m[6]);
    return dateCandidate(
      m,
      inferYear(m[7], (year) => ({ year, month, day: d }), documentDate),
      !m[2],
    );
  };
  each(RE.dayNumeric, day);
  each(RE.dayWords, day);

  each(RE.quarter, (m) => {
    const q = quarterNumber(m[2]);
    if (!q) return null;
    if (m[1])
      return dateCandidate(
        m,
        inferYear(m[3], (year) => ({ year, month: q * 3 - 2, day: 1 }), documentDate),
        false,
      );
    return dateCandidate(
      m,
      inferYear(m[3], (year) => lastDayOfQuarter(year, q), documentDate),
      true,
    );
  });
  each(RE.month, (m) => {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    if (m[1])
      return dateCandidate(
        m,
        inferYear(m[3], (year) => ({ year, month, day: 1 }), documentDate),
        false,
      );
    return dateCandidate(
      m,
      inferYear(m[3], (year) => endOfMonth(year, month), documentDate),
      true,
    );
  });
  each(RE.halfYear, (m) => {
    const firstHalf = matchWord('dau', m[1]);
    return dateCandidate(
      m,
      inferYear(m[2], (year) => endOfMonth(year, firstHalf ? 6 : 12), documentDate),
      true,
    );
  });
  const yearEnd = (m: RegExpExecArray, year: string | undefined, rank = 0) =>
    dateCandidate(
      m,
      inferYear(year, (y) => ({ year: y, month: 12, day: 31 }), documentDate),
      true,
      rank,
    );
  each(RE.untilYearEnd, (m) => yearEnd(m, m[1]));
  each(RE.completeInYear, (m) => yearEnd(m, m[1]));
  each(RE.yearEnd, (m) => yearEnd(m, m[1]));
  each(RE.yearTarget, (m) => yearEnd(m, m[1]));
  each(RE.period, (m) => yearEnd(m, m[2]));
  each(RE.beforeYear, (m) => dateCandidate(m, { year: Number(m[1]), month: 1, day: 1 }, false));
  each(RE.inYear, (m) => yearEnd(m, m[1], 3));
  each(RE.inThisYear, (m) => yearEnd(m, undefined, 3));
  each(RE.anyYear, (m) => (RE.targetCue.test(clauseAround(loose, m.index, m.index + m[0].length)) ? yearEnd(m, m[1], 3) : null));
  if (options.cell) {
    each(RE.anyYear, (m) => yearEnd(m, m[1]));
    each(RE.cellMonth, (m) => dateCandidate(m, endOfMonth(Number(m[2]), Number(m[1])), true));
    each(RE.cellHalfYear, (m) =>
      dateCandidate(
        m,
        inferYear(m[2], (year) => endOfMonth(year, matchWord('dau', m[1]) ? 6 : 12), documentDate),
        true,
      ),
    );
  }
  each(RE.tet, (m) => tetCandidate(text, loose, m, documentDate));

  const recurring = (m: RegExpExecArray, rule: string, explicitDay: boolean, rank = 2): Candidate => ({
    rank,
    kind: 'recurring',
    rule,
    explicitDay,
    start: m.index,
    end: m.index + m[0].length,
  });
  each(RE.monthlyOnDay, (m) => {
    const d = Number(m[1]);
    return d >= 1 && d <= 31 ? recurring(m, `FREQ=MONTHLY;BYMONTHDAY=${d}`, true) : null;
  });
  // Bare periodic words ("kế hoạch hàng năm") are not obligations; they are when the sentence
  // speaks of reporting or of a periodic duty.
  each(RE.periodList, (m) => {
    if (!RE.reportContext.test(sentenceAround(loose, m.index, m.index + m[0].length))) return null;
    const rules = m[1]
      .split(/\s*,\s*/)
      .map((w) => periodRule(w.replace(new RegExp(`^${P('va')}\\s+`), '')))
      .filter((r) => r !== null);
    if (!rules.length) return null;
    rules.sort((a, b) => a.order - b.order);
    return recurring(m, rules[0].rule, false);
  });
  each(RE.weekday, (m) => {
    const token = Object.keys(WEEKDAYS).find((k) => k === m[1] || (!/\d/.test(k) && matchWord(k, m[1])));
    return token ? recurring(m, `FREQ=WEEKLY;BYDAY=${WEEKDAYS[token]}`, true) : null;
  });
  each(RE.everyPeriod, (m) => {
    if (!RE.reportContext.test(sentenceAround(loose, m.index, m.index + m[0].length))) return null;
    const rule = periodRule(m[1]);
    return rule ? recurring(m, rule.rule, false) : null;
  });
  each(RE.yearlyOnDay, (m) => {
    const [d, month] = [Number(m[1]), Number(m[2])];
    return d >= 1 && d <= 31 && month >= 1 && month <= 12 ? recurring(m, `FREQ=YEARLY;BYMONTH=${month};BYMONTHDAY=${d}`, true, 0) : null;
  });
  each(RE.ongoing, (m) => ({ rank: 4, kind: 'ongoing', start: m.index, end: m.index + m[0].length }));
  each(RE.sinceDay, (m) => ({ rank: 4, kind: 'ongoing', start: m.index, end: m.index + m[0].length }));
  each(RE.trigger, (m) => ({ rank: 1, kind: 'trigger', start: m.index, end: m.index + m[0].length }));
  return found;
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  if (a.kind === 'date' && b.kind === 'date') {
    const byDue = compareDates(a.due, b.due) || Number(a.endOfDay) - Number(b.endOfDay);
    if (byDue !== 0) return byDue < 0;
  }
  if (a.kind === 'recurring' && b.kind === 'recurring' && a.explicitDay !== b.explicitDay) return a.explicitDay;
  // Same standing: the longer phrase (it contains the shorter), then the earlier one.
  if (a.end - a.start !== b.end - b.start && (a.start <= b.start ? a.end >= b.end : b.end >= a.end))
    return a.end - a.start > b.end - b.start;
  return a.start < b.start;
}

/**
 * The deadline an item's text (or a single phrase) sets, resolved against the document date:
 * a due moment at +07:00, an RRULE, an ongoing duty, or unspecified when the text fixes none.
 */
export function extractDeadline(text: string, context: DeadlineContext, options: DeadlineOptions = {}): DeadlineDraft {
  const clean = cleanText(text);
  const loose = looseFold(clean);
  const candidates = collect(clean, loose, parseDate(context.documentDate), options);
  if (!candidates.length) return { kind: 'unspecified' };
  const best = candidates.reduce((a, b) => (better(b, a) ? b : a));
  const source = quote(clean, best.start, best.end);
  switch (best.kind) {
    case 'date':
      return { kind: 'date', due: best.endOfDay ? endOfDayIso(best.due) : startOfDayIso(best.due), source };
    case 'recurring':
      return { kind: 'recurring', rule: best.rule, source };
    case 'ongoing':
      return { kind: 'ongoing', source };
    case 'trigger':
      return { kind: 'trigger', source };
  }
}
