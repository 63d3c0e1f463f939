import type { Kysely } from 'kysely';
import { taskUnits } from '../db/repositories/tasks';
import type { Database } from '../db/schema';
import type { Actor } from '../domain/roles';
import { HttpProblem, notFound } from './problems';

/** Roles that see every task (the inspection committee reads everything, writes nothing). */
const SEES_ALL = ['secretariat', 'inspector', 'admin'] as const;

export const seesAll = (actor: Actor) => actor.roles.some((r) => (SEES_ALL as readonly string[]).includes(r));

/**
 * Object-level authorization for reads: 404 for a task that does not exist, 403 for one the
 * actor's unit has nothing to do with. Every read of a task (detail, history, evidence) goes through here.
 */
export async function assertCanRead(db: Kysely<Database>, actor: Actor, taskId: string): Promise<void> {
  const units = await taskUnits(db, taskId);
  if (!units) throw notFound(`Không có nhiệm vụ ${taskId}`);
  if (seesAll(actor)) return;
  if (!units.includes(actor.unitCode)) {
    throw new HttpProblem(403, 'forbidden', 'Không có quyền', `Đơn vị ${actor.unitCode} không tham gia nhiệm vụ ${taskId}`);
  }
}
