import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Role } from '../../domain/roles';
import type { AuthEventKind, Database } from '../schema';
import { RegistryError, revokeUserTokens } from './auth';

/** How long a web session lives: since its last request, and at most since it began. */
export interface SessionLifetime {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIFETIME: SessionLifetime = Object.freeze({ idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 });

// last_seen_at moves at most once a minute: the idle timeout is 30 minutes, a write per page is waste.
const TOUCH_RESOLUTION_MS = 60_000;
const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The person behind a web session, as the pages show and check them. */
export interface SessionUser {
  sessionId: string;
  csrfToken: string;
  userId: string;
  login: string;
  fullName: string | null;
  unitCode: string;
  unitName: string;
  roles: Role[];
  /** Signed in with a one-time password: nothing else until a new one is chosen. */
  mustChangePassword: boolean;
}

export interface Credentials {
  userId: string;
  login: string;
  active: boolean;
  passwordHash: string | null;
  mustChange: boolean;
}

export interface RequestOrigin {
  address?: string | null;
  userAgent?: string | null;
}

function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The stored password of a login (null hash: none set yet), or null when there is no such user. */
export async function findCredentials(db: Kysely<Database>, login: string): Promise<Credentials | null> {
  const row = await db
    .selectFrom('users as u')
    .leftJoin('user_passwords as p', 'p.user_id', 'u.id')
    .select(['u.id', 'u.login', 'u.active', 'p.password_hash', 'p.must_change'])
    .where('u.login', '=', login)
    .executeTakeFirst();
  if (!row) return null;
  return { userId: row.id, login: row.login, active: row.active, passwordHash: row.password_hash, mustChange: row.must_change ?? false };
}

/**
 * Sets a user's password (already hashed) and ends all their sessions: a reset by an operator must
 * lock out whoever knew the old one. `mustChange` makes it a one-time password.
 */
export async function setPassword(
  db: Kysely<Database>,
  login: string,
  passwordHash: string,
  opts: { mustChange: boolean },
): Promise<{ userId: string; sessionsEnded: number }> {
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'active']).where('login', '=', login).executeTakeFirst();
    if (!user) throw new RegistryError('unknown_user', `Không có người dùng "${login}"`);
    if (!user.active) throw new RegistryError('inactive_user', `Người dùng "${login}" đã bị vô hiệu hóa`);
    await trx
      .insertInto('user_passwords')
      .values({ user_id: user.id, password_hash: passwordHash, must_change: opts.mustChange, changed_at: new Date() })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({ password_hash: passwordHash, must_change: opts.mustChange, changed_at: new Date() }),
      )
      .execute();
    const ended = await revokeSessions(trx, user.id);
    await trx
      .insertInto('auth_events')
      .values({ kind: 'password_set', login, user_id: user.id, address: null, user_agent: null, session_id: null })
      .execute();
    return { userId: user.id, sessionsEnded: ended };
  });
}

/** A person's own change of password: kept session stays, every other session of theirs ends. */
export async function changePassword(
  db: Kysely<Database>,
  user: { userId: string; login: string; sessionId: string },
  passwordHash: string,
  origin: RequestOrigin = {},
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('user_passwords')
      .set({ password_hash: passwordHash, must_change: false, changed_at: new Date() })
      .where('user_id', '=', user.userId)
      .execute();
    await trx
      .updateTable('web_sessions')
      .set({ revoked_at: new Date() })
      .where('user_id', '=', user.userId)
      .where('id', '<>', user.sessionId)
      .where('revoked_at', 'is', null)
      .execute();
    await recordAuthEvent(trx, 'password_changed', { login: user.login, userId: user.userId, sessionId: user.sessionId, ...origin });
  });
}

