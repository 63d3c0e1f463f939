/**
 * Soak — issue #6: the production worker and API under ten times the province's expected peak
 * for a long while, with memory and latency printed every minute.
 *
 *   npm run soak -- [--minutes 60] [--factor 10] [--units N] [--open N] [--commands-per-minute N]
 *                   [--seed 1] [--seed-minutes 20] [--launch-concurrency 8] [--backlog 500]
 *
 * Expected peak (factor 1): 300 units, 5,000 open assignments, 50 requests a minute; the default
 * factor 10 gives 3,000 units, 50,000 open, 500 a minute. Each of --units/--open/--commands-per-minute
 * overrides its figure.
 *
 * 1. Servers: a throwaway PostgreSQL and a Temporal dev server (bench/lib/servers.ts); the
 *    production entries `worker/main.ts` and `api/main.ts`, each a Node process of its own, so
 *    /proc gives each one's memory.
 * 2. Seeding: units with one officer each, two secretariat officers and an inspector (tokens
 *    written through the repository); then the open assignments launched through
 *    `POST /api/v1/tasks`, never more than --backlog ahead of the worker (a launch the worker has
 *    not run yet is a queue, not an open assignment). Launching stops after --seed-minutes;
 *    the run goes on with what was seeded and says how far it got, at which rates.
 * 3. Steady phase, --minutes: an open-loop generator (Poisson arrivals at the target rate, not
 *    waiting for answers; latency measured from each request's planned start) sends the mix of
 *    bench/lib/soak-load.ts MIX as the right users. One line a minute; a summary at the end
 *    (first vs last 10 minutes) and the series as CSV and JSON in a directory under /tmp.
 * Ctrl-C or the end stops the API, the worker, the dev server and PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { freePort } from '../infra/processes';
import type { TaskState } from '../domain/task';
import { mulberry32 as rng } from '../test/helpers/random';
import { launchFor, MIX, NEEDS, pdf, pickOp, pickUnitIndex, READS, seedUsers, TaskBook, type OpName } from './lib/soak-load';
import {
  findDevServerPid,
  findPostmasterPid,
  memoryOf,
  postgresMemory,
  reapWhenGone,
  spawnEntry,
  waitUntil,
  workerPolling,
  type Memory,
} from './lib/soak-procs';
import { loadAverage, NAMESPACE, printMachine, runBench } from './lib/servers';
import { numberFlag } from './lib/flags';
import { fmt, now, percentile, summarize, table } from './lib/stats';

const FACTOR = numberFlag('factor', 10);
const UNITS = Math.round(numberFlag('units', 300 * FACTOR));
const OPEN = Math.round(numberFlag('open', 5_000 * FACTOR));
const RATE = numberFlag('commands-per-minute', 50 * FACTOR);
const MINUTES = numberFlag('minutes', 60);
const SEED = numberFlag('seed', 1);
const SEED_MINUTES = numberFlag('seed-minutes', 20);
const LAUNCH_CONCURRENCY = numberFlag('launch-concurrency', 8);
const BACKLOG = numberFlag('backlog', 500);
const TASK_QUEUE = 'soak';
/** Requests in flight beyond which the generator sheds (and counts) instead of piling up without bound. */
const MAX_IN_FLIGHT = 500;
const REQUEST_TIMEOUT_MS = 60_000;
const STALL_MS = 180_000;
const EVIDENCE_BYTES = 64 * 1024;
const MIB = 2 ** 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (b: number) => (Number.isFinite(b) ? (b / MIB).toFixed(0) : '—');

type StatusClass = '2xx' | '4xx' | '5xx' | 'err';
const classOf = (status: number): StatusClass =>
  status >= 200 && status < 300 ? '2xx' : status >= 400 && status < 500 ? '4xx' : status >= 500 ? '5xx' : 'err';

interface Sample {
  op: OpName;
  read: boolean;
  status: number;
  ms: number;
}

interface Minute {
  minute: number;
  sent: number;
  shed: number;
  samples: Sample[];
}

