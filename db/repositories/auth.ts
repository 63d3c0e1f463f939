import { createHash, randomBytes } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { z } from 'zod';
import { roleSchema, type Actor, type Role } from '../../domain/roles';
// One rule for unit codes everywhere: a code the registry takes can lead a task.
import { trimmedText, unitCodeSchema } from '../../domain/schemas/task-commands';
import type { Database } from '../schema';

/** A unit (cơ quan, đơn vị, địa phương) as the registry keeps it. */
export interface Unit {
  code: string;
  name: string;
  aliases: string[];
  kind: string | null;
}

export interface UnitInput {
  code: string;
  name: string;
  /** Left as they are on an existing unit when omitted. */
  aliases?: readonly string[];
  /** Left as it is on an existing unit when omitted. */
  kind?: string | null;
}

export interface User {
  id: string;
  login: string;
  fullName: string | null;
  unitCode: string;
  roles: Role[];
  email: string | null;
  active: boolean;
}

export interface UserInput {
  login: string;
  unitCode: string;
  roles: readonly Role[];
  fullName?: string | null;
  email?: string | null;
}

export interface IssuedToken {
  /** The plaintext: shown to the operator once, never stored. */
  token: string;
  tokenId: string;
  expiresAt: Date;
}

export type RegistryErrorCode = 'invalid' | 'unknown_unit' | 'unknown_user' | 'inactive_user' | 'conflict';

/** A refusal of the registry, with a Vietnamese message meant for the operator. */
export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export const TOKEN_PREFIX = 'dtk_';
export const DEFAULT_TOKEN_TTL_DAYS = 90;
// 32 random bytes in base64url are 43 characters; anything else cannot be one of ours.
const TOKEN_FORMAT = /^dtk_[A-Za-z0-9_-]{43}$/;
// last_used_at is informative: refreshing it at most once a minute spares a write per request.
const LAST_USED_RESOLUTION_MS = 60_000;
const DAY_MS = 86_400_000;

const loginSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'tên đăng nhập chỉ gồm chữ thường không dấu, số, ".", "_" hoặc "-"');
const unitInputSchema = z.object({
  code: unitCodeSchema,
  name: trimmedText(300),
  aliases: z.array(trimmedText(300)).optional(),
  kind: z.string().trim().min(1).max(100).nullable().optional(),
});
const userInputSchema = z.object({
  login: loginSchema,
  unitCode: unitCodeSchema,
  roles: z.array(roleSchema).min(1, 'cần ít nhất một vai trò'),
  fullName: trimmedText(300).nullable().optional(),
  email: z.email().nullable().optional(),
});

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const reasons = result.error.issues.map((i) => `${i.path.map(String).join('.') || 'giá trị'}: ${i.message}`);
  throw new RegistryError('invalid', `Dữ liệu không hợp lệ: ${reasons.join('; ')}`);
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The PostgreSQL channel a revocation is announced on (`pg_notify`), with the revoked token's
 * SHA-256 in hex as payload: API processes that cache authenticated tokens evict it at once.
 * The notification is sent when the revoking statement commits, never for a revocation that failed.
 */
export const TOKEN_REVOKED_CHANNEL = 'token_revoked';

/** The hex SHA-256 of a well-formed token (what is stored and what a revocation announces); null for anything else. */
export function tokenKey(token: string): string | null {
  return TOKEN_FORMAT.test(token) ? hashToken(token).toString('hex') : null;
}

// Aliased to the names of `User`, so that rows come back as users.
const userColumns = ['id', 'login', 'full_name as fullName', 'unit_code as unitCode', 'roles', 'email', 'active'] as const;

/** Adds a unit, or updates the name (and the aliases or kind when given) of the unit with that code. */
export async function addUnit(db: Kysely<Database>, input: UnitInput): Promise<{ unit: Unit; created: boolean }> {
  const { code, name, aliases, kind } = parseOrThrow(unitInputSchema, input);
  const namesake = await db.selectFrom('units').select('code').where('name', '=', name).where('code', '<>', code).executeTakeFirst();
  if (namesake) throw new RegistryError('conflict', `Tên "${name}" đã thuộc về đơn vị mã ${namesake.code}`);
  const row = await db
    .insertInto('units')
    .values({ code, name, ...(aliases ? { aliases } : {}), ...(kind !== undefined ? { kind } : {}) })
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        ...(aliases ? { aliases: eb.ref('excluded.aliases') } : {}),
        ...(kind !== undefined ? { kind: eb.ref('excluded.kind') } : {}),
      })),
    )
    // xmax is 0 only on a row this statement inserted, not on one it updated.
    .returning(['code', 'name', 'aliases', 'kind', sql<boolean>`xmax = 0`.as('created')])
    .executeTakeFirstOrThrow();
  return { unit: { code: row.code, name: row.name, aliases: row.aliases, kind: row.kind }, created: row.created };
}

