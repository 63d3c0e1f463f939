import { afterAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { inject } from 'vitest';
import { createDb } from '../../db/client';
import type { Database } from '../../db/schema';

describe('the connection pool when PostgreSQL closes its connections (restart, failover)', () => {
  const url = inject('databaseUrl');
  const admin = createDb(url, 1);
  const pools: Kysely<Database>[] = [];

  afterAll(async () => {
    for (const p of pools) await p.destroy();
    await admin.destroy();
  });

  const backendPid = async (db: Kysely<Database>) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;

  it('survives the server terminating an idle connection (the process does not crash) and answers the next query on a fresh one', async () => {
    const db = createDb(url, 2);
    pools.push(db);
    const pid = await backendPid(db);
    // What a "fast" shutdown does to every backend: 57P01 on a connection idle in the pool. Before the
    // fix, its 'error' event had no listener and ended the process (the API's, the worker's).
    await sql`select pg_terminate_backend(${pid})`.execute(admin);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await backendPid(db)).not.toBe(pid);
  });

  it('survives the server terminating a connection in use (a transaction): its queries fail, the process goes on', async () => {
    const db = createDb(url, 2);
    pools.push(db);
    await expect(
      db.transaction().execute(async (trx) => {
        const pid = await backendPid(trx);
        await sql`select pg_terminate_backend(${pid})`.execute(admin);
        // The checked-out connection emits 'error' once the server's goodbye arrives.
        await new Promise((r) => setTimeout(r, 500));
        await sql`select 1`.execute(trx);
      }),
    ).rejects.toThrow();
    expect(await backendPid(db)).toBeGreaterThan(0);
  });

  it('tells the owner of the pool about it', async () => {
    const heard: Error[] = [];
    const db = createDb(url, 2, (err) => heard.push(err));
    pools.push(db);
    await sql`select pg_terminate_backend(${await backendPid(db)})`.execute(admin);
    await expect.poll(() => heard.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect((heard[0] as Error & { code?: string }).code).toBe('57P01');
  });
});
