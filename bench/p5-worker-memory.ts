/**
 * P5 — worker memory with 10,000 open assignments.
 *
 *   tsx bench/p5-worker-memory.ts [--n 10000] [--step 1000] [--touch 2000] [--concurrency 32] [--profile]
 *
 * The production worker entry (worker/main.ts: createWorker, maxCachedWorkflows as configured
 * there, the real activities) runs in a process of its own against a dev server and a
 * throwaway PostgreSQL, so its resident set is its own. n assignments due months ahead are
 * launched in steps; after each step, once the worker has run every new workflow to its first
 * sleep (its read-model row exists), the worker's RSS is sampled, and the kernel's high-water
 * mark (VmHWM) gives the peak. Then `touch` workflows launched early (long evicted from the
 * cache) are queried, which makes the worker replay them and evict others.
 * Target: peak ≤ 1.5 GiB, and bounded: RSS at n is not much above RSS at the cache size.
 * `--profile` runs the worker under `node --cpu-prof --heap-prof` (every thread, the workflow
 * thread included) and prints where its CPU time and its live heap go.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { temporal as proto } from '@temporalio/proto';
import { loadConfig } from '../config';
import { stopChild } from '../infra/processes';
import { taskIdFor, workflowIdFor, type DirectiveTaskInput } from '../domain/task';
import * as messages from '../workflows/messages';
import { launchBody } from './lib/fixtures';
import { printCpuProfileFile, printHeapSummary } from './lib/profile';
import { loadAverage, NAMESPACE, printMachine, runBench } from './lib/servers';
import { boolFlag, numberFlag } from './lib/flags';
import { fmt, limitCheck, now, reportResult, runPool, table } from './lib/stats';
import type { Check } from './lib/stats';

const N = numberFlag('n', 10_000);
const STEP = numberFlag('step', 1000);
const TOUCH = numberFlag('touch', 2000);
const CONCURRENCY = numberFlag('concurrency', 32);
const PROFILE = boolFlag('profile');
const TASK_QUEUE = 'bench-p5';
const GIB = 2 ** 30;
/** The worker's cache size: WORKER_MAX_CACHED_WORKFLOWS as the worker process reads it. */
const CACHE_SIZE = loadConfig(process.env).worker.maxCachedWorkflows;

/** VmRSS and VmHWM of a process, in bytes (Linux /proc). */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