/** Of the given codes, those of registered units, each with whether it is active. */
export async function unitsByCode(db: Kysely<Database>, codes: readonly string[]): Promise<Map<string, { active: boolean }>> {
  const wanted = [...new Set(codes)];
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('units').select(['code', 'active']).where('code', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.code, { active: r.active }]));
}

/**
 * Adds a user to an existing unit. Adding the same user again changes nothing; adding a login
 * that exists with another unit, other roles, name or email is refused rather than applied silently.
 */
export async function addUser(db: Kysely<Database>, input: UserInput): Promise<{ user: User; created: boolean }> {
  const parsed = parseOrThrow(userInputSchema, input);
  const roles = [...new Set(parsed.roles)];
  const unit = await db.selectFrom('units').select('code').where('code', '=', parsed.unitCode).executeTakeFirst();
  if (!unit) throw new RegistryError('unknown_unit', `Không có đơn vị mã "${parsed.unitCode}": hãy thêm đơn vị trước (unit:add)`);

  const inserted = await db
    .insertInto('users')
    .values({ login: parsed.login, unit_code: parsed.unitCode, roles, full_name: parsed.fullName ?? null, email: parsed.email ?? null })
    .onConflict((oc) => oc.column('login').doNothing())
    .returning(userColumns)
    .executeTakeFirst();
  if (inserted) return { user: inserted, created: true };

  const existing = await db.selectFrom('users').select(userColumns).where('login', '=', parsed.login).executeTakeFirstOrThrow();
  const differences = [
    existing.unitCode !== parsed.unitCode && `đơn vị ${existing.unitCode}`,
    [...existing.roles].sort().join() !== [...roles].sort().join() && `vai trò ${existing.roles.join(', ')}`,
    parsed.fullName != null && existing.fullName !== parsed.fullName && `họ tên "${existing.fullName ?? ''}"`,
    parsed.email != null && existing.email !== parsed.email && `email ${existing.email ?? '(trống)'}`,
  ].filter(Boolean);
  if (differences.length) {
    throw new RegistryError('conflict', `Người dùng ${parsed.login} đã tồn tại với ${differences.join('; ')}`);
  }
  return { user: existing, created: false };
}

/** Issues a bearer token for an active user; the plaintext is returned here and nowhere else. */
export async function issueToken(
  db: Kysely<Database>,
  login: string,
  ttlDays = DEFAULT_TOKEN_TTL_DAYS,
  opts: { label?: string; now?: Date } = {},
): Promise<IssuedToken> {
  if (!Number.isFinite(ttlDays) || ttlDays <= 0)
    throw new RegistryError('invalid', `Thời hạn mã truy cập phải là số ngày dương (nhận được ${ttlDays})`);
  const user = await db.selectFrom('users').select(['id', 'active']).where('login', '=', login).executeTakeFirst();
  if (!user) throw new RegistryError('unknown_user', `Không có người dùng "${login}"`);
  if (!user.active) throw new RegistryError('inactive_user', `Người dùng "${login}" đã bị vô hiệu hóa`);

  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = new Date((opts.now ?? new Date()).getTime() + ttlDays * DAY_MS);
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: user.id, token_hash: hashToken(token), label: opts.label ?? null, expires_at: expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { token, tokenId: row.id, expiresAt };
}

/** Revokes one token, given its plaintext; false when it is unknown or was already revoked. */
export async function revokeToken(db: Kysely<Database>, token: string, now = new Date()): Promise<boolean> {
  if (!TOKEN_FORMAT.test(token)) return false;
  return (await revokeAndAnnounce(db, (eb) => eb('token_hash', '=', hashToken(token)), now)) > 0;
}

/** Revokes every live token of a user (someone leaves, a laptop is lost); returns how many. */
export async function revokeUserTokens(db: Kysely<Database>, login: string, now = new Date()): Promise<number> {
  const user = await db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirst();
  if (!user) throw new RegistryError('unknown_user', `Không có người dùng "${login}"`);
  return revokeAndAnnounce(db, (eb) => eb('user_id', '=', user.id), now);
}

