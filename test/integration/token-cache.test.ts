import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import express from 'express';
import request from 'supertest';
import { sql } from 'kysely';
import { actorOf, authenticate, listenForRevocations, startTokenCache, TokenCache, type RevocationListener } from '../../api/auth';
import { problemHandler } from '../../api/problems';
import { tokenIssue } from '../../cli/commands/token-issue';
import { tokenRevoke } from '../../cli/commands/token-revoke';
import { addUser, issueToken, revokeToken, tokenKey } from '../../db/repositories/auth';
import { runCli, useCliDatabase } from '../helpers/cli';
import { uniq } from '../helpers/servers';
import { aUnit } from '../helpers/users';

// Long enough that only an eviction, never the TTL, can explain a refusal within a test.
const LONG_TTL_MS = 5 * 60_000;

describe('the API keeps authenticated tokens in memory and drops revoked ones at once', () => {
  const db = useCliDatabase();
  let unitCode: string;
  const listeners: RevocationListener[] = [];

  const appWith = (cache: TokenCache) => {
    const app = express();
    app.get('/me', authenticate(cache), (req, res) => {
      res.json(actorOf(req));
    });
    app.use(problemHandler);
    return app;
  };
  /** A cache whose evictions are recorded, so a test can wait for the notification rather than for time. */
  const watched = (cache: TokenCache) => {
    const evicted: string[] = [];
    const evict = cache.evict.bind(cache);
    cache.evict = (key: string) => {
      evicted.push(key);
      evict(key);
    };
    return evicted;
  };
  const listening = async (cache: TokenCache) => {
    const listener = listenForRevocations(cache, { connectionString: inject('databaseUrl') });
    listeners.push(listener);
    await listener.ready;
    return listener;
  };
  /** An app whose token cache listens for revocations and records what it evicts. */
  const aListeningApp = async () => {
    const cache = new TokenCache({ db, ttlMs: LONG_TTL_MS });
    const evicted = watched(cache);
    const listener = await listening(cache);
    return { cache, evicted, listener, app: appWith(cache) };
  };
  const aSecretary = async () => {
    const login = `thu.ky.${uniq()}`;
    await addUser(db, { login, unitCode, roles: ['secretariat'] });
    return login;
  };
  const me = (app: express.Express, token: string) => request(app).get('/me').set('authorization', `Bearer ${token}`);
  /** Writes a token's revocation straight into its row, without the announcement `revokeToken` makes. */
  const setRevokedQuietly = (token: string, revokedAt: Date | null) =>
    db
      .updateTable('api_tokens')
      .set({ revoked_at: revokedAt })
      .where(sql<boolean>`encode(token_hash, 'hex') = ${tokenKey(token)}`)
      .execute();

  beforeAll(async () => {
    unitCode = await aUnit(db, 'VPTU');
  });

  afterEach(async () => {
    for (const l of listeners.splice(0)) await l.close();
  });

  it('refuses a token revoked with token:revoke (another connection, as the CLI is another process) on the next request', async () => {
    const { evicted, app } = await aListeningApp();
    const login = await aSecretary();
    const token = (await runCli(tokenIssue, ['--login', login])).stdout.trim();

    await me(app, token).expect(200);
    // Served from memory: a revocation written without announcing it is not seen before the TTL.
    await setRevokedQuietly(token, new Date());
    await me(app, token).expect(200);
    await setRevokedQuietly(token, null);

    const revokedAt = Date.now();
    expect(await runCli(tokenRevoke, ['--token', token])).toMatchObject({ code: 0 });
    await vi.waitFor(() => expect(evicted).toContain(tokenKey(token)), { timeout: 2_000, interval: 5 });
    const res = await me(app, token).expect(401);
    expect(res.body.detail).toBe('Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi');
    expect(Date.now() - revokedAt).toBeLessThan(2_000);
  });

  it('refuses every token of a user revoked with token:revoke --login', async () => {
    const { evicted, app } = await aListeningApp();
    const login = await aSecretary();
    const laptop = (await issueToken(db, login)).token;
    const phone = (await issueToken(db, login)).token;
    await me(app, laptop).expect(200);
    await me(app, phone).expect(200);

    expect(await runCli(tokenRevoke, ['--login', login])).toMatchObject({ code: 0, stdout: `Đã thu hồi 2 mã truy cập của ${login}\n` });
    await vi.waitFor(() => expect(evicted).toEqual(expect.arrayContaining([tokenKey(laptop), tokenKey(phone)])), {
      timeout: 2_000,
      interval: 5,
    });
    await me(app, laptop).expect(401);
    await me(app, phone).expect(401);
  });

  it('listens again after its connection is killed, forgetting what it may have missed meanwhile', async () => {
    const { cache, evicted, listener, app } = await aListeningApp();
    const token = (await issueToken(db, await aSecretary())).token;
    await me(app, token).expect(200);
    expect(cache.size).toBe(1);

    const { rows } = await sql<{ killed: boolean }>`
      select pg_terminate_backend(pid) as killed from pg_stat_activity
      where application_name = 'directive-engine token revocations' and datname = current_database()`.execute(db);
    expect(rows.length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(listener.listening).toBe(false), { timeout: 2_000, interval: 5 });
    await vi.waitFor(() => expect(listener.listening).toBe(true), { timeout: 10_000, interval: 20 });
    expect(cache.size).toBe(0);

    await me(app, token).expect(200);
    expect(await revokeToken(db, token)).toBe(true);
    await vi.waitFor(() => expect(evicted).toContain(tokenKey(token)), { timeout: 2_000, interval: 5 });
    await me(app, token).expect(401);
  });

  it('refuses a cached token as soon as it expires, whatever the TTL', async () => {
    const cache = new TokenCache({ db, ttlMs: LONG_TTL_MS });
    const app = appWith(cache);
    const { token, expiresAt } = await issueToken(db, await aSecretary(), 1.5 / 86_400);
    await me(app, token).expect(200);
    expect(cache.size).toBe(1);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now()) + 50));
    await me(app, token).expect(401);
  });

  it('without the listener, still refuses a revoked token once the TTL has passed', async () => {
    const cache = new TokenCache({ db, ttlMs: 400 });
    const app = appWith(cache);
    const token = (await issueToken(db, await aSecretary())).token;
    await me(app, token).expect(200);
    await revokeToken(db, token);
    await new Promise((r) => setTimeout(r, 450));
    await me(app, token).expect(401);
  });

  it('keeps at most maxEntries tokens, never an unknown one, and shares one lookup between concurrent first requests', async () => {
    const cache = new TokenCache({ db, ttlMs: LONG_TTL_MS, maxEntries: 2 });
    const app = appWith(cache);
    const login = await aSecretary();
    const tokens = [(await issueToken(db, login)).token, (await issueToken(db, login)).token, (await issueToken(db, login)).token];
    for (const t of tokens) await me(app, t).expect(200);
    expect(cache.size).toBe(2);
    await me(app, `dtk_${'x'.repeat(43)}`).expect(401);
    expect(cache.size).toBe(2);

    const fresh = new TokenCache({ db, ttlMs: LONG_TTL_MS });
    const reads = vi.spyOn(db, 'selectFrom');
    const actors = await Promise.all(Array.from({ length: 8 }, () => fresh.authenticate(tokens[0])));
    expect(actors.every((a) => a?.login === login)).toBe(true);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('starts as the API does: listening before it serves, refusing to start without its listener', async () => {
    const started = await startTokenCache({ db, connectionString: inject('databaseUrl'), ttlMs: LONG_TTL_MS });
    try {
      const app = appWith(started.tokens);
      const token = (await issueToken(db, await aSecretary())).token;
      await me(app, token).expect(200);
      await revokeToken(db, token);
      await vi.waitFor(() => me(app, token).expect(401), { timeout: 2_000, interval: 10 });
    } finally {
      await started.close();
    }
    const unreachable = inject('databaseUrl').replace(/:(\d+)\//, ':1/');
    await expect(startTokenCache({ db, connectionString: unreachable, ttlMs: LONG_TTL_MS })).rejects.toThrow();
  });

  it('reads the database on every request when the TTL is 0', async () => {
    const cache = new TokenCache({ db, ttlMs: 0 });
    const app = appWith(cache);
    const token = (await issueToken(db, await aSecretary())).token;
    await me(app, token).expect(200);
    await setRevokedQuietly(token, new Date());
    await me(app, token).expect(401);
    expect(cache.size).toBe(0);
  });
});
