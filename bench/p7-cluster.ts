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
 *      reminder planned for peak k's instant on the hour (policy `spreadMinutes: 0`, as every task was
 *      planned before issue 16): the first is the next full hour (+07:00) at least 10 minutes after the
 *      launches are expected to end, or `--peak-at`. The next `--spread` tasks carry one planned in the
 *      hour before the first peak, each at its own second (`spreadMinutes: 60`, the default): those
 *      whose instant comes after their launch make the spread peak. Each peak's day is made a working
 *      day through `calendar_overrides`. Measured: the lag from each task's planned instant (the hour
 *      plus its offset) to its notification row, counting only tasks launched before that instant.
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
import { sendOffsetSeconds } from '../domain/send-time';
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
const SPREAD = numberFlag('spread', 10_000);
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

/** A group of tasks whose reminders make one peak: their directive number's prefix, and each one's planned instant. */
interface PeakGroup {
  label: string;
  /** Its first launch's index and how many it takes (a system that launches fewer has fewer of them). */
  start: number;
  size: number;
  prefix: string;
  at: Date;
  spreadMinutes: number;
}

/** Peak k's tasks, then the spread tasks (in the hour before the first peak), then the others. */
function groupOf(i: number, first: Date): { group: PeakGroup | null; index: number } {
  let start = 0;
  for (let k = 0; k < TIMERS.length; k++, start += TIMERS[k - 1])
    if (i < start + TIMERS[k])
      return {
        group: { label: `on the hour ${k + 1}`, start, size: TIMERS[k], prefix: `H${k}`, at: peakAt(first, k), spreadMinutes: 0 },
        index: i - start,
      };
  if (i < start + SPREAD)
    return { group: { label: 'spread', start, size: SPREAD, prefix: 'S', at: peakAt(first, -1), spreadMinutes: 60 }, index: i - start };
  return { group: null, index: i - start - SPREAD };
}

/** Launch `i` of system `tag`: in a peak's group, due at 17:00 that day with one reminder at the group's hour. */
function body(tag: string, i: number, first: Date, nowMs: number): CompleteLaunch {
  const { group, index } = groupOf(i, first);
  const b = launchBody(`P7-${tag}-${group?.prefix ?? 'X'}/TB`, index, nowMs);
  if (!group) return b;
  const hour = Number(toVnIso(group.at).slice(11, 13));
  return {
    ...b,
    deadline: { kind: 'date', dueAt: vnInstant(vnCivilDate(group.at), 17).toISOString() },
    policy: { remindBeforeDueWorkingDays: [0], sendAtHour: hour, spreadMinutes: group.spreadMinutes },
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
 * Polls a group's reminder rows until every task of it launched before its own instant has one, or
 * `until` passes. A task's instant is the group's hour plus its offset (`sendOffsetSeconds`, as the
 * workflow fixed it at launch); a task whose workflow started after it had nothing left to send then
 * (its plan starts at its launch), so it is counted apart, not as a lost reminder. Rows are found by
 * step ('due-0wd', the only one planned at a peak); a row's `scheduled_at` is when the workflow woke.
 */
async function peakLag(s: System, group: PeakGroup, launches: number, until: number) {
  const size = Math.max(0, Math.min(group.size, launches - group.start));
  const prefix = `P7-${s.name === 'dev' ? 'D' : 'C'}-${group.prefix}/`;
  const planned = (id: string) => group.at.getTime() + sendOffsetSeconds(id, group.spreadMinutes) * 1000;
  // Read again at each poll: the workers may still be recording the launches when the peak begins.
  const read = async () => {
    const { rows: tasks } = await sql<{ id: string; launched_at: Date }>`
      select id, launched_at from tasks where directive_number like ${prefix + '%'}`.execute(s.db);
    const { rows } = await sql<{ task_id: string; at: Date }>`
      select task_id, min(created_at) as at from notifications
      where step like 'due-0wd%' and task_id in (select id from tasks where directive_number like ${prefix + '%'}) group by task_id`.execute(
      s.db,
    );
    return { tasks, expected: new Set(tasks.filter((t) => t.launched_at.getTime() < planned(t.id)).map((t) => t.id)), rows };
  };
  let seen = await read();
  const complete = () => seen.tasks.length >= size && seen.rows.filter((r) => seen.expected.has(r.task_id)).length >= seen.expected.size;
  while (!complete() && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 5_000));
    seen = await read();
  }
  const { tasks, expected, rows } = seen;
  const lags = rows.filter((r) => expected.has(r.task_id)).map((r) => r.at.getTime() - planned(r.task_id));
  return {
    group: tasks.length,
    expected: expected.size,
    reached: lags.length,
    lag: summarize(lags),
    max: lags.length ? Math.max(...lags) : NaN,
  };
}

function printPeak(name: string, group: PeakGroup, p: Awaited<ReturnType<typeof peakLag>>) {
  console.log(
    `P7b ${name}, ${group.label} at ${toVnIso(group.at)} (spread over ${group.spreadMinutes} min): ${p.group} tasks, ${p.expected} launched before their instant, ${p.reached} notified; lag p50 ${(p.lag.p50 / 1000).toFixed(1)} s, p95 ${(p.lag.p95 / 1000).toFixed(1)} s, max ${(p.max / 1000).toFixed(1)} s`,
  );
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

  // ---- the peaks, on both systems at once: the spread one (the hour before the first peak), then each on the hour.
  const spread = groupOf(
    TIMERS.reduce((x, y) => x + y, 0),
    peak,
  ).group;
  const groups = [
    ...(SPREAD > 0 && spread ? [spread] : []),
    ...TIMERS.map(
      (_, k) =>
        groupOf(
          TIMERS.slice(0, k).reduce((x, y) => x + y, 0),
          peak,
        ).group!,
    ),
  ];
  for (const group of groups) {
    const end = group.at.getTime() + group.spreadMinutes * 60_000;
    const wait = group.at.getTime() - Date.now();
    if (wait > 0)
      console.log(`waiting ${(wait / 60_000).toFixed(1)} min for the peak ${group.label} at ${toVnIso(group.at)} (load ${loadAverage()})`);
    if (group.spreadMinutes === 0 && wait < 0)
      throw new Error(`the launches ended after the peak (${toVnIso(group.at)}): rerun with a later --peak-at or fewer tasks`);
    await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(...cluster.roles.workers.map((w) => rssBytes(w.pid))), 5_000);
    // A spread peak is read until the next one starts; one on the hour for up to 30 minutes.
    const until = group.spreadMinutes > 0 ? Math.min(end + 2 * 60_000, peak.getTime() - 5_000) : end + 30 * 60_000;
    const [cp, dp] = await Promise.all([peakLag(cluster, group, TASKS, until), peakLag(devSys, group, DEV_TASKS, until)]);
    clearInterval(sampler);
    printPeak('cluster', group, cp);
    printPeak('dev', group, dp);
    console.log(
      `cluster worker peak RSS during the peak: ${rss.length ? mib(Math.max(...rss)) : '-'} MiB; P7c peak p95 ratio cluster/dev ${fmt.ratio(cp.lag.p95 / dp.lag.p95)}; load ${loadAverage()}`,
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
