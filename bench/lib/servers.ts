import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { createApp } from '../../api/app';
import { createMetrics, temporalClientInterceptor } from '../../api/metrics';
import { listen } from '../../api/server';
import { loadConfig, type Config } from '../../config';
import { createActivities } from '../../activities';
import { createDb, migrateToLatest } from '../../db/client';
import type { Database } from '../../db/schema';
import { locatePgBin, makeThrowawayDir, startEmbeddedPostgres } from '../../infra/postgres';
import { freePort, stopChild } from '../../infra/processes';
import { locateTemporalCli, startDevServer } from '../../infra/temporal-cli';
import { provisionTestServer, TEST_SERVER_VERSION } from '../../infra/temporal-test-server';
import { registerSearchAttributes } from '../../infra/temporal';
import { createWorker } from '../../worker/create-worker';

/*
 * Throwaway servers for one benchmark process, provisioned the way test/global-setup.ts and
 * `npm start` do (infra/): a migrated PostgreSQL, a Temporal dev server in memory, the
 * time-skipping test server, and the production worker (worker/create-worker.ts) with the
 * real activities. Everything started is stopped by `Bench.close()`, in reverse order, also
 * on Ctrl-C.
 */

export const NAMESPACE = 'default';

export interface BenchPostgres {
  url: string;
  db: Kysely<Database>;
}

export interface BenchTemporal {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
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
      Runtime.install({ logger: new DefaultLogger('WARN') });
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
    const pg = await startEmbeddedPostgres({ dataDir: pgDir, port: await freePort(), binDir: this.config.database.binDir, database: 'bench' });
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
    const nativeConnection = await NativeConnection.connect({ address });
    this.onClose(() => nativeConnection.close());
    return { address, client, nativeConnection };
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

  /**
   * The production worker (`createWorker`: workflowsPath, bounded cache) with the real
   * activities on `db`, running until `stop()` or `close()`.
   */
  async worker(connection: NativeConnection, db: Kysely<Database>, taskQueue: string): Promise<RunningWorker> {
    const worker = await createWorker({ connection, namespace: NAMESPACE, taskQueue, activities: createActivities({ db }), maxCachedWorkflows: loadConfig(process.env).worker.maxCachedWorkflows });
    const running = worker.run();
    let stopped: Promise<void> | null = null;
    const stop = () => {
      stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      })();
      return stopped;
    };
    this.onClose(stop);
    return { worker, taskQueue, stop };
  }

  /**
   * The API as api/main.ts builds it (metrics with the client interceptor, request logging at
   * info), listening on loopback. Log lines are serialized and discarded; the per-user rate
   * limit is off, since it would cap a benchmark's single user at its quota, not at capacity.
   */
  async api(db: Kysely<Database>, temporal: BenchTemporal | null, taskQueue: string): Promise<{ url: string }> {
    const metrics = createMetrics();
    // Without a server (reports only) the client connects lazily, i.e. never.
    const client = new Client({ ...(temporal ? { connection: temporal.client.connection } : {}), namespace: NAMESPACE, interceptors: { workflow: [temporalClientInterceptor(metrics)] } });
    const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
    const app = createApp({ db, temporal: client, taskQueue, logger, metrics, rateLimitPerMinute: 0 });
    const server = await listen(app, '127.0.0.1', 0);
    this.onClose(() => server.close(1_000));
    return { url: server.url };
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
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
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
