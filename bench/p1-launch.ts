/**
 * P1 — launching assignments through the API vs raw `client.workflow.start`.
 *
 *   tsx bench/p1-launch.ts [--n 500] [--concurrency 1,8,32] [--rounds 3] [--with-worker] [--cpu-prof] [--uncached-tokens]
 *
 * On a Temporal dev server (in memory) and a throwaway PostgreSQL:
 *   one by one  POST /api/v1/tasks (secretariat bearer token) with `c` requests in flight;
 *   bulk        POST /api/v1/directives with n items, then POST /api/v1/directives/:id/launch;
 *   baseline    client.workflow.start of the same workflow with the same inputs and the same
 *               concurrency, on the same server, in the same process.
 * Only launches are counted (a 202 / a "launched" outcome / a resolved start), not completion.
 * By default no worker polls the task queue, so the figures are the launch path alone and one
 * phase's workflows never load the next; `--with-worker` runs the production worker too.
 * The HTTP requests come from a load generator in a process of its own (bench/lib/http-load.ts),
 * so this process does what the API process does: HTTP, auth, validation, start. Raw and API
 * phases alternate within each round; the ratio is the median of per-round ratios.
 * `--cpu-prof` profiles this process during the first round's API and raw phases at the highest
 * concurrency and its bulk launch, and prints where the time goes.
 * The API is built as api/main.ts builds it, with the token cache and its revocation listener;
 * `--uncached-tokens` reads the token from PostgreSQL on every request instead (the old path).
 */
import fs from 'node:fs';
import { sql } from 'kysely';
import { workflowIdFor, taskIdFor, type DirectiveTaskInput } from '../domain/task';
import type { CompleteLaunch } from '../domain/schemas/task';
import { addLaunchUnits, launchBody, userWithToken } from './lib/fixtures';
import { startHttpLoad } from './lib/http-load';
import { startProfile } from './lib/profile';
import { loadAverage, printMachine, runBench } from './lib/servers';
import { boolFlag, numberFlag, numberListFlag } from './lib/flags';
import { fmt, median, perSecond, printFigures, reportResult, runPool, summarize, table, throughputCheck, timed } from './lib/stats';
import type { Check, Figure } from './lib/stats';

const N = numberFlag('n', 500);
const CONCURRENCY = numberListFlag('concurrency', [1, 8, 32]);
const ROUNDS = numberFlag('rounds', 3);
const WITH_WORKER = boolFlag('with-worker');
const CPU_PROF = boolFlag('cpu-prof');
const UNCACHED_TOKENS = boolFlag('uncached-tokens');
const TASK_QUEUE = 'bench-p1';

// Linux clock ticks per second (USER_HZ) for /proc/<pid>/stat.
const TICKS_PER_S = 100;

type CpuKind = 'loadgen' | 'temporal' | 'postgres';
/** CPU time (ms) so far of this process and of every process of the kinds below, by pid. */
interface CpuSnapshot {
  bench: number;
  pids: Map<number, { kind: CpuKind; ms: number }>;
}

/**
 * What this process and each kind of descendant has spent: the load generator (node), the dev
 * server (temporal) and PostgreSQL (postgres and its backends). The machine has two cores shared
 * by all of them, so a launch path's cost is the sum, not this process alone. pg_ctl detaches
 * PostgreSQL, so its tree is found from the postmaster's pid.
 */
let postmasterPid = -1;
function cpuSnapshot(): CpuSnapshot {
  const usage = process.cpuUsage();
  const children = new Map<number, number[]>();
  const info = new Map<number, { comm: string; ms: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      info.set(pid, { comm, ms: ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_S });
      children.set(Number(f[1]), [...(children.get(Number(f[1])) ?? []), pid]);
    } catch {
      // Gone between readdir and read.
    }
  }
  const pids = new Map<number, { kind: CpuKind; ms: number }>();
  const walk = (pid: number, kind?: CpuKind) => {
    for (const child of children.get(pid) ?? []) {
      const c = info.get(child)!;
      const k =
        kind ??
        (c.comm.startsWith('temporal')
          ? 'temporal'
          : c.comm.startsWith('postgres')
            ? 'postgres'
            : c.comm.startsWith('node')
              ? 'loadgen'
              : undefined);
      if (k) pids.set(child, { kind: k, ms: c.ms });
      walk(child, k);
    }
  };
  walk(process.pid);
  const postmaster = info.get(postmasterPid);
  if (postmaster) {
    pids.set(postmasterPid, { kind: 'postgres', ms: postmaster.ms });
    walk(postmasterPid, 'postgres');
  }
  return { bench: (usage.user + usage.system) / 1000, pids };
}

/** CPU spent between two snapshots by kind; a process that exited in between is not counted, one that started counts from zero. */
function cpuSince(before: CpuSnapshot): Record<'bench' | CpuKind, number> {
  const after = cpuSnapshot();
  const out = { bench: after.bench - before.bench, loadgen: 0, temporal: 0, postgres: 0 };
  for (const [pid, { kind, ms }] of after.pids) out[kind] += ms - (before.pids.get(pid)?.ms ?? 0);
  return out;
}

