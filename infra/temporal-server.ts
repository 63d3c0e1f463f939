import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { isListening, run, stopChild, waitForPort } from './processes';
import { registerNamespace, registerSearchAttributes } from './temporal';

/**
 * The full Temporal server (not the dev server), its schema tool and the Web UI, built with
 * `go install` from the Go module proxy like the CLI (infra/temporal-cli.ts): the only route to
 * official builds on machines that reach package registries alone.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_VERSION = 'v2.42.1';
const SERVER_MODULE = 'go.temporal.io/server';
/** History shards of a new cluster: fixed for its life (written into the database at setup). */
export const DEFAULT_HISTORY_SHARDS = 4;
/** Temporal's two databases and the schema directory (under `schema/postgresql/v12`) of each. */
export const TEMPORAL_DATABASES = [
  { database: 'temporal', schema: 'temporal' },
  { database: 'temporal_visibility', schema: 'visibility' },
] as const;

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12` copied out of the module, so the Go module cache may be cleaned. */
  schemaDir: string;
  /** Null when the UI server could not be built (the cluster runs without it). */
  ui: string | null;
}

function findGo(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  return fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined;
}

async function goInstall(go: string, binDir: string, packages: string[]) {
  fs.mkdirSync(binDir, { recursive: true });
  await run(go, ['install', ...packages], { env: { ...process.env, GOBIN: binDir, GOFLAGS: '-buildvcs=false' }, cwd: binDir });
}

/** Builds (first run only) and caches the server, the schema tool, the schemas and the UI server. */
export async function provisionTemporalServer(cacheDir: string, log: (m: string) => void = () => {}): Promise<TemporalServerBinaries> {
  const dir = path.join(cacheDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const server = path.join(dir, 'server');
  const sqlTool = path.join(dir, 'sql');
  const schemaDir = path.join(dir, 'schema', 'postgresql', 'v12');
  const go = findGo();
  if (!fs.existsSync(server) || !fs.existsSync(sqlTool) || !fs.existsSync(schemaDir)) {
    if (!go) throw new Error('Cần Go (>= 1.25) để dựng Temporal server từ Go module proxy');
    log(`Đang dựng Temporal server ${TEMPORAL_SERVER_VERSION} và công cụ schema bằng go install (chỉ lần đầu, vài phút)...`);
    await goInstall(go, dir, [
      `${SERVER_MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
      `${SERVER_MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
    ]);
    const modCache = (await run(go, ['env', 'GOMODCACHE'])).trim();
    const source = path.join(modCache, `${SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
    fs.cpSync(source, schemaDir, { recursive: true });
    // The module cache is read-only; our copy must stay removable.
    for (const file of fs.readdirSync(schemaDir, { recursive: true, withFileTypes: true })) {
      fs.chmodSync(path.join(file.parentPath, file.name), file.isDirectory() ? 0o755 : 0o644);
    }
  }
  const uiDir = path.join(cacheDir, `temporal-ui-server-${TEMPORAL_UI_VERSION}`);
  let ui: string | null = path.join(uiDir, 'server');
  if (!fs.existsSync(ui)) {
    try {
      if (!go) throw new Error('no Go');
      log(`Đang dựng Temporal Web UI ${TEMPORAL_UI_VERSION} bằng go install (chỉ lần đầu)...`);
      await goInstall(go, uiDir, [`github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`]);
    } catch (err) {
      log(`Không dựng được Temporal Web UI (${(err as Error).message.split('\n')[0]}); cụm chạy không có UI`);
      ui = null;
    }
  }
  return { server, sqlTool, schemaDir, ui };
}

/** The ports of one Temporal server (all services in one process), chosen apart from the dev server's. */
export interface TemporalServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  membership: { frontend: number; history: number; matching: number; worker: number };
  metrics: number;
  ui: number;
}

