import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { StatusGroup } from '../../domain/status';
import type { Database } from '../schema';
import {
  changedStates,
  CLAIM_IN_TIME,
  code,
  COMPLETED,
  DAY_SECONDS,
  filterConditions,
  filtersDirective,
  GROUP_OF_CODE,
  groupCase,
  keepHorizonRecent,
  keptCells,
  LATE,
  OPEN,
  pinnedKey,
  unchangedSince,
  type Dimension,
} from './report-classification';
import type { ReportFilter } from './reports';

/* The Steering Committee's named late list (see db/repositories/reports.ts for how assignments are classified as of an instant). */

/** One assignment of the named late list. */
export interface LateItem {
  taskId: string;
  directiveNumber: string;
  /** The directive's issue year: with the number (and its issuer), which notice the task is of. */
  directiveYear: number | null;
  ref: string;
  title: string;
  /** The unit leading it as of asOf. */
  leadUnit: string;
  leadUnitName: string | null;
  /** Units on record as late on it as of asOf: those that led it while overdue, or sent a periodic report late. */
  lateUnits: string[];
  group: Extract<StatusGroup, 'in_progress_overdue' | 'completed_late'>;
  status: string;
  /** The deadline in force as of asOf; null for a recurring assignment the workflow judged late for its late periodic reports. */
  dueAt: Date | null;
  /** The deadline set at launch: no later event changes it, so it is the same as of any instant. */
  originalDueAt: Date | null;
  extensionCount: number;
  completedAt: Date | null;
  /** Whole days (24 h, rounded up) past the deadline: until asOf while open, until the claim once completed; null without a deadline. */
  daysOverdue: number | null;
  /** The escalation level reached as of asOf (an extension approved or a reopening after it does not lower it). */
  escalationLevel: number;
}

export interface Page {
  limit: number;
  offset: number;
}

/**
 * The named late list as of `asOf`: assignments in progress past the deadline, then those
 * completed late, the most overdue first. `total` counts them all; `page` limits `items`.
 * Its three sources: docs/architecture.md, "Reports".
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
  const daysPast = (until: RawBuilder<unknown>) =>
    sql`case when due_at is not null then greatest(0, ceil(extract(epoch from ${until} - due_at) / ${sql.lit(DAY_SECONDS)}))::int end`;
  const end = page ? page.offset + page.limit : null;
  // Open past the deadline, and not a claim sent in time awaiting review, as the row stands.
  const openOverdue = sql`${OPEN} and due_at < ${asOf} and not ${CLAIM_IN_TIME} and ${unchangedSince(asOf)}${where}`;
  const completedLate = sql`${COMPLETED} and ${LATE} and ${unchangedSince(asOf)}${where}`;
  const kept = lateCountsKept(f);
  if (kept) await keepHorizonRecent(db);
  const counts = kept
    ? sql`select coalesce(sum(n) filter (where grp = ${overdue}), 0) as overdue, coalesce(sum(n) filter (where grp = ${late}), 0) as late
        from (${keptCells(f, kept, ['in_progress_overdue', 'completed_late'])}) cells`
    : sql`select
        (select count(*) from tasks where ${openOverdue}) + (select count(*) from changed where grp = ${overdue}) as overdue,
        (select count(*) from tasks where ${completedLate}) + (select count(*) from changed where grp = ${late}) as late`;
  const shown = sql`id, lead_unit, late_units, status, due_at, extension_count, completed_at`;

  const { rows } = await sql<LateRow>`
    with changed as materialized (
      select ${shown}, grp, ${daysPast(sql`case when grp = ${overdue} then ${asOf} else late_until end`)} as days_overdue
      from (
        select *, ${groupCase(f)} as grp, ${lateUntil} as late_until from (${changedStates(asOf, where)}) s
      ) c
      where grp in (${overdue}, ${late})
    ),
    total as materialized (${counts}),
    l as (
      select * from (
        (select ${shown}, ${overdue} as grp, ${daysPast(asOf)} as days_overdue
          from tasks where ${openOverdue}
          order by due_at, id limit ${end})
        union all
        (select ${shown}, grp, days_overdue from changed)
        union all
        (select ${shown}, ${late}, days_overdue from (
            select ${shown}, ${daysPast(lateUntil)} as days_overdue from tasks where ${completedLate}
          ) d
          order by days_overdue desc nulls last, due_at, id
          limit ${end === null ? null : sql`greatest(0, ${end} - (select overdue from total))`})
      ) u
      order by grp = ${overdue} desc, days_overdue desc nulls last, due_at, id
      limit ${page ? page.limit : null} offset ${page ? page.offset : 0}
    )
    select k.id, k.directive_number, k.directive_year, k.ref, k.title, l.lead_unit, u.name as lead_unit_name, l.late_units, l.grp, l.status,
      l.due_at, k.original_due_at, l.extension_count, l.completed_at, l.days_overdue, ${escalationLevelAsOf(asOf)} as escalation_level,
      (select overdue + late from total)::int as total
    from total left join (l join tasks k on k.id = l.id left join units u on u.code = l.lead_unit) on true
    order by l.grp = ${overdue} desc, l.days_overdue desc nulls last, l.due_at, l.id`.execute(db);

  return {
    total: rows[0].total,
    items: rows
      .filter((r) => r.id !== null)
      .map((r) => ({
        taskId: r.id!,
        directiveNumber: r.directive_number!,
        directiveYear: r.directive_year,
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

/**
 * The escalation level of the late list's task `k` as of `asOf`: the row's when no event came after
 * `asOf` (or the row was written without events: a seed, a repair, read as it stands), else the highest
 * escalation sent by then since the last reset (an approved extension or a reopening set it back to 0),
 * from the task's audit trail. Read per row of a page, through the trail's (task_id, seq) index.
 */
function escalationLevelAsOf(asOf: RawBuilder<unknown>): RawBuilder<number> {
  const trail = sql`from audit_events a where a.task_id = k.id and a.occurred_at <= ${asOf}`;
  const reset = sql`(select max(a.seq) ${trail} and a.kind in ('extension_approved', 'reopened'))`;
  return sql<number>`case when k.event_at is null or k.event_at <= ${asOf} then k.escalation_level
    else coalesce((select max((a.payload ->> 'level')::int) ${trail} and a.kind = 'escalation' and a.seq > coalesce(${reset}, 0)), 0) end`;
}

/** A row of the late list's query: the page's columns are null when the page is empty, `total` never. */
interface LateRow {
  id: string | null;
  directive_number: string | null;
  directive_year: number | null;
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
  if (f.dueFrom || f.dueTo || (f.unit && filtersDirective(f))) return null;
  if (!filtersDirective(f)) return 'lead_unit';
  // A number alone may be several directives, each counted apart.
  return pinnedKey(f, 'directive') ? 'directive' : null;
}
