import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import { lateList, type LateItem } from '../../db/repositories/late-list';
import {
  reportByDirective,
  reportByUnit,
  type DirectiveReportRow,
  type GroupCounts,
  type GroupedReport,
  type ReportFilter,
  type UnitReportRow,
} from '../../db/repositories/reports';
import { parseReportPeriod, periodAsOf, reportPeriodKeySchema, type ReportPeriod } from '../../domain/report-period';
import { DIRECTIVE_YEARS } from '../../domain/schemas/task';
import { STATUS_GROUP_LABELS_VI } from '../../domain/status';
import { issuerKey } from '../../domain/task';
import { formatCivilDate, formatVnDate, toVnIso, vnCivilDate } from '../../domain/time';
import { actorOf } from '../auth';
import { HttpProblem, parseOr400, PROBLEM_TYPES } from '../problems';
import { sendTable, sharedColumns, type Cell, type ReportColumn, type ReportTable } from '../report-export';
import { seesAll } from '../visibility';

export interface ReportsRouterDeps {
  db: Kysely<Database>;
}

const instant = z.iso.datetime({ offset: true });
const unitCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'mã đơn vị không hợp lệ');

const reportQueryShape = {
  period: reportPeriodKeySchema.optional(),
  from: instant.optional(),
  to: instant.optional(),
  asOf: instant.optional(),
  unit: unitCode.optional(),
  directive: z.string().trim().min(1).max(100).optional(),
  // A number restarts every year and two issuers may share one: the year and the issuer select one directive of the number.
  directiveYear: z.coerce
    .number({ error: 'năm ban hành (directiveYear) phải là số' })
    .int('năm ban hành (directiveYear) phải là số nguyên')
    .min(DIRECTIVE_YEARS.min, `năm ban hành (directiveYear) không trước ${DIRECTIVE_YEARS.min}`)
    .max(DIRECTIVE_YEARS.max, `năm ban hành (directiveYear) không sau ${DIRECTIVE_YEARS.max}`)
    .optional(),
  // Empty: the directives that name no issuer (a row's `directiveIssuerKey` is '').
  directiveIssuer: z.string().trim().max(300, 'cơ quan ban hành (directiveIssuer) không dài quá 300 ký tự').optional(),
  aheadMarginDays: z.coerce.number().min(0).max(365).default(1),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
};

function windowChecks(
  q: { period?: string; from?: string; to?: string; directive?: string; directiveYear?: number; directiveIssuer?: string },
  ctx: z.RefinementCtx,
) {
  if (!q.directive && (q.directiveYear !== undefined || q.directiveIssuer !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['directive'],
      message: 'năm ban hành (directiveYear) và cơ quan ban hành (directiveIssuer) chỉ dùng cùng với số văn bản (directive)',
    });
  }
  if (q.period && (q.from || q.to)) {
    ctx.addIssue({ code: 'custom', path: ['period'], message: 'không dùng kỳ báo cáo (period) cùng với from/to' });
  }
  if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'thời điểm kết thúc (to) phải sau thời điểm bắt đầu (from)' });
  }
}

/** Query of the per-unit and per-directive reports. */
export const reportQuerySchema = z.object(reportQueryShape).superRefine(windowChecks);

