import type { WorkingCalendar } from '../../domain/calendar';
import { formatVnDate } from '../format';
import { DeadlineBadge, StatusBadge } from './badges';
import { Table, type Column } from './table';

/** What every list of tasks names a task by: its directive and item, its title, its lead unit. */
export interface TaskNaming {
  directiveNumber: string;
  ref: string;
  title: string;
  leadUnit: string;
  leadUnitName: string | null;
}

/**
 * The first columns of every list of tasks: directive and item, the task linking to its page, the lead
 * unit. A work list leaves the lead unit out: it lists what one unit has to do.
 */
export function taskColumns<T extends TaskNaming>(idOf: (row: T) => string, { leadUnit = true } = {}): Column<T>[] {
  return [
    { header: 'Văn bản, mục', kind: 'nowrap', cell: (r) => `${r.directiveNumber} · ${r.ref}` },
    { header: 'Nhiệm vụ', cell: (r) => <a href={`/tasks/${encodeURIComponent(idOf(r))}`}>{r.title}</a> },
    ...(leadUnit ? [{ header: 'Đơn vị chủ trì', cell: (r: T) => r.leadUnitName ?? r.leadUnit }] : []),
  ];
}

/** The status as a coloured badge; a report's list calls it "Trạng thái hiện nay" (now, not as of the report). */
export function statusColumn<T extends { status: string }>(header = 'Trạng thái'): Column<T> {
  return { header, cell: (r) => <StatusBadge status={r.status} /> };
}

/** The deadline with how many working days are left or overdue, as of now. */
export function deadlineColumn<T extends { dueAt: Date | null; status: string }>(now: Date, calendar: WorkingCalendar): Column<T> {
  return { header: 'Thời hạn', cell: (r) => <DeadlineBadge dueAt={r.dueAt} status={r.status} now={now} calendar={calendar} /> };
}

/** The deadline as the day it falls on: a deadline is the end of its day, stored as the next day's 00:00. */
export function dueDayColumn<T extends { dueAt: Date | null }>(): Column<T> {
  return { header: 'Thời hạn', kind: 'nowrap', cell: (r) => (r.dueAt ? formatVnDate(new Date(r.dueAt.getTime() - 1)) : 'Không có') };
}

/** A list of tasks: the columns naming each task, then the list's own (status, deadline, lateness). */
export function TaskTable<T extends TaskNaming>(p: {
  caption: string;
  empty: string;
  rows: readonly T[];
  idOf: (row: T) => string;
  columns: Column<T>[];
  naming?: { leadUnit?: boolean };
}) {
  return (
    <Table caption={p.caption} empty={p.empty} rows={p.rows} rowKey={p.idOf} columns={[...taskColumns(p.idOf, p.naming), ...p.columns]} />
  );
}
