import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { freePort, spawn, stopChild, waitForPort } from '../../infra/processes';
import type { Bench } from './servers';

/*
 * The production entry points (worker/main.ts, api/main.ts) as child processes, as
 * `npm run start:cluster` runs them, so that each one's memory and CPU is its own.
 */

const ROOT = path.resolve(__dirname, '../..');

export interface Roles {
  workers: ChildProcess[];
  apis: { child: ChildProcess; url: string }[];
  addWorker(): Promise<void>;
  addApi(): Promise<string>;
}

/** Starts worker and API children on the given servers; `bench.close()` stops them. */
export function roles(
  bench: Bench,
  o: { name: string; dir: string; temporalAddress: string; databaseUrl: string; taskQueue: string },
): Roles {
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    DATABASE_URL: o.databaseUrl,
    LOG_LEVEL: 'warn',
    SMTP_HOST: '',
    API_RATE_LIMIT_PER_MINUTE: '0',
    API_HOST: '127.0.0.1',
  };
  const out = (file: string) => fs.openSync(path.join(o.dir, file), 'a');
  const r: Roles = {
    workers: [],
    apis: [],
    async addWorker() {
      const file = out(`${o.name}-worker-${r.workers.length + 1}.log`);
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker/main.ts')], { env, stdio: ['ignore', file, file] });
      r.workers.push(child);
      bench.onClose(() => stopChild(child, 20_000));
      // The worker is up once it has written nothing alarming for a moment and is still alive.
      await new Promise((res) => setTimeout(res, 8_000));
      if (child.exitCode !== null) throw new Error(`${o.name} worker exited (${child.exitCode}); see ${o.dir}`);
    },
    async addApi() {
      const port = await freePort();
      const file = out(`${o.name}-api-${r.apis.length + 1}.log`);
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api/main.ts')], {
        env: { ...env, API_PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` },
        stdio: ['ignore', file, file],
      });
      bench.onClose(() => stopChild(child, 15_000));
      await waitForPort(port, `${o.name} API`, 120_000, child);
      const url = `http://127.0.0.1:${port}`;
      r.apis.push({ child, url });
      return url;
    },
  };
  return r;
}

/** Resident memory of a process (VmRSS), in bytes; 0 when it is gone. */
export function rssBytes(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Size on disk of each named database of the cluster `db` is connected to. */
export async function databaseSizes(db: Kysely<Database>, names: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const { rows } = await sql<{ size: string }>`select pg_database_size(${name}) as size`.execute(db);
    out[name] = Number(rows[0].size);
  }
  return out;
}

/** Waits until `count` tasks are in the read model (launched and recorded by a worker), or `timeoutMs`. */
export async function waitForTasks(db: Kysely<Database>, prefix: string, count: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from tasks where directive_number like ${prefix + '%'}`.execute(db);
    const n = Number(rows[0].n);
    if (n >= count || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}
