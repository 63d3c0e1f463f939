import { formatVnDate } from '../format';
import type { Column } from './table';

/** What every list of tasks names a task by: its directive and item, its title, its lead unit. */
export interface TaskNaming {
  directiveNumber: string;
  ref: string;
  title: string;
  leadUnit: string;
  leadUnitName: string | null;
}

/** The first columns of every list of tasks: directive and item, the task linking to its page, the lead unit. */
export function taskColumns<T extends TaskNaming>(idOf: (row: T) => string): Column<T>[] {
  return [
    { header: 'Văn bản, mục', kind: 'nowrap', cell: (r) => `${r.directiveNumber} · ${r.ref}` },
    { header: 'Nhiệm vụ', cell: (r) => <a href={`/tasks/${encodeURIComponent(idOf(r))}`}>{r.title}</a> },
    { header: 'Đơn vị chủ trì', cell: (r) => r.leadUnitName ?? r.leadUnit },
  ];
}

/** The deadline as the day it falls on: a deadline is the end of its day, stored as the next day's 00:00. */
export function dueDayColumn<T extends { dueAt: Date | null }>(): Column<T> {
  return { header: 'Thời hạn', kind: 'nowrap', cell: (r) => (r.dueAt ? formatVnDate(new Date(r.dueAt.getTime() - 1)) : 'Không có') };
}