/**
 * Revokes the live tokens `which` selects and announces each on TOKEN_REVOKED_CHANNEL, in one
 * statement: the notifications go out exactly when the revocation commits.
 */
async function revokeAndAnnounce(
  db: Kysely<Database>,
  which: (eb: ExpressionBuilder<Database, 'api_tokens'>) => Expression<SqlBool>,
  now: Date,
): Promise<number> {
  const announced = await db
    .with('revoked', (qb) =>
      qb.updateTable('api_tokens').set({ revoked_at: now }).where(which).where('revoked_at', 'is', null).returning('token_hash'),
    )
    .selectFrom('revoked')
    .select(sql<string>`pg_notify(${TOKEN_REVOKED_CHANNEL}, encode(token_hash, 'hex'))`.as('notified'))
    .execute();
  return announced.length;
}

export interface AuthenticatedToken {
  actor: Actor;
  /** When the token stops being valid: a cache must not serve it past this instant. */
  expiresAt: Date;
}

/** The actor a bearer token stands for, or null when it is unknown, expired, revoked, or its user inactive. */
export async function authenticate(db: Kysely<Database>, token: string, now = new Date()): Promise<Actor | null> {
  return (await lookupToken(db, token, now))?.actor ?? null;
}

/** `authenticate` with the token's expiry, for callers that keep the answer for a while. */
export async function lookupToken(db: Kysely<Database>, token: string, now = new Date()): Promise<AuthenticatedToken | null> {
  // A malformed value never reaches the database.
  if (!TOKEN_FORMAT.test(token)) return null;
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.id as token_id', 't.last_used_at', 't.expires_at', 'u.id as user_id', 'u.login', 'u.full_name', 'u.unit_code', 'u.roles'])
    .where('t.token_hash', '=', hashToken(token))
    .where('t.revoked_at', 'is', null)
    .where('t.expires_at', '>', now)
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute();
  }
  return {
    actor: { userId: row.user_id, login: row.login, fullName: row.full_name, unitCode: row.unit_code, roles: row.roles },
    expiresAt: row.expires_at,
  };
}

/** Adds a user unless the login exists (then changes nothing); true when added. */
export async function addUserIfAbsent(
  db: Kysely<Database>,
  user: { login: string; unitCode: string; roles: Role[]; fullName: string | null },
): Promise<boolean> {
  const inserted = await db
    .insertInto('users')
    .values({ login: user.login, unit_code: user.unitCode, roles: user.roles, full_name: user.fullName })
    .onConflict((oc) => oc.column('login').doNothing())
    .returning('login')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Active users who hold one of `unitRoles` in one of `units`, or one of `anyUnitRoles` in any
 * unit, by login: the candidates a notification may reach.
 */
export async function activeUsersIn(
  db: Kysely<Database>,
  scope: { units: readonly string[]; unitRoles: readonly Role[]; anyUnitRoles: readonly Role[] },
): Promise<User[]> {
  if (!scope.unitRoles.length && !scope.anyUnitRoles.length) return [];
  const rows = await db
    .selectFrom('users')
    .select(userColumns)
    .where('active', '=', true)
    .where((eb) =>
      eb.or([
        ...(scope.unitRoles.length
          ? [eb.and([eb('unit_code', 'in', [...scope.units]), sql<boolean>`roles && ${sql.val([...scope.unitRoles])}::text[]`])]
          : []),
        ...(scope.anyUnitRoles.length ? [sql<boolean>`roles && ${sql.val([...scope.anyUnitRoles])}::text[]`] : []),
      ]),
    )
    .orderBy('login')
    .execute();
  return rows;
}

/** The active heads of a unit, by login. */
export async function unitHeads(db: Kysely<Database>, unitCode: string): Promise<User[]> {
  const rows = await db
    .selectFrom('users')
    .select(userColumns)
    .where('active', '=', true)
    .where('unit_code', '=', unitCode)
    .where(sql<boolean>`'unit_head' = any(roles)`)
    .orderBy('login')
    .execute();
  return rows;
}

/** Every unit's name by code. */
export async function unitNames(db: Kysely<Database>): Promise<Map<string, string>> {
  return new Map((await db.selectFrom('units').select(['code', 'name']).execute()).map((u) => [u.code, u.name]));
}

/** A unit's name, or null when the registry does not know the code. */
export async function unitName(db: Kysely<Database>, code: string): Promise<string | null> {
  return (await db.selectFrom('units').select('name').where('code', '=', code).executeTakeFirst())?.name ?? null;
}
