import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema';
import {
  classified,
  code,
  dimensionKey,
  directiveKeyParts,
  filterConditions,
  filtersDirective,
  keepHorizonRecent,
  keptCells,
  pinnedKey,
  statesAsOf,
  type Dimension,
} from './report-classification';

/*
 * The Steering Committee's reports over the `tasks` read model, as of any instant: kept counts
 * corrected by the few rows that differ at `asOf`, so a report for 20/11 regenerated in December
 * reads the same. See docs/architecture.md, "Reports".
 */

export interface ReportFilter {
  /** The instant the report reads the assignments at. */
  asOf: Date;
  /** Only assignments due at or after this instant (assignments without a deadline drop out). */
  dueFrom?: Date | null;
  /** Only assignments due at or before this instant (assignments without a deadline drop out). */
  dueTo?: Date | null;
  /** Only assignments this unit leads. */
  unit?: string | null;
  /** Only assignments of directives with this number (of any year and issuer, unless those are given too). */
  directive?: string | null;
  /** Only assignments of directives issued in this year. */
  directiveYear?: number | null;
  /** Only assignments of directives of this issuer, as its slug (`issuerKey`); '' for those that name none. */
  directiveIssuerKey?: string | null;
  /** Completed on time with at least this many days (24 h each) to spare counts as ahead of schedule; default 1. */
  aheadMarginDays?: number;
}

/** The counts of one row of a report (a unit, a directive, or the total). */
export interface GroupCounts {
  total: number;
  completedOnTime: number;
  completedLate: number;
  /** Open at asOf with the deadline not yet passed, or without a deadline. */
  inProgressOnTime: number;
  inProgressOverdue: number;
  /** Of completedOnTime: with at least `aheadMarginDays` to spare. */
  aheadOfSchedule: number;
  cancelled: number;
  /** Of inProgressOnTime: no deadline set. */
  noDeadline: number;
  /** Due by asOf and not cancelled by then: the denominator of the completion rate. */
  cameDue: number;
  /** Of cameDue: completed on time. */
  cameDueCompletedOnTime: number;
  /** cameDueCompletedOnTime / cameDue; null when nothing came due. */
  completionRate: number | null;
  /**
   * Lateness on record as of asOf, counted per unit and assignment: per unit, the assignments on
   * which it is late (it led while the deadline in force had passed, or sent a periodic report after
   * its due date), whoever leads them now; per directive, the units late on its assignments. Not part of `total`.
   */
  lateRecords: number;
}

export interface UnitReportRow extends GroupCounts {
  unit: string;
  /** From the unit registry; null for a code it does not know. */
  unitName: string | null;
}

/** One directive's row: a directive is its number, issue year and issuer, so one number may have several rows. */
export interface DirectiveReportRow extends GroupCounts {
  directiveNumber: string;
  /** The issue year (null only for a task recorded before years were). */
  directiveYear: number | null;
  /** The issuer's slug, '' when the directive names none: with the number and year, the filter that selects this row's tasks. */
  directiveIssuerKey: string;
  /** From the directives table (the issuer as registered, its id, its title); null when the directive was never registered there. */
  directiveIssuer: string | null;
  directiveId: string | null;
  directiveTitle: string | null;
}

export interface GroupedReport<R> {
  rows: R[];
  totals: GroupCounts;
}

/** A report row as the query returns it: the key, its name, and the counts. */
interface CountsRow {
  key: string;
  name: string | null;
  issuer: string | null;
  directive_id: string | null;
  total: number;
  completed_on_time: number;
  completed_late: number;
  in_progress_on_time: number;
  in_progress_overdue: number;
  ahead_of_schedule: number;
  cancelled: number;
  no_deadline: number;
  came_due: number;
  came_due_completed_on_time: number;
  late_records: number;
}

/**
 * Counts per key (lead unit or directive) with its name, in one statement: cells per (key,
 * group, came due) from the kept counts or from the rows, folded per key.
 */
async function countsBy(
  db: Kysely<Database>,
  f: ReportFilter,
  key: Dimension,
): Promise<{ key: string; name: string | null; issuer: string | null; directiveId: string | null; counts: GroupCounts }[]> {
  const kept = keptCountsServe(f, key);
  if (kept) await keepHorizonRecent(db);
  const cells = sql`${kept ? keptCells(f, key) : cellsFromRows(db, f, key)} union all ${lateRecordCells(f, key)}`;
  // The name, and for a directive the issuer and id it was registered with.
  const [names, name, named] =
    key === 'lead_unit'
      ? [sql`left join units nm on nm.code = c.key`, sql`nm.name, null as issuer, null as directive_id`, sql`nm.name`]
      : [
          sql`left join directives nm on task_report_directive_key(nm.number, nm.issue_year, nm.issuer_key) = c.key`,
          sql`nm.title as name, nm.issuer, nm.id as directive_id`,
          sql`nm.title, nm.issuer, nm.id`,
        ];
  const count = (where: RawBuilder<unknown>) => sql`coalesce(sum(c.n) filter (where ${where}), 0)::int`;
  const completedOnTime = sql`c.grp in (${code('completed_on_time')}, ${code('completed_ahead')})`;
  const assignment = sql`c.grp <> ${code('late_record')}`;
  const { rows } = await sql<CountsRow>`
    select c.key, ${name},
      ${count(assignment)} as total,
      ${count(completedOnTime)} as completed_on_time,
      ${count(sql`c.grp = ${code('completed_late')}`)} as completed_late,
      ${count(sql`c.grp in (${code('in_progress_on_time')}, ${code('no_deadline')})`)} as in_progress_on_time,
      ${count(sql`c.grp = ${code('in_progress_overdue')}`)} as in_progress_overdue,
      ${count(sql`c.grp = ${code('completed_ahead')}`)} as ahead_of_schedule,
      ${count(sql`c.grp = ${code('cancelled')}`)} as cancelled,
      ${count(sql`c.grp = ${code('no_deadline')}`)} as no_deadline,
      ${count(sql`${assignment} and c.grp <> ${code('cancelled')} and c.came_due`)} as came_due,
      ${count(sql`${completedOnTime} and c.came_due`)} as came_due_completed_on_time,
      ${count(sql`c.grp = ${code('late_record')}`)} as late_records
    from (${cells}) c
    ${names}
    group by c.key, ${named}
    having coalesce(sum(c.n) filter (where ${assignment}), 0) <> 0 or coalesce(sum(c.n) filter (where not ${assignment}), 0) <> 0`.execute(
    db,
  );
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    issuer: r.issuer,
    directiveId: r.directive_id,
    counts: {
      total: r.total,
      completedOnTime: r.completed_on_time,
      completedLate: r.completed_late,
      inProgressOnTime: r.in_progress_on_time,
      inProgressOverdue: r.in_progress_overdue,
      aheadOfSchedule: r.ahead_of_schedule,
      cancelled: r.cancelled,
      noDeadline: r.no_deadline,
      cameDue: r.came_due,
      cameDueCompletedOnTime: r.came_due_completed_on_time,
      completionRate: r.came_due === 0 ? null : r.came_due_completed_on_time / r.came_due,
      lateRecords: r.late_records,
    },
  }));
}