/** Starts a session; the plaintext token goes in the cookie and nowhere else. */
export async function createSession(
  db: Kysely<Database>,
  userId: string,
  origin: RequestOrigin = {},
  opts: { now?: Date; lifetime?: SessionLifetime } = {},
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const now = opts.now ?? new Date();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + (opts.lifetime ?? DEFAULT_SESSION_LIFETIME).absoluteMs);
  const row = await db
    .insertInto('web_sessions')
    .values({
      token_hash: hashSessionToken(token),
      user_id: userId,
      csrf_token: randomBytes(32).toString('base64url'),
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      address: origin.address ?? null,
      user_agent: origin.userAgent?.slice(0, 500) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { token, sessionId: row.id, expiresAt };
}

/**
 * The person a session cookie stands for, or null when the session is unknown, revoked, idle too
 * long, past its absolute end, or its user deactivated. A live session's last activity moves forward.
 */
export async function lookupSession(
  db: Kysely<Database>,
  token: string,
  opts: { now?: Date; lifetime?: SessionLifetime } = {},
): Promise<SessionUser | null> {
  if (!SESSION_TOKEN.test(token)) return null;
  const now = opts.now ?? new Date();
  const lifetime = opts.lifetime ?? DEFAULT_SESSION_LIFETIME;
  const row = await db
    .selectFrom('web_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('units as n', 'n.code', 'u.unit_code')
    .leftJoin('user_passwords as p', 'p.user_id', 'u.id')
    .select([
      's.id as session_id',
      's.csrf_token',
      's.last_seen_at',
      'u.id as user_id',
      'u.login',
      'u.full_name',
      'u.unit_code',
      'n.name as unit_name',
      'u.roles',
      'p.must_change',
    ])
    .where('s.token_hash', '=', hashSessionToken(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', new Date(now.getTime() - lifetime.idleMs))
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_RESOLUTION_MS) {
    await db.updateTable('web_sessions').set({ last_seen_at: now }).where('id', '=', row.session_id).execute();
  }
  return {
    sessionId: row.session_id,
    csrfToken: row.csrf_token,
    userId: row.user_id,
    login: row.login,
    fullName: row.full_name,
    unitCode: row.unit_code,
    unitName: row.unit_name,
    roles: row.roles,
    mustChangePassword: row.must_change ?? false,
  };
}

/** Ends one session (signing out); false when it had already ended. */
export async function endSession(db: Kysely<Database>, sessionId: string, now = new Date()): Promise<boolean> {
  const res = await db
    .updateTable('web_sessions')
    .set({ revoked_at: now })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

async function revokeSessions(db: Kysely<Database>, userId: string): Promise<number> {
  const res = await db
    .updateTable('web_sessions')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Deactivates a user: the `users` trigger ends their web sessions in the same statement, and their
 * bearer tokens are revoked (announced to the API's token caches). Returns what was ended.
 */
export async function deactivateUser(db: Kysely<Database>, login: string): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const user = await db.selectFrom('users').select(['id', 'active']).where('login', '=', login).executeTakeFirst();
  if (!user) throw new RegistryError('unknown_user', `Không có người dùng "${login}"`);
  const live = await db
    .selectFrom('web_sessions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', user.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  await db.updateTable('users').set({ active: false }).where('id', '=', user.id).execute();
  const tokensRevoked = await revokeUserTokens(db, login);
  if (Number(live.n) > 0) await recordAuthEvent(db, 'sessions_revoked', { login, userId: user.id });
  return { sessionsEnded: Number(live.n), tokensRevoked };
}

/** Appends one sign-in event (sign-in, refused attempt, sign-out, ...). */
export async function recordAuthEvent(
  db: Kysely<Database>,
  kind: AuthEventKind,
  e: { login?: string | null; userId?: string | null; sessionId?: string | null } & RequestOrigin,
): Promise<void> {
  await db
    .insertInto('auth_events')
    .values({
      kind,
      login: e.login?.slice(0, 200) ?? null,
      user_id: e.userId ?? null,
      session_id: e.sessionId ?? null,
      address: e.address ?? null,
      user_agent: e.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
}

export interface SignInLimits {
  /** Failed attempts for one login within the window (since its last successful sign-in). */
  perLogin: number;
  /** Failed attempts from one address within the window, whatever the login. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = Object.freeze({ perLogin: 5, perAddress: 20, windowMs: 15 * 60_000 });

/**
 * Whether another sign-in attempt for this login from this address is refused, and until when:
 * the oldest failure that counts leaves the window then. Counted from `auth_events`, so every API
 * process applies the same limit.
 */
export async function signInBlockedUntil(
  db: Kysely<Database>,
  login: string,
  address: string | null,
  limits: SignInLimits,
  now = new Date(),
): Promise<Date | null> {
  const since = new Date(now.getTime() - limits.windowMs);
  const byLogin = await db
    .selectFrom('auth_events')
    .select(['occurred_at'])
    .where('login', '=', login)
    .where('kind', '=', 'sign_in_failed')
    .where('occurred_at', '>', since)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('auth_events as ok')
            .select(sql`1`.as('one'))
            .where('ok.login', '=', login)
            .where('ok.kind', '=', 'sign_in')
            .whereRef('ok.occurred_at', '>', 'auth_events.occurred_at'),
        ),
      ),
    )
    .orderBy('occurred_at', 'desc')
    .limit(limits.perLogin)
    .execute();
  let until: Date | null = null;
  if (byLogin.length >= limits.perLogin) until = new Date(byLogin[byLogin.length - 1].occurred_at.getTime() + limits.windowMs);
  if (address) {
    const byAddress = await db
      .selectFrom('auth_events')
      .select('occurred_at')
      .where('address', '=', address)
      .where('kind', '=', 'sign_in_failed')
      .where('occurred_at', '>', since)
      .orderBy('occurred_at', 'desc')
      .limit(limits.perAddress)
      .execute();
    if (byAddress.length >= limits.perAddress) {
      const t = new Date(byAddress[byAddress.length - 1].occurred_at.getTime() + limits.windowMs);
      if (!until || t > until) until = t;
    }
  }
  return until;
}
