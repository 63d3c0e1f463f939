/**
 * `npm start` as a person runs it, for scenarios about its own processes: `npm start` in a process
 * group of its own (a terminal's foreground job: Ctrl-C is SIGINT to the whole group), on a
 * throwaway DATA_DIR and free ports that stay the same across restarts, as a person's configuration
 * does. The scenario reaches the system through the API's URL and through a pool and a Temporal
 * client of its own on the embedded servers (the invariants' checks).
 *
 * Processes are found from the outside (/proc, PostgreSQL's postmaster.pid), never from files
 * `npm start` itself writes, so the scenarios judge any version of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Kysely } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { freePort } from '../../../infra/processes';

const ROOT = path.resolve(__dirname, '../../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  args: string;
}

/** Every process on the machine, from /proc (pid, parent, process group, command line). */
export function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] === 'Z') continue;
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      found.push({ pid: Number(entry), ppid: Number(rest[1]), pgrp: Number(rest[2]), args });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead for our purposes (its parent has not reaped it yet).
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export interface NpmStartPids {
  /** The Node process that runs cli/start.ts (the innermost one when a wrapper such as tsx runs it). */
  node?: number;
  devServer?: number;
  postgres?: number;
}

export interface NpmStart {
  dataDir: string;
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  /** Spawns `npm start` and waits until /readyz answers 200; returns how long that took. */
  start(o?: { readyWithinMs?: number }): Promise<number>;
  /** True while the `npm start` spawned last has not exited. */
  running(): boolean;
  /** Resolves when the last `npm start` has exited, or false after `ms`. */
  exited(ms: number): Promise<boolean>;
  /** SIGINT to `npm start`'s process group, as Ctrl-C in its terminal; false when the group is gone. */
  interrupt(): boolean;
  pids(): NpmStartPids;
  /** Processes of this system still alive: npm's group, anything naming the data directory, the postmaster. */
  survivors(): string[];
  /** Waits up to `ms` for every process of this system to be gone; returns the survivors. */
  waitForNoSurvivors(ms: number): Promise<string[]>;
  /** The scenario's pool on the embedded PostgreSQL (created on first use, survives restarts). */
  db(): Kysely<Database>;
  /** The scenario's client on the embedded dev server (created on first use, reconnects after restarts). */
  client(): Promise<Client>;
  /** The console of every `npm start` so far (tail). */
  output(chars?: number): string;
  /** Ctrl-C, then SIGKILL for whatever is left, then removes the directory when nothing survived. */
  stop(): Promise<void>;
}

