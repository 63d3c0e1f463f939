/**
 * The whole system on this machine, in throwaway directories and on free ports, for scenarios that
 * kill parts of it: PostgreSQL 15 (stopped and started on the same data directory), the Temporal dev
 * server on a SQLite file (SIGKILLed and restarted on the same file and port), the production worker
 * `worker/main.ts` as a child process (SIGKILLed and restarted; it also runs the delivery dispatcher),
 * and the API.
 *
 * The API runs in this process (`startApiProcess`, the root api/main.ts uses): the faults target the
 * worker, Temporal and PostgreSQL, and an in-process API keeps its pool and its Temporal connection in
 * reach of the scenario (the same objects api/main.ts builds) without a third tsx start per system.
 *
 * The cluster profile (`temporal: 'cluster'`) is `npm run start:cluster`'s shape instead: the full
 * Temporal server with its databases in the same PostgreSQL (stopping PostgreSQL takes Temporal's
 * persistence away too), `workers` worker processes, and with `apis` > 0 that many api/main.ts
 * processes behind a loopback balancer (lib/balancer.ts), each of which a scenario may kill.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import pino from 'pino';
import type { Kysely } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { loadConfig } from '../../../config';
import { createDb, migrateToLatest } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../infra/postgres';
import { freePort, stopChild, waitForPort } from '../../../infra/processes';
import { locateTemporalCli, startDevServer } from '../../../infra/temporal-cli';
import { registerSearchAttributes } from '../../../infra/temporal';
import { startApiProcess, type ApiProcess } from '../../../app/api-process';
import { freeClusterPorts, startClusterTemporal, type ClusterTemporal } from '../../../infra/temporal-server';
import { startBalancer, type Balancer } from './balancer';

const ROOT = path.resolve(__dirname, '../../..');
export const TASK_QUEUE = 'directive-tasks-faults';
const NAMESPACE = 'default';

export interface SystemOptions {
  /** Delivery dispatcher's poll in the worker (ms). */
  deliveryPollMs?: number;
  /** The dev server on SQLite (default) or the full Temporal server on PostgreSQL. */
  temporal?: 'dev' | 'cluster';
  /** Worker processes (default 1). */
  workers?: number;
  /** API processes behind a balancer; 0 (default) runs the API in this process. */
  apis?: number;
  log?: (m: string) => void;
}

export interface FaultSystem {
  dir: string;
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  /** The scenario's own pool (checks, fixtures); the API has another one, as in production. */
  db: Kysely<Database>;
  /** The scenario's own Temporal client (describe, queries). */
  client: Client;
  /** Starts worker `slot` (default 0) and waits for its poller. */
  startWorker(slot?: number): Promise<void>;
  /** SIGKILL: no drain, no goodbye. */
  killWorker(slot?: number): Promise<void>;
  workerRunning(slot?: number): boolean;
  /** SIGKILL of API process `slot` (only with `apis` > 0). */
  killApi(slot: number): Promise<void>;
  startApi(slot: number): Promise<void>;
  killTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  /** Every process this system started, whatever state it is in; idempotent. */
  stop(): Promise<void>;
  /** Processes of this system still alive (for the final "no orphans" assertion). */
  survivors(): string[];
  /** The last lines the worker and the dev server wrote (for a failure's message). */
  logTail(): string;
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGKILLs a child that is still running and resolves once it has exited. */
async function killAndWait(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function startSystem(name: string, o: SystemOptions = {}): Promise<FaultSystem> {
  const log = o.log ?? ((m: string) => console.log(`[${name}] ${m}`));
  const config = loadConfig(process.env);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `directive-engine-faults-${name}-`));
  fs.chmodSync(dir, 0o755);
  const pgDir = path.join(dir, 'pgdata');
  const temporalDb = path.join(dir, 'temporal.sqlite');
  const workerLog = path.join(dir, 'worker.log');
  const temporalLog = path.join(dir, 'temporal.log');
  const pgPort = await freePort();
  const cluster = o.temporal === 'cluster';
  const clusterPorts = cluster ? await freeClusterPorts() : null;
  const temporalPort = clusterPorts?.frontend ?? (await freePort());
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const cli = cluster ? null : await locateTemporalCli({ explicitPath: config.temporal.cliPath, cacheDir: config.cacheDir, log });
  if (!cluster && !cli) throw new Error('Temporal CLI not found and could not be built (is Go installed?)');

