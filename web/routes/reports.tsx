import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import { h } from 'preact';
import { DIRECTIVE_TABLE, groupedTable, lateTable, UNIT_TABLE } from '../../api/routes/reports';
import { sendWorkbook } from '../../api/report-export';
import { seesAll } from '../../api/visibility';
import { lateList } from '../../db/repositories/late-list';
import { reportFigureTasks } from '../../db/repositories/report-drilldown';
import { reportByDirective, reportByUnit } from '../../db/repositories/reports';
import type { SessionUser } from '../../db/repositories/sessions';
import { unitOptions } from '../../db/repositories/task-views';
import type { Database } from '../../db/schema';
import { formatCivilDate, vnCivilDate } from '../../domain/time';
import { actorOfUser, requireSignIn, webUserOf } from '../auth/session';
import { WebError } from '../errors';
import { parseForm, textOf } from '../forms';
import { LateListPage, ReportPage, ReportTasksPage } from '../pages/report-pages';
import { periodOptions, reportQuerySchema, reportScope, type WebReportScope } from '../report-forms';
import { sendPage } from '../render';
import { requireRoles, unreadCountOf } from './page-context';

export interface ReportPagesDeps {
  db: Kysely<Database>;
  now?: () => Date;
}

/** The web paths of the report pages (for WEB_PATHS). */
export const REPORT_PATHS = ['/reports'] as const;

const PAGE_SIZE = 50;
const REPORT_ROLES = ['secretariat', 'inspector', 'admin', 'unit_officer', 'unit_head'] as const;

/**
 * Báo cáo: the API's reports (the same repository functions, the same scope rule) as pages, each
 * figure opening the tasks behind it, the late list, and the whole report as one Excel workbook.
 */
export function reportPagesRouter({ db, now = () => new Date() }: ReportPagesDeps): Router {
  const router = Router();

  /** The person and the report they asked for; a query that is not valid is a 400 page with the reasons. */
  function asked(req: Request): { user: SessionUser; scope: WebReportScope } {
    const user = webUserOf(req);
    requireRoles(user, REPORT_ROLES, 'Trang báo cáo dành cho Cơ quan Thường trực, Ủy ban Kiểm tra và các đơn vị.');
    const q = parseForm(reportQuerySchema, req.query);
    if (!q.ok) throw new WebError(400, 'Yêu cầu báo cáo chưa hợp lệ', q.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    return { user, scope: reportScope(user, q.data, now()) };
  }

  router.get('/reports', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    requireRoles(user, REPORT_ROLES, 'Trang báo cáo dành cho Cơ quan Thường trực, Ủy ban Kiểm tra và các đơn vị.');
    const all = seesAll(actorOfUser(user));
    const q = parseForm(reportQuerySchema, req.query);
    const scope = q.ok ? reportScope(user, q.data, now()) : null;
    const report = scope ? await (scope.query.view === 'directive' ? reportByDirective : reportByUnit)(db, scope.filter) : null;
    const typed = (k: string) => textOf(req.query, k) || undefined;
    sendPage(
      res,
      q.ok ? 200 : 400,
      h(ReportPage, {
        user,
        unreadCount: await unreadCountOf(db, user),
        seesAll: all,
        scope,
        values: { view: typed('view'), asOf: typed('asOf'), period: typed('period'), unit: typed('unit'), directive: typed('directive') },
        errors: q.ok ? [] : q.errors,
        rows: report?.rows ?? [],
        totals: report?.totals ?? null,
        units: all ? await unitOptions(db) : [],
        periods: periodOptions(now()),
      }),
    );
  });

  router.get('/reports/tasks', requireSignIn(), async (req, res) => {
    const { user, scope } = asked(req);
    const figure = scope.query.figure ?? 'total';
    const { rows, total } = await reportFigureTasks(db, scope.filter, figure, {
      limit: PAGE_SIZE,
      offset: (scope.query.page - 1) * PAGE_SIZE,
    });
    sendPage(
      res,
      200,
      h(ReportTasksPage, { user, unreadCount: await unreadCountOf(db, user), scope, figure, rows, total, pageSize: PAGE_SIZE }),
    );
  });

  router.get('/reports/late', requireSignIn(), async (req, res) => {
    const { user, scope } = asked(req);
    const { items, total } = await lateList(db, scope.filter, { limit: PAGE_SIZE, offset: (scope.query.page - 1) * PAGE_SIZE });
    sendPage(res, 200, h(LateListPage, { user, unreadCount: await unreadCountOf(db, user), scope, items, total, pageSize: PAGE_SIZE }));
  });

  // The report as the API's Excel exports write it, its three tables as the sheets of one workbook.
  router.get('/reports/export', requireSignIn(), async (req, res) => {
    const { scope } = asked(req);
    const [byUnit, byDirective, late] = await Promise.all([
      reportByUnit(db, scope.filter),
      reportByDirective(db, scope.filter),
      lateList(db, scope.filter),
    ]);
    const stem = `bao-cao-${scope.period?.key ?? formatCivilDate(vnCivilDate(scope.filter.asOf))}`;
    const unitSheet = groupedTable(byUnit, scope, UNIT_TABLE);
    const directiveSheet = groupedTable(byDirective, scope, DIRECTIVE_TABLE);
    const sheets = scope.query.view === 'directive' ? [directiveSheet, unitSheet] : [unitSheet, directiveSheet];
    await sendWorkbook(res, stem, unitSheet.heading, [...sheets, lateTable(late.items, scope)]);
  });

  return router;
}
