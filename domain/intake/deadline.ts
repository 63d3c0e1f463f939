// Deadlines as directives write them, resolved to a due moment, a recurrence or an ongoing duty;
// never a guessed year. What each phrasing means and which wins among several: docs/architecture.md,
// "Deadlines as written" (domain.md, "Deadlines as they are written").
import { compareDates, endOfDayIso, endOfMonth, isValidDate, parseDate, startOfDayIso, type CivilDate } from './dates';
import { cleanText, looseFold, loosePhrase as P, quote } from './normalize';
import type { DeadlineDraft } from './schema';
import {
  clauseAround,
  inferYear,
  lastDayOfQuarter,
  matchWord,
  periodRule,
  quarterNumber,
  RE,
  sentenceAround,
  tetCandidate,
  WEEKDAYS,
  type Candidate,
} from './deadline-words';

export interface DeadlineContext {
  /** The document's issue date, "YYYY-MM-DD": supplies the year a deadline leaves out. */
  documentDate: string | null;
}

export interface DeadlineOptions {
  /** The text is a table's or a field's time cell: a bare "Năm 2026", "Tháng 9/2026" is the deadline. */
  cell?: boolean;
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
