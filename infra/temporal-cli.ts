import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { run, waitForPort } from './processes';

/**
 * The Temporal CLI release we build. Tags from v1.6.0 on carry a `replace` directive in
 * go.mod, which `go install pkg@version` refuses, so v1.5.1 is the newest that builds from
 * the Go module proxy (the only route to an official build on machines without internet).
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

/** Search attributes the workflows upsert; registered on every start (idempotent). */
export const SEARCH_ATTRIBUTES = {
  LeadUnit: 'Keyword',
  AssignmentStatus: 'Keyword',
  DueAt: 'Datetime',
  DirectiveNumber: 'Keyword',
} as const;

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds the `temporal` binary: an explicit path, `temporal` on PATH, the project's cache,
 * then builds it with `go install` into the cache. Returns undefined when nothing worked,
 * so the caller can fall back to the SDK's own download (machines with internet).
 */
export async function locateTemporalCli(opts: {
  explicitPath?: string;
  cacheDir: string;
  log?: (m: string) => void;
}): Promise<string | undefined> {
  const log = opts.log ?? (() => {});
  if (opts.explicitPath) {
    if (!fs.existsSync(opts.explicitPath)) throw new Error(`TEMPORAL_CLI_PATH=${opts.explicitPath} does not exist`);
    return opts.explicitPath;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  const binDir = path.join(opts.cacheDir, `temporal-cli-${TEMPORAL_CLI_VERSION}`);
  const cached = path.join(binDir, 'temporal');
  if (fs.existsSync(cached)) return cached;
  const go = onPath('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (go) {
    log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (first run only, a few minutes)...`);
    fs.mkdirSync(binDir, { recursive: true });
    await run(go, ['install', `${GO_PACKAGE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: binDir, GOFLAGS: '-buildvcs=false' },
      cwd: binDir,
    });
    if (fs.existsSync(cached)) return cached;
  }
  return undefined;
}

export interface DevServerOptions {
  binary: string;
  port: number;
  uiPort: number | null;
  namespace: string;
  dbFile: string | null;
  logFile?: string;
  /**
   * A process group of its own: Ctrl-C in the terminal then reaches only `npm start`, which stops
   * the server after the worker has drained, instead of the server vanishing under the worker.
   */
  detached?: boolean;
  /** Called as soon as the process exists, before it listens (to record or guard its pid). */
  onSpawn?: (child: ChildProcess) => void;
}

/**
 * Starts `temporal server start-dev` and waits for its frontend port. The search attributes
 * passed here only take effect on a new database file; `registerSearchAttributes` covers restarts.
 */
export async function startDevServer(o: DevServerOptions): Promise<ChildProcess> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--namespace', o.namespace, '--log-level', 'warn'];
  if (o.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(o.uiPort));
  if (o.dbFile) args.push('--db-filename', o.dbFile, '--sqlite-pragma', 'journal_mode=wal');
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  const out = o.logFile ? fs.openSync(o.logFile, 'a') : 'ignore';
  const child = spawn(o.binary, args, { stdio: ['ignore', out, out], detached: o.detached ?? false });
  if (typeof out === 'number') fs.closeSync(out);
  o.onSpawn?.(child);
  await waitForPort(o.port, 'Temporal dev server', 60_000, child);
  return child;
}