/**
 * The lateness on record as of the filter's instant, as cells of their own: per unit, one for each
 * assignment the unit is late on (whoever leads it then); per directive, one per late unit.
 */
function lateRecordCells(f: ReportFilter, key: Dimension): RawBuilder<unknown> {
  const asOf = sql`${f.asOf}::timestamptz`;
  const late = code('late_record');
  if (key === 'directive')
    return sql`select ${dimensionKey(key)}, ${late}, false, cardinality(late_units) from (${statesAsOf(asOf, filterConditions(f))}) s
      where cardinality(late_units) > 0`;
  const states = statesAsOf(asOf, filterConditions({ ...f, unit: null }));
  return sql`select u.unit, ${late}, false, 1 from (${states}) s cross join unnest(s.late_units) u (unit)${
    f.unit ? sql` where u.unit = ${f.unit}` : sql``
  }`;
}

/** Every selected row classified, in one grouped pass (a covering index keeps it off the heap). */
function cellsFromRows(db: Kysely<Database>, f: ReportFilter, key: Dimension): RawBuilder<unknown> {
  return sql`select ${dimensionKey(key)} as key, grp, came_due, count(*)::int as n from (${classified(db, f)}) t group by 1, 2, 3`;
}

/** Whether `task_report_counts` holds what the filter asks for: all keys of its dimension, or one. */
function keptCountsServe(f: ReportFilter, key: Dimension): boolean {
  const other = key === 'lead_unit' ? filtersDirective(f) : !!f.unit;
  // A directive named in part (its number alone) may be several keys: those rows are read instead.
  const partial = key === 'directive' && filtersDirective(f) && !pinnedKey(f, key);
  return !f.dueFrom && !f.dueTo && !other && !partial && (f.aheadMarginDays ?? 1) === 1;
}

/** The sum of report rows, with the completion rate recomputed from the sums. */
export function sumCounts(rows: readonly GroupCounts[]): GroupCounts {
  const sum = (k: keyof Omit<GroupCounts, 'completionRate'>) => rows.reduce((acc, r) => acc + r[k], 0);
  const cameDue = sum('cameDue');
  const cameDueCompletedOnTime = sum('cameDueCompletedOnTime');
  return {
    total: sum('total'),
    completedOnTime: sum('completedOnTime'),
    completedLate: sum('completedLate'),
    inProgressOnTime: sum('inProgressOnTime'),
    inProgressOverdue: sum('inProgressOverdue'),
    aheadOfSchedule: sum('aheadOfSchedule'),
    cancelled: sum('cancelled'),
    noDeadline: sum('noDeadline'),
    cameDue,
    cameDueCompletedOnTime,
    completionRate: cameDue === 0 ? null : cameDueCompletedOnTime / cameDue,
    lateRecords: sum('lateRecords'),
  };
}

// Sorted here, not by the database's collation: unit codes and directive numbers in code-point order.
const byCodePoints =
  <T>(of: (r: T) => (string | number)[]) =>
  (a: T, b: T) => {
    const [x, y] = [of(a), of(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  };

/** The four groups (and the rest) per lead unit, ordered by unit code. */
export async function reportByUnit(db: Kysely<Database>, f: ReportFilter): Promise<GroupedReport<UnitReportRow>> {
  const rows = (await countsBy(db, f, 'lead_unit')).map((r) => ({ unit: r.key, unitName: r.name, ...r.counts }));
  rows.sort(byCodePoints((r) => [r.unit]));
  return { rows, totals: sumCounts(rows) };
}

/** The four groups (and the rest) per directive (number, issue year, issuer), ordered by number, then year, then issuer. */
export async function reportByDirective(db: Kysely<Database>, f: ReportFilter): Promise<GroupedReport<DirectiveReportRow>> {
  const rows = (await countsBy(db, f, 'directive')).map((r) => {
    const d = directiveKeyParts(r.key);
    return {
      directiveNumber: d.number,
      directiveYear: d.year,
      directiveIssuerKey: d.issuerKey,
      directiveIssuer: r.issuer,
      directiveId: r.directiveId,
      directiveTitle: r.name,
      ...r.counts,
    };
  });
  rows.sort(byCodePoints((r) => [r.directiveNumber, r.directiveYear ?? 0, r.directiveIssuerKey]));
  return { rows, totals: sumCounts(rows) };
}
