import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import * as registry from '../db/repositories/auth';
import type { Database } from '../db/schema';
import { grantsAnyRole, ROLE_LABELS, type Actor, type Role } from '../domain/roles';
import type { Actor as RecordedActor } from '../domain/schemas/task';
import { HttpProblem, PROBLEM_TYPES } from './problems';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `authenticate` on every request it lets through. */
    actor?: Actor;
  }
}

const unauthorized = (detail: string) => new HttpProblem(401, PROBLEM_TYPES.unauthorized, 'Chưa xác thực', detail);
const forbidden = (detail: string) => new HttpProblem(403, PROBLEM_TYPES.forbidden, 'Không có quyền', detail);

// RFC 6750: the scheme is case-insensitive; the token itself is opaque.
const BEARER = /^Bearer +(\S+) *$/i;

/** Who a token stands for: the database itself, or a `TokenCache` in front of it. */
export interface TokenAuthenticator {
  authenticate(token: string): Promise<Actor | null>;
}

/**
 * Requires `Authorization: Bearer <token>` and sets `req.actor`; anything else is a 401 with
 * `WWW-Authenticate: Bearer`. The token is only hashed and looked up, never logged.
 */
export function authenticate(tokens: Kysely<Database> | TokenAuthenticator): RequestHandler {
  const lookup =
    tokens instanceof TokenCache ? tokens : { authenticate: (token: string) => registry.authenticate(tokens as Kysely<Database>, token) };
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw unauthorized('Thiếu mã truy cập: hãy gửi tiêu đề "Authorization: Bearer <mã truy cập>"');
    }
    const token = BEARER.exec(header)?.[1];
    const actor = token ? await lookup.authenticate(token) : null;
    if (!actor) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw unauthorized('Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi');
    }
    req.actor = actor;
    next();
  };
}

export const DEFAULT_TOKEN_CACHE_TTL_MS = 30_000;
export const DEFAULT_TOKEN_CACHE_MAX_ENTRIES = 10_000;

interface CachedToken {
  actor: Actor;
  expiresAtMs: number;
  cachedUntilMs: number;
}

/**
 * Authenticated tokens kept in this process for `ttlMs`, keyed by the token's SHA-256. `evict`
 * drops a revoked token at once; an expired one is refused at its expiry whatever the TTL. Unknown
 * tokens are never cached, and the oldest of `maxEntries` is dropped first. See docs/architecture.md,
 * "Token cache".
 */
export class TokenCache implements TokenAuthenticator {
  readonly ttlMs: number;
  readonly maxEntries: number;
  private readonly entries = new Map<string, CachedToken>();
  private readonly loading = new Map<string, Promise<Actor | null>>();
  // Bumped by every eviction: a lookup that began before one may have read a row revoked since, so its answer is returned but not kept.
  private generation = 0;
  private readonly db: Kysely<Database>;
  private readonly now: () => number;

  constructor(opts: { db: Kysely<Database>; ttlMs?: number; maxEntries?: number; now?: () => number }) {
    this.db = opts.db;
    this.ttlMs = opts.ttlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
    this.maxEntries = opts.maxEntries ?? DEFAULT_TOKEN_CACHE_MAX_ENTRIES;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  authenticate(token: string): Promise<Actor | null> {
    if (this.ttlMs <= 0) return registry.authenticate(this.db, token);
    const key = registry.tokenKey(token);
    if (!key) return Promise.resolve(null);
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit) {
      if (now < hit.cachedUntilMs && now < hit.expiresAtMs) return Promise.resolve(hit.actor);
      this.entries.delete(key);
    }
    // Concurrent first requests with one token share one lookup.
    const pending = this.loading.get(key);
    if (pending) return pending;
    const load = this.load(token, key, now).finally(() => {
      if (this.loading.get(key) === load) this.loading.delete(key);
    });
    this.loading.set(key, load);
    return load;
  }

  /** Forgets one token (by its hex SHA-256): the next request with it reads the database. */
  evict(key: string): void {
    this.generation++;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  /** Forgets every token, e.g. after revocations may have been missed. */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  private async load(token: string, key: string, now: number): Promise<Actor | null> {
    const generation = this.generation;
    const found = await registry.lookupToken(this.db, token, new Date(now));
    if (!found) return null;
    if (generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { actor: found.actor, expiresAtMs: found.expiresAt.getTime(), cachedUntilMs: now + this.ttlMs });
    }
    return found.actor;
  }
}

