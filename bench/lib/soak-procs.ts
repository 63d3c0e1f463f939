import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { sql, type Kysely } from 'kysely';
import { temporal as proto } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import type { Database } from '../../db/schema';
import { locatePgBin } from '../../infra/postgres';
import { stopChild } from '../../infra/processes';

/*
 * The processes a soak run watches: the production worker and API entries, each spawned as a
 * Node process of its own (so /proc shows each one's memory apart), and the servers Bench
 * started (dev server, PostgreSQL), found through /proc.
 */

export interface Memory {
  /** VmRSS, bytes. */
  rss: number;
  /** VmHWM (the kernel's peak RSS), bytes. */
  hwm: number;
}

const NONE: Memory = { rss: NaN, hwm: NaN };

/** VmRSS and VmHWM of one process; NaN once it is gone. */
export function memoryOf(pid: number | undefined): Memory {
  if (!pid) return NONE;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return NONE;
  }
}

/** Proportional set size: shared pages divided among the processes that map them. */
function pssOf(pid: number): number {
  try {
    const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number | null {
  try {
    // The command name is in parentheses and may hold spaces: the fields after the last ')' are fixed.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function commOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export function childrenOf(ppid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => parentOf(pid) === ppid);
}

/** The Temporal dev server Bench spawned: this process's child named `temporal`. */
export function findDevServerPid(): number | undefined {
  return childrenOf(process.pid).find((pid) => commOf(pid) === 'temporal');
}

/** The postmaster of the database `db` talks to: the parent of one of its backends. */
export async function findPostmasterPid(db: Kysely<Database>): Promise<number | undefined> {
  const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db);
  return parentOf(rows[0].pid) ?? undefined;
}

/**
 * PostgreSQL's memory: the postmaster and its backends. Their RSS counts shared_buffers once per
 * backend that touched them, so the sum is of PSS (each shared page divided among its mappers);
 * `processes` tells how many there were.
 */
export function postgresMemory(postmaster: number | undefined): { pss: number; processes: number } {
  if (!postmaster) return { pss: NaN, processes: 0 };
  const pids = [postmaster, ...childrenOf(postmaster)];
  return { pss: pids.reduce((s, pid) => s + pssOf(pid), 0), processes: pids.length };
}

export interface EntryProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Rejects when the process has exited. */
  alive(): void;
}

/**
 * Runs a production entry (`worker/main.ts`, `api/main.ts`) as `node --import tsx <file>`, so
 * the pid is the Node process itself and not a wrapper; output goes to `logFile`.
 * `register` receives the stop step (SIGTERM, then SIGKILL after `graceMs`).
 */
export function spawnEntry(
  name: string,
  file: string,
  env: Record<string, string>,
  logFile: string,
  register: (stop: () => Promise<void>) => void,
  graceMs = 30_000,
): EntryProcess {
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(file)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  register(async () => {
    await stopChild(child, graceMs);
    fs.closeSync(log);
  });
  return {
    name,
    child,
    pid: child.pid!,
    logFile,
    alive() {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}); see ${logFile}`);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the entry answers `ready()` true, failing when it exits or after `timeoutMs`. */
export async function waitUntil(entry: EntryProcess, what: string, ready: () => Promise<boolean>, timeoutMs = 180_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    entry.alive();
    if (await ready().catch(() => false)) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${entry.name}: ${what} not within ${timeoutMs / 1000} s; see ${entry.logFile}`);
    await sleep(500);
  }
}

/** True once a worker polls the task queue's workflow tasks. */
export async function workerPolling(client: Client, namespace: string, taskQueue: string): Promise<boolean> {
  const res = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (res.pollers?.length ?? 0) > 0;
}

/**
 * A last resort for when this process is killed outright (SIGKILL, a supervisor's timeout) and
 * its own teardown never runs: a detached shell waits for this pid to vanish, then ends the
 * entries and the dev server and stops PostgreSQL, which pg_ctl runs outside our process group.
 * After a normal exit or Ctrl-C everything is already stopped and the shell finds nothing to do.
 */
export async function reapWhenGone(
  db: Kysely<Database>,
  processes: readonly { pid: number | undefined; cmdline: string }[],
  pgBinDir?: string,
): Promise<void> {
  const { rows } = await sql<{ data_directory: string }>`SHOW data_directory`.execute(db);
  const dataDir = rows[0].data_directory;
  const pgCtl = path.join(locatePgBin(pgBinDir), 'pg_ctl');
  const asServer = process.getuid?.() === 0 ? 'runuser -u postgres -- ' : '';
  const quote = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;
  const throwaway = path.dirname(dataDir);
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done`,
    // A pid is ended only while its command line is still ours: after a normal exit it may be someone else's.
    ...processes
      .filter((p) => p.pid)
      .map((p) => `if tr '\\0' ' ' < /proc/${p.pid}/cmdline 2>/dev/null | grep -qF -e ${quote(p.cmdline)}; then kill -TERM ${p.pid}; fi`),
    `[ -f ${quote(path.join(dataDir, 'postmaster.pid'))} ] && ${asServer}${quote(pgCtl)} -D ${quote(dataDir)} -m fast -w stop >/dev/null 2>&1`,
    // Only a benchmark's own throwaway directory is ever removed.
    /\/directive-engine-bench-[^/]+$/.test(throwaway) ? `rm -rf ${quote(throwaway)}` : 'true',
  ].join('; ');
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}
