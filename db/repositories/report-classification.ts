import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { StatusGroup } from '../../domain/status';
import type { Database, TaskReportHistoryTable, TasksTable } from '../schema';
import type { ReportFilter } from './reports';

/*
 * The classification of assignments in SQL that the reports (db/repositories/reports.ts) share:
 * the groups as one CASE, the conditions of migration 0010's partial indexes, and the kept
 * counts of `task_report_counts` corrected to an instant. See reports.ts for the reasoning.
 */

export const DAY_SECONDS = 86_400;

/** What a report's rows are per: the lead unit, or the directive's identity (number, issue year, issuer; migration 0021). */
export type Dimension = 'lead_unit' | 'directive';

/** A directive's identity as the reports key it: what migration 0021's `task_report_directive_key` makes of it. */
export interface DirectiveKeyParts {
  number: string;
  /** Null for a task written before the year was recorded (migration 0013 gave every row one). */
  year: number | null;
  /** The issuer's slug (`issuerKey`), '' when the directive names none. */
  issuerKey: string;
}

/** The key of `task_report_counts` for a directive: year, issuer slug, number; neither of the first two holds a '|'. */
export const directiveKey = (d: DirectiveKeyParts): string => `${d.year ?? ''}|${d.issuerKey}|${d.number}`;

export function directiveKeyParts(key: string): DirectiveKeyParts {
  const [, year, issuerKey, number] = /^(\d*)\|([^|]*)\|([\s\S]*)$/.exec(key) ?? [];
  return { number: number ?? key, year: year ? Number(year) : null, issuerKey: issuerKey ?? '' };
}

/** A row's key in a dimension, over the columns of `tasks` (or of a task's state as of an instant). */
export const dimensionKey = (key: Dimension): RawBuilder<string> =>
  key === 'lead_unit'
    ? sql<string>`lead_unit`
    : sql<string>`task_report_directive_key(directive_number, directive_year, directive_issuer_key)`;

/**
 * The one key of the dimension the filter selects, if it selects exactly one: its unit, or the
 * directive it names in full (number, year and issuer). A number alone may be several directives.
 */
export function pinnedKey(f: ReportFilter, key: Dimension): string | null {
  if (key === 'lead_unit') return f.unit ?? null;
  if (!f.directive || f.directiveYear == null || f.directiveIssuerKey == null) return null;
  return directiveKey({ number: f.directive, year: f.directiveYear, issuerKey: f.directiveIssuerKey });
}

/** Whether the filter names a directive, in full or in part. */
export const filtersDirective = (f: ReportFilter): boolean => !!f.directive || f.directiveYear != null || f.directiveIssuerKey != null;

export type SqlGroup = StatusGroup | 'completed_ahead' | 'late_record';

/**
 * The groups as the query returns them: small integers hash and compare faster than text over
 * 100,000 rows. 'completed_ahead' is 'completed_on_time' with at least the margin to spare.
 * Stored in `task_report_counts` by migration 0010's `task_report_final_group`: never renumber.
 * 'late_record' is not a group but a cell of its own: one unit on record as late on one assignment.
 */
export const GROUP_CODES = {
  cancelled: 0,
  completed_on_time: 1,
  completed_late: 2,
  in_progress_on_time: 3,
  in_progress_overdue: 4,
  no_deadline: 5,
  completed_ahead: 6,
  late_record: 7,
} as const satisfies Record<SqlGroup, number>;
export const GROUP_OF_CODE = Object.fromEntries(Object.entries(GROUP_CODES).map(([g, c]) => [c, g])) as Record<number, SqlGroup>;
export const code = (g: SqlGroup) => sql.lit(GROUP_CODES[g]);

/** A claim sent before the deadline in force and awaiting review: not overdue, whatever the date. */
export const CLAIM_IN_TIME = sql`coalesce(status = 'submitted' and submitted_at <= due_at, false)`;

/**
 * The classification as one CASE over a task's report columns as of the instant (a row of
 * `statesAsOf`), evaluated once per row (written into each aggregate's FILTER instead,
 * PostgreSQL would evaluate it once per aggregate). Ahead of schedule is judged on the claim
 * that was approved, the instant lateness is judged on.
 */
export function groupCase(f: ReportFilter) {
  const asOf = sql`${f.asOf}::timestamptz`;
  const margin = sql`make_interval(secs => ${(f.aheadMarginDays ?? 1) * DAY_SECONDS})`;
  return sql<number>`case
    when coalesce(cancelled_at <= ${asOf}, status = 'cancelled') then ${code('cancelled')}
    when coalesce(completed_at <= ${asOf}, status = 'completed') then
      case
        when coalesce(outcome = 'completed_late', completed_at > due_at, false) then ${code('completed_late')}
        when least(coalesce(submitted_at, completed_at), completed_at) <= due_at - ${margin} then ${code('completed_ahead')}
        else ${code('completed_on_time')}
      end
    when due_at is null then ${code('no_deadline')}
    when ${CLAIM_IN_TIME} and submitted_at <= ${asOf} then ${code('in_progress_on_time')}
    when due_at < ${asOf} then ${code('in_progress_overdue')}
    else ${code('in_progress_on_time')}
  end`;
}

/** The columns a report reads of a task as of an instant: the row's, or its history's. */
const STATE_COLUMNS = [
  'lead_unit',
  'directive_number',
  'status',
  'due_at',
  'submitted_at',
  'completed_at',
  'cancelled_at',
  'outcome',
  'late_units',
  'extension_count',
] as const;

