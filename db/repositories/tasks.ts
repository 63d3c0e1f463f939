import { sql, type Kysely, type QueryCreator, type Selectable } from 'kysely';
import { issuerKey, OPEN_STATUSES, workflowIdFor, type TaskState } from '../../domain/task';
import { vnCivilDate } from '../../domain/time';
import { pageOf } from './paging';
import type { Database, TasksTable } from '../schema';
import type { AppendScope } from './audit';

/*
 * The `tasks` read model: written only alongside an audit event (`readModelWrite`), read by the
 * API (its rows are the published `record`, snake_case as stored), by visibility checks, the
 * delivery dispatcher and the daily digest.
 */

/** A task as delivery messages need it: what it is, who leads it, until when. */
export interface TaskSummary {
  id: string;
  directiveNumber: string;
  ref: string;
  title: string;
  leadUnit: string;
  coLeadUnit: string | null;
  dueAt: Date | null;
  expectedResult: string | null;
  launchedAt: Date;
  outcome: string | null;
  status: string;
}

/** What names a task wherever it is listed: its item of which directive, and who leads it. */
const headlineColumns = ['id', 'directive_number', 'ref', 'title', 'lead_unit', 'co_lead_unit'] as const;

const summaryColumns = [...headlineColumns, 'due_at', 'expected_result', 'launched_at', 'outcome', 'status'] as const;

/** The one mapper from a `tasks` row to a TaskSummary. */
function toTaskSummary(row: Pick<Selectable<TasksTable>, (typeof summaryColumns)[number]>): TaskSummary {
  const { id, ref, title, outcome, status } = row;
  return {
    id,
    directiveNumber: row.directive_number,
    ref,
    title,
    leadUnit: row.lead_unit,
    coLeadUnit: row.co_lead_unit,
    dueAt: row.due_at,
    expectedResult: row.expected_result,
    launchedAt: row.launched_at,
    outcome,
    status,
  };
}

/** The read model as the API publishes it (`GET /tasks/:id` `record`): every column but the state snapshot. */
// The report history's bookkeeping (migration 0014) is not part of a task's record.
export type TaskRecord = Omit<Selectable<TasksTable>, 'state' | 'event_at' | 'report_since'>;

const recordColumns = [
  'id',
  'workflow_id',
  'directive_number',
  'directive_year',
  'directive_issuer_key',
  'ref',
  'title',
  'description',
  'lead_unit',
  'co_lead_unit',
  'responsible_official',
  'coordinating_units',
  'assigned_by',
  'decided_by',
  'expected_result',
  'deadline_kind',
  'recurrence',
  'status',
  'original_due_at',
  'due_at',
  'launched_at',
  'acknowledged_at',
  'submitted_at',
  'completed_at',
  'cancelled_at',
  'extension_count',
  'escalation_level',
  'outcome',
  'late_units',
  'audit_seq',
  'updated_at',
] as const satisfies readonly (keyof TaskRecord)[];

const listColumns = [
  ...headlineColumns,
  'coordinating_units',
  'status',
  'original_due_at',
  'due_at',
  'outcome',
  'extension_count',
  'escalation_level',
  'late_units',
  'launched_at',
  'completed_at',
] as const;

/** A row of the task list as the API publishes it. */
export type TaskListItem = Pick<TaskRecord, (typeof listColumns)[number]>;

export type StatusGroupFilter = 'completed_on_time' | 'completed_late' | 'in_progress_on_time' | 'in_progress_overdue' | 'cancelled';

export interface TaskListFilter {
  /** Only tasks this unit leads, co-leads or coordinates; null for every task. */
  visibleToUnit: string | null;
  /** Only tasks this unit leads or co-leads. */
  unit?: string;
  directive?: string;
  dueFrom?: Date;
  dueTo?: Date;
  overdue?: boolean;
  statusGroup?: StatusGroupFilter;
}

function listQuery(db: Kysely<Database>, filter: TaskListFilter) {
  let query = db.selectFrom('tasks');
  const viewer = filter.visibleToUnit;
  if (viewer !== null) {
    query = query.where((eb) =>
      eb.or([eb('lead_unit', '=', viewer), eb('co_lead_unit', '=', viewer), eb(sql.val(viewer), '=', eb.fn.any('coordinating_units'))]),
    );
  }
  if (filter.unit) query = query.where((eb) => eb.or([eb('lead_unit', '=', filter.unit!), eb('co_lead_unit', '=', filter.unit!)]));
  if (filter.directive) query = query.where('directive_number', '=', filter.directive);
  if (filter.dueFrom) query = query.where('due_at', '>=', filter.dueFrom);
  if (filter.dueTo) query = query.where('due_at', '<=', filter.dueTo);
  const open = [...OPEN_STATUSES];
  if (filter.overdue !== undefined) {
    query = filter.overdue
      ? query.where('status', 'in', open).where('due_at', '<', sql<Date>`now()`)
      : query.where((eb) => eb.not(eb.and([eb('status', 'in', open), eb('due_at', '<', sql<Date>`now()`)])));
  }
  switch (filter.statusGroup) {
    case 'completed_on_time':
    case 'completed_late':
      query = query.where('outcome', '=', filter.statusGroup);
      break;
    case 'in_progress_overdue':
      query = query.where('status', 'in', open).where('due_at', '<', sql<Date>`now()`);
      break;
    case 'in_progress_on_time':
      query = query.where('status', 'in', open).where((eb) => eb.or([eb('due_at', 'is', null), eb('due_at', '>=', sql<Date>`now()`)]));
      break;
    case 'cancelled':
      query = query.where('status', '=', 'cancelled');
      break;
  }
  return query;
}