/** Query of the late list: the report's, and a page for JSON (exports hold the whole list). */
export const lateListQuerySchema = z
  .object({
    ...reportQueryShape,
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .superRefine(windowChecks);

type ReportQuery = z.infer<typeof reportQuerySchema>;

/** A report's filter and the period it was asked for (the API's and the web pages' exports share the tables below). */
export interface Scope {
  filter: ReportFilter;
  period: ReportPeriod | null;
}

/**
 * The report's window and instant, and whose rows it may hold: the secretariat, inspectors
 * and administrators see every unit; anyone else sees their own unit's, and asking for
 * another unit is refused.
 */
function scopeOf(req: Request, q: ReportQuery, now = new Date()): Scope {
  const actor = actorOf(req);
  let unit = q.unit ?? null;
  if (!seesAll(actor)) {
    if (unit && unit !== actor.unitCode) {
      throw new HttpProblem(
        403,
        PROBLEM_TYPES.forbidden,
        'Không có quyền',
        `Cán bộ đơn vị ${actor.unitCode} chỉ xem được báo cáo của đơn vị mình, không xem được của ${unit}`,
      );
    }
    unit = actor.unitCode;
  }
  const period = q.period ? parseReportPeriod(q.period) : null;
  const asOf = q.asOf ? new Date(q.asOf) : period ? periodAsOf(period, now) : now;
  return {
    period,
    filter: {
      asOf,
      dueFrom: period ? period.start : q.from ? new Date(q.from) : null,
      dueTo: period ? period.end : q.to ? new Date(q.to) : null,
      unit,
      ...directiveFilter(q),
      aheadMarginDays: q.aheadMarginDays,
    },
  };
}

/** The directive a report is narrowed to: its number, and its year and issuer when given (the issuer compared as its slug). */
export function directiveFilter(q: {
  directive?: string;
  directiveYear?: number;
  directiveIssuer?: string;
}): Pick<ReportFilter, 'directive' | 'directiveYear' | 'directiveIssuerKey'> {
  return {
    directive: q.directive ?? null,
    directiveYear: q.directiveYear ?? null,
    directiveIssuerKey: q.directiveIssuer === undefined ? null : issuerKey(q.directiveIssuer),
  };
}

/** The directive a report is narrowed to, as a person reads it: `văn bản 80/TB-UBND năm 2026`. */
export function directiveLabel(f: ReportFilter): string | null {
  if (!f.directive) return null;
  return f.directiveYear != null ? `văn bản ${f.directive} năm ${f.directiveYear}` : `văn bản ${f.directive}`;
}

/** What every report answers with besides its rows: what it covers and as of when. */
function header(scope: Scope) {
  const f = scope.filter;
  return {
    asOf: toVnIso(f.asOf),
    period: scope.period
      ? { key: scope.period.key, label: scope.period.labelVi, from: toVnIso(scope.period.start), to: toVnIso(scope.period.end) }
      : null,
    dueFrom: f.dueFrom ? toVnIso(f.dueFrom) : null,
    dueTo: f.dueTo ? toVnIso(f.dueTo) : null,
    unit: f.unit ?? null,
    directive: f.directive ?? null,
    directiveYear: f.directiveYear ?? null,
    directiveIssuerKey: f.directiveIssuerKey ?? null,
    aheadMarginDays: f.aheadMarginDays,
  };
}

// ---- tables for CSV and Excel ----

const G = STATUS_GROUP_LABELS_VI;
const COUNT_COLUMNS: ReportColumn[] = [
  { header: 'Tổng số nhiệm vụ', kind: 'int' },
  { header: G.completed_on_time, kind: 'int' },
  { header: 'Trong đó: hoàn thành trước hạn', kind: 'int' },
  { header: G.completed_late, kind: 'int' },
  { header: G.in_progress_on_time, kind: 'int' },
  { header: `Trong đó: ${G.no_deadline.toLowerCase()}`, kind: 'int' },
  { header: G.in_progress_overdue, kind: 'int' },
  { header: G.cancelled, kind: 'int' },
  { header: 'Số nhiệm vụ đã đến hạn', kind: 'int' },
  { header: 'Tỷ lệ hoàn thành đúng hạn (%)', kind: 'percent' },
];

const countCells = (c: GroupCounts): Cell[] => [
  c.total,
  c.completedOnTime,
  c.aheadOfSchedule,
  c.completedLate,
  c.inProgressOnTime,
  c.noDeadline,
  c.inProgressOverdue,
  c.cancelled,
  c.cameDue,
  c.completionRate,
];

/** `2026-11` for a period, else the day of the instant: `2026-11-20`. */
const fileSuffix = (scope: Scope) => scope.period?.key ?? formatCivilDate(vnCivilDate(scope.filter.asOf));

function heading(title: string, scope: Scope): string {
  const parts = [title];
  if (scope.period) parts.push(scope.period.labelVi);
  if (scope.filter.unit) parts.push(`đơn vị ${scope.filter.unit}`);
  const directive = directiveLabel(scope.filter);
  if (directive) parts.push(directive);
  parts.push(`tính đến ${formatVnDate(scope.filter.asOf)}`);
  return parts.join(' — ');
}

export interface GroupedTableOptions<R> {
  sheetName: string;
  title: string;
  fileStem: string;
  keyColumns: ReportColumn[];
  keyCells: (row: R) => Cell[];
}

export function groupedTable<R extends GroupCounts>(report: GroupedReport<R>, scope: Scope, o: GroupedTableOptions<R>): ReportTable {
  return {
    sheetName: o.sheetName,
    heading: heading(o.title, scope),
    fileStem: `${o.fileStem}-${fileSuffix(scope)}`,
    columns: [...o.keyColumns, ...COUNT_COLUMNS],
    rows: report.rows.map((r) => [...o.keyCells(r), ...countCells(r)]),
    totals: ['Tổng cộng', ...o.keyColumns.slice(1).map(() => null), ...countCells(report.totals)],
  };
}

export const UNIT_TABLE: GroupedTableOptions<UnitReportRow> = {
  sheetName: 'Theo đơn vị',
  title: 'Báo cáo kết quả thực hiện nhiệm vụ theo đơn vị',
  fileStem: 'bao-cao-don-vi',
  keyColumns: [
    { header: 'Mã đơn vị', kind: 'text', width: 16 },
    { header: 'Tên đơn vị', kind: 'text', width: 40 },
  ],
  keyCells: (r) => [r.unit, r.unitName],
};

export const DIRECTIVE_TABLE: GroupedTableOptions<DirectiveReportRow> = {
  sheetName: 'Theo văn bản',
  title: 'Báo cáo kết quả thực hiện nhiệm vụ theo văn bản chỉ đạo',
  fileStem: 'bao-cao-van-ban',
  keyColumns: [
    ...sharedColumns('directiveNumber', 'directiveYear'),
    { header: 'Cơ quan ban hành', kind: 'text', width: 28 },
    { header: 'Trích yếu', kind: 'text', width: 48 },
  ],
  keyCells: (r) => [r.directiveNumber, r.directiveYear, r.directiveIssuer ?? (r.directiveIssuerKey || null), r.directiveTitle],
};

/** The named late list as a table for CSV and Excel. */
export function lateTable(items: readonly LateItem[], scope: Scope): ReportTable {
  return {
    sheetName: 'Nhiệm vụ chậm',
    heading: heading('Danh sách nhiệm vụ chậm, quá hạn', scope),
    fileStem: `danh-sach-cham-${fileSuffix(scope)}`,
    columns: [
      { header: 'STT', kind: 'int', width: 6 },
      ...sharedColumns('directiveNumber', 'directiveYear', 'ref', 'title', 'leadUnit', 'leadUnitName'),
      { header: 'Đơn vị để chậm', kind: 'text', width: 20 },
      { header: 'Tình trạng', kind: 'text', width: 24 },
      ...sharedColumns('dueAt'),
      { header: 'Thời hạn ban đầu', kind: 'datetime', width: 17 },
      { header: 'Số lần gia hạn', kind: 'int', width: 10 },
      { header: 'Số ngày quá hạn', kind: 'int', width: 10 },
      { header: 'Mức đôn đốc', kind: 'int', width: 10 },
    ],
    rows: items.map((i, n) => [
      n + 1,
      i.directiveNumber,
      i.directiveYear,
      i.ref,
      i.title,
      i.leadUnit,
      i.leadUnitName,
      i.lateUnits.join('; '),
      STATUS_GROUP_LABELS_VI[i.group],
      i.dueAt,
      i.originalDueAt,
      i.extensionCount,
      i.daysOverdue,
      i.escalationLevel,
    ]),
  };
}

/** The Steering Committee's reports: per unit, per directive, and the named late list. */
export function reportsRouter({ db }: ReportsRouterDeps): Router {
  const router = Router();

  /** A grouped report: JSON, or the same rows as a CSV or Excel table. */
  const grouped =
    <R extends GroupCounts>(load: (f: ReportFilter) => Promise<GroupedReport<R>>, table: GroupedTableOptions<R>) =>
    async (req: Request, res: Response) => {
      const q = parseOr400(reportQuerySchema, req.query, 'query');
      const scope = scopeOf(req, q);
      const report = await load(scope.filter);
      if (q.format === 'json') {
        res.json({ ...header(scope), rows: report.rows, totals: report.totals });
        return;
      }
      await sendTable(res, q.format, groupedTable(report, scope, table));
    };

  router.get(
    '/units',
    grouped((f) => reportByUnit(db, f), UNIT_TABLE),
  );
  router.get(
    '/directives',
    grouped((f) => reportByDirective(db, f), DIRECTIVE_TABLE),
  );

  router.get('/late', async (req, res) => {
    const q = parseOr400(lateListQuerySchema, req.query, 'query');
    const scope = scopeOf(req, q);
    if (q.format === 'json') {
      const { items, total } = await lateList(db, scope.filter, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
      res.json({
        ...header(scope),
        items: items.map((i) => ({
          ...i,
          dueAt: i.dueAt && toVnIso(i.dueAt),
          originalDueAt: i.originalDueAt && toVnIso(i.originalDueAt),
          completedAt: i.completedAt && toVnIso(i.completedAt),
        })),
        page: q.page,
        pageSize: q.pageSize,
        total,
      });
      return;
    }
    const { items } = await lateList(db, scope.filter);
    await sendTable(res, q.format, lateTable(items, scope));
  });

  return router;
}