/** What identifies a task's directive besides its number: never changed by an event, so read from the row. */
const IDENTITY_COLUMNS = ['directive_year', 'directive_issuer_key'] as const;

/**
 * The report columns as of `asOf` of the tasks whose columns changed after it (`report_since >
 * asOf`): the values in force then, from `task_report_history`; a task launched after `asOf` is
 * not there. A row without history for the instant (written without event times: seeds, rows of
 * before the history) stands as it is, its timestamps saying what they can.
 */
export function changedStates(asOf: RawBuilder<unknown>, where: RawBuilder<unknown> = sql``): RawBuilder<unknown> {
  const cols = sql.join(
    STATE_COLUMNS.map((c) => sql`case when h.task_id is null then t.${sql.ref(c)} else h.${sql.ref(c)} end as ${sql.ref(c)}`),
  );
  const identity = sql.join(IDENTITY_COLUMNS.map((c) => sql`t.${sql.ref(c)}`));
  return sql`select * from (
      select t.id, ${cols}, ${identity} from tasks t
      left join lateral (
        select * from task_report_history h where h.task_id = t.id and h.valid_from <= ${asOf} and h.valid_to > ${asOf} limit 1
      ) h on true
      where t.report_since > ${asOf} and t.launched_at <= ${asOf}
    ) s where true${where}`;
}

/** A task's report columns as of an instant. */
export type StateRow = { id: string } & Pick<Selectable<TaskReportHistoryTable>, (typeof STATE_COLUMNS)[number]> &
  Pick<Selectable<TasksTable>, (typeof IDENTITY_COLUMNS)[number]>;

/** Every task's report columns as of `asOf` (those in force then; tasks launched after it are not there). */
export function statesAsOf(asOf: RawBuilder<unknown>, where: RawBuilder<unknown> = sql``): RawBuilder<StateRow> {
  const columns = [...STATE_COLUMNS, ...IDENTITY_COLUMNS].map((c) => sql.ref(c));
  return sql<StateRow>`select id, ${sql.join(columns)} from tasks where report_since <= ${asOf}${where}
    union all ${changedStates(asOf, where)}`;
}

/** The tasks the filter selects as of its instant, with their group and whether they came due by then. */
export function classified(db: Kysely<Database>, f: ReportFilter) {
  const asOf = sql`${f.asOf}::timestamptz`;
  return db
    .selectFrom(sql<StateRow>`(${statesAsOf(asOf, filterConditions(f))})`.as('s'))
    .select([
      'id',
      'lead_unit',
      'directive_number',
      'directive_year',
      'directive_issuer_key',
      'due_at',
      'completed_at',
      'submitted_at',
      'outcome',
      'late_units',
      groupCase(f).as('grp'),
      sql<boolean>`coalesce(due_at <= ${asOf}, false)`.as('came_due'),
    ]);
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
/** The row's report columns were already in force at the instant (migration 0014): it reads as it stands. */
export const unchangedSince = (asOf: RawBuilder<unknown>) => sql`report_since <= ${asOf}`;

const KEPT_ARGS = sql`status, due_at, submitted_at, completed_at, cancelled_at, outcome`;

/**
 * The cells of `task_report_counts` (as of its horizon) for one dimension, or one key of it,
 * corrected to `asOf` (docs/architecture.md, "Reports"): each row whose cell differs counts -1 in
 * its kept cell and +1 in its cell at asOf (if it existed then). Not grouped: the callers sum.
 * `groups` leaves out the kept cells of other groups, for callers that sum only those.
 */
export function keptCells(f: ReportFilter, key: Dimension, groups?: SqlGroup[]): RawBuilder<Cell> {
  const asOf = sql`${f.asOf}::timestamptz`;
  const col = dimensionKey(key);
  const one = pinnedKey(f, key);
  const only = one ? sql` and ${col} = ${one}` : sql``;
  const horizon = sql`(select at from task_report_horizon)`;
  const kept = sql`${col}, task_report_kept_group(${KEPT_ARGS}, ${horizon}), task_report_kept_came_due(status, due_at, cancelled_at, ${horizon}), -1`;
  const then = sql`${col}, ${groupCase(f)}, ${groupCase(f)} <> ${code('cancelled')} and coalesce(due_at <= ${asOf}, false), 1`;
  return sql<Cell>`
    select key, grp, came_due, n from task_report_counts where dimension = ${key}${one ? sql` and key = ${one}` : sql``}${
      groups ? sql` and grp in (${sql.join(groups.map(code))})` : sql``
    }
    union all
    select ${kept} from tasks where report_since > ${asOf}${only}
    union all
    select ${then} from (${changedStates(asOf, only)}) s
    union all
    select r.* from tasks
    cross join lateral (values (${kept}), (${then})) r (key, grp, came_due, n)
    where due_at between least(${horizon}, ${asOf}) and greatest(${horizon}, ${asOf}) and ${unchangedSince(asOf)}${only}`;
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
  if (f.directiveYear != null) parts.push(sql`directive_year = ${f.directiveYear}`);
  if (f.directiveIssuerKey != null) parts.push(sql`directive_issuer_key = ${f.directiveIssuerKey}`);
  if (f.dueFrom) parts.push(sql`due_at >= ${f.dueFrom}`);
  if (f.dueTo) parts.push(sql`due_at <= ${f.dueTo}`);
  return parts.length ? sql` and ${sql.join(parts, sql` and `)}` : sql``;
}
