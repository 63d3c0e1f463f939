import { sql, type Kysely } from 'kysely';
import type { StatusGroup } from '../../domain/status';
import type { Database } from '../schema';

/*
 * The Steering Committee's reports over the `tasks` read model: the four groups of
 * Vietnamese task tracking per unit and per directive, the completion rate over what came
 * due, and the named late list. Grouping happens in SQL, in one pass over the selected rows
 * (a covering index keeps it off the table's heap); JS only folds the few (key, group) cells
 * that come back into report rows.
 *
 * The classification is domain/status.ts's `classifyAssignment`, written as one CASE, and
 * read as of `asOf` from timestamps only, so a report for 20/11 regenerated in December
 * reads the same:
 * - cancelled:  cancelled_at <= asOf (a cancelled row without the timestamp: cancelled);
 * - completed:  completed_at <= asOf (a completed row without the timestamp: completed);
 *   late when the workflow's `outcome` says so (it judges the unit's claim, not the
 *   approval, against the deadline in force, and a recurring obligation by its periodic
 *   reports); a row without an outcome is late when completed_at > due_at. Where claim and
 *   approval fall on the same side of the deadline this is the domain's rule exactly; where
 *   they do not, the workflow's judgement stands;
 * - otherwise in progress: past the deadline when due_at < asOf (the deadline instant itself
 *   is on time), within it when due_at >= asOf or there is no deadline. The domain keeps
 *   "no deadline" apart; here it counts within the deadline, so that the four groups and
 *   `cancelled` add up to `total`, and `noDeadline` says how many of them have none.
 */

const DAY_SECONDS = 86_400;

export interface ReportFilter {
  /** The instant the report reads the assignments at. */
  asOf: Date;
  /** Only assignments due at or after this instant (assignments without a deadline drop out). */
  dueFrom?: Date | null;
  /** Only assignments due at or before this instant (assignments without a deadline drop out). */
  dueTo?: Date | null;
  /** Only assignments this unit leads. */
  unit?: string | null;
  directive?: string | null;
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
}

export interface UnitReportRow extends GroupCounts {
  unit: string;
  /** From the unit registry; null for a code it does not know. */
  unitName: string | null;
}

export interface DirectiveReportRow extends GroupCounts {
  directiveNumber: string;
  /** From the directives table; null when the directive was never registered there. */
  directiveTitle: string | null;
}

export interface GroupedReport<R> {
  rows: R[];
  totals: GroupCounts;
}

/** One assignment of the named late list. */
export interface LateItem {
  taskId: string;
  directiveNumber: string;
  ref: string;
  title: string;
  leadUnit: string;
  leadUnitName: string | null;
  /** Units that led the assignment while it was overdue (the lateness recorded against them). */
  lateUnits: string[];
  group: Extract<StatusGroup, 'in_progress_overdue' | 'completed_late'>;
  status: string;
  /** Null for a recurring assignment the workflow judged late for its late periodic reports. */
  dueAt: Date | null;
  originalDueAt: Date | null;
  extensionCount: number;
  completedAt: Date | null;
  /** Whole days (24 h, rounded up) past the deadline: until asOf while open, until the claim once completed; null without a deadline. */
  daysOverdue: number | null;
  escalationLevel: number;
}

export interface Page {
  limit: number;
  offset: number;
}

type SqlGroup = StatusGroup | 'completed_ahead';

/**
 * The groups as the query returns them: small integers hash and compare faster than text over
 * 100,000 rows. 'completed_ahead' is 'completed_on_time' with at least the margin to spare.
 */
const GROUP_CODES = {
  cancelled: 0,
  completed_on_time: 1,
  completed_late: 2,
  in_progress_on_time: 3,
  in_progress_overdue: 4,
  no_deadline: 5,
  completed_ahead: 6,
} as const satisfies Record<SqlGroup, number>;
const GROUP_OF_CODE = Object.fromEntries(Object.entries(GROUP_CODES).map(([g, c]) => [c, g])) as Record<number, SqlGroup>;
const code = (g: SqlGroup) => sql.lit(GROUP_CODES[g]);

/**
 * The classification as one CASE over a task's columns, evaluated once per row (written into
 * each aggregate's FILTER instead, PostgreSQL would evaluate it once per aggregate).
 */
function groupCase(f: ReportFilter) {
  const asOf = sql`${f.asOf}::timestamptz`;
  const margin = sql`make_interval(secs => ${(f.aheadMarginDays ?? 1) * DAY_SECONDS})`;
  return sql<number>`case
    when coalesce(cancelled_at <= ${asOf}, status = 'cancelled') then ${code('cancelled')}
    when coalesce(completed_at <= ${asOf}, status = 'completed') then
      case
        when coalesce(outcome = 'completed_late', completed_at > due_at, false) then ${code('completed_late')}
        when completed_at <= due_at - ${margin} then ${code('completed_ahead')}
        else ${code('completed_on_time')}
      end
    when due_at is null then ${code('no_deadline')}
    when due_at < ${asOf} then ${code('in_progress_overdue')}
    else ${code('in_progress_on_time')}
  end`;
}