/** Ports from a base: frontend at base, the other services next to it (base 7633 → 7633–7639, 6633–6639). */
export function portsFrom(base: number, uiPort: number): TemporalServerPorts {
  return {
    frontend: base,
    frontendHttp: base + 10,
    history: base + 1,
    matching: base + 2,
    worker: base + 6,
    membership: { frontend: base - 1000, history: base - 999, matching: base - 998, worker: base - 994 },
    metrics: base + 57,
    ui: uiPort,
  };
}

export interface TemporalPersistence {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * The server's configuration: persistence and visibility on PostgreSQL (plugin postgres12), the
 * given number of history shards (fixed for the cluster's life: it is written into the database),
 * every service in one process on loopback.
 */
export function serverConfigYaml(o: {
  ports: TemporalServerPorts;
  db: TemporalPersistence;
  historyShards: number;
  dynamicConfigPath: string;
}): string {
  const store = (database: string, maxConns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "${o.db.host}:${o.db.port}"
        connectProtocol: "tcp"
        user: "${o.db.user}"
        password: "${o.db.password}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (grpc: number, membership: number, extra = '') => `    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${o.historyShards}
  datastores:
    postgres-default:
${store(TEMPORAL_DATABASES[0].database, 20)}
    postgres-visibility:
${store(TEMPORAL_DATABASES[1].database, 5)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
  metrics:
    prometheus:
      framework: "tally"
      timerType: "histogram"
      listenAddress: "127.0.0.1:${o.ports.metrics}"
services:
  frontend:
${service(o.ports.frontend, o.ports.membership.frontend, `\n      httpPort: ${o.ports.frontendHttp}`)}
  history:
${service(o.ports.history, o.ports.membership.history)}
  matching:
${service(o.ports.matching, o.ports.membership.matching)}
  worker:
${service(o.ports.worker, o.ports.membership.worker)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${o.ports.frontend}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${o.dynamicConfigPath}"
  pollInterval: "10s"
`;
}

/**
 * Creates the databases when missing and brings both schemas to the newest version the server
 * knows. Idempotent: `setup-schema` is run only on a database without Temporal's schema table,
 * and `update-schema` applies only the versions not yet applied.
 */
export async function setupTemporalSchemas(bin: TemporalServerBinaries, db: TemporalPersistence, log: (m: string) => void = () => {}) {
  const base = ['--plugin', 'postgres12', '--ep', db.host, '--port', String(db.port), '--user', db.user, '--password', db.password];
  for (const { database, schema } of TEMPORAL_DATABASES) {
    const tool = (...args: string[]) => run(bin.sqlTool, [...base, '--db', database, ...args]);
    await tool('create-database').catch((err: Error) => {
      if (!/already exists/i.test(err.message)) throw err;
    });
    await tool('setup-schema', '-v', '0.0').catch((err: Error) => {
      // A database already set up keeps its schema_version row; re-running setup is refused.
      if (!/already exists/i.test(err.message)) throw err;
    });
    await tool('update-schema', '-d', path.join(bin.schemaDir, schema, 'versioned'));
    log(`Temporal schema (${database}): đã cập nhật`);
  }
}

/** Starts the server (all services in one process) and waits for its frontend. */
export async function startTemporalServer(o: {
  binary: string;
  rootDir: string;
  configYaml: string;
  frontendPort: number;
  logFile: string;
}): Promise<ChildProcess> {
  const configDir = path.join(o.rootDir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  fs.writeFileSync(path.join(configDir, 'cluster.yaml'), o.configYaml);
  const out = fs.openSync(o.logFile, 'a');
  const child = spawn(o.binary, ['--root', o.rootDir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], {
    stdio: ['ignore', out, out],
  });
  await waitForPort(o.frontendPort, 'Temporal server', 120_000, child);
  return child;
}

/** Starts the Temporal Web UI server against the frontend. */
export async function startTemporalUi(o: {
  binary: string;
  rootDir: string;
  frontendPort: number;
  uiPort: number;
  logFile: string;
}): Promise<ChildProcess> {
  const configDir = path.join(o.rootDir, 'ui-config');
  fs.mkdirSync(configDir, { recursive: true });
  fs.writeFileSync(
    path.join(configDir, 'cluster.yaml'),
    `temporalGrpcAddress: 127.0.0.1:${o.frontendPort}\nhost: 127.0.0.1\nport: ${o.uiPort}\nenableUi: true\ndefaultNamespace: default\ncors:\n  allowOrigins: []\n`,
  );
  const out = fs.openSync(o.logFile, 'a');
  const child = spawn(o.binary, ['--root', o.rootDir, '--config', 'ui-config', '--env', 'cluster', 'start'], {
    stdio: ['ignore', out, out],
  });
  await waitForPort(o.uiPort, 'Temporal Web UI', 60_000, child);
  return child;
}

/** A Temporal server on PostgreSQL, started, and restartable on the same databases (the fault suite kills it). */
export interface ClusterTemporal {
  address: string;
  ports: TemporalServerPorts;
  bin: TemporalServerBinaries;
  /** Starts the server again after `kill` or `stop` (same configuration, same databases). */
  start(): Promise<void>;
  /** SIGKILL: no drain. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 30 s. */
  stop(): Promise<void>;
  pid(): number | undefined;
}

/**
 * Everything `npm run start:cluster` does for Temporal, for the CLI, the fault suite and the
 * benchmarks alike: binaries provisioned, schemas set up, the server started on `ports`, the
 * namespace and the search attributes registered (idempotent, as every step above).
 */
export async function startClusterTemporal(o: {
  cacheDir: string;
  dataDir: string;
  db: TemporalPersistence;
  ports: TemporalServerPorts;
  shards: number;
  namespace: string;
  log?: (m: string) => void;
}): Promise<ClusterTemporal> {
  const log = o.log ?? (() => {});
  const bin = await provisionTemporalServer(o.cacheDir, log);
  await setupTemporalSchemas(bin, o.db, log);
  const dynamicConfigPath = path.join(o.dataDir, 'dynamicconfig.yaml');
  // New search attributes are visible at once instead of after the cache's refresh.
  fs.writeFileSync(dynamicConfigPath, 'system.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n    constraints: {}\n');
  const configYaml = serverConfigYaml({ ports: o.ports, db: o.db, historyShards: o.shards, dynamicConfigPath });
  const logFile = path.join(o.dataDir, 'temporal-server.log');
  let child: ChildProcess | null = null;
  const running = () => !!child && child.exitCode === null && child.signalCode === null;
  const start = async () => {
    if (running()) throw new Error('Temporal server already running');
    child = await startTemporalServer({ binary: bin.server, rootDir: o.dataDir, configYaml, frontendPort: o.ports.frontend, logFile });
  };
  const address = `127.0.0.1:${o.ports.frontend}`;
  await start();
  try {
    const connection = await Connection.connect({ address });
    try {
      const client = new Client({ connection, namespace: o.namespace });
      await registerNamespace(client, o.namespace);
      await registerSearchAttributes(client, o.namespace, (m) => {
        throw new Error(m);
      });
    } finally {
      await connection.close();
    }
  } catch (err) {
    // The caller gets no handle to stop a server whose registration failed: stop it here.
    if (child) await stopChild(child, 5_000);
    throw err;
  }
  return {
    address,
    ports: o.ports,
    bin,
    start,
    kill: async () => {
      if (!running()) return;
      const c = child!;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
    stop: async () => {
      if (child) await stopChild(child, 30_000);
    },
    pid: () => child?.pid,
  };
}

/** Ports for a throwaway cluster: a kernel-chosen base whose neighbours (see `portsFrom`) are free too. */
export async function freeClusterPorts(): Promise<TemporalServerPorts> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 11_000 + Math.floor(Math.random() * 20_000);
    const ports = portsFrom(base, base + 100);
    const all = [ports.frontend, ports.frontendHttp, ports.history, ports.matching, ports.worker, ports.metrics, ports.ui];
    all.push(...Object.values(ports.membership));
    if (!(await Promise.all(all.map((p) => isListening(p)))).some(Boolean)) return ports;
  }
  throw new Error('no free range of ports for a Temporal server');
}
