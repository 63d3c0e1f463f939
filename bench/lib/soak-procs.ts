import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { sql, type Kysely } from 'kysely';
import { temporal as proto } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import type { Database } from '../../db/schema';
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
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(file)], { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
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
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}); see ${logFile}`);
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
