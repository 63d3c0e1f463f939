/**
 * P7 — the cluster profile (Temporal server on PostgreSQL, workers and APIs as processes of their own)
 * against the dev server, in the same run.
 *
 *   tsx bench/p7-cluster.ts [--tasks 100000] [--timers 10000,50000] [--concurrency 16] [--dev-tasks N] [--peak-at ISO]
 *
 * P7a  `--tasks` launches through POST /api/v1/tasks on the cluster: the first half with 1 worker and
 *      1 API process, the second half with 2 of each (the load split across both APIs); then bytes of
 *      PostgreSQL per open task (Temporal's two databases and ours), worker RSS, and the p95 of
 *      GET /api/v1/tasks/:id and of the two reports at that size.
 * P7b  of those tasks, the first `--timers` k (a list: one peak per value, an hour apart) carry a due
 *      reminder planned for peak k's instant: the first is the next full hour (+07:00) at least 10
 *      minutes after the launches are expected to end, or `--peak-at`. Each peak's day is made a
 *      working day through `calendar_overrides`. Measured: the lag from the planned instant to each
 *      notification row (`notifications.created_at − scheduled_at`).
 * P7c  the same launches (`--dev-tasks`, default `--tasks`) and the same peak on the Temporal dev server
 *      with 1 worker and 1 API process. Both systems wait for the same instant, so their peaks share
 *      the machine (the lags are each pessimistic; the ratio is fair to both).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { CompleteLaunch } from '../domain/schemas/task';
import { toVnIso, vnCivilDate, vnInstant } from '../domain/time';
import { createDb, migrateToLatest } from '../db/client';
import { startEmbeddedPostgres } from '../infra/postgres';
import { freeClusterPorts, startClusterTemporal } from '../infra/temporal-server';
import { freePort } from '../infra/processes';
import { addUnit } from '../db/repositories/auth';
import { unitRegistry } from '../domain/units';
import { launchBody, UNIT_CODES, userWithToken } from './lib/fixtures';
import { startHttpLoad, type HttpLoad } from './lib/http-load';
import { numberFlag, numberListFlag } from './lib/flags';
import { loadAverage, printMachine, runBench, type Bench } from './lib/servers';
import { databaseSizes, roles, rssBytes, waitForTasks, type Roles } from './lib/cluster-procs';
import { fmt, summarize } from './lib/stats';

const TASKS = numberFlag('tasks', 100_000);
const TIMERS = numberListFlag('timers', [10_000]);
const DEV_TASKS = numberFlag('dev-tasks', TASKS);
const CONCURRENCY = numberFlag('concurrency', 16);
const PEAK_AT = process.argv.find((a, i) => process.argv[i - 1] === '--peak-at');
const TASK_QUEUE = 'bench-p7';
const HOUR = 3_600_000;
const mib = (b: number) => (b / 2 ** 20).toFixed(0);

interface System {
  name: string;
  db: Kysely<Database>;
  roles: Roles;
  auth: string;
  databases: string[];
}

/** The peak's instant: on the hour, +07:00, after the launches (estimated at 15 launches/s overall). */
function peakInstant(): Date {
  if (PEAK_AT) return new Date(PEAK_AT);
  const ready = Date.now() + ((TASKS + DEV_TASKS) / 15) * 1000 + 10 * 60_000;
  return new Date(Math.ceil(ready / HOUR) * HOUR);
}

/** Peak k's instant, an hour after peak k − 1's. */
const peakAt = (first: Date, k: number) => new Date(first.getTime() + k * HOUR);