/** The tasks the filter selects, with their group and whether they came due by asOf. */
function classified(db: Kysely<Database>, f: ReportFilter) {
  let query = db.selectFrom('tasks').select([
    'id',
    'lead_unit',
    'directive_number',
    'due_at',
    'completed_at',
    'submitted_at',
    'outcome',
    groupCase(f).as('grp'),
    sql<boolean>`coalesce(due_at <= ${f.asOf}::timestamptz, false)`.as('came_due'),
  ]);
  if (f.unit) query = query.where('lead_unit', '=', f.unit);
  if (f.directive) query = query.where('directive_number', '=', f.directive);
  if (f.dueFrom) query = query.where('due_at', '>=', f.dueFrom);
  if (f.dueTo) query = query.where('due_at', '<=', f.dueTo);
  return query;
}

const emptyCounts = (): Omit<GroupCounts, 'completionRate'> => ({
  total: 0,
  completedOnTime: 0,
  completedLate: 0,
  inProgressOnTime: 0,
  inProgressOverdue: 0,
  aheadOfSchedule: 0,
  cancelled: 0,
  noDeadline: 0,
  cameDue: 0,
  cameDueCompletedOnTime: 0,
});

/** Adds `n` tasks of one (group, came due) cell to a report row. */
function addCell(c: Omit<GroupCounts, 'completionRate'>, grp: SqlGroup, cameDue: boolean, n: number): void {
  c.total += n;
  if (grp === 'cancelled') {
    c.cancelled += n;
    return;
  }
  if (cameDue) c.cameDue += n;
  if (grp === 'completed_on_time' || grp === 'completed_ahead') {
    c.completedOnTime += n;
    if (grp === 'completed_ahead') c.aheadOfSchedule += n;
    if (cameDue) c.cameDueCompletedOnTime += n;
  } else if (grp === 'completed_late') {
    c.completedLate += n;
  } else if (grp === 'in_progress_overdue') {
    c.inProgressOverdue += n;
  } else {
    c.inProgressOnTime += n;
    if (grp === 'no_deadline') c.noDeadline += n;
  }
}

const withRate = (c: Omit<GroupCounts, 'completionRate'>): GroupCounts => ({
  ...c,
  completionRate: c.cameDue === 0 ? null : c.cameDueCompletedOnTime / c.cameDue,
});

/** Counts per key (lead unit or directive) in one grouped pass; rows come back per (key, group, came due) and are folded here. */
async function countsBy(db: Kysely<Database>, f: ReportFilter, key: 'lead_unit' | 'directive_number'): Promise<Map<string, GroupCounts>> {
  const cells = await db
    .selectFrom(classified(db, f).as('t'))
    .select([`t.${key} as key`, 't.grp', 't.came_due', sql<number>`count(*)::int`.as('n')])
    .groupBy([`t.${key}`, 't.grp', 't.came_due'])
    .execute();
  const byKey = new Map<string, Omit<GroupCounts, 'completionRate'>>();
  for (const cell of cells) {
    let c = byKey.get(cell.key);
    if (!c) byKey.set(cell.key, (c = emptyCounts()));
    addCell(c, GROUP_OF_CODE[cell.grp], cell.came_due, cell.n);
  }
  return new Map([...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, c]) => [k, withRate(c)]));
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
  };
}

/** The four groups (and the rest) per lead unit, ordered by unit code. */
export async function reportByUnit(db: Kysely<Database>, f: ReportFilter): Promise<GroupedReport<UnitReportRow>> {
  const counts = await countsBy(db, f, 'lead_unit');
  const names = await namesOf(db, 'units', [...counts.keys()]);
  const rows = [...counts].map(([unit, c]) => ({ unit, unitName: names.get(unit) ?? null, ...c }));
  return { rows, totals: sumCounts(rows) };
}

/** The four groups (and the rest) per directive, ordered by directive number. */
export async function reportByDirective(db: Kysely<Database>, f: ReportFilter): Promise<GroupedReport<DirectiveReportRow>> {
  const counts = await countsBy(db, f, 'directive_number');
  const titles = await namesOf(db, 'directives', [...counts.keys()]);
  const rows = [...counts].map(([directiveNumber, c]) => ({ directiveNumber, directiveTitle: titles.get(directiveNumber) ?? null, ...c }));
  return { rows, totals: sumCounts(rows) };
}

