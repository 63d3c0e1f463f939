import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { apiLogDestination } from '../../api/app';
import { startApiProcess } from '../../app/api-process';
import { startWorkerProcess } from '../../app/worker-process';
import { loadConfig, type Config } from '../../config';
import { createDb, migrateToLatest } from '../../db/client';
import type { Database } from '../../db/schema';
import { locatePgBin, makeThrowawayDir, startEmbeddedPostgres } from '../../infra/postgres';
import { freePort, stopChild } from '../../infra/processes';
import { locateTemporalCli, startDevServer } from '../../infra/temporal-cli';
import { provisionTestServer, TEST_SERVER_VERSION } from '../../infra/temporal-test-server';
import { registerSearchAttributes } from '../../infra/temporal';

/*
 * Throwaway servers for one benchmark process, provisioned the way test/global-setup.ts and
 * `npm start` do (infra/): a migrated PostgreSQL, a Temporal dev server in memory, the
 * time-skipping test server; and the production worker and API built by the same process roots
 * as their entries (app/worker-process.ts, app/api-process.ts), configured through the same
 * environment variables. Everything started is stopped by `Bench.close()`, in reverse order,
 * also on Ctrl-C.
 */

export const NAMESPACE = 'default';

export interface BenchPostgres {
  url: string;
  db: Kysely<Database>;
}

export interface BenchTemporal {
  address: string;
  client: Client;
}

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** The servers and connections of one benchmark; `close()` stops what was started. */
export class Bench {
  readonly config: Config = loadConfig(process.env);
  private readonly stops: Array<() => Promise<void>> = [];
  private closing: Promise<void> | null = null;

