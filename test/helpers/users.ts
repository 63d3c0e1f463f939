import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { addUnit, addUser, issueToken } from '../../db/repositories/auth';
import type { Role } from '../../domain/roles';
import { uniq } from './ids';

/** Someone who calls the API: a login and the value of their `Authorization` header. */
export interface Person {
  login: string;
  auth: string;
}

/** A unit code of its own for one test file, so files sharing a database never meet. */
export const unitCodeFor = (prefix: string) => `${prefix}_${uniq().toUpperCase()}`;

/** A login of its own. */
export const loginFor = () => `u${uniq()}`;

/** Registers a unit under the name every test unit carries. */
export async function addTestUnit(db: Kysely<Database>, code: string): Promise<void> {
  await addUnit(db, { code, name: `Đơn vị thử ${code}` });
}

/** A unit of its own for one test file. */
export async function aUnit(db: Kysely<Database>, prefix: string): Promise<string> {
  const code = unitCodeFor(prefix);
  await addTestUnit(db, code);
  return code;
}

/** Registers a user with a fresh bearer token; returns the `Authorization` header value. */
export async function addUserWithToken(db: Kysely<Database>, login: string, unitCode: string, roles: Role[]): Promise<string> {
  await addUser(db, { login, unitCode, roles });
  const { token } = await issueToken(db, login);
  return `Bearer ${token}`;
}

/** A user with a fresh bearer token; returns the login and the `Authorization` header value. */
export async function aUserWithToken(db: Kysely<Database>, unitCode: string, roles: Role[]): Promise<Person> {
  const login = loginFor();
  return { login, auth: await addUserWithToken(db, login, unitCode, roles) };
}