/** Launch `i` of system `tag`: in peak k's share, due that day at 17:00 with one reminder at the peak's hour. */
function body(tag: string, i: number, first: Date, nowMs: number): CompleteLaunch {
  const b = launchBody(`P7-${tag}/TB`, i, nowMs);
  let k = 0;
  for (let start = 0; k < TIMERS.length && i >= start + TIMERS[k]; k++) start += TIMERS[k];
  if (k >= TIMERS.length) return b;
  const peak = peakAt(first, k);
  const hour = Number(toVnIso(peak).slice(11, 13));
  return {
    ...b,
    deadline: { kind: 'date', dueAt: vnInstant(vnCivilDate(peak), 17).toISOString() },
    policy: { remindBeforeDueWorkingDays: [0], sendAtHour: hour },
  };
}

async function launch(loads: HttpLoad[], s: System, urls: string[], bodies: CompleteLaunch[]) {
  const share = (k: number) => bodies.filter((_, i) => i % urls.length === k);
  const t0 = Date.now();
  const runs = await Promise.all(
    urls.map((url, k) =>
      loads[k].run({
        url: `${url}/api/v1/tasks`,
        method: 'POST',
        headers: { authorization: s.auth, 'content-type': 'application/json' },
        bodies: share(k),
        concurrency: CONCURRENCY,
        expect: 202,
        retries503: 5,
      }),
    ),
  );
  const ms = Date.now() - t0;
  const p95 = summarize(runs.flatMap((r) => r.latencies)).p95;
  return { n: bodies.length, ms, rate: (bodies.length * 1000) / ms, p95 };
}

/** The registry's units (launches name them) and the peak's day as a working day. */
async function prepare(db: Kysely<Database>, first: Date) {
  for (const code of UNIT_CODES) await addUnit(db, { code, name: unitRegistry.find((u) => u.code === code)?.name ?? code });
  for (let k = 0; k < TIMERS.length; k++)
    await db
      .insertInto('calendar_overrides')
      .values({ day: toVnIso(peakAt(first, k)).slice(0, 10), kind: 'working_day', reason: 'Đo tải giờ cao điểm (P7b)' })
      .onConflict((oc) => oc.column('day').doNothing())
      .execute();
}