  let pg: EmbeddedPostgres | null = null;
  let temporalChild: ChildProcess | null = null;
  let clusterTemporal: ClusterTemporal | null = null;
  const workerChildren: (ChildProcess | null)[] = Array.from({ length: o.workers ?? 1 }, () => null);
  const apiChildren: ({ child: ChildProcess; port: number } | null)[] = Array.from({ length: o.apis ?? 0 }, () => null);
  let balancer: Balancer | null = null;
  const workerPids: number[] = [];
  const temporalPids: number[] = [];
  let api: ApiProcess | null = null;
  let db: Kysely<Database> | null = null;
  let client: Client | null = null;
  let stopped = false;

  const startPostgres = async () => {
    pg = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, binDir: config.database.binDir, database: 'directives_faults' });
  };
  const stopPostgres = async () => {
    await pg?.stop();
  };
  const startTemporal = async () => {
    if (cluster) {
      if (clusterTemporal) await clusterTemporal.start();
      else
        clusterTemporal = await startClusterTemporal({
          cacheDir: config.cacheDir,
          dataDir: dir,
          db: { host: '127.0.0.1', port: pgPort, user: 'postgres', password: '' },
          ports: clusterPorts!,
          shards: 4,
          namespace: NAMESPACE,
          log,
        });
      temporalPids.push(clusterTemporal.pid()!);
      return;
    }
    temporalChild = await startDevServer({
      binary: cli!,
      port: temporalPort,
      uiPort: null,
      namespace: NAMESPACE,
      dbFile: temporalDb,
      logFile: temporalLog,
    });
    temporalPids.push(temporalChild.pid!);
  };
  const killTemporal = async () => (cluster ? clusterTemporal?.kill() : killAndWait(temporalChild));

  const workerEnv = () => ({
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    DATABASE_URL: pg!.url,
    DELIVERY_POLL_MS: String(o.deliveryPollMs ?? 1000),
    LOG_LEVEL: 'warn',
    PUBLIC_BASE_URL: 'https://giaoviec.thainguyen.gov.vn',
    SMTP_HOST: '',
  });

  /** Ready once the dev server lists a workflow poller whose identity carries the child's pid. */
  async function waitForPoller(pid: number, child: ChildProcess, timeoutMs = 180_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`worker ${pid} exited (${child.exitCode ?? child.signalCode}) before polling\n${tail(workerLog)}`);
      try {
        const res = await client!.workflowService.describeTaskQueue({
          namespace: NAMESPACE,
          taskQueue: { name: TASK_QUEUE, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        });
        if ((res.pollers ?? []).some((p) => p.identity?.startsWith(`${pid}@`))) return;
      } catch {
        // The dev server may be down in a scenario that kills it; keep waiting.
      }
      await sleep(250);
    }
    throw new Error(`worker ${pid} did not poll within ${timeoutMs} ms\n${tail(workerLog)}`);
  }

  const running = (child: ChildProcess | null | undefined) => !!child && child.exitCode === null && child.signalCode === null;
  const startWorker = async (slot = 0) => {
    if (running(workerChildren[slot])) throw new Error(`worker ${slot} already running`);
    const out = fs.openSync(workerLog, 'a');
    // node --import tsx, not the tsx wrapper: SIGKILL must reach the process that runs the worker.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker/main.ts')], {
      cwd: ROOT,
      env: workerEnv(),
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    workerChildren[slot] = child;
    workerPids.push(child.pid!);
    await waitForPoller(child.pid!, child);
  };
  const killWorker = (slot = 0) => killAndWait(workerChildren[slot] ?? null);

  /** API process `slot`: api/main.ts as production runs it, tokens read on every request, no per-user limit. */
  const startApi = async (slot: number) => {
    if (running(apiChildren[slot]?.child)) throw new Error(`API ${slot} already running`);
    const port = apiChildren[slot]?.port ?? (await freePort());
    const out = fs.openSync(path.join(dir, `api-${slot}.log`), 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api/main.ts')], {
      cwd: ROOT,
      env: {
        ...workerEnv(),
        API_HOST: '127.0.0.1',
        API_PORT: String(port),
        API_RATE_LIMIT_PER_MINUTE: '0',
        API_TOKEN_CACHE_TTL_SECONDS: '0',
      },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    apiChildren[slot] = { child, port };
    workerPids.push(child.pid!);
    await waitForPort(port, `API ${slot}`, 120_000, child);
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const attempt = async (what: string, f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (err) {
        log(`stopping ${what}: ${(err as Error).message}`);
      }
    };
    await attempt('API', async () => api?.stop());
    await attempt('balancer', async () => balancer?.close());
    for (const a of apiChildren) if (a) await attempt('API process', () => stopChild(a.child, 5_000));
    for (const w of workerChildren) if (w) await attempt('worker', () => stopChild(w, 5_000));
    await attempt('Temporal connection', async () => client?.connection.close());
    await attempt('pool', async () => db?.destroy());
    if (temporalChild) await attempt('dev server', () => stopChild(temporalChild!, 5_000));
    await attempt('Temporal server', async () => clusterTemporal?.stop());
    await attempt('PostgreSQL', () => stopPostgres());
    // Anything that outlived its stop (it never should) is killed rather than left behind.
    for (const pid of [...workerPids, ...temporalPids]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    const postmaster = postmasterPid();
    if (postmaster && alive(postmaster)) process.kill(postmaster, 'SIGKILL');
    if (survivors().length === 0 && !process.env.FAULTS_KEEP_DIRS) fs.rmSync(dir, { recursive: true, force: true });
  };

  function postmasterPid(): number | undefined {
    const file = path.join(pgDir, 'postmaster.pid');
    if (!fs.existsSync(file)) return undefined;
    const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  function survivors(): string[] {
    const found: string[] = [];
    for (const pid of workerPids) if (alive(pid)) found.push(`worker or API ${pid}`);
    for (const pid of temporalPids) if (alive(pid)) found.push(`dev server ${pid}`);
    const postmaster = postmasterPid();
    if (postmaster && alive(postmaster)) found.push(`postgres ${postmaster}`);
    // Every server of this system names the throwaway directory on its command line.
    const pgrep = spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' });
    for (const pid of (pgrep.stdout ?? '').split('\n').filter(Boolean))
      if (Number(pid) !== process.pid)
        found.push(`pgrep ${pid}: ${spawnSync('ps', ['-o', 'args=', '-p', pid], { encoding: 'utf8' }).stdout.trim()}`);
    return [...new Set(found)];
  }

  try {
    log(`starting in ${dir} (PostgreSQL :${pgPort}, ${cluster ? 'Temporal server' : 'dev server'} :${temporalPort})`);
    await startPostgres();
    db = createDb(pg!.url, 4);
    await migrateToLatest(db);
    await startTemporal();
    client = new Client({ connection: await Connection.connect({ address: temporalAddress }), namespace: NAMESPACE });
    await registerSearchAttributes(client, NAMESPACE, (m) => {
      throw new Error(m);
    });
    // Tokens read on every request (no cache), the per-user limit off: the faults are elsewhere.
    const apiConfig = loadConfig({
      ...process.env,
      DATABASE_URL: pg!.url,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      API_RATE_LIMIT_PER_MINUTE: '0',
      API_TOKEN_CACHE_TTL_SECONDS: '0',
    });
    if (apiChildren.length) {
      for (let i = 0; i < apiChildren.length; i++) await startApi(i);
      balancer = await startBalancer(() => apiChildren.filter((a) => running(a?.child)).map((a) => a!.port));
    } else {
      api = await startApiProcess(apiConfig, { logger: pino({ level: process.env.FAULTS_API_LOG ?? 'silent' }), closeGraceMs: 2_000 });
    }
    for (let i = 0; i < workerChildren.length; i++) await startWorker(i);
    log(`up: API ${balancer?.url ?? api!.url}`);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    dir,
    apiUrl: balancer?.url ?? api!.url,
    databaseUrl: pg!.url,
    temporalAddress,
    db,
    client,
    startWorker,
    killWorker,
    workerRunning: (slot = 0) => running(workerChildren[slot]),
    killApi: (slot) => killAndWait(apiChildren[slot]?.child ?? null),
    startApi,
    killTemporal,
    startTemporal: async () => {
      await startTemporal();
      await waitForPort(temporalPort, 'Temporal server');
    },
    stopPostgres,
    startPostgres,
    stop,
    survivors,
    logTail: () =>
      `--- worker.log\n${tail(workerLog)}\n--- temporal.log\n${tail(cluster ? path.join(dir, 'temporal-server.log') : temporalLog)}`,
  };
}

function tail(file: string, chars = 3000): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-chars) : '(no log)';
}
