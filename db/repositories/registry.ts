import type { Kysely } from 'kysely';
import type { Role } from '../../domain/roles';
import type { Database } from '../schema';
import { RegistryError } from './auth';

/* What the administration pages list and change in the registry of units and users (`units`, `users`). */

export interface UnitRow {
  code: string;
  name: string;
  active: boolean;
  users: number;
}

export interface UserRow {
  login: string;
  fullName: string | null;
  unitCode: string;
  roles: Role[];
  active: boolean;
  hasPassword: boolean;
}

/** Every unit, active first, with how many active users it has. */
export async function listUnits(db: Kysely<Database>): Promise<UnitRow[]> {
  const rows = await db
    .selectFrom('units')
    .leftJoin('users', (j) => j.onRef('users.unit_code', '=', 'units.code').on('users.active', '=', true))
    .select((eb) => ['units.code', 'units.name', 'units.active', eb.fn.count<string>('users.id').as('users')])
    .groupBy(['units.code', 'units.name', 'units.active'])
    .orderBy('units.active', 'desc')
    .orderBy('units.name')
    .execute();
  return rows.map((r) => ({ code: r.code, name: r.name, active: r.active, users: Number(r.users) }));
}

/** Marks a unit as receiving new work or not (launches and reassignments check it); false when there is no such unit. */
export async function setUnitActive(db: Kysely<Database>, code: string, active: boolean): Promise<boolean> {
  const result = await db.updateTable('units').set({ active }).where('code', '=', code).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Users, active first, filtered by unit or login when given. */
export async function listUsers(db: Kysely<Database>, opts: { unitCode?: string; login?: string; limit: number }): Promise<UserRow[]> {
  let q = db
    .selectFrom('users')
    .leftJoin('user_passwords', 'user_passwords.user_id', 'users.id')
    .select(['users.login', 'users.full_name', 'users.unit_code', 'users.roles', 'users.active', 'user_passwords.user_id as pw'])
    .orderBy('users.active', 'desc')
    .orderBy('users.unit_code')
    .orderBy('users.login')
    .limit(opts.limit);
  if (opts.unitCode) q = q.where('users.unit_code', '=', opts.unitCode);
  if (opts.login) q = q.where('users.login', '=', opts.login);
  const rows = await q.execute();
  return rows.map((r) => ({
    login: r.login,
    fullName: r.full_name,
    unitCode: r.unit_code,
    roles: r.roles,
    active: r.active,
    hasPassword: r.pw !== null,
  }));
}

/** Replaces an active user's roles; what they may do changes at their next request. */
export async function setUserRoles(db: Kysely<Database>, login: string, roles: readonly Role[]): Promise<void> {
  const result = await db
    .updateTable('users')
    .set({ roles: [...new Set(roles)] })
    .where('login', '=', login)
    .where('active', '=', true)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new RegistryError('unknown_user', `Không có người dùng đang hoạt động "${login}"`);
}
