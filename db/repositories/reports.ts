import { sql, type Kysely, type RawBuilder } from 'kysely';
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
 *
 * Reading every assignment at every request costs ~20 ms per 100,000 rows, so the reports
 * split the work (migration 0010). An assignment that is not closed after `asOf` is in the
 * group it ends in, except for what its deadline decides: an open one is overdue once
 * due_at < asOf, and any one has come due once due_at <= asOf. So a report is
 * - the counts per lead unit and per directive that triggers keep in `task_report_counts`, as
 *   of the instant in `task_report_horizon` (a few hundred rows to read);
 * - corrected by the rows whose cell differs at `asOf`: those due between the horizon and
 *   `asOf`, and those closed after `asOf` (classified in full), each from a partial index.
 * Reports move the horizon up to now when it falls five minutes behind, so a report as of now
 * reads a handful of rows besides the counts; one as of months ago reads every assignment due
 * or closed since. Filters the counts are not kept by (a window on the deadline, a unit within a
 * directive, a margin other than one day) read the selected rows instead, as before. The late
 * list is the open overdue ones in deadline order, then the completed-late ones, each from its
 * own index, with the total from the same counts.
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
 * Stored in `task_report_counts` by migration 0010's `task_report_final_group`: never renumber.
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

interface Cell {
  key: string;
  grp: number;
  came_due: boolean;
  n: number;
}

/** A report row as the query returns it: the key, its name, and the counts. */
interface CountsRow {
  key: string;
  name: string | null;
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
}

/**
 * Counts per key (lead unit or directive) with its name, in one statement: cells per (key,
 * group, came due) from the kept counts or from the rows, folded per key.
 */
async function countsBy(db: Kysely<Database>, f: ReportFilter, key: Dimension): Promise<{ key: string; name: string | null; counts: GroupCounts }[]> {
  const kept = keptCountsServe(f, key);
  if (kept) await keepHorizonRecent(db);
  const cells = kept ? keptCells(f, key) : cellsFromRows(db, f, key);
  const [names, name] =
    key === 'lead_unit' ? [sql`left join units nm on nm.code = c.key`, sql`nm.name`] : [sql`left join directives nm on nm.number = c.key`, sql`nm.title`];
  const count = (where: RawBuilder<unknown>) => sql`coalesce(sum(c.n) filter (where ${where}), 0)::int`;
  const completedOnTime = sql`c.grp in (${code('completed_on_time')}, ${code('completed_ahead')})`;
  const { rows } = await sql<CountsRow>`
    select c.key, ${name} as name,
      sum(c.n)::int as total,
      ${count(completedOnTime)} as completed_on_time,
      ${count(sql`c.grp = ${code('completed_late')}`)} as completed_late,
      ${count(sql`c.grp in (${code('in_progress_on_time')}, ${code('no_deadline')})`)} as in_progress_on_time,
      ${count(sql`c.grp = ${code('in_progress_overdue')}`)} as in_progress_overdue,
      ${count(sql`c.grp = ${code('completed_ahead')}`)} as ahead_of_schedule,
      ${count(sql`c.grp = ${code('cancelled')}`)} as cancelled,
      ${count(sql`c.grp = ${code('no_deadline')}`)} as no_deadline,
      ${count(sql`c.grp <> ${code('cancelled')} and c.came_due`)} as came_due,
      ${count(sql`${completedOnTime} and c.came_due`)} as came_due_completed_on_time
    from (${cells}) c
    ${names}
    group by c.key, ${name}
    having sum(c.n) <> 0`.execute(db);
  // Sorted here, not by the database's collation: unit codes and directive numbers in code-point order.
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
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
    },
  }));
}

/** Every selected row classified, in one grouped pass (a covering index keeps it off the heap). */
function cellsFromRows(db: Kysely<Database>, f: ReportFilter, key: Dimension) {
  return db
    .selectFrom(classified(db, f).as('t'))
    .select([`t.${key} as key`, 't.grp', 't.came_due', sql<number>`count(*)::int`.as('n')])
    .groupBy([`t.${key}`, 't.grp', 't.came_due']);
}

type Dimension = 'lead_unit' | 'directive_number';

/** Whether `task_report_counts` holds what the filter asks for: all keys of its dimension, or one. */
function keptCountsServe(f: ReportFilter, key: Dimension): boolean {
  const other = key === 'lead_unit' ? f.directive : f.unit;
  return !f.dueFrom && !f.dueTo && !other && (f.aheadMarginDays ?? 1) === 1;
}

