import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { sendTable, sendWorkbook, sharedColumns, type ReportTable } from '../../api/report-export';
import { seesAll } from '../../api/visibility';
import type { SessionUser } from '../../db/repositories/sessions';
import { taskTrails } from '../../db/repositories/task-trails';
import { searchTasks, type TaskListRow, type TaskSearch } from '../../db/repositories/task-views';
import type { Database } from '../../db/schema';
import { formatCivilDate, vnCivilDate } from '../../domain/time';
import { actorOfUser, requireSignIn, webUserOf } from '../auth/session';
import { WebError } from '../errors';
import { eventLabel, statusLabel } from '../format';
import { emptyAsUndefined, parseForm, taskSearchQuerySchema, type TaskSearchQuery } from '../forms';
import { eventActor, eventDetails } from '../pages/task-pages';

export interface ExportDeps {
  db: Kysely<Database>;
  now?: () => Date;
}

/** The web paths of the exports (for WEB_PATHS). */
export const EXPORT_PATHS = ['/exports'] as const;

/** Rows one export holds at most: the board's whole filtered list, not one page of it. */
export const EXPORT_MAX_ROWS = 10_000;

/** The search the task board runs for these filters and this person (a unit's filter is its own scope). */
export function boardSearch(user: SessionUser, q: TaskSearchQuery): { viewer: { unitCode: string; seesAll: boolean }; search: TaskSearch } {
  const all = seesAll(actorOfUser(user));
  return {
    viewer: { unitCode: user.unitCode, seesAll: all },
    search: { text: q.q, unit: all ? q.unit : undefined, status: q.status, overdue: q.overdue === 'true', group: q.group },
  };
}

const TASK_COLUMNS: ReportTable['columns'] = [
  ...sharedColumns('taskId', 'directiveNumber', 'ref', 'title', 'leadUnit', 'leadUnitName'),
  { header: 'Trạng thái', kind: 'text', width: 20 },
  ...sharedColumns('dueAt'),
];

const taskCells = (r: TaskListRow) => [r.id, r.directiveNumber, r.ref, r.title, r.leadUnit, r.leadUnitName, statusLabel(r.status), r.dueAt];

const unitQuerySchema = z.object({
  unit: z.preprocess(
    emptyAsUndefined,
    z.string({ error: 'Hãy chọn đơn vị' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'Mã đơn vị không hợp lệ'),
  ),
});

/**
 * Downloads for people: the task board's filtered list as CSV or Excel (the same search as the
 * page, every page of it), and one unit's tasks with their whole histories for the inspection
 * committee, in the API's table format (api/report-export.ts).
 */
export function exportsRouter({ db, now = () => new Date() }: ExportDeps): Router {
  const router = Router();

  router.get('/exports/tasks.:format', requireSignIn(), async (req, res, next) => {
    const format = String(req.params.format);
    if (format !== 'csv' && format !== 'xlsx') return next();
    const user = webUserOf(req);
    const q = parseForm(taskSearchQuerySchema, req.query);
    if (!q.ok) throw new WebError(400, 'Bộ lọc chưa hợp lệ', q.errors.map((e) => e.message).join('; '));
    const { viewer, search } = boardSearch(user, q.data);
    const at = now();
    const { rows } = await searchTasks(db, viewer, search, { limit: EXPORT_MAX_ROWS, offset: 0 }, at);
    await sendTable(res, format, {
      sheetName: 'Nhiệm vụ',
      heading: `Danh sách nhiệm vụ theo bộ lọc — trích xuất lúc ${formatCivilDate(vnCivilDate(at))}`,
      fileStem: `nhiem-vu-${formatCivilDate(vnCivilDate(at))}`,
      columns: TASK_COLUMNS,
      rows: rows.map(taskCells),
    });
  });

  // A unit's tasks and every event of each, for the inspection committee (a unit may take its own).
  router.get('/exports/unit-history.xlsx', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    const q = parseForm(unitQuerySchema, req.query);
    if (!q.ok) throw new WebError(400, 'Chưa chọn đơn vị', q.errors.map((e) => e.message).join('; '));
    const unit = q.data.unit;
    const all = seesAll(actorOfUser(user));
    if (!all && unit !== user.unitCode) throw new WebError(404, 'Không tìm thấy trang', 'Đơn vị chỉ tải được hồ sơ của đơn vị mình.');
    const { rows } = await searchTasks(db, { unitCode: unit, seesAll: false }, {}, { limit: EXPORT_MAX_ROWS, offset: 0 }, now());
    const byId = new Map(rows.map((r) => [r.id, r]));
    const events = await taskTrails(
      db,
      rows.map((r) => r.id),
    );
    const day = formatCivilDate(vnCivilDate(now()));
    const tasks: ReportTable = {
      sheetName: 'Nhiệm vụ',
      heading: `Nhiệm vụ của đơn vị ${unit} — trích xuất ngày ${day}`,
      fileStem: `ho-so-${unit}-${day}`,
      columns: TASK_COLUMNS,
      rows: rows.map(taskCells),
    };
    const history: ReportTable = {
      sheetName: 'Diễn biến',
      heading: `Diễn biến các nhiệm vụ của đơn vị ${unit} — trích xuất ngày ${day}`,
      fileStem: tasks.fileStem,
      columns: [
        ...sharedColumns('taskId', 'ref'),
        { header: 'STT sự kiện', kind: 'int', width: 8 },
        { header: 'Thời điểm', kind: 'datetime', width: 17 },
        { header: 'Sự kiện', kind: 'text', width: 30 },
        { header: 'Người thực hiện', kind: 'text', width: 28 },
        { header: 'Nội dung', kind: 'text', width: 60 },
        { header: 'Mã băm (SHA-256)', kind: 'text', width: 66 },
      ],
      rows: events.map((e) => [
        e.taskId,
        byId.get(e.taskId)?.ref ?? '',
        e.seq,
        e.occurredAt,
        eventLabel(e.kind),
        eventActor(e, null),
        eventDetails(e).join('\n'),
        e.hash,
      ]),
    };
    await sendWorkbook(res, tasks.fileStem, tasks.heading, [tasks, history]);
  });

  return router;
}