  constructor(readonly log: (m: string) => void = (m) => console.log(`[bench] ${m}`)) {
    if (!runtimeInstalled) {
      // Workers log every state change at INFO; a benchmark only wants to hear about problems.
      // Signals are the Bench's (close() stops the worker once), not the SDK's.
      Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
      runtimeInstalled = true;
    }
    const onSignal = () => {
      this.log('interrupted: stopping servers');
      void this.close().finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  /** Registers a teardown step (run in reverse order of registration). */
  onClose(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  /** A fresh PostgreSQL cluster on a free port, migrated to the latest schema. */
  async postgres(opts: { poolSize?: number } = {}): Promise<BenchPostgres> {
    const pgDir = makeThrowawayDir('directive-engine-bench-');
    const pg = await startEmbeddedPostgres({
      dataDir: pgDir,
      port: await freePort(),
      binDir: this.config.database.binDir,
      database: 'bench',
    });
    this.onClose(async () => {
      await pg.stop();
      fs.rmSync(path.dirname(pgDir), { recursive: true, force: true });
    });
    const db = createDb(pg.url, opts.poolSize ?? 10);
    this.onClose(async () => {
      await db.destroy();
      // pg-pool resolves end() once its clients are told to end, not once their sockets are
      // closed; stopping the server in between makes a closing client emit an unhandled error.
      await new Promise((r) => setTimeout(r, 500));
    });
    await migrateToLatest(db);
    return { url: pg.url, db };
  }

  /** `temporal server start-dev --headless`, in memory, with the search attributes registered. */
  async devServer(): Promise<BenchTemporal> {
    const cli = await locateTemporalCli({ explicitPath: this.config.temporal.cliPath, cacheDir: this.config.cacheDir, log: this.log });
    if (!cli) throw new Error('Temporal CLI not found and could not be built (is Go installed?)');
    const port = await freePort();
    const child: ChildProcess = await startDevServer({ binary: cli, port, uiPort: null, namespace: NAMESPACE, dbFile: null });
    this.onClose(() => stopChild(child));
    const address = `127.0.0.1:${port}`;
    const connection = await Connection.connect({ address });
    this.onClose(() => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE });
    await registerSearchAttributes(client, NAMESPACE, (m) => {
      throw new Error(m);
    });
    return { address, client };
  }

  /** Temporal's time-skipping test server (spawned by the SDK from the provisioned Java artifact). */
  async timeSkipping(): Promise<TestWorkflowEnvironment> {
    const executable = await provisionTestServer(this.config.cacheDir, this.log);
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: executable } } });
    this.onClose(() => env.teardown());
    await registerSearchAttributes(env.client, NAMESPACE, (m) => {
      throw new Error(m);
    });
    return env;
  }

  /** The configuration the process roots read: this benchmark's servers and task queue, then `env`. */
  private rootConfig(
    pg: { url: string },
    temporalAddress: string | undefined,
    taskQueue: string,
    env: Record<string, string> = {},
  ): Config {
    return loadConfig({
      ...process.env,
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ...env,
    });
  }

  /**
   * The production worker (`app/worker-process.ts`: its own pool, `createWorker` with the real
   * activities, the bounded cache) on `temporal`'s server, running until `stop()` or `close()`.
   * Without the delivery dispatcher: the benchmarks measure the workflows and their writes.
   */
  async worker(temporal: { address: string }, pg: { url: string }, taskQueue: string): Promise<RunningWorker> {
    const logger = pino({ level: 'warn' });
    const root = await startWorkerProcess(this.rootConfig(pg, temporal.address, taskQueue), { logger, delivery: false });
    this.onClose(() => root.stop());
    return { worker: root.worker, taskQueue, stop: () => root.stop() };
  }

  /**
   * The API as api/main.ts builds it (`app/api-process.ts`: its own pool, the token cache with
   * its revocation listener, metrics with the client interceptor, request logging at info through
   * the batched destination, here to /dev/null), listening on a free loopback port. The per-user
   * rate limit is off, since it would cap a benchmark's single user at its quota, not at
   * capacity; `env` sets any other variable (`API_TOKEN_CACHE_TTL_SECONDS: '0'`).
   */
  async api(
    pg: { url: string },
    temporal: BenchTemporal | null,
    taskQueue: string,
    env: Record<string, string> = {},
  ): Promise<{ url: string }> {
    const config = this.rootConfig(pg, temporal?.address, taskQueue, {
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      API_RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    });
    const logger = pino({ level: 'info' }, apiLogDestination('/dev/null'));
    // Without a server (reports only) the client connects lazily, i.e. never.
    const root = await startApiProcess(config, { logger, lazyTemporal: !temporal, closeGraceMs: 1_000 });
    this.onClose(() => root.stop());
    return { url: root.url };
  }

  /** Stops everything started, in reverse order; safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // A connection the server drops while shutting down (57P01) is expected here, not a failure.
      const ignoreShutdown = (err: Error & { code?: string }) => {
        if (err.code !== '57P01') throw err;
      };
      process.on('uncaughtException', ignoreShutdown);
      for (const stop of this.stops.splice(0).reverse()) await stop().catch((err) => console.error(err));
    })();
    return this.closing;
  }
}

/** Runs a benchmark's body with a `Bench`, always closing it; a failure exits non-zero. */
export function runBench(body: (bench: Bench) => Promise<void>): void {
  const bench = new Bench();
  body(bench)
    .then(() => bench.close())
    .then(() => process.exit(0))
    .catch(async (err) => {
      console.error(err);
      await bench.close();
      process.exit(1);
    });
}

export interface MachineInfo {
  date: string;
  host: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  temporalCli: string;
  testServer: string;
  loadAverage: string;
}

function firstLine(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]
      .trim();
  } catch {
    return 'unknown';
  }
}

/** What the figures were measured on: printed at the top of every benchmark. */
export function machineInfo(config: Config = loadConfig(process.env)): MachineInfo {
  const cached = path.join(config.cacheDir, 'temporal-cli-v1.5.1', 'temporal');
  const cli = config.temporal.cliPath ?? (fs.existsSync(cached) ? cached : 'temporal');
  let pg = 'unknown';
  try {
    pg = firstLine(path.join(locatePgBin(config.database.binDir), 'postgres'), ['--version']);
  } catch {
    // reported as unknown
  }
  return {
    date: new Date().toISOString(),
    host: os.hostname(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: pg,
    temporalCli: firstLine(cli, ['--version']),
    testServer: `io.temporal:temporal-test-server:${TEST_SERVER_VERSION}`,
    loadAverage: loadAverage(),
  };
}

/** The 1/5/15-minute load averages: other developers share this machine. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function printMachine(info: MachineInfo = machineInfo()): void {
  console.log(
    `machine: ${info.cpus} × ${info.cpuModel}, ${info.memoryGiB} GiB; Node ${info.node}; ${info.postgres}; ${info.temporalCli}; ${info.testServer}; load ${info.loadAverage}; ${info.date}`,
  );
}
