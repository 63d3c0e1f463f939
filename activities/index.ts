import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { workflowIdFor, type DirectiveTaskState } from '../domain/task';

export interface ActivityDeps {
  db: Kysely<Database>;
}

/** Activities over injected dependencies, built once per worker. */
export function createActivities({ db }: ActivityDeps) {
  return {
    /** Writes the task's read-model row; a retry (same id) changes nothing. */
    async recordTaskLaunched(state: DirectiveTaskState): Promise<void> {
      await db
        .insertInto('tasks')
        .values({
          id: state.taskId,
          workflow_id: workflowIdFor(state.taskId),
          directive_number: state.directiveNumber,
          ref: state.ref,
          title: state.title,
          lead_unit: state.leadUnit,
          coordinating_units: state.coordinatingUnits,
          status: state.status,
          original_due_at: state.originalDueAt,
          due_at: state.dueAt,
          launched_at: state.launchedAt,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
