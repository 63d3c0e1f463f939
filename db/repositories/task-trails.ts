import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { timelineColumns, type TimelineEvent } from './task-views';

/** An event of a task's audit trail with its link in the hash chain, as an inspector's dossier prints it. */
export interface TrailEvent extends TimelineEvent {
  taskId: string;
  hash: string;
  prevHash: string;
}

/** The audit trails of some tasks, each in order: what the dossier and a unit's history export print. */
export async function taskTrails(db: Kysely<Database>, taskIds: readonly string[]): Promise<TrailEvent[]> {
  if (!taskIds.length) return [];
  return db
    .selectFrom('audit_events')
    .select(['task_id as taskId', 'hash', 'prev_hash as prevHash', ...timelineColumns])
    .where('task_id', 'in', [...taskIds])
    .orderBy('task_id')
    .orderBy('seq')
    .execute();
}