export interface RevocationListener {
  /** Resolves once the first LISTEN is in place (or rejects when the first connection fails; retries go on). */
  readonly ready: Promise<void>;
  readonly listening: boolean;
  close(): Promise<void>;
}

/**
 * A `TokenCache` for an API process with its revocation listener already listening; the caller
 * passes `tokens` to `createApp` and calls `close()` at shutdown. With `ttlMs` 0 nothing is cached
 * and nothing listens. Rejects when the first connection fails: serving before the listener is up
 * would keep a token revoked meanwhile for a whole TTL.
 */
export async function startTokenCache(opts: {
  db: Kysely<Database>;
  connectionString: string;
  ttlMs: number;
  logger?: Logger;
}): Promise<{ tokens: TokenCache; close(): Promise<void> }> {
  const tokens = new TokenCache({ db: opts.db, ttlMs: opts.ttlMs });
  if (opts.ttlMs <= 0) return { tokens, close: async () => undefined };
  const revocations = listenForRevocations(tokens, { connectionString: opts.connectionString, logger: opts.logger });
  try {
    await revocations.ready;
  } catch (err) {
    await revocations.close();
    throw err;
  }
  return { tokens, close: () => revocations.close() };
}

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

/**
 * Evicts tokens from `cache` as `token_revoked` notifications arrive, on a connection of its own.
 * When the connection drops it reconnects with backoff and, once listening again, clears the
 * cache: revocations announced in between were missed. Until then the TTL bounds how long a
 * revoked token may still be served.
 */
export function listenForRevocations(cache: TokenCache, opts: { connectionString: string; logger?: Logger }): RevocationListener {
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const scheduleReconnect = () => {
    if (closed || timer) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** failures++);
    timer = setTimeout(() => {
      timer = undefined;
      connect().catch(() => undefined);
    }, delay);
  };

  const drop = (c: pg.Client, err?: Error) => {
    if (client !== c) return;
    client = null;
    listening = false;
    if (!closed)
      opts.logger?.warn({ err }, 'Mất kết nối lắng nghe thu hồi mã truy cập; mã trong bộ nhớ đệm hết hạn theo TTL cho đến khi kết nối lại');
    c.end().catch(() => undefined);
    scheduleReconnect();
  };

  const connect = async () => {
    const c = new pg.Client({
      connectionString: opts.connectionString,
      application_name: 'directive-engine token revocations',
      keepAlive: true,
    });
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel === registry.TOKEN_REVOKED_CHANNEL && msg.payload) cache.evict(msg.payload);
    });
    c.on('error', (err) => drop(c, err));
    c.on('end', () => drop(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${registry.TOKEN_REVOKED_CHANNEL}`);
    } catch (err) {
      drop(c, err as Error);
      throw err;
    }
    if (closed || client !== c) return;
    listening = true;
    if (failures > 0) opts.logger?.info('Đã kết nối lại để lắng nghe thu hồi mã truy cập');
    failures = 0;
    // Anything revoked while nobody listened was not announced to us.
    cache.clear();
  };

  const ready = connect();
  ready.catch(() => undefined);
  return {
    ready,
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      listening = false;
      await c?.end().catch(() => undefined);
    },
  };
}

/** Lets the request through when the actor holds any of `roles` (a unit head counts as an officer); 403 otherwise. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.actor) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw unauthorized('Yêu cầu này cần mã truy cập');
    }
    if (!grantsAnyRole(req.actor.roles, roles)) {
      throw forbidden(`Thao tác này dành cho: ${roles.map((r) => ROLE_LABELS[r]).join(', ')}`);
    }
    next();
  };
}

/** The actor of a request that went through `authenticate`. */
export function actorOf(req: Request): Actor {
  if (!req.actor) throw unauthorized('Yêu cầu này cần mã truy cập');
  return req.actor;
}

/** The actor as the workflow records it (`userId` is the login): the one who launched or commanded. */
export function recordedActorOf(req: Request): RecordedActor {
  const actor = actorOf(req);
  return { userId: actor.login, unitCode: actor.unitCode, roles: actor.roles };
}
