import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { OPEN_STATUSES, type TaskState, type TaskStatus } from '../../domain/task';
import type { Database, TasksTable, UnitsTable } from '../schema';
import { pageOf, type Page } from './paging';

/** A task as a list of tasks shows it. */
export interface TaskListRow {
  id: string;
  directiveNumber: string;
  ref: string;
  title: string;
  leadUnit: string;
  leadUnitName: string | null;
  status: string;
  dueAt: Date | null;
}

/** The columns of a `TaskListRow` from `tasks as t` left joined to `units as u`, aliased to its names so that rows come back as list rows. */
const listRowColumns = [
  't.id',
  't.directive_number as directiveNumber',
  't.ref',
  't.title',
  't.lead_unit as leadUnit',
  'u.name as leadUnitName',
  't.status',
  't.due_at as dueAt',
] as const;

/** Who is looking: a unit sees only the tasks it leads, co-leads or coordinates. */
export interface TaskViewer {
  unitCode: string;
  seesAll: boolean;
}

export interface TaskSearch {
  text?: string;
  unit?: string;
  status?: TaskStatus;
  overdue?: boolean;
  /** One of the four report groups (db/repositories/report-classification.ts says the same at `now`). */
  group?: ReportGroup;
}

export const REPORT_GROUPS = ['completed_on_time', 'completed_late', 'in_progress_on_time', 'in_progress_overdue'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Tasks matching the filters that the viewer may see, soonest deadline first. */
export async function searchTasks(
  db: Kysely<Database>,
  viewer: TaskViewer,
  f: TaskSearch,
  page: { limit: number; offset: number },
  now = new Date(),
): Promise<{ rows: TaskListRow[]; total: number }> {
  let query = db.selectFrom('tasks as t').leftJoin('units as u', 'u.code', 't.lead_unit');
  if (!viewer.seesAll) {
    query = query.where((eb) =>
      eb.or([
        eb('t.lead_unit', '=', viewer.unitCode),
        eb('t.co_lead_unit', '=', viewer.unitCode),
        eb(sql.val(viewer.unitCode), '=', eb.fn.any('t.coordinating_units')),
      ]),
    );
  }
  if (f.text) {
    const pattern = `%${escapeLike(f.text)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('t.title', 'ilike', pattern),
        eb('t.ref', 'ilike', pattern),
        eb('t.directive_number', 'ilike', pattern),
        eb('t.id', 'ilike', pattern),
      ]),
    );
  }
  if (f.unit) query = query.where((eb) => eb.or([eb('t.lead_unit', '=', f.unit!), eb('t.co_lead_unit', '=', f.unit!)]));
  if (f.status) query = query.where('t.status', '=', f.status);
  if (f.overdue) query = query.where('t.status', 'in', [...OPEN_STATUSES]).where('t.due_at', '<', now);
  if (f.group === 'completed_on_time' || f.group === 'completed_late')
    query = query.where('t.status', '=', 'completed').where('t.outcome', '=', f.group);
  if (f.group === 'in_progress_overdue') query = query.where('t.status', 'in', [...OPEN_STATUSES]).where('t.due_at', '<', now);
  if (f.group === 'in_progress_on_time')
    query = query.where('t.status', 'in', [...OPEN_STATUSES]).where((eb) => eb.or([eb('t.due_at', 'is', null), eb('t.due_at', '>=', now)]));
  return taskListPage(query, page);
}

/** A query over `tasks as t` left joined to `units as u`, filtered, nothing selected yet. */
type TaskListQuery = SelectQueryBuilder<Database & { t: TasksTable; u: UnitsTable }, 't' | 'u', object>;

/** A page of a filtered task list as rows, soonest deadline first (none last), then by id. */
export async function taskListPage(query: TaskListQuery, page: { limit: number; offset: number }): Promise<Page<TaskListRow>> {
  const soonestDueFirst = (q: TaskListQuery) =>
    q
      .select(listRowColumns)
      .orderBy('t.due_at', (ob) => ob.asc().nullsLast())
      .orderBy('t.id');
  const { rows, total } = await pageOf(query, soonestDueFirst, page);
  return { total, rows };
}

/** A task's read model as its page shows it. */
export interface TaskDetail extends TaskListRow {
  description: string;
  responsibleOfficial: string | null;
  coordinatingUnits: string[];
  assignedBy: string | null;
  decidedBy: string | null;
  expectedResult: string | null;
  originalDueAt: Date | null;
  launchedAt: Date;
  completedAt: Date | null;
  outcome: string | null;
  extensionCount: number;
  escalationLevel: number;
}

export async function findTaskDetail(db: Kysely<Database>, id: string): Promise<TaskDetail | null> {
  const detail = await db
    .selectFrom('tasks as t')
    .leftJoin('units as u', 'u.code', 't.lead_unit')
    .select([
      ...listRowColumns,
      't.description',
      't.original_due_at as originalDueAt',
      't.responsible_official as responsibleOfficial',
      't.coordinating_units as coordinatingUnits',
      't.assigned_by as assignedBy',
      't.decided_by as decidedBy',
      't.expected_result as expectedResult',
      't.launched_at as launchedAt',
      't.completed_at as completedAt',
      't.outcome',
      't.extension_count as extensionCount',
      't.escalation_level as escalationLevel',
    ])
    .where('t.id', '=', id)
    .executeTakeFirst();
  return detail ?? null;
}

/** One event of a task's audit trail. */
export interface TimelineEvent {
  seq: number;
  kind: string;
  occurredAt: Date;
  actorLogin: string | null;
  actorUnit: string | null;
  payload: Record<string, unknown>;
}

/** The task's audit trail in order. */
export async function taskTimeline(db: Kysely<Database>, id: string): Promise<TimelineEvent[]> {
  return db.selectFrom('audit_events').select(timelineColumns).where('task_id', '=', id).orderBy('seq').execute();
}

/** The columns of a `TimelineEvent` from `audit_events`, under its names. */
export const timelineColumns = [
  'seq',
  'kind',
  'occurred_at as occurredAt',
  'actor_user as actorLogin',
  'actor_unit as actorUnit',
  'payload',
] as const;

/** Every unit, by name, for filter lists. */
export async function unitOptions(db: Kysely<Database>): Promise<Array<{ code: string; name: string }>> {
  return db.selectFrom('units').select(['code', 'name']).orderBy('name').execute();
}

/** The workflow's state as the read model last stored it (what the task page offers commands by). */
export async function taskStateSnapshot(db: Kysely<Database>, id: string): Promise<TaskState | null> {
  const r = await db.selectFrom('tasks').select('state').where('id', '=', id).executeTakeFirst();
  return (r?.state as TaskState | null | undefined) ?? null;
}

/** One of the work lists: tasks of a unit or of everyone, by status and deadline window. */
export interface TaskQueue {
  /** Only tasks this unit leads or co-leads. */
  leadUnit?: string;
  statuses?: readonly TaskStatus[];
  dueFrom?: Date;
  dueBefore?: Date;
  /** Only tasks with an extension request waiting for the secretariat. */
  pendingExtension?: boolean;
  limit: number;
}

/** A task of a work list, with the state snapshot the review page shows (evidence, request, history). */
export interface QueuedTask extends TaskListRow {
  state: TaskState | null;
}

/** The tasks of one work list, soonest deadline first, and how many there are in all. */
export async function taskQueue(db: Kysely<Database>, q: TaskQueue): Promise<{ rows: QueuedTask[]; total: number }> {
  let query = db.selectFrom('tasks as t').leftJoin('units as u', 'u.code', 't.lead_unit');
  if (q.leadUnit) query = query.where((eb) => eb.or([eb('t.lead_unit', '=', q.leadUnit!), eb('t.co_lead_unit', '=', q.leadUnit!)]));
  if (q.statuses) query = query.where('t.status', 'in', [...q.statuses]);
  if (q.dueFrom) query = query.where('t.due_at', '>=', q.dueFrom);
  if (q.dueBefore) query = query.where('t.due_at', '<', q.dueBefore);
  if (q.pendingExtension)
    query = query.where('t.status', 'in', [...OPEN_STATUSES]).where(sql<boolean>`jsonb_typeof(t.state->'pendingExtension') = 'object'`);
  const { total } = await query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .select([...listRowColumns, 't.state'])
    .orderBy('t.due_at', (ob) => ob.asc().nullsLast())
    .orderBy('t.id')
    .limit(q.limit)
    .execute();
  return {
    total: Number(total),
    rows: rows.map((r) => ({ ...r, state: (r.state as TaskState | null) ?? null })),
  };
}
