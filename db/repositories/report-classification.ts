import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { StatusGroup } from '../../domain/status';
import type { Database } from '../schema';
import type { ReportFilter } from './reports';

/*
 * The classification of assignments in SQL that the reports (db/repositories/reports.ts) share:
 * the groups as one CASE, the conditions of migration 0010's partial indexes, and the kept
 * counts of `task_report_counts` corrected to an instant. See reports.ts for the reasoning.
 */

export const DAY_SECONDS = 86_400;

export type Dimension = 'lead_unit' | 'directive_number';

export type SqlGroup = StatusGroup | 'completed_ahead';

/**
 * The groups as the query returns them: small integers hash and compare faster than text over
 * 100,000 rows. 'completed_ahead' is 'completed_on_time' with at least the margin to spare.
 * Stored in `task_report_counts` by migration 0010's `task_report_final_group`: never renumber.
 */
export const GROUP_CODES = {
  cancelled: 0,
  completed_on_time: 1,
  completed_late: 2,
  in_progress_on_time: 3,
  in_progress_overdue: 4,
  no_deadline: 5,
  completed_ahead: 6,
} as const satisfies Record<SqlGroup, number>;
export const GROUP_OF_CODE = Object.fromEntries(Object.entries(GROUP_CODES).map(([g, c]) => [c, g])) as Record<number, SqlGroup>;
export const code = (g: SqlGroup) => sql.lit(GROUP_CODES[g]);

/**
 * The classification as one CASE over a task's columns, evaluated once per row (written into
 * each aggregate's FILTER instead, PostgreSQL would evaluate it once per aggregate).
 */
export function groupCase(f: ReportFilter) {
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
export function classified(db: Kysely<Database>, f: ReportFilter) {
  let query = db
    .selectFrom('tasks')
    .select([
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

export interface Cell {
  key: string;
  grp: number;
  came_due: boolean;
  n: number;
}

// The conditions of migration 0010's partial indexes, word for word.
export const OPEN = sql`cancelled_at is null and completed_at is null and status <> 'cancelled' and status <> 'completed'`;
export const COMPLETED = sql`cancelled_at is null and status <> 'cancelled' and (completed_at is not null or status = 'completed')`;
export const LATE = sql`coalesce(outcome = 'completed_late', completed_at > due_at, false)`;
const CLOSED = sql`(completed_at is not null or cancelled_at is not null)`;
/** Closed after the instant: such a row was in another group then than the one it ended in. */
export const closedAfter = (asOf: RawBuilder<unknown>) => sql`${CLOSED} and greatest(completed_at, cancelled_at) > ${asOf}`;
export const notClosedAfter = (asOf: RawBuilder<unknown>) => sql`coalesce(greatest(completed_at, cancelled_at) <= ${asOf}, true)`;

/**
 * The cells of `task_report_counts` (as of its horizon) for one dimension, or one key of it,
 * corrected to `asOf`: the rows whose cell differs are those closed after asOf, and those due
 * between the horizon and asOf. Each counts -1 in its kept cell and +1 in its cell at asOf.
 * Not grouped: the callers sum. `groups` leaves out the kept cells of other groups, for callers
 * that sum only those.
 */
export function keptCells(f: ReportFilter, key: Dimension, groups?: SqlGroup[]): RawBuilder<Cell> {
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
export async function keepHorizonRecent(db: Kysely<Database>): Promise<void> {
  if (Date.now() < nextHorizonCheck) return;
  nextHorizonCheck = Date.now() + HORIZON_CHECK_MS;
  await sql`select task_report_advance(now()) from task_report_horizon where at < now() - interval '5 minutes'`.execute(db);
}

/** The filter's conditions on a row of `tasks`, each prefixed with `and`. */
export function filterConditions(f: ReportFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (f.unit) parts.push(sql`lead_unit = ${f.unit}`);
  if (f.directive) parts.push(sql`directive_number = ${f.directive}`);
  if (f.dueFrom) parts.push(sql`due_at >= ${f.dueFrom}`);
  if (f.dueTo) parts.push(sql`due_at <= ${f.dueTo}`);
  return parts.length ? sql` and ${sql.join(parts, sql` and `)}` : sql``;
}