// The conditions of migration 0010's partial indexes, word for word.
const OPEN = sql`cancelled_at is null and completed_at is null and status <> 'cancelled' and status <> 'completed'`;
const COMPLETED = sql`cancelled_at is null and status <> 'cancelled' and (completed_at is not null or status = 'completed')`;
const LATE = sql`coalesce(outcome = 'completed_late', completed_at > due_at, false)`;
const CLOSED = sql`(completed_at is not null or cancelled_at is not null)`;
/** Closed after the instant: such a row was in another group then than the one it ended in. */
const closedAfter = (asOf: RawBuilder<unknown>) => sql`${CLOSED} and greatest(completed_at, cancelled_at) > ${asOf}`;
const notClosedAfter = (asOf: RawBuilder<unknown>) => sql`coalesce(greatest(completed_at, cancelled_at) <= ${asOf}, true)`;

/**
 * The cells of `task_report_counts` (as of its horizon) for one dimension, or one key of it,
 * corrected to `asOf`: the rows whose cell differs are those closed after asOf, and those due
 * between the horizon and asOf. Each counts -1 in its kept cell and +1 in its cell at asOf.
 * Not grouped: the callers sum. `groups` leaves out the kept cells of other groups, for callers
 * that sum only those.
 */
function keptCells(f: ReportFilter, key: Dimension, groups?: SqlGroup[]): RawBuilder<Cell> {
  const asOf = sql`${f.asOf}::timestamptz`;
  const col = sql.ref(key);
  const one = key === 'lead_unit' ? f.unit : f.directive;
  const only = one ? sql` and ${col} = ${one}` : sql``;
  const horizon = sql`(select at from task_report_horizon)`;
  const both = sql`${col} as key, ${groupCase(f)} as grp_then, coalesce(due_at <= ${asOf}, false) as due_then,
    task_report_kept_group(status, due_at, completed_at, cancelled_at, outcome, ${horizon}) as grp_kept,
    task_report_kept_came_due(status, due_at, cancelled_at, ${horizon}) as came_due_kept`;
  return sql<Cell>`
    select key, grp, came_due, n from task_report_counts where dimension = ${key}${one ? sql` and key = ${one}` : sql``}${
      groups ? sql` and grp in (${sql.join(groups.map(code))})` : sql``
    }
    union all
    select r.key, x.grp, x.came_due, x.n from (
      select ${both} from tasks where ${closedAfter(asOf)}${only}
      union all
      select ${both} from tasks
      where due_at between least(${horizon}, ${asOf}) and greatest(${horizon}, ${asOf}) and ${notClosedAfter(asOf)}${only}
    ) r
    cross join lateral (values
      (r.grp_then, r.grp_then <> ${code('cancelled')} and r.due_then, 1), (r.grp_kept, r.came_due_kept, -1)
    ) x (grp, came_due, n)`;
}

const HORIZON_CHECK_MS = 60_000;
let nextHorizonCheck = 0;

/**
 * Moves the kept counts' horizon up to now when it is more than five minutes behind, so that a
 * report as of now corrects them by the assignments due in those minutes, not in days. Looked at
 * once a minute per process; any horizon gives the same answers, only the work differs.
 */
async function keepHorizonRecent(db: Kysely<Database>): Promise<void> {
  if (Date.now() < nextHorizonCheck) return;
  nextHorizonCheck = Date.now() + HORIZON_CHECK_MS;
  await sql`select task_report_advance(now()) from task_report_horizon where at < now() - interval '5 minutes'`.execute(db);
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
  const rows = (await countsBy(db, f, 'lead_unit')).map((r) => ({ unit: r.key, unitName: r.name, ...r.counts }));
  return { rows, totals: sumCounts(rows) };
}

/** The four groups (and the rest) per directive, ordered by directive number. */
export async function reportByDirective(db: Kysely<Database>, f: ReportFilter): Promise<GroupedReport<DirectiveReportRow>> {
  const rows = (await countsBy(db, f, 'directive_number')).map((r) => ({ directiveNumber: r.key, directiveTitle: r.name, ...r.counts }));
  return { rows, totals: sumCounts(rows) };
}

/**
 * The named late list as of `asOf`: assignments in progress past the deadline, then those
 * completed late, the most overdue first. `total` counts them all; `page` limits `items`.
 *
 * Three sources, each from its own index: open assignments past the deadline (the most overdue
 * is the earliest due, so the index's order is the list's), assignments completed late, and
 * those closed after `asOf`, classified in full. Each source gives at most the rows up to the
 * page's end, the completed-late only once the overdue ones run out before it.
 */