/** A page of the tasks the filter selects, the earliest deadline first (none last), and how many it selects in all. */
export async function listTasks(
  db: Kysely<Database>,
  f: TaskListFilter,
  page: { limit: number; offset: number },
): Promise<{ items: TaskListItem[]; total: number }> {
  const query = listQuery(db, f);
  const soonestDueFirst = (q: typeof query) =>
    q
      .select(listColumns)
      .orderBy('due_at', (ob) => ob.asc().nullsLast())
      .orderBy('id');
  const { rows, total } = await pageOf(query, soonestDueFirst, page);
  return { items: rows, total };
}

/** A task's read model, or undefined when no event of it has been recorded. */
export async function findTaskRecord(db: Kysely<Database>, taskId: string): Promise<TaskRecord | undefined> {
  return db.selectFrom('tasks').select(recordColumns).where('id', '=', taskId).executeTakeFirst();
}

/** The units a task involves: who leads it now, co-leads, coordinates, or led it before (its history stays theirs). */
export async function taskUnits(db: Kysely<Database>, taskId: string): Promise<string[] | null> {
  const row = await db
    .selectFrom('tasks')
    .select([
      'lead_unit',
      'co_lead_unit',
      'coordinating_units',
      sql<string[]>`coalesce(array(select jsonb_array_elements(state->'leadHistory')->>'unitCode'), '{}')`.as('past_leads'),
    ])
    .where('id', '=', taskId)
    .executeTakeFirst();
  if (!row) return null;
  return [row.lead_unit, ...(row.co_lead_unit ? [row.co_lead_unit] : []), ...row.coordinating_units, ...row.past_leads];
}

/** The tasks of the given ids with the workflow's last state snapshot, by id. */
export async function tasksWithState(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, { task: TaskSummary; state: unknown }>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('tasks')
    .select([...summaryColumns, 'state'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, { task: toTaskSummary(r), state: r.state }]));
}

/** Tasks in one of `statuses` with a deadline at or before `dueBy`, the earliest first. */
export async function tasksDueBy(db: Kysely<Database>, statuses: readonly string[], dueBy: Date): Promise<TaskSummary[]> {
  const rows = await db
    .selectFrom('tasks')
    .select(summaryColumns)
    .where('status', 'in', statuses)
    .where('due_at', 'is not', null)
    .where('due_at', '<=', dueBy)
    .orderBy('due_at')
    .orderBy('id')
    .execute();
  return rows.map(toTaskSummary);
}

/**
 * The read model as of the event, only forward (`audit_seq` guard) and only once the event is in
 * the chain (`linked`): a write that goes with an audit append. The row travels as one jsonb value
 * that `jsonb_populate_record` turns into the table's types, because INSERT … SELECT cannot type
 * bare parameters from its target.
 */
export function readModelWrite(db: QueryCreator<AppendScope>, s: TaskState, eventAt: string | null = null) {
  const row = {
    id: s.taskId,
    workflow_id: workflowIdFor(s.taskId),
    directive_number: s.directiveNumber,
    // A state launched before the year was part of the identity has none: a migrated row keeps its own
    // (see `changed`), a row first written now takes the migration's rule for a number not registered.
    directive_year: s.directiveYear ?? vnCivilDate(s.launchedAt).year,
    directive_issuer_key: issuerKey(s.directiveIssuer),
    ref: s.ref,
    title: s.title,
    description: s.description,
    lead_unit: s.leadUnit,
    co_lead_unit: s.coLeadUnit,
    responsible_official: s.responsibleOfficial,
    coordinating_units: s.coordinatingUnits,
    assigned_by: s.assignedBy,
    decided_by: s.decidedBy,
    expected_result: s.expectedResult,
    deadline_kind: s.deadlineKind,
    recurrence: s.recurrence ?? null,
    status: s.status,
    original_due_at: s.originalDueAt,
    due_at: s.dueAt,
    launched_at: s.launchedAt,
    acknowledged_at: s.acknowledgedAt,
    submitted_at: s.submittedAt,
    completed_at: s.completedAt,
    cancelled_at: s.cancelledAt,
    extension_count: s.extensionCount,
    escalation_level: s.escalationLevel,
    outcome: s.outcome,
    late_units: s.lateUnits,
    state: s,
    audit_seq: s.auditSeq,
    // The report history (migration 0014) dates each change by it.
    event_at: eventAt,
  };
  const columns = Object.keys(row) as (keyof typeof row)[];
  const identity = s.directiveYear === undefined ? ['directive_year', 'directive_issuer_key'] : [];
  const changed = columns.filter((c) => c !== 'id' && !identity.includes(c));
  return (
    db
      .insertInto('tasks')
      .columns(columns)
      .expression(
        db
          .selectFrom(['linked', sql`jsonb_populate_record(null::tasks, ${JSON.stringify(row)}::jsonb)`.as('r')])
          .select(columns.map((c) => sql.ref(`r.${c}`).as(c))),
      )
      // Never let an older snapshot overwrite a newer one.
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet(Object.fromEntries([...changed.map((c) => [c, sql.ref(`excluded.${c}`)]), ['updated_at', sql`now()`]]))
          .where('tasks.audit_seq', '<', s.auditSeq),
      )
  );
}