export async function npmStart(name: string, log: (m: string) => void = (m) => console.log(`[${name}] ${m}`)): Promise<NpmStart> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `directive-engine-faults-${name}-`));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'data');
  const consoleLog = path.join(dir, 'console.log');
  const [apiPort, pgPort, devPort, uiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/directives`;
  const temporalAddress = `127.0.0.1:${devPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    API_PORT: String(apiPort),
    PG_PORT: String(pgPort),
    TEMPORAL_DEV_PORT: String(devPort),
    TEMPORAL_UI_PORT: String(uiPort),
    DELIVERY_POLL_MS: '1000',
    PUBLIC_BASE_URL: 'https://giaoviec.thainguyen.gov.vn',
    SMTP_HOST: '',
    LOG_LEVEL: 'info',
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  let npm: ChildProcess | null = null;
  const groups: number[] = [];
  const seenNode = new Set<number>();
  const seenDevServer = new Set<number>();
  let pool: Kysely<Database> | null = null;
  let temporal: Client | null = null;

  const running = () => !!npm && npm.exitCode === null && npm.signalCode === null;

  const pids = (): NpmStartPids => {
    const all = processes();
    const starts = all.filter((p) => p.args.includes('cli/start.ts') && groups.includes(p.pgrp));
    const node = starts.find((p) => !starts.some((c) => c.ppid === p.pid));
    const devServer = all.find((p) => p.args.includes(path.join(dataDir, 'temporal.sqlite')) && p.args.includes('start-dev'));
    if (node) seenNode.add(node.pid);
    if (devServer) seenDevServer.add(devServer.pid);
    return { node: node?.pid, devServer: devServer?.pid, postgres: postmasterPid() };
  };

  function postmasterPid(): number | undefined {
    const file = path.join(dataDir, 'postgres', 'postmaster.pid');
    if (!fs.existsSync(file)) return undefined;
    const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
  }

  const survivors = (): string[] => {
    const found: string[] = [];
    for (const p of processes()) {
      if (p.pid === process.pid) continue;
      if (groups.includes(p.pgrp) || p.args.includes(dataDir) || seenNode.has(p.pid) || seenDevServer.has(p.pid))
        found.push(`${p.pid}: ${p.args.slice(0, 200)}`);
    }
    const postmaster = postmasterPid();
    if (postmaster && !found.some((f) => f.startsWith(`${postmaster}:`))) found.push(`${postmaster}: postmaster of ${dataDir}`);
    return found;
  };

  const start = async (o: { readyWithinMs?: number } = {}) => {
    if (running()) throw new Error('npm start is already running');
    const readyWithin = o.readyWithinMs ?? 60_000;
    const out = fs.openSync(consoleLog, 'a');
    fs.writeSync(out, `\n===== npm start at ${new Date().toISOString()}\n`);
    const began = Date.now();
    // detached: a process group of its own, as a terminal gives a foreground job.
    const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    npm = child;
    groups.push(child.pid!);
    while (Date.now() - began < readyWithin) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`npm start exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(consoleLog)}`);
      try {
        const res = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) {
          pids();
          return Date.now() - began;
        }
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`npm start was not ready within ${readyWithin} ms:\n${tail(consoleLog)}`);
  };

  const exited = async (ms: number) => {
    const child = npm;
    if (!child || child.exitCode !== null || child.signalCode !== null) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  };

  const waitForNoSurvivors = async (ms: number) => {
    const deadline = Date.now() + ms;
    let left = survivors();
    while (left.length && Date.now() < deadline) {
      await sleep(250);
      left = survivors();
    }
    return left;
  };

  const stop = async () => {
    await temporal?.connection.close().catch(() => undefined);
    await pool?.destroy().catch(() => undefined);
    temporal = null;
    pool = null;
    if (running()) {
      try {
        process.kill(-npm!.pid!, 'SIGINT');
      } catch {
        // the group is gone already
      }
      await exited(60_000);
    }
    let left = await waitForNoSurvivors(30_000);
    if (left.length) {
      log(`still running after Ctrl-C, killed: ${left.join('; ')}`);
      for (const s of left) {
        try {
          process.kill(Number(s.split(':')[0]), 'SIGKILL');
        } catch {
          // gone
        }
      }
      left = await waitForNoSurvivors(10_000);
    }
    // Leftover shared memory of a killed PostgreSQL goes with its last backend; nothing else to undo.
    if (!left.length && !process.env.FAULTS_KEEP_DIRS) fs.rmSync(dir, { recursive: true, force: true });
  };

  log(`npm start in ${dataDir} (API :${apiPort}, PostgreSQL :${pgPort}, dev server :${devPort})`);
  return {
    dataDir,
    apiUrl,
    databaseUrl,
    temporalAddress,
    start,
    running,
    exited,
    interrupt: () => {
      // Ctrl-C after the job ended reaches nothing; the scenario counts presses that landed.
      if (!npm?.pid) return false;
      try {
        process.kill(-npm.pid, 'SIGINT');
        return true;
      } catch {
        return false;
      }
    },
    pids,
    survivors,
    waitForNoSurvivors,
    db: () => (pool ??= createDb(databaseUrl, 4)),
    client: async () =>
      (temporal ??= new Client({ connection: await Connection.connect({ address: temporalAddress }), namespace: 'default' })),
    output: (chars = 4000) => tail(consoleLog, chars),
    stop,
  };
}

function tail(file: string, chars = 4000): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-chars) : '(no output)';
}
