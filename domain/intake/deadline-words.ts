// The words and patterns deadlines are written with, and the calendar arithmetic they need;
// `deadline.ts` collects the candidates from them and picks the one an item is due by.
import { tetDate } from '../lunar';
import { compareDates, endOfMonth, type CivilDate } from './dates';
import { loosePhrase as P, relaxedPhrase } from './normalize';

// Rank: a fixed date (0) beats an event (1), which beats a reporting cadence (2), which beats a
// bare "trong năm Y" or a target's year (3), which beats a standing duty (4).
export type Candidate =
  | { rank: number; kind: 'date'; due: CivilDate; endOfDay: boolean; start: number; end: number }
  | { rank: number; kind: 'recurring'; rule: string; explicitDay: boolean; start: number; end: number }
  | { rank: number; kind: 'trigger' | 'ongoing'; start: number; end: number };

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

export const RE = {
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

export function quarterNumber(token: string): number | null {
  if (/^[2-4]$/.test(token)) return Number(token);
  return ROMAN[token.replace(/[l1|]/g, 'i')] ?? null;
}

/** The year to use when the text gives none, rolled forward if the period ended before the document. */
export function inferYear(
  explicit: string | undefined,
  resolve: (year: number) => CivilDate,
  documentDate: CivilDate | null,
): CivilDate | null {
  if (explicit) return resolve(Number(explicit));
  if (!documentDate) return null;
  const same = resolve(documentDate.year);
  return compareDates(same, documentDate) < 0 ? resolve(documentDate.year + 1) : same;
}

export function lastDayOfQuarter(year: number, quarter: number): CivilDate {
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

export function tetCandidate(text: string, loose: string, m: RegExpExecArray, documentDate: CivilDate | null): Candidate | null {
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

export const WEEKDAYS: Record<string, string> = {
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

export function matchWord(word: string, token: string): boolean {
  return new RegExp(`^${P(word)}$`).test(token);
}

export function periodRule(word: string): { rule: string; order: number } | null {
  const w = word.replace(/\s+/g, ' ');
  if (new RegExp(`^${TUAN}$`).test(w)) return { rule: 'FREQ=WEEKLY', order: 0 };
  if (new RegExp(`^${THANG}$`).test(w)) return { rule: 'FREQ=MONTHLY', order: 1 };
  if (matchWord('quy', w)) return { rule: 'FREQ=MONTHLY;INTERVAL=3', order: 2 };
  if (/^6 /.test(w)) return { rule: 'FREQ=MONTHLY;INTERVAL=6', order: 3 };
  if (/^(1 )?/.test(w) && matchWord('nam', w.replace(/^1 /, ''))) return { rule: 'FREQ=YEARLY', order: 4 };
  return null;
}

/** The clause (between ";" or "." marks) around a match. */
export function clauseAround(loose: string, start: number, end: number): string {
  const before = Math.max(loose.lastIndexOf('.', start), loose.lastIndexOf(';', start));
  const stops = [loose.indexOf('.', end), loose.indexOf(';', end)].filter((i) => i >= 0);
  return loose.slice(before + 1, stops.length ? Math.min(...stops) : loose.length);
}

export function sentenceAround(loose: string, start: number, end: number): string {
  const before = loose.lastIndexOf('.', start);
  const after = loose.indexOf('.', end);
  return loose.slice(before + 1, after === -1 ? loose.length : after);
}