/** Unit names or directive titles of the keys of a report. */
async function namesOf(db: Kysely<Database>, table: 'units' | 'directives', keys: string[]): Promise<Map<string, string | null>> {
  if (!keys.length) return new Map();
  const rows =
    table === 'units'
      ? await db.selectFrom('units').select(['code as key', 'name']).where('code', 'in', keys).execute()
      : await db.selectFrom('directives').select(['number as key', 'title as name']).where('number', 'in', keys).execute();
  return new Map(rows.map((r) => [r.key, r.name]));
}

/**
 * The named late list as of `asOf`: assignments in progress past the deadline, then those
 * completed late, the most overdue first. `total` counts them all; `page` limits `items`.
 */
export async function lateList(db: Kysely<Database>, f: ReportFilter, page?: Page): Promise<{ items: LateItem[]; total: number }> {
  const asOf = sql`${f.asOf}::timestamptz`;
  // Lateness of a completed assignment runs to the claim the outcome was judged on (the last
  // submission), or to the approval when there is no outcome to go by.
  const lateUntil = sql`case when t.outcome is null then t.completed_at else least(coalesce(t.submitted_at, t.completed_at), t.completed_at) end`;
  const overdue = code('in_progress_overdue');
  const overdueFirst = sql`l.grp = ${overdue}`;
  // Ranked and paged on the index's columns alone; only the page's rows are read from the table.
  // `offset 0` keeps the classification a subquery, evaluated once per row rather than once in
  // the filter, once in the ranking and once in the days count.
  const late = db
    .selectFrom(classified(db, f).offset(0).as('t'))
    .select([
      't.id',
      't.grp',
      't.due_at',
      // greatest() skips nulls: without a deadline there is no count of days, not zero.
      sql<number | null>`case when t.due_at is not null then
        greatest(0, ceil(extract(epoch from (case when t.grp = ${overdue} then ${asOf} else ${lateUntil} end) - t.due_at) / ${DAY_SECONDS}))::int
      end`.as('days_overdue'),
    ])
    .where('t.grp', 'in', [GROUP_CODES.in_progress_overdue, GROUP_CODES.completed_late]);
  let ranked = db
    .selectFrom(late.as('l'))
    .selectAll('l')
    .select(sql<number>`(count(*) over ())::int`.as('total'))
    .orderBy(overdueFirst, 'desc')
    .orderBy('l.days_overdue', (ob) => ob.desc().nullsLast())
    .orderBy('l.due_at')
    .orderBy('l.id');
  if (page) ranked = ranked.limit(page.limit).offset(page.offset);

  const rows = await db
    .selectFrom(ranked.as('l'))
    .innerJoin('tasks as k', 'k.id', 'l.id')
    .leftJoin('units as u', 'u.code', 'k.lead_unit')
    .select([
      'k.id',
      'k.directive_number',
      'k.ref',
      'k.title',
      'k.lead_unit',
      'u.name as lead_unit_name',
      'k.late_units',
      'l.grp',
      'k.status',
      'k.due_at',
      'k.original_due_at',
      'k.extension_count',
      'k.completed_at',
      'l.days_overdue',
      'k.escalation_level',
      'l.total',
    ])
    .orderBy(overdueFirst, 'desc')
    .orderBy('l.days_overdue', (ob) => ob.desc().nullsLast())
    .orderBy('l.due_at')
    .orderBy('l.id')
    .execute();
  const total = rows[0]?.total ?? (page && page.offset > 0 ? await countLate(db, f) : 0);
  return {
    total,
    items: rows.map((r) => ({
      taskId: r.id,
      directiveNumber: r.directive_number,
      ref: r.ref,
      title: r.title,
      leadUnit: r.lead_unit,
      leadUnitName: r.lead_unit_name,
      lateUnits: r.late_units,
      group: GROUP_OF_CODE[r.grp] as LateItem['group'],
      status: r.status,
      dueAt: r.due_at,
      originalDueAt: r.original_due_at,
      extensionCount: r.extension_count,
      completedAt: r.completed_at,
      daysOverdue: r.days_overdue,
      escalationLevel: r.escalation_level,
    })),
  };
}

/** How many assignments the late list holds (for a page past its end, where the window count is absent). */
async function countLate(db: Kysely<Database>, f: ReportFilter): Promise<number> {
  const row = await db
    .selectFrom(classified(db, f).as('t'))
    .select(sql<number>`count(*)::int`.as('n'))
    .where('t.grp', 'in', [GROUP_CODES.in_progress_overdue, GROUP_CODES.completed_late])
    .executeTakeFirstOrThrow();
  return row.n;
}
