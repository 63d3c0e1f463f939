import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { cmdlineOf, waitForExit } from './leftovers';
import { run, waitForPort } from './processes';

/** Finds PostgreSQL's server binaries: PG_BIN_DIR, Debian's /usr/lib/postgresql/<v>/bin (newest), or PATH. */
export function locatePgBin(explicit?: string): string {
  if (explicit) return explicit;
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs.readdirSync(debian).filter((v) => fs.existsSync(path.join(debian, v, 'bin', 'pg_ctl')));
    versions.sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error('PostgreSQL server binaries not found: install Debian package postgresql-15, or set PG_BIN_DIR or DATABASE_URL');
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** initdb and postgres refuse to run as root; as root we run them as the `postgres` system user. */
function asServerUser(bin: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

export interface EmbeddedPostgres {
  /** As the superuser `postgres`, who owns the tables: for migrations, the seed and operator commands. */
  url: string;
  /** As role directive_app (created by the migrations; trust authentication, no password): for the API and the worker. */
  appUrl: string;
  dataDir: string;
  /** The postmaster's pid. */
  pid: number;
  stop(): Promise<void>;
}

/** The pid in `dataDir`'s postmaster.pid when that process is alive and is a PostgreSQL server. */
export function runningPostmaster(dataDir: string): number | undefined {
  const file = path.join(path.resolve(dataDir), 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const cmdline = cmdlineOf(pid)?.split('\0');
  if (!cmdline) return undefined;
  if (path.basename(cmdline[0] ?? '') === 'postgres') return pid;
  // The number now belongs to another process: PostgreSQL would take the file for a live server
  // (it cannot tell a reused pid from its own) and refuse to start.
  fs.rmSync(file, { force: true });
  return undefined;
}

/**
 * Stops a PostgreSQL server a previous run left on `dataDir` (fast shutdown: clients are
 * disconnected, committed data is on disk). Returns its pid, or undefined when none runs.
 */
export async function stopLeftoverPostgres(o: { dataDir: string; binDir?: string }): Promise<number | undefined> {
  const pid = runningPostmaster(o.dataDir);
  if (!pid) return undefined;
  const bin = locatePgBin(o.binDir);
  const [cmd, args] = asServerUser(path.join(bin, 'pg_ctl'), ['-D', path.resolve(o.dataDir), '-m', 'fast', '-w', '-t', '30', 'stop']);
  await run(cmd, args).catch(() => undefined);
  if (!(await waitForExit(pid, 5_000))) {
    process.kill(pid, 'SIGQUIT');
    await waitForExit(pid, 10_000);
  }
  return pid;
}

/**
 * Starts a PostgreSQL server on 127.0.0.1:port with its data in `dataDir` (created with
 * initdb when new, so data survives restarts), and makes sure `database` exists.
 */
export async function startEmbeddedPostgres(o: {
  dataDir: string;
  port: number;
  binDir?: string;
  database: string;
}): Promise<EmbeddedPostgres> {
  const bin = locatePgBin(o.binDir);
  const dataDir = path.resolve(o.dataDir);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (isRoot()) await run('chown', ['-R', 'postgres:postgres', dataDir]);
    const [cmd, args] = asServerUser(path.join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    await run(cmd, args);
  }
  const logFile = path.join(dataDir, 'server.log');
  const options = `-c listen_addresses=127.0.0.1 -p ${o.port} -k ${dataDir} -c fsync=on`;
  const [cmd, args] = asServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
  // After a postmaster was killed, its backends keep the shared memory until they notice (at
  // once when idle, at their next check when busy); PostgreSQL refuses to start until then.
  for (let attempt = 1; ; attempt++) {
    try {
      await run(cmd, args);
      break;
    } catch (err) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
      if (attempt < 20 && /shared memory block .* is still in use/.test(tail.split('\n').slice(-6).join('\n'))) {
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${tail}`, { cause: err });
    }
  }
  const pid = runningPostmaster(dataDir);
  if (!pid) throw new Error(`PostgreSQL started but ${path.join(dataDir, 'postmaster.pid')} names no running server`);
  await waitForPort(o.port, 'PostgreSQL');
  const adminUrl = `postgres://postgres@127.0.0.1:${o.port}/postgres`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [o.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${o.database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres@127.0.0.1:${o.port}/${o.database}`,
    appUrl: `postgres://directive_app@127.0.0.1:${o.port}/${o.database}`,
    dataDir,
    pid,
    async stop() {
      const [c, a] = asServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      await run(c, a).catch(() => undefined);
    },
  };
}

/** A fresh directory the server user may own, for throwaway test clusters. */
export function makeThrowawayDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return path.join(dir, 'pgdata');
}