export async function lateList(db: Kysely<Database>, f: ReportFilter, page?: Page): Promise<{ items: LateItem[]; total: number }> {
  const asOf = sql`${f.asOf}::timestamptz`;
  const where = filterConditions(f);
  const overdue = code('in_progress_overdue');
  const late = code('completed_late');
  // Lateness of a completed assignment runs to the claim the outcome was judged on (the last
  // submission), or to the approval when there is no outcome to go by.
  const lateUntil = sql`case when outcome is null then completed_at else least(coalesce(submitted_at, completed_at), completed_at) end`;
  // greatest() skips nulls: without a deadline there is no count of days, not zero.
  const daysPast = (until: RawBuilder<unknown>) => sql`case when due_at is not null then greatest(0, ceil(extract(epoch from ${until} - due_at) / ${sql.lit(DAY_SECONDS)}))::int end`;
  const end = page ? page.offset + page.limit : null;
  const kept = lateCountsKept(f);
  if (kept) await keepHorizonRecent(db);
  const counts = kept
    ? sql`select coalesce(sum(n) filter (where grp = ${overdue}), 0) as overdue, coalesce(sum(n) filter (where grp = ${late}), 0) as late
        from (${keptCells(f, kept, ['in_progress_overdue', 'completed_late'])}) cells`
    : sql`select
        (select count(*) from tasks where ${OPEN} and due_at < ${asOf}${where}) + (select count(*) from closed_after where grp = ${overdue}) as overdue,
        (select count(*) from tasks where ${COMPLETED} and ${LATE} and ${notClosedAfter(asOf)}${where}) + (select count(*) from closed_after where grp = ${late}) as late`;

  const { rows } = await sql<LateRow>`
    with closed_after as materialized (
      select id, due_at, grp, ${daysPast(sql`case when grp = ${overdue} then ${asOf} else late_until end`)} as days_overdue
      from (
        select id, due_at, ${groupCase(f)} as grp, ${lateUntil} as late_until
        from tasks where ${closedAfter(asOf)}${where}
      ) c
      where grp in (${overdue}, ${late})
    ),
    total as materialized (${counts}),
    l as (
      select id, grp, due_at, days_overdue from (
        (select id, ${overdue} as grp, due_at, ${daysPast(asOf)} as days_overdue
          from tasks where ${OPEN} and due_at < ${asOf}${where}
          order by due_at, id limit ${end})
        union all
        (select id, grp, due_at, days_overdue from closed_after)
        union all
        (select id, ${late}, due_at, days_overdue from (
            select id, due_at, ${daysPast(lateUntil)} as days_overdue
            from tasks where ${COMPLETED} and ${LATE} and ${notClosedAfter(asOf)}${where}
          ) d
          order by days_overdue desc nulls last, due_at, id
          limit ${end === null ? null : sql`greatest(0, ${end} - (select overdue from total))`})
      ) u
      order by grp = ${overdue} desc, days_overdue desc nulls last, due_at, id
      limit ${page ? page.limit : null} offset ${page ? page.offset : 0}
    )
    select k.id, k.directive_number, k.ref, k.title, k.lead_unit, u.name as lead_unit_name, k.late_units, l.grp, k.status,
      k.due_at, k.original_due_at, k.extension_count, k.completed_at, l.days_overdue, k.escalation_level,
      (select overdue + late from total)::int as total
    from total left join (l join tasks k on k.id = l.id left join units u on u.code = k.lead_unit) on true
    order by l.grp = ${overdue} desc, l.days_overdue desc nulls last, l.due_at, l.id`.execute(db);

  return {
    total: rows[0].total,
    items: rows
      .filter((r) => r.id !== null)
      .map((r) => ({
        taskId: r.id!,
        directiveNumber: r.directive_number!,
        ref: r.ref!,
        title: r.title!,
        leadUnit: r.lead_unit!,
        leadUnitName: r.lead_unit_name,
        lateUnits: r.late_units!,
        group: GROUP_OF_CODE[r.grp!] as LateItem['group'],
        status: r.status!,
        dueAt: r.due_at,
        originalDueAt: r.original_due_at,
        extensionCount: r.extension_count!,
        completedAt: r.completed_at,
        daysOverdue: r.days_overdue,
        escalationLevel: r.escalation_level!,
      })),
  };
}

/** A row of the late list's query: the page's columns are null when the page is empty, `total` never. */
interface LateRow {
  id: string | null;
  directive_number: string | null;
  ref: string | null;
  title: string | null;
  lead_unit: string | null;
  lead_unit_name: string | null;
  late_units: string[] | null;
  grp: number | null;
  status: string | null;
  due_at: Date | null;
  original_due_at: Date | null;
  extension_count: number | null;
  completed_at: Date | null;
  days_overdue: number | null;
  escalation_level: number | null;
  total: number;
}

/** The dimension of `task_report_counts` that counts the completed-late ones the filter selects, if one does. */
function lateCountsKept(f: ReportFilter): Dimension | null {
  if (f.dueFrom || f.dueTo || (f.unit && f.directive)) return null;
  return f.directive ? 'directive_number' : 'lead_unit';
}

/** The filter's conditions on a row of `tasks`, each prefixed with `and`. */
function filterConditions(f: ReportFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (f.unit) parts.push(sql`lead_unit = ${f.unit}`);
  if (f.directive) parts.push(sql`directive_number = ${f.directive}`);
  if (f.dueFrom) parts.push(sql`due_at >= ${f.dueFrom}`);
  if (f.dueTo) parts.push(sql`due_at <= ${f.dueTo}`);
  return parts.length ? sql` and ${sql.join(parts, sql` and `)}` : sql``;
}