interface MinuteRow {
  minute: number;
  elapsedS: number;
  sent: number;
  ok: number;
  c4xx: number;
  c5xx: number;
  err: number;
  shed: number;
  inFlight: number;
  cmdN: number;
  cmdP50: number;
  cmdP95: number;
  cmdP99: number;
  readN: number;
  readP50: number;
  readP95: number;
  readP99: number;
  workerRssMiB: number;
  apiRssMiB: number;
  devServerRssMiB: number;
  postgresPssMiB: number;
  postgresProcesses: number;
  outboxDue: number;
  deliveriesPending: number;
  openTasks: number;
  load1: number;
}

runBench(async (bench) => {
  printMachine();
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'directive-engine-soak-'));
  console.log(
    `Soak: ${UNITS} units, ${OPEN} open assignments (seeding at most ${SEED_MINUTES} min), ${RATE} requests/min for ${MINUTES} min (factor ${FACTOR} of 300 / 5,000 / 50 unless overridden); seed ${SEED}; output in ${outDir}`,
  );

  const { db, url: databaseUrl } = await bench.postgres({ poolSize: 4 });
  const temporal = await bench.devServer();
  const apiPort = await freePort();
  const env = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    // Production's per-user limit (600/min) would cap the two secretariat accounts while they seed;
    // the limiter still runs on every request, it just never refuses.
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'info',
  };
  const worker = spawnEntry('worker', 'worker/main.ts', env, path.join(outDir, 'worker.log'), (stop) => bench.onClose(stop));
  const api = spawnEntry('API', 'api/main.ts', env, path.join(outDir, 'api.log'), (stop) => bench.onClose(stop), 15_000);
  const base = `http://127.0.0.1:${apiPort}/api/v1`;
  const apiReadyMs = await waitUntil(api, 'ready', async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok);
  const workerReadyMs = await waitUntil(worker, 'polling', () => workerPolling(temporal.client, NAMESPACE, TASK_QUEUE));
  const devPid = findDevServerPid();
  const postmaster = await findPostmasterPid(db);
  console.log(
    `worker pid ${worker.pid} polling after ${fmt.ms(workerReadyMs)}; API pid ${api.pid} ready after ${fmt.ms(apiReadyMs)}; dev server pid ${devPid ?? '?'}; postmaster pid ${postmaster ?? '?'}`,
  );
  console.log(`logs: ${worker.logFile}, ${api.logFile}`);
  await reapWhenGone(
    db,
    [
      { pid: worker.pid, cmdline: path.resolve('worker/main.ts') },
      { pid: api.pid, cmdline: path.resolve('api/main.ts') },
      { pid: devPid, cmdline: `--port ${temporal.address.split(':')[1]} ` },
    ],
    bench.config.database.binDir,
  );

  const memories = () => ({
    worker: memoryOf(worker.pid),
    api: memoryOf(api.pid),
    devServer: memoryOf(devPid),
    postgres: postgresMemory(postmaster),
  });
  const memLine = (m = memories()) =>
    `RSS worker ${mib(m.worker.rss)} / API ${mib(m.api.rss)} / dev server ${mib(m.devServer.rss)} MiB, PostgreSQL PSS ${mib(m.postgres.pss)} MiB`;
  const countRows = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM tasks`.execute(db)).rows[0].n);

  // ---- 1. units and users ----
  const u0 = now();
  const users = await seedUsers(db, UNITS);
  const usersMs = now() - u0;
  console.log(
    `seeded ${users.units.length} units with one officer each, 2 secretariat officers, 1 inspector, tokens issued: ${fmt.ms(usersMs)}`,
  );

  // ---- 2. open assignments through the API ----
  const random = rng(SEED);
  const book = new TaskBook();
  const nowMs = Date.now();
  const planned = Array.from({ length: OPEN }, (_, i) => launchFor(i, random, users, nowMs));
  const launchLatencies: number[] = [];
  const launchFailures: string[] = [];
  let launched = 0;
  let rows = 0;
  let stopLaunching = false;
  const s0 = now();
  const seedDeadline = s0 + SEED_MINUTES * 60_000;
  let lastProgress = now();
  const stalled = () => {
    // A worker that runs nothing (failing workflows, a broken bundle) would otherwise hold seeding for good.
    if (launched > rows && now() - lastProgress > STALL_MS)
      throw new Error(`the worker ran no new assignment for ${STALL_MS / 1000} s (${rows} of ${launched}); see ${worker.logFile}`);
  };
  const rowPoller = (async () => {
    while (!stopLaunching || rows < launched) {
      const n = await countRows();
      if (n > rows) lastProgress = now();
      rows = n;
      if (stopLaunching && now() - s0 > (SEED_MINUTES + 10) * 60_000) break;
      await sleep(1_000);
    }
  })();
  let nextPlan = 0;
  let lastReport = s0;
  let lastLaunched = 0;
  let lastRows = 0;
  const lane = async (l: number) => {
    for (let i = nextPlan++; i < planned.length; i = nextPlan++) {
      while (launched - rows >= BACKLOG && now() < seedDeadline) {
        worker.alive();
        stalled();
        await sleep(100);
      }
      if (now() >= seedDeadline) {
        stopLaunching = true;
        return;
      }
      const p = planned[i];
      const t0 = now();
      const res = await fetch(`${base}/tasks`, {
        method: 'POST',
        headers: { authorization: users.secretariat[l % 2], 'content-type': 'application/json' },
        body: JSON.stringify(p.launch),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }).catch((err: Error) => ({ status: 0, text: async () => err.message }) as const);
      const text = await res.text();
      launchLatencies.push(now() - t0);
      if (res.status !== 202) {
        launchFailures.push(`${res.status} ${text.slice(0, 200)}`);
        if (launchFailures.length > 20) throw new Error(`launches failing: ${launchFailures.slice(-3).join(' | ')}`);
        continue;
      }
      const id = (JSON.parse(text) as { id: string }).id;
      book.add({
        id,
        lead: p.lead,
        kind: p.kind,
        status: 'assigned',
        dueAt: p.launch.deadline.kind === 'date' ? p.launch.deadline.dueAt : null,
        evidenceIds: [],
        pendingExtension: false,
        openPeriods: null,
      });
      launched++;
      if (now() - lastReport >= 60_000) {
        const dt = (now() - lastReport) / 1000;
        console.log(
          `  seeding ${((now() - s0) / 60_000).toFixed(1)} min: ${launched} launched (${((launched - lastLaunched) / dt).toFixed(
            1,
          )}/s), ${rows} run by the worker (${((rows - lastRows) / dt).toFixed(1)}/s); ${memLine()}; load ${loadAverage()}`,
        );
        lastReport = now();
        lastLaunched = launched;
        lastRows = rows;
      }
    }
  };
  await Promise.all(Array.from({ length: LAUNCH_CONCURRENCY }, (_, l) => lane(l)));
  stopLaunching = true;
  const launchEndMs = now() - s0;
  // The worker's backlog drains before the steady phase starts: it measures the soak, not seeding.
  while (rows < launched && now() - s0 < (SEED_MINUTES + 10) * 60_000) {
    worker.alive();
    stalled();
    await sleep(1_000);
  }
  await rowPoller;
  rows = await countRows();
  const seedMs = now() - s0;
  const launchSummary = summarize(launchLatencies);
  const seeding = {
    planned: OPEN,
    launched,
    runByWorker: rows,
    complete: launched === OPEN,
    launchWallS: launchEndMs / 1000,
    seedWallS: seedMs / 1000,
    apiLaunchRate: launched / (launchEndMs / 1000),
    endToEndRate: rows / (seedMs / 1000),
    launchLatency: launchSummary,
    failures: launchFailures.length,
    usersS: usersMs / 1000,
    memory: memories(),
    load: loadAverage(),
  };
  console.log(
    `seeding: ${launched} of ${OPEN} launched in ${fmt.ms(launchEndMs)} (${seeding.apiLaunchRate.toFixed(1)}/s through the API; POST /tasks p50 ${fmt.ms(launchSummary.p50)}, p99 ${fmt.ms(
      launchSummary.p99,
    )}), all run by the worker after ${fmt.ms(seedMs)} (${seeding.endToEndRate.toFixed(1)}/s end to end)${launched < OPEN ? ` — STOPPED at --seed-minutes ${SEED_MINUTES}` : ''}; ${launchFailures.length} failed; ${memLine()}; load ${loadAverage()}`,
  );
  if (launched === 0) throw new Error('nothing was seeded');

  // ---- 3. steady phase ----
  const files = Array.from({ length: 16 }, (_, i) => pdf(EVIDENCE_BYTES, i));
  const opRandom = rng(SEED * 7919 + 1);
  const secretariat = () => users.secretariat[Math.floor(opRandom() * 2)];
  const officerOf = (i: number) => users.units[book.tasks[i].lead].officer;
  let evidenceSeq = 0;

  const request = async (method: 'GET' | 'POST', p: string, auth: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const init: RequestInit = { method, headers: { authorization: auth }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    bucket(now()).sent++;
    try {
      const res = await fetch(`${base}${p}`, init);
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON (a CSV export, an HTML error page): only the status matters here
      }
      return { status: res.status, json };
    } catch {
      return { status: 0, json: null };
    }
  };

  const minutes: Minute[] = [];
  let t0 = 0;
  const minuteAt = (m: number) => {
    while (minutes.length <= m) minutes.push({ minute: minutes.length + 1, sent: 0, shed: 0, samples: [] });
    return minutes[m];
  };
  // Index MINUTES collects what is answered after the end.
  const bucket = (t: number) => minuteAt(Math.max(0, Math.min(Math.floor((t - t0) / 60_000), MINUTES)));
  const record = (op: OpName, status: number, startedAt: number) => {
    const t = now();
    bucket(t).samples.push({ op, read: READS.has(op), status, ms: t - startedAt });
  };
  const stateOf = (json: unknown): TaskState | null =>
    json && typeof json === 'object' && 'state' in json ? ((json as { state: TaskState }).state ?? null) : null;

  /** One request of the mix (two for a periodic report whose open period is not known yet). */
  const perform = async (chosen: OpName, plannedAt: number): Promise<void> => {
    let op = chosen;
    for (let hop = 0; hop < 3; hop++) {
      const need = NEEDS[op];
      if (!need || book.size(need.pool) > 0) break;
      op = need.otherwise;
    }
    const need = NEEDS[op];
    const i = need ? book.take(need.pool, opRandom) : undefined;
    if (need && i === undefined) op = 'inbox';
    if (i === undefined) {
      switch (op) {
        case 'report-units': {
          const r = await request('GET', '/reports/units', secretariat());
          return record(op, r.status, plannedAt);
        }
        default: {
          const unit = users.units[pickUnitIndex(opRandom, users.units.length)];
          const r = await request('GET', '/inbox?unread=true', unit.officer);
          return record('inbox', r.status, plannedAt);
        }
      }
    }
    const t = book.tasks[i];
    /** The officer opens the task (a timed `detail` request) and the book takes in what they saw; false when they saw nothing. */
    const openTask = async (): Promise<boolean> => {
      const startedAt = now();
      const r = await request('GET', `/tasks/${t.id}`, officerOf(i));
      record('detail', r.status, startedAt);
      const seen = r.status === 200 ? stateOf(r.json) : null;
      if (seen) book.apply(i, seen);
      return seen !== null;
    };
    let state: TaskState | null = null;
    try {
      if (t.stale && !READS.has(op)) {
        // The user opens the task first; if it has moved on, they do what fits it now, or nothing.
        if (!(await openTask())) return;
        if (!book.fits(i, need!.pool)) return;
      }
      const cmd = async (name: string, auth: string, body: unknown) => {
        const r = await request('POST', `/tasks/${t.id}/${name}`, auth, body);
        record(op, r.status, plannedAt);
        state = r.status < 300 ? stateOf(r.json) : null;
        if (!state) t.stale = true;
      };
      switch (op) {
        case 'acknowledge':
          return await cmd('acknowledge', officerOf(i), { note: 'Đơn vị đã tiếp nhận nhiệm vụ, phân công cán bộ theo dõi' });
        case 'progress':
          return await cmd('progress', officerOf(i), {
            text: 'Đã hoàn thành khảo sát hiện trạng, đang lập dự toán và trình thẩm định phương án triển khai',
            percent: 10 * (1 + Math.floor(opRandom() * 9)),
          });
        case 'evidence': {
          const n = evidenceSeq++;
          const form = new FormData();
          form.append('description', `Biên bản nghiệm thu giai đoạn ${1 + (n % 5)}`);
          form.append(
            'file',
            new Blob([new Uint8Array(files[n % files.length])], { type: 'application/pdf' }),
            `bien-ban-nghiem-thu-${n}.pdf`,
          );
          const r = await request('POST', `/tasks/${t.id}/evidence`, officerOf(i), form);
          record(op, r.status, plannedAt);
          state = r.status === 201 ? stateOf(r.json) : null;
          if (!state) t.stale = true;
          return;
        }
        case 'submit':
          return await cmd('submit', officerOf(i), {
            summary: 'Đơn vị đã hoàn thành nhiệm vụ, kèm biên bản nghiệm thu và báo cáo kết quả',
            evidenceIds: t.evidenceIds,
          });
        case 'approve':
          return await cmd('approve', secretariat(), { note: 'Đồng ý ghi nhận hoàn thành' });
        case 'return':
          return await cmd('return', secretariat(), { reason: 'Minh chứng chưa thể hiện kết quả đạt chỉ tiêu, đề nghị bổ sung số liệu' });
        case 'extension-request': {
          const from = Math.max(Date.parse(t.dueAt ?? new Date().toISOString()), Date.now());
          return await cmd('extension-requests', officerOf(i), {
            requestedDueAt: new Date(from + 30 * 86_400_000).toISOString(),
            reason: 'Chờ bố trí kinh phí từ nguồn ngân sách tỉnh, đề nghị gia hạn 30 ngày',
          });
        }
        case 'extension-decision':
          return await cmd(
            'extension-decision',
            secretariat(),
            opRandom() < 0.7 ? { approve: true } : { approve: false, reason: 'Không đủ căn cứ gia hạn, đề nghị hoàn thành đúng thời hạn' },
          );
        case 'report': {
          // The officer opens the task to see which period is open, unless the driver saw it lately.
          if (t.openPeriods === null && !(await openTask())) return;
          const periodKey = t.openPeriods?.[0];
          if (!periodKey) return;
          return await cmd('reports', officerOf(i), {
            periodKey,
            summary: `Báo cáo kết quả thực hiện kỳ ${periodKey}: các chỉ tiêu cơ bản đạt kế hoạch đề ra`,
          });
        }
        case 'detail': {
          const r = await request('GET', `/tasks/${t.id}`, opRandom() < 0.7 ? officerOf(i) : secretariat());
          record(op, r.status, plannedAt);
          state = r.status === 200 ? stateOf(r.json) : null;
          return;
        }
        case 'history': {
          const r = await request('GET', `/tasks/${t.id}/history`, users.inspector);
          return record(op, r.status, plannedAt);
        }
        default:
          throw new Error(`no task op ${op}`);
      }
    } finally {
      book.release(i, state);
    }
  };

  // Poisson arrivals at RATE a minute, planned ahead of time: a slow answer never delays the next request.
  const csvFile = path.join(outDir, 'soak-minutes.csv');
  const jsonFile = path.join(outDir, 'soak-minutes.json');
  const summaryFile = path.join(outDir, 'soak-summary.json');
  const series: MinuteRow[] = [];
  const columns: (keyof MinuteRow)[] = [
    'minute',
    'elapsedS',
    'sent',
    'ok',
    'c4xx',
    'c5xx',
    'err',
    'shed',
    'inFlight',
    'cmdN',
    'cmdP50',
    'cmdP95',
    'cmdP99',
    'readN',
    'readP50',
    'readP95',
    'readP99',
    'workerRssMiB',
    'apiRssMiB',
    'devServerRssMiB',
    'postgresPssMiB',
    'postgresProcesses',
    'outboxDue',
    'deliveriesPending',
    'openTasks',
    'load1',
  ];
  fs.writeFileSync(csvFile, columns.join(',') + '\n');
  console.log(
    `\nsteady phase: ${RATE} requests/min for ${MINUTES} min over ${book.size('open')} open assignments (the worker's workflow cache is not visible: worker/main.ts exports no metrics)`,
  );
  const header = [
    'min',
    'sent',
    '2xx',
    '4xx',
    '5xx',
    'err',
    'shed',
    'cmd n',
    'cmd p50/p95/p99 ms',
    'read n',
    'read p50/p95/p99 ms',
    'RSS wrk/API/dev MiB',
    'PG PSS',
    'outbox',
    'deliv',
    'load',
  ];
  console.log(header.join(' | '));

  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const outboxBacklog = async () => {
    const { rows: r } = await sql<{ due: string; pending: string }>`
      SELECT (SELECT count(*) FROM notifications WHERE dispatched_at IS NULL AND scheduled_at <= now()) AS due,
             (SELECT count(*) FROM deliveries WHERE state IN ('pending', 'retrying', 'sending')) AS pending`.execute(db);
    return { due: Number(r[0].due), pending: Number(r[0].pending) };
  };
  const ps = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return [percentile(s, 50), percentile(s, 95), percentile(s, 99)];
  };
  const r0 = (x: number) => (Number.isFinite(x) ? Math.round(x) : NaN);
  const closeMinute = async (m: Minute) => {
    const mem = memories();
    const backlog = await outboxBacklog().catch(() => ({ due: NaN, pending: NaN }));
    const by = (c: StatusClass) => m.samples.filter((s) => classOf(s.status) === c).length;
    const cmds = m.samples.filter((s) => !s.read).map((s) => s.ms);
    const reads = m.samples.filter((s) => s.read).map((s) => s.ms);
    const [c50, c95, c99] = ps(cmds);
    const [r50, r95, r99] = ps(reads);
    const row: MinuteRow = {
      minute: m.minute,
      elapsedS: Math.round((now() - t0) / 1000),
      sent: m.sent,
      ok: by('2xx'),
      c4xx: by('4xx'),
      c5xx: by('5xx'),
      err: by('err'),
      shed: m.shed,
      inFlight,
      cmdN: cmds.length,
      cmdP50: r0(c50),
      cmdP95: r0(c95),
      cmdP99: r0(c99),
      readN: reads.length,
      readP50: r0(r50),
      readP95: r0(r95),
      readP99: r0(r99),
      workerRssMiB: r0(mem.worker.rss / MIB),
      apiRssMiB: r0(mem.api.rss / MIB),
      devServerRssMiB: r0(mem.devServer.rss / MIB),
      postgresPssMiB: r0(mem.postgres.pss / MIB),
      postgresProcesses: mem.postgres.processes,
      outboxDue: backlog.due,
      deliveriesPending: backlog.pending,
      openTasks: book.size('open') + book.tasks.filter((t) => t.busy).length,
      load1: os.loadavg()[0],
    };
    series.push(row);
    fs.appendFileSync(csvFile, columns.map((c) => row[c]).join(',') + '\n');
    fs.writeFileSync(jsonFile, JSON.stringify(series, null, 1));
    console.log(
      [
        String(row.minute).padStart(3),
        row.sent,
        row.ok,
        row.c4xx,
        row.c5xx,
        row.err,
        row.shed,
        row.cmdN,
        `${row.cmdP50}/${row.cmdP95}/${row.cmdP99}`,
        row.readN,
        `${row.readP50}/${row.readP95}/${row.readP99}`,
        `${row.workerRssMiB}/${row.apiRssMiB}/${row.devServerRssMiB}`,
        row.postgresPssMiB,
        row.outboxDue,
        row.deliveriesPending,
        row.load1.toFixed(2),
      ].join(' | '),
    );
  };

  t0 = now();
  const endAt = t0 + MINUTES * 60_000;
  const meanGapMs = 60_000 / RATE;
  const arrivals = rng(SEED * 104_729 + 3);
  let nextAt = t0;
  let closed = 0;
  const maxRss = { worker: 0, api: 0, devServer: 0, postgres: 0 };
  const hwmPoll = setInterval(() => {
    const m = memories();
    maxRss.worker = Math.max(maxRss.worker, m.worker.rss || 0);
    maxRss.api = Math.max(maxRss.api, m.api.rss || 0);
    maxRss.devServer = Math.max(maxRss.devServer, m.devServer.rss || 0);
    maxRss.postgres = Math.max(maxRss.postgres, m.postgres.pss || 0);
  }, 5_000);
  bench.onClose(async () => clearInterval(hwmPoll));
  while (now() < endAt) {
    // Minute lines are written by the same loop, between arrivals, so they come in order.
    while (closed < MINUTES && now() >= t0 + (closed + 1) * 60_000) await closeMinute(minuteAt(closed++));
    worker.alive();
    api.alive();
    const wait = nextAt - now();
    if (wait > 0) {
      await sleep(Math.min(wait, 1_000));
      continue;
    }
    const plannedAt = nextAt;
    nextAt += -Math.log(1 - arrivals()) * meanGapMs;
    if (inFlight >= MAX_IN_FLIGHT) {
      bucket(plannedAt).shed++;
      continue;
    }
    inFlight++;
    const p: Promise<void> = perform(pickOp(opRandom), plannedAt)
      .catch((err: Error) => console.error(`request failed in the driver: ${err.message}`))
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  }
  while (closed < MINUTES) await closeMinute(minuteAt(closed++));
  const drainStart = now();
  await Promise.race([Promise.all(pending), sleep(REQUEST_TIMEOUT_MS + 5_000)]);
  clearInterval(hwmPoll);
  const drained = minutes[MINUTES]?.samples.length ?? 0;
  console.log(`after the end: ${drained} answers came in ${fmt.ms(now() - drainStart)}, ${inFlight} still in flight`);

  // ---- summary ----
  const end = memories();
  const window = Math.max(1, Math.min(10, Math.floor(MINUTES / 2)));
  const span = (from: number, to: number) => {
    const ms = minutes.slice(from, to);
    const samples = ms.flatMap((m) => m.samples);
    const rs = series.slice(from, to);
    const mean = (k: keyof MinuteRow) => rs.reduce((s, r) => s + (r[k] as number), 0) / (rs.length || 1);
    return {
      minutes: `${from + 1}–${to}`,
      commands: summarize(samples.filter((s) => !s.read).map((s) => s.ms)),
      reads: summarize(samples.filter((s) => s.read).map((s) => s.ms)),
      workerRssMiB: mean('workerRssMiB'),
      apiRssMiB: mean('apiRssMiB'),
      devServerRssMiB: mean('devServerRssMiB'),
      postgresPssMiB: mean('postgresPssMiB'),
      load1: mean('load1'),
    };
  };
  const first = span(0, window);
  const last = span(MINUTES - window, MINUTES);
  const all = minutes.flatMap((m) => m.samples);
  const totals = {
    sent: minutes.reduce((s, m) => s + m.sent, 0),
    shed: minutes.reduce((s, m) => s + m.shed, 0),
    '2xx': 0,
    '4xx': 0,
    '5xx': 0,
    err: 0,
  } as Record<string, number>;
  for (const s of all) totals[classOf(s.status)]++;
  const perOp = [...new Set(all.map((s) => s.op))].map((op) => {
    const xs = all.filter((s) => s.op === op);
    const sum = summarize(xs.map((s) => s.ms));
    const failed = xs.filter((s) => classOf(s.status) !== '2xx');
    const statuses = [...new Set(failed.map((s) => s.status))]
      .map((st) => `${st || 'err'}×${failed.filter((f) => f.status === st).length}`)
      .join(' ');
    return { op, n: xs.length, p50: sum.p50, p95: sum.p95, p99: sum.p99, failed: failed.length, statuses };
  });
  perOp.sort((a, b) => b.n - a.n);

  console.log(
    `\nSoak summary (${MINUTES} min at ${RATE}/min over ${seeding.launched} open assignments, ${users.units.length} units; load now ${loadAverage()})`,
  );
  console.log(
    table(
      [
        'window',
        'cmd p50',
        'cmd p95',
        'cmd p99',
        'read p50',
        'read p95',
        'read p99',
        'worker RSS',
        'API RSS',
        'dev server RSS',
        'PG PSS',
        'load 1m',
      ],
      [first, last].map((w) => [
        `min ${w.minutes}`,
        fmt.ms(w.commands.p50),
        fmt.ms(w.commands.p95),
        fmt.ms(w.commands.p99),
        fmt.ms(w.reads.p50),
        fmt.ms(w.reads.p95),
        fmt.ms(w.reads.p99),
        `${w.workerRssMiB.toFixed(0)} MiB`,
        `${w.apiRssMiB.toFixed(0)} MiB`,
        `${w.devServerRssMiB.toFixed(0)} MiB`,
        `${w.postgresPssMiB.toFixed(0)} MiB`,
        w.load1.toFixed(2),
      ]),
    ),
  );
  const drift = {
    commandP95: last.commands.p95 / first.commands.p95,
    commandP99: last.commands.p99 / first.commands.p99,
    readP95: last.reads.p95 / first.reads.p95,
    workerRss: last.workerRssMiB / first.workerRssMiB,
    apiRss: last.apiRssMiB / first.apiRssMiB,
    devServerRss: last.devServerRssMiB / first.devServerRssMiB,
    postgresPss: last.postgresPssMiB / first.postgresPssMiB,
  };
  console.log(
    `drift (last/first): command p95 ${fmt.ratio(drift.commandP95)}, p99 ${fmt.ratio(drift.commandP99)}; read p95 ${fmt.ratio(drift.readP95)}; RSS worker ${fmt.ratio(drift.workerRss)}, API ${fmt.ratio(drift.apiRss)}, dev server ${fmt.ratio(drift.devServerRss)}; PostgreSQL PSS ${fmt.ratio(drift.postgresPss)}`,
  );
  const peak = (m: Memory, sampled: number) => Math.max(m.hwm || 0, sampled);
  console.log(
    `max RSS (VmHWM since start): worker ${mib(peak(end.worker, maxRss.worker))} MiB, API ${mib(peak(end.api, maxRss.api))} MiB, dev server ${mib(peak(end.devServer, maxRss.devServer))} MiB; PostgreSQL PSS max sampled ${mib(maxRss.postgres)} MiB`,
  );
  console.log(
    `requests: ${totals.sent} sent, ${totals['2xx']} 2xx, ${totals['4xx']} 4xx, ${totals['5xx']} 5xx, ${totals.err} network/timeouts, ${totals.shed} shed (over ${MAX_IN_FLIGHT} in flight)`,
  );
  console.log(
    table(
      ['request', 'n', 'p50', 'p95', 'p99', 'failed', 'statuses'],
      perOp.map((o) => [o.op, String(o.n), fmt.ms(o.p50), fmt.ms(o.p95), fmt.ms(o.p99), String(o.failed), o.statuses]),
    ),
  );
  const summary = {
    flags: { factor: FACTOR, units: UNITS, open: OPEN, commandsPerMinute: RATE, minutes: MINUTES, seed: SEED, seedMinutes: SEED_MINUTES },
    mix: MIX,
    seeding,
    first,
    last,
    drift,
    maxRss: {
      worker: peak(end.worker, maxRss.worker),
      api: peak(end.api, maxRss.api),
      devServer: peak(end.devServer, maxRss.devServer),
      postgresPss: maxRss.postgres,
    },
    totals,
    perOp,
    load: loadAverage(),
  };
  fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 1));
  console.log(`\nper-minute series: ${csvFile} and ${jsonFile}; summary: ${summaryFile}`);
  console.log(
    `SOAK_RESULT ${JSON.stringify({ seeding: { launched: seeding.launched, planned: OPEN, apiLaunchRate: seeding.apiLaunchRate, endToEndRate: seeding.endToEndRate }, drift, maxRss: summary.maxRss, totals })}`,
  );
});
