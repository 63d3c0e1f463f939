import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { stateBeforeRecord, unitsOfState } from '../services/tasks';
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
export async function assertCanRead(db: Kysely<Database>, actor: Actor, taskId: string, temporal?: Client): Promise<void> {
  const units = await unitsOf(db, taskId, temporal);
  if (!units) throw notFound(`Không có nhiệm vụ ${taskId}`);
  if (seesAll(actor)) return;
  if (!units.includes(actor.unitCode)) {
    throw new HttpProblem(403, 'forbidden', 'Không có quyền', `Đơn vị ${actor.unitCode} không tham gia nhiệm vụ ${taskId}`);
  }
}

/** A task's units from its row, or (given a Temporal client) from its live state before the row is written. */
async function unitsOf(db: Kysely<Database>, taskId: string, temporal?: Client): Promise<string[] | null> {
  const units = await taskUnits(db, taskId);
  if (units || !temporal) return units;
  const state = await stateBeforeRecord({ temporal }, taskId);
  return state ? unitsOfState(state) : null;
}

/** Roles that may send a lifecycle command at all; the workflow's validators judge which one. */
const COMMANDING_ROLES = ['secretariat', 'unit_officer', 'unit_head'] as const;

/**
 * Checks before a command reaches the workflow: a role that commands nothing (the inspection
 * committee, administrators) is a 403 whatever the task's state, and a task the actor's unit cannot
 * see is a 404, as for one that does not exist (its state is not revealed by a 409).
 */
export async function assertCanCommand(db: Kysely<Database>, temporal: Client, actor: Actor, taskId: string): Promise<void> {
  if (!actor.roles.some((r) => (COMMANDING_ROLES as readonly string[]).includes(r))) {
    throw new HttpProblem(403, 'forbidden', 'Không có quyền', `Vai trò ${actor.roles.join(', ')} không gửi lệnh xử lý nhiệm vụ`);
  }
  const units = await unitsOf(db, taskId, temporal);
  if (!units || (!seesAll(actor) && !units.includes(actor.unitCode))) throw notFound(`Không có nhiệm vụ ${taskId}`);
}
