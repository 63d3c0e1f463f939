import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** timestamptz: pg returns Date; we write Date or ISO strings. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface DirectivesTable {
  id: string;
  number: string;
  issued_on: ColumnType<Date, string, string> | null;
  issuer: string | null;
  signer: string | null;
  title: string | null;
  source_text: string | null;
  created_at: Generated<Timestamp>;
}

export interface TasksTable {
  id: string;
  workflow_id: string;
  directive_number: string;
  ref: string;
  title: string;
  lead_unit: string;
  coordinating_units: ColumnType<string[], string[] | undefined, string[]>;
  status: string;
  original_due_at: Timestamp | null;
  due_at: Timestamp | null;
  launched_at: Timestamp;
  updated_at: Generated<Timestamp>;
}

export interface Database {
  directives: DirectivesTable;
  tasks: TasksTable;
}

export type TaskRow = Selectable<TasksTable>;
export type NewTaskRow = Insertable<TasksTable>;
export type TaskRowUpdate = Updateable<TasksTable>;
