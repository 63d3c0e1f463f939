import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { addUnit, addUser, issueToken } from '../../db/repositories/auth';
import type { Role } from '../../domain/roles';
import { uniq } from './ids';

/** A unit of its own for one test file, so files sharing a database never meet. */
export async function aUnit(db: Kysely<Database>, prefix: string): Promise<string> {
  const code = `${prefix}_${uniq().toUpperCase()}`;
  await addUnit(db, { code, name: `Đơn vị thử ${code}` });
  return code;
}

/** A user with a fresh bearer token; returns the login and the `Authorization` header value. */
export async function aUserWithToken(db: Kysely<Database>, unitCode: string, roles: Role[]): Promise<{ login: string; auth: string }> {
  const login = `u${uniq()}`;
  await addUser(db, { login, unitCode, roles });
  const { token } = await issueToken(db, login);
  return { login, auth: `Bearer ${token}` };
}