runBench(async (bench) => {
  printMachine();
  console.log(`P5 worker memory: ${N} open assignments in steps of ${STEP}, then ${TOUCH} queries of evicted ones`);
  const { db, url } = await bench.postgres({ poolSize: 4 });
  const temporal = await bench.devServer();

  const logFile = path.join(os.tmpdir(), `bench-p5-worker-${process.pid}.log`);
  const log = fs.openSync(logFile, 'w');
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-p5-profile-'));
  const profileFlags = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--heap-prof', `--heap-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profileFlags, '--import', 'tsx', path.resolve(__dirname, '../worker/main.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    },
    stdio: ['ignore', log, log],
  });
  bench.onClose(async () => {
    await stopChild(child, 30_000);
    fs.closeSync(log);
  });
  const pid = child.pid!;
  const pollers = async () =>
    (
      await temporal.client.workflowService.describeTaskQueue({
        namespace: NAMESPACE,
        taskQueue: { name: TASK_QUEUE },
        taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      })
    ).pollers?.length ?? 0;
  const t0 = now();
  while ((await pollers()) === 0) {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}; see ${logFile}`);
    if (now() - t0 > 180_000) throw new Error(`worker not polling after 3 minutes; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const idle = memoryOf(pid);
  console.log(`worker pid ${pid} polling after ${fmt.ms(now() - t0)} (bundling the workflows included); idle RSS ${fmt.mib(idle.rss)}`);

  // A background sampler catches what the step samples miss; VmHWM is the kernel's own peak.
  let sampledPeak = idle.rss;
  const sampler = setInterval(() => {
    if (child.exitCode === null) sampledPeak = Math.max(sampledPeak, memoryOf(pid).rss);
  }, 250);
  bench.onClose(async () => clearInterval(sampler));

  const nowMs = Date.now();
  const inputs: DirectiveTaskInput[] = Array.from({ length: N }, (_, i) => {
    const launch = launchBody(`P5-${String(Math.floor(i / 500)).padStart(3, '0')}/TB`, i % 500, nowMs, 120 + (i % 240));
    return {
      taskId: taskIdFor({ directiveNumber: launch.directiveNumber, directiveYear: 2026, directiveIssuer: null }, launch.ref),
      launch,
    };
  });
  const rows = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM tasks`.execute(db)).rows[0].n);
  const samples: { open: number; rss: number; hwm: number; launchMs: number; settleMs: number }[] = [];

  for (let from = 0; from < N; from += STEP) {
    const batch = inputs.slice(from, from + STEP);
    const launched = await runPool(batch, CONCURRENCY, (input) =>
      temporal.client.workflow.start('directiveTask', { taskQueue: TASK_QUEUE, workflowId: workflowIdFor(input.taskId), args: [input] }),
    );
    const s0 = now();
    const target = from + batch.length;
    while ((await rows()) < target) {
      if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const m = memoryOf(pid);
    samples.push({ open: target, rss: m.rss, hwm: m.hwm, launchMs: launched.elapsedMs, settleMs: now() - s0 });
    console.log(
      `${String(target).padStart(6)} open: RSS ${fmt.mib(m.rss)}, peak ${fmt.mib(m.hwm)}; launched in ${fmt.ms(launched.elapsedMs)}, worker caught up ${fmt.ms(now() - s0)} later (load ${loadAverage()})`,
    );
  }

  // Queries of the earliest assignments: evicted long ago, so each one is replayed into the cache.
  const touchRun = await runPool(inputs.slice(0, Math.min(TOUCH, N)), 8, (input) =>
    temporal.client.workflow.getHandle(workflowIdFor(input.taskId)).query(messages.getStateQuery),
  );
  const touched = memoryOf(pid);
  console.log(
    `queried ${Math.min(TOUCH, N)} evicted assignments in ${fmt.ms(touchRun.elapsedMs)}: RSS ${fmt.mib(touched.rss)}, peak ${fmt.mib(touched.hwm)}`,
  );
  await new Promise((r) => setTimeout(r, 5_000));
  const rest = memoryOf(pid);
  const open = await sql<{ n: string }>`SELECT count(*) AS n FROM tasks WHERE status NOT IN ('completed', 'cancelled')`.execute(db);
  clearInterval(sampler);

  console.log('\nP5 figures');
  console.log(
    table(
      ['open assignments', 'RSS', 'peak (VmHWM)', 'launch', 'worker caught up'],
      [
        ['0 (idle)', fmt.mib(idle.rss), fmt.mib(idle.hwm), '', ''],
        ...samples.map((s) => [String(s.open), fmt.mib(s.rss), fmt.mib(s.hwm), fmt.ms(s.launchMs), fmt.ms(s.settleMs)]),
        [`${N} + ${Math.min(TOUCH, N)} replayed`, fmt.mib(touched.rss), fmt.mib(touched.hwm), '', fmt.ms(touchRun.elapsedMs)],
        [`${N}, 5 s later`, fmt.mib(rest.rss), fmt.mib(rest.hwm), '', ''],
      ],
    ),
  );
  console.log(`open in the read model: ${open.rows[0].n}; sampled peak RSS ${fmt.mib(sampledPeak)}`);

  const peak = Math.max(rest.hwm, sampledPeak);
  const atCache = samples.find((s) => s.open >= CACHE_SIZE) ?? samples[0];
  const atEnd = samples[samples.length - 1];
  const growthPer1000 = atEnd.open > atCache.open ? ((atEnd.rss - atCache.rss) / (atEnd.open - atCache.open)) * 1000 : 0;
  const checks: Check[] = [
    limitCheck('P5', `peak worker RSS with ${N} open`, peak, 1.5 * GIB, (x) => `${(x / GIB).toFixed(2)} GiB`),
    {
      id: 'P5',
      what: `bounded: RSS at ${atEnd.open} vs at ${atCache.open} open (cache ${CACHE_SIZE})`,
      measured: fmt.mib(atEnd.rss),
      baseline: fmt.mib(atCache.rss),
      ratio: atEnd.rss / atCache.rss,
      target: '≤ 1.25× (flat past the cache)',
      // Only judged when the run goes past the cache size.
      pass: atEnd.open > atCache.open ? atEnd.rss <= 1.25 * atCache.rss : null,
      primary: true,
    },
  ];
  console.log(`growth past the cache size: ${fmt.mib(growthPer1000)} per 1,000 open assignments`);
  if (PROFILE) {
    // The profiles are written when the worker exits (SIGTERM: the SDK drains and returns).
    await stopChild(child, 60_000);
    for (const f of fs.readdirSync(profileDir).sort()) {
      const file = path.join(profileDir, f);
      if (f.endsWith('.cpuprofile')) printCpuProfileFile(file);
      else if (f.endsWith('.heapprofile')) printHeapSummary(file);
    }
  }
  reportResult('P5', {
    checks,
    extra: { samples, idle, touched, rest, sampledPeak, growthPer1000, load: loadAverage(), workerLog: logFile },
  });
});