async function reads(s: System, url: string, loads: HttpLoad[]) {
  const { rows } = await sql<{ id: string }>`select id from tasks order by random() limit 400`.execute(s.db);
  const get = async (paths: string[]) => {
    const run = await loads[0].run({
      url: `${url}${paths[0]}`,
      method: 'GET',
      headers: { authorization: s.auth },
      bodies: paths,
      concurrency: 4,
      expect: 200,
      retries503: 3,
    });
    return summarize(run.latencies);
  };
  // The load generator sends every body to one URL; the task reads (one URL each) go one by one from here.
  const task: number[] = [];
  let refused = 0;
  for (const { id } of rows) {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/v1/tasks/${encodeURIComponent(id)}`, { headers: { authorization: s.auth } });
    await res.text();
    // A 503 (the API's bounded wait on the workflow's query) is counted, not timed.
    if (res.status !== 200) refused++;
    else task.push(performance.now() - t0);
  }
  return {
    refused,
    task: summarize(task),
    units: await get(Array.from({ length: 60 }, () => '/api/v1/reports/units')),
    late: await get(Array.from({ length: 60 }, () => '/api/v1/reports/late?pageSize=50')),
  };
}

/**
 * Polls the peak's reminder rows until every peak task has one or `timeoutMs` passes. A row's
 * `scheduled_at` is the workflow's time when it woke, not the plan's instant, so the peak's rows
 * are found by their step ('due-0wd', the only one planned at a peak) within the hour after it.
 */
async function peakLag(s: System, peak: Date, tasks: number, timeoutMs: number) {
  const deadline = peak.getTime() + timeoutMs;
  const until = new Date(peak.getTime() + HOUR);
  const rowsOfPeak = sql`from notifications where step like 'due-0wd%' and created_at >= ${peak} and created_at < ${until}`;
  for (;;) {
    const { rows } = await sql<{ n: string }>`select count(distinct task_id) as n ${rowsOfPeak}`.execute(s.db);
    if (Number(rows[0].n) >= tasks || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 5_000));
  }
  const { rows } = await sql<{ lag: number }>`
    select extract(epoch from min(created_at) - ${peak}::timestamptz) * 1000 as lag ${rowsOfPeak} group by task_id`.execute(s.db);
  const lags = rows.map((r) => Number(r.lag));
  return { reached: lags.length, lag: summarize(lags), max: Math.max(...lags) };
}

runBench(async (bench: Bench) => {
  printMachine();
  const peak = peakInstant();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'directive-engine-p7-'));
  fs.chmodSync(dir, 0o755); // PostgreSQL runs as its own user and must reach its data directory
  console.log(
    `P7: ${TASKS} tasks on the cluster, ${DEV_TASKS} on the dev server, timers ${TIMERS.join(', ')} at ${toVnIso(peak)} and each next hour; logs in ${dir}`,
  );
  const nowMs = Date.now();
  const loads = [startHttpLoad(), startHttpLoad()];
  for (const l of loads) bench.onClose(() => l.close());

  // ---- the cluster: one PostgreSQL for Temporal's databases and ours, the full server, child processes.
  const pgPort = await freePort();
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pgdata'),
    port: pgPort,
    binDir: bench.config.database.binDir,
    database: 'directives',
  });
  bench.onClose(() => pg.stop());
  const temporal = await startClusterTemporal({
    cacheDir: bench.config.cacheDir,
    dataDir: dir,
    db: { host: '127.0.0.1', port: pgPort, user: 'postgres', password: '' },
    ports: await freeClusterPorts(),
    shards: 4,
    namespace: 'default',
    log: bench.log,
  });
  bench.onClose(() => temporal.stop());
  const cdb = createDb(pg.url, 4);
  bench.onClose(() => cdb.destroy());
  await migrateToLatest(cdb);
  await prepare(cdb, peak);
  const cluster: System = {
    name: 'cluster',
    db: cdb,
    roles: roles(bench, { name: 'cluster', dir, temporalAddress: temporal.address, databaseUrl: pg.url, taskQueue: TASK_QUEUE }),
    auth: await userWithToken(cdb, 'bench.secretariat', 'VPTU', ['secretariat']),
    databases: ['temporal', 'temporal_visibility', 'directives'],
  };
  await cluster.roles.addWorker();
  const api1 = await cluster.roles.addApi();
  const before = await databaseSizes(cdb, cluster.databases);
  const all = Array.from({ length: TASKS }, (_, i) => body('C', i, peak, nowMs));
  const half = Math.floor(TASKS / 2);
  const one = await launch(loads, cluster, [api1], all.slice(0, half));
  console.log(
    `cluster 1 worker + 1 API: ${one.n} in ${(one.ms / 1000).toFixed(0)} s = ${fmt.rate(one.rate)} (p95 ${fmt.ms(one.p95)}), load ${loadAverage()}`,
  );
  await cluster.roles.addWorker();
  const api2 = await cluster.roles.addApi();
  const two = await launch(loads, cluster, [api1, api2], all.slice(half));
  console.log(
    `cluster 2 workers + 2 APIs: ${two.n} in ${(two.ms / 1000).toFixed(0)} s = ${fmt.rate(two.rate)} (p95 ${fmt.ms(two.p95)}), load ${loadAverage()}`,
  );

  // ---- the dev server: the same launches, 1 worker and 1 API process.
  const dpg = await bench.postgres({ poolSize: 4 });
  const dev = await bench.devServer();
  await prepare(dpg.db, peak);
  const devSys: System = {
    name: 'dev',
    db: dpg.db,
    roles: roles(bench, { name: 'dev', dir, temporalAddress: dev.address, databaseUrl: dpg.url, taskQueue: TASK_QUEUE }),
    auth: await userWithToken(dpg.db, 'bench.secretariat', 'VPTU', ['secretariat']),
    databases: ['bench'],
  };
  await devSys.roles.addWorker();
  const dapi = await devSys.roles.addApi();
  const dbefore = await databaseSizes(dpg.db, devSys.databases);
  const d = await launch(
    loads,
    devSys,
    [dapi],
    Array.from({ length: DEV_TASKS }, (_, i) => body('D', i, peak, nowMs)),
  );
  console.log(
    `dev server 1 worker + 1 API: ${d.n} in ${(d.ms / 1000).toFixed(0)} s = ${fmt.rate(d.rate)} (p95 ${fmt.ms(d.p95)}), load ${loadAverage()}`,
  );
  console.log(`P7c launch ratio cluster/dev: 1+1 ${fmt.ratio(one.rate / d.rate)}, 2+2 ${fmt.ratio(two.rate / d.rate)}`);

  // ---- the peaks, on both systems at once.
  const share = (k: number, n: number) => Math.max(0, Math.min(TIMERS[k], n - TIMERS.slice(0, k).reduce((x, y) => x + y, 0)));
  for (let k = 0; k < TIMERS.length; k++) {
    const at = peakAt(peak, k);
    const wait = at.getTime() - Date.now();
    if (wait < 0) throw new Error(`the launches ended after the peak (${toVnIso(at)}): rerun with a later --peak-at or fewer tasks`);
    console.log(`waiting ${(wait / 60_000).toFixed(1)} min for peak ${k + 1} at ${toVnIso(at)} (load ${loadAverage()})`);
    await new Promise((r) => setTimeout(r, wait));
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(...cluster.roles.workers.map((w) => rssBytes(w.pid))), 5_000);
    const [cp, dp] = await Promise.all([
      peakLag(cluster, at, share(k, TASKS), 30 * 60_000),
      peakLag(devSys, at, share(k, DEV_TASKS), 30 * 60_000),
    ]);
    clearInterval(sampler);
    for (const [name, p] of [
      ['cluster', cp],
      ['dev', dp],
    ] as const)
      console.log(
        `P7b ${name}, ${share(k, name === 'dev' ? DEV_TASKS : TASKS)} timers: ${p.reached} tasks notified; lag p50 ${(p.lag.p50 / 1000).toFixed(1)} s, p95 ${(p.lag.p95 / 1000).toFixed(1)} s, max ${(p.max / 1000).toFixed(1)} s`,
      );
    console.log(
      `cluster worker peak RSS during the peak: ${mib(Math.max(...rss))} MiB; P7c peak p95 ratio cluster/dev ${fmt.ratio(cp.lag.p95 / dp.lag.p95)}; load ${loadAverage()}`,
    );
  }

  // ---- at the size reached: storage, memory, reads (after the peak, so that a slow read cannot cost it).
  for (const [sys, url, from, prefix, n] of [
    [cluster, api1, before, 'P7-C', TASKS],
    [devSys, dapi, dbefore, 'P7-D', DEV_TASKS],
  ] as const) {
    const recorded = await waitForTasks(sys.db, prefix, n, 5 * 60_000);
    const sizes = await databaseSizes(sys.db, sys.databases);
    const perTask = sys.databases.map((db) => `${db} ${((sizes[db] - from[db]) / n).toFixed(0)}`).join(', ');
    const rss = sys.roles.workers.map((w) => `${mib(rssBytes(w.pid))} MiB`).join(', ');
    console.log(`${sys.name}: ${recorded}/${n} in the read model; bytes per launched task: ${perTask}; worker RSS ${rss}`);
    const r = await reads(sys, url, loads);
    console.log(
      `${sys.name} reads: GET /tasks/:id p50 ${fmt.ms(r.task.p50)} p95 ${fmt.ms(r.task.p95)} (${r.refused} of 400 answered 503); reports/units p95 ${fmt.ms(r.units.p95)}; reports/late p95 ${fmt.ms(r.late.p95)}; load ${loadAverage()}`,
    );
  }
});