runBench(async (bench) => {
  printMachine();
  console.log(
    `P1 launch: ${N} launches per phase, concurrency ${CONCURRENCY.join('/')}, ${ROUNDS} rounds, ${WITH_WORKER ? 'with' : 'without'} a worker on the task queue, tokens ${UNCACHED_TOKENS ? 'read from PostgreSQL on every request' : `cached for ${bench.config.api.tokenCacheTtlMs / 1000} s`}`,
  );
  const pg = await bench.postgres({ poolSize: 10 });
  const { db } = pg;
  const { rows } = await sql<{ data_directory: string }>`show data_directory`.execute(db);
  postmasterPid = Number(fs.readFileSync(`${rows[0].data_directory}/postmaster.pid`, 'utf8').split('\n')[0]);
  const temporal = await bench.devServer();
  if (WITH_WORKER) await bench.worker(temporal, pg, TASK_QUEUE);
  // The API as api/main.ts builds it (token cache, metrics, batched request logs to /dev/null).
  const { url } = await bench.api(pg, temporal, TASK_QUEUE, UNCACHED_TOKENS ? { API_TOKEN_CACHE_TTL_SECONDS: '0' } : {});
  const auth = await userWithToken(db, 'bench.secretariat', 'VPTU', ['secretariat']);
  await addLaunchUnits(db);
  const nowMs = Date.now();
  const launches = (directiveNumber: string): CompleteLaunch[] =>
    Array.from({ length: N }, (_, i) => launchBody(directiveNumber, i, nowMs));

  const raw = (launch: CompleteLaunch) => {
    const taskId = taskIdFor({ directiveNumber: launch.directiveNumber, directiveYear: 2026, directiveIssuer: null }, launch.ref);
    const input: DirectiveTaskInput = { taskId, launch };
    return temporal.client.workflow.start('directiveTask', { taskQueue: TASK_QUEUE, workflowId: workflowIdFor(taskId), args: [input] });
  };
  const load = startHttpLoad();
  bench.onClose(() => load.close());
  const viaApi = (bodies: CompleteLaunch[], concurrency: number) =>
    load.run({
      url: `${url}/api/v1/tasks`,
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      bodies,
      concurrency,
      expect: 202,
    });
  const viaRaw = (launches: CompleteLaunch[], concurrency: number) => runPool(launches, concurrency, raw);

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  };
  /** Registers the directive (timed apart), then launches every item in one request. */
  const bulk = async (number: string) => {
    const items = launches(number).map(({ directiveNumber: _n, assignedBy: _a, decidedBy: _d, ...item }) => item);
    const registered = await timed(() =>
      post('/api/v1/directives', { number, assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo', decidedBy: 'SKHCN', items }),
    );
    const id = (registered.value as { id: string }).id;
    const launched = await timed(() => post(`/api/v1/directives/${id}/launch`, {}));
    const outcomes = (launched.value as { results: { outcome: string }[] }).results;
    const ok = outcomes.filter((o) => o.outcome === 'launched').length;
    if (ok !== N) throw new Error(`bulk launch started ${ok} of ${N}: ${JSON.stringify(outcomes.find((o) => o.outcome !== 'launched'))}`);
    return { registerMs: registered.ms, launchMs: launched.ms };
  };

  // Warm-up: connections, JIT, plans; not counted.
  await viaRaw(launches('P1-WARM-RAW/TB').slice(0, 50), 8);
  await viaApi(launches('P1-WARM-API/TB').slice(0, 50), 8);

  type Series = { throughput: number[]; latencies: number[] };
  const series = new Map<string, Series>();
  const add = (name: string, throughput: number, latencies: number[]) => {
    const s = series.get(name) ?? { throughput: [], latencies: [] };
    s.throughput.push(throughput);
    s.latencies.push(...latencies);
    series.set(name, s);
  };
  const cpuPerLaunch = new Map<string, Record<string, number>[]>();
  const addCpu = (name: string, before: CpuSnapshot) => {
    const per = Object.fromEntries(Object.entries(cpuSince(before)).map(([k, v]) => [k, v / N]));
    cpuPerLaunch.set(name, [...(cpuPerLaunch.get(name) ?? []), per]);
  };
  const ratios = new Map<string, number[]>();
  const addRatio = (name: string, r: number) => ratios.set(name, [...(ratios.get(name) ?? []), r]);
  let started = 100;

  for (let round = 0; round < ROUNDS; round++) {
    for (const c of CONCURRENCY) {
      const order: ('raw' | 'api')[] = round % 2 === 0 ? ['raw', 'api'] : ['api', 'raw'];
      const got: Record<string, number> = {};
      for (const kind of order) {
        const profile = CPU_PROF && round === 0 && c === Math.max(...CONCURRENCY) ? await startProfile() : null;
        const cpu0 = cpuSnapshot();
        const run = await (kind === 'raw' ? viaRaw : viaApi)(launches(`P1-${kind}-R${round}-C${c}/TB`), c);
        addCpu(`${kind} c=${c}`, cpu0);
        if (profile) await profile.stop(`p1-${kind}-c${c}`);
        started += N;
        add(`${kind} c=${c}`, run.throughput, run.latencies);
        got[kind] = run.throughput;
        console.log(
          `round ${round + 1} ${kind.padEnd(3)} c=${String(c).padEnd(2)} ${N} launches in ${fmt.ms(run.elapsedMs)}: ${fmt.rate(run.throughput)} (load ${loadAverage()})`,
        );
      }
      addRatio(`c=${c}`, got.api / got.raw);
    }
    // Bulk: one request launching N items, against raw starts one at a time (what the service does) and at the highest concurrency.
    const bulkProfile = CPU_PROF && round === 0 ? await startProfile() : null;
    const bulkCpu0 = cpuSnapshot();
    const b = await bulk(`P1-BULK-R${round}/TB`);
    addCpu('bulk register+launch', bulkCpu0);
    if (bulkProfile) await bulkProfile.stop('p1-bulk');
    started += N;
    const bulkRate = perSecond(N, b.launchMs);
    add('bulk launch', bulkRate, []);
    add('bulk register+launch', perSecond(N, b.registerMs + b.launchMs), []);
    console.log(
      `round ${round + 1} bulk: register ${fmt.ms(b.registerMs)}, launch ${fmt.ms(b.launchMs)}: ${fmt.rate(bulkRate)} (load ${loadAverage()})`,
    );
    const rawSeqCpu0 = cpuSnapshot();
    const rawSeq = await viaRaw(launches(`P1-raw-bulkbase-R${round}/TB`), 1);
    addCpu('raw c=1 (bulk baseline)', rawSeqCpu0);
    started += N;
    add('raw c=1 (bulk baseline)', rawSeq.throughput, rawSeq.latencies);
    addRatio('bulk', bulkRate / rawSeq.throughput);
    console.log(`round ${round + 1} raw c=1 (bulk baseline): ${fmt.rate(rawSeq.throughput)}`);
  }

  // Every launch counted is a workflow the server holds (visibility is eventually consistent).
  let count = 0;
  for (let i = 0; i < 50; i++) {
    count = (await temporal.client.workflow.count(`WorkflowType = 'directiveTask'`)).count;
    if (count >= started) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`workflows on the server: ${count} (expected ${started})`);

  const t = (name: string) => median(series.get(name)?.throughput ?? [NaN]);
  const figures: Figure[] = [...series.entries()].map(([name, s]) => ({
    name,
    summary: s.latencies.length ? summarize(s.latencies) : undefined,
    throughput: median(s.throughput),
    note: `rounds: ${s.throughput.map((x) => fmt.rate(x)).join(', ')}`,
  }));
  printFigures(`P1 figures (throughput = median of ${ROUNDS} rounds; latency = one launch)`, figures);

  const cpuKinds = ['bench', 'loadgen', 'temporal', 'postgres'] as const;
  const cpuRows = [...cpuPerLaunch.entries()].map(([name, rounds]) => {
    const med = cpuKinds.map((k) => median(rounds.map((r) => r[k])));
    return [name, ...med.map((x) => `${x.toFixed(2)} ms`), `${med.reduce((a, b) => a + b, 0).toFixed(2)} ms`];
  });
  console.log(`\nCPU per launch (median of ${ROUNDS} rounds; this process = the API or the raw client; load ${loadAverage()})`);
  console.log(table(['case', 'this process', 'load generator', 'dev server', 'PostgreSQL', 'total'], cpuRows));

  const checks: Check[] = CONCURRENCY.map((c) => ({
    ...throughputCheck('P1', `API one by one, c=${c}`, t(`api c=${c}`), t(`raw c=${c}`), 0.8, c !== 1),
    ratio: median(ratios.get(`c=${c}`)!),
  }));
  checks.push({
    ...throughputCheck('P1', 'API bulk launch (one request) vs raw c=1', t('bulk launch'), t('raw c=1 (bulk baseline)'), 0.8),
    ratio: median(ratios.get('bulk')!),
  });
  const top = Math.max(...CONCURRENCY);
  checks.push(throughputCheck('P1', `API bulk launch vs raw c=${top}`, t('bulk launch'), t(`raw c=${top}`), 0.8, false));
  for (const c of checks) c.pass = c.ratio! >= 0.8;
  console.log(
    `(ratio = median of per-round ratios: ${[...ratios.entries()].map(([k, v]) => `${k} ${v.map(fmt.ratio).join('/')}`).join('; ')})`,
  );
  reportResult('P1', { checks, figures, extra: { workflows: count, expected: started, load: loadAverage() } });
});
