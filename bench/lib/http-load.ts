import { fork, type ChildProcess } from 'node:child_process';
import { runPool, type PoolRun } from './stats';

/*
 * An HTTP load generator in a process of its own, so that the client's work (building,
 * sending and reading requests) is not charged to the API process it measures. The parent
 * sends a job over IPC; this file, run as the child, answers with the latencies.
 */

export interface HttpJob {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  bodies: unknown[];
  concurrency: number;
  /** The status every response must have. */
  expect: number;
  /** Times a 503 (the API's "try again") is retried, a second apart; 0 by default. */
  retries503?: number;
}

type Reply = { ok: true; run: PoolRun } | { ok: false; error: string };

export interface HttpLoad {
  run(job: HttpJob): Promise<PoolRun>;
  close(): Promise<void>;
}

/** Starts the load generator process. */
export function startHttpLoad(): HttpLoad {
  const child: ChildProcess = fork(__filename, ['--child'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let pending: ((r: Reply) => void) | null = null;
  child.on('message', (m: Reply) => pending?.(m));
  return {
    run(job) {
      return new Promise((resolve, reject) => {
        pending = (r) => (r.ok ? resolve(r.run) : reject(new Error(r.error)));
        child.send(job);
      });
    },
    close() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      });
    },
  };
}

async function serve(job: HttpJob): Promise<Reply> {
  try {
    const run = await runPool(job.bodies, job.concurrency, async (body) => {
      const send = () =>
        fetch(job.url, { method: job.method, headers: job.headers, body: job.method === 'POST' ? JSON.stringify(body) : undefined });
      let res = await send();
      let retry = 0;
      while (res.status === 503 && retry < (job.retries503 ?? 0)) {
        await res.text();
        await new Promise((r) => setTimeout(r, 1_000));
        res = await send();
        retry++;
      }
      const text = await res.text();
      // A retried launch may meet its own first attempt, started before the 503: a 409 then is that one.
      if (res.status !== job.expect && !(retry > 0 && res.status === 409))
        throw new Error(`${job.method} ${job.url} answered ${res.status}: ${text.slice(0, 300)}`);
    });
    return { ok: true, run };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

if (process.argv.includes('--child') && process.send) {
  process.on('message', (job: HttpJob) => {
    void serve(job).then((reply) => process.send!(reply));
  });
}
