import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { classified, GROUP_CODES, type SqlGroup } from './report-classification';
import type { ReportFilter } from './reports';
import { taskListPage, type TaskListRow } from './task-views';

/**
 * The figures of a report a person can open: each is a set of SQL groups of
 * report-classification.ts, so the list behind a figure is classified by the very CASE that
 * counted it, as of the same instant.
 */
export const REPORT_FIGURES = {
  total: null,
  completedOnTime: ['completed_on_time', 'completed_ahead'],
  completedLate: ['completed_late'],
  inProgressOnTime: ['in_progress_on_time', 'no_deadline'],
  inProgressOverdue: ['in_progress_overdue'],
  cancelled: ['cancelled'],
} as const satisfies Record<string, readonly SqlGroup[] | null>;
export type ReportFigure = keyof typeof REPORT_FIGURES;

/** The tasks behind one figure of a report (`total`: all it selected), soonest deadline first. */
export async function reportFigureTasks(
  db: Kysely<Database>,
  f: ReportFilter,
  figure: ReportFigure,
  page: { limit: number; offset: number },
): Promise<{ rows: TaskListRow[]; total: number }> {
  const groups: readonly SqlGroup[] | null = REPORT_FIGURES[figure];
  let query = db
    .selectFrom(classified(db, f).as('c'))
    .innerJoin('tasks as t', 't.id', 'c.id')
    .leftJoin('units as u', 'u.code', 't.lead_unit');
  if (groups)
    query = query.where(
      'c.grp',
      'in',
      groups.map((g) => GROUP_CODES[g]),
    );
  return taskListPage(query, page);
}
