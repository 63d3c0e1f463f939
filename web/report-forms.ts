import { z } from 'zod';
import { REPORT_FIGURES, type ReportFigure } from '../db/repositories/report-drilldown';
import type { ReportFilter } from '../db/repositories/reports';
import type { SessionUser } from '../db/repositories/sessions';
import { periodLabelVi } from '../domain/catalog/format';
import { parseReportPeriod, periodAsOf, reportPeriodKeySchema, type ReportPeriod } from '../domain/report-period';
import { vnCivilDate } from '../domain/time';
import { seesAll } from '../api/visibility';
import { directiveFilter, type Scope } from '../api/routes/reports';
import { DIRECTIVE_YEARS } from '../domain/schemas/task';
import { actorOfUser } from './auth/session';
import { WebError } from './errors';
import { emptyAsUndefined, endOfVnDay, pageNumber, unitCodeFilter, vnDate } from './forms';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());

/** The report pages' query string: the view, the instant, the window, the unit and directive, the figure opened. */
export const reportQuerySchema = z.object({
  view: z.preprocess(emptyAsUndefined, z.enum(['unit', 'directive'], { error: 'Cách xem báo cáo không hợp lệ' }).default('unit')),
  asOf: optional(vnDate('Hãy nhập ngày')),
  period: optional(reportPeriodKeySchema),
  unit: optional(unitCodeFilter),
  directive: optional(z.string().trim().max(100, 'Số văn bản không dài quá 100 ký tự')),
  // A report row's link names its directive in full: number, year, issuer (its slug; empty: none named).
  directiveYear: optional(
    z.coerce
      .number({ error: 'Năm ban hành phải là số' })
      .int('Năm ban hành phải là số nguyên')
      .min(DIRECTIVE_YEARS.min, `Năm ban hành không trước ${DIRECTIVE_YEARS.min}`)
      .max(DIRECTIVE_YEARS.max, `Năm ban hành không sau ${DIRECTIVE_YEARS.max}`),
  ),
  directiveIssuer: z.string().trim().max(300, 'Cơ quan ban hành không dài quá 300 ký tự').optional(),
  figure: optional(z.enum(Object.keys(REPORT_FIGURES) as [ReportFigure, ...ReportFigure[]], { error: 'Chỉ số báo cáo không hợp lệ' })),
  page: pageNumber,
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

/** A report as asked for: the repository's filter, the period, and the query that names it in links. */
export interface WebReportScope extends Scope {
  query: ReportQuery;
}

/**
 * Whose tasks and as of when, as the API's report routes decide it: the secretariat, inspectors
 * and administrators see every unit, anyone else their own unit's. A unit asking for another
 * unit's report by hand is told there is no such page (as for a task), not that it exists.
 * A chosen day is read at its last instant, never later than now; a period alone is read at its
 * end, or now while it runs.
 */
export function reportScope(user: SessionUser, query: ReportQuery, now: Date): WebReportScope {
  let unit = query.unit ?? null;
  if (!seesAll(actorOfUser(user))) {
    if (unit && unit !== user.unitCode) throw new WebError(404, 'Không tìm thấy báo cáo', 'Đơn vị chỉ xem được báo cáo của đơn vị mình.');
    unit = user.unitCode;
  }
  const period: ReportPeriod | null = query.period ? parseReportPeriod(query.period) : null;
  const dayEnd = query.asOf ? new Date(Date.parse(endOfVnDay(query.asOf)) - 1) : null;
  const asOf = dayEnd ? new Date(Math.min(dayEnd.getTime(), now.getTime())) : period ? periodAsOf(period, now) : now;
  const filter: ReportFilter = {
    asOf,
    dueFrom: period?.start ?? null,
    dueTo: period?.end ?? null,
    unit,
    ...directiveFilter(query.directive ? query : {}),
  };
  return { filter, period, query: { ...query, unit: unit ?? undefined } };
}

/** A link to a report page with the same question, some parts changed (`undefined` drops one). */
export function reportHref(
  path: string,
  query: Partial<ReportQuery>,
  change: Partial<Record<keyof ReportQuery, string | number | undefined>> = {},
) {
  const q = new URLSearchParams();
  const merged: Record<string, unknown> = { ...query, ...change };
  for (const key of ['view', 'asOf', 'period', 'unit', 'directive', 'directiveYear', 'directiveIssuer', 'figure', 'page'] as const) {
    const v = merged[key];
    // An empty issuer is a choice: the directive that names none.
    if (
      v === undefined ||
      v === null ||
      (v === '' && key !== 'directiveIssuer') ||
      (key === 'page' && v === 1) ||
      (key === 'view' && v === 'unit')
    )
      continue;
    // The day goes back into the URL as people type it.
    q.set(key, key === 'asOf' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v.split('-').reverse().join('/') : String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** The periods offered: this year's and last year's months, quarters, halves and years, newest first. */
export function periodOptions(now: Date): Array<{ value: string; label: string }> {
  const year = vnCivilDate(now).year;
  const out: Array<{ value: string; label: string }> = [];
  for (const y of [year, year - 1]) {
    const keys = [
      String(y),
      `${y}-H2`,
      `${y}-H1`,
      ...[4, 3, 2, 1].map((n) => `${y}-Q${n}`),
      ...Array.from({ length: 12 }, (_, i) => `${y}-${String(12 - i).padStart(2, '0')}`),
    ];
    for (const key of keys) {
      const label = periodLabelVi(key);
      out.push({ value: key, label: label.charAt(0).toUpperCase() + label.slice(1) });
    }
  }
  return out;
}
