import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInvariants, waitForQuiet } from '../lib/invariants';
import { recordScenario } from '../lib/report';
import { faultScale, sleep } from '../lib/scale';
import { faultSeed, rngFor } from '../lib/seed';
import { startSystem, type FaultSystem } from '../lib/system';
import { Workload } from '../lib/workload';

const SCENARIO = 'PostgreSQL stopped 30 s';
const OUTAGE_MS = Number(process.env.FAULTS_PG_OUTAGE_MS ?? 30_000);

describe('PostgreSQL stopped for 30 seconds and started again', () => {
  let sys: FaultSystem | undefined;
  let workload: Workload | undefined;

  afterAll(async () => {
    await workload?.close();
    await sys?.stop();
    expect(sys?.survivors() ?? []).toEqual([]);
  });

  it('answers 503 with a clear problem meanwhile, activities retry, nothing acknowledged is lost', async () => {
    const seed = faultSeed();
    const scale = faultScale();
    const rng = rngFor('postgres-outage', seed);
    sys = await startSystem('postgres-outage');
    workload = new Workload({ apiUrl: sys.apiUrl, db: sys.db, rng, tag: `PG${seed}`, tasks: Math.max(4, Math.round(10 * scale)), concurrency: 3 });
    await workload.setup();

    const outages = Math.max(1, Math.round(scale));
    const runMs = Math.round(30_000 + outages * (OUTAGE_MS + 30_000));
    const until = Date.now() + runMs;
    await workload.launchAll(until + 60_000);
    const running = workload.run(until);

    let workerExited = 0;
    for (let i = 0; i < outages; i++) {
      await sleep(rng.int(10_000, 25_000));
      const before = workload.ledger.unavailable;
      await sys.stopPostgres();
      const stoppedAt = Date.now();
      await sleep(OUTAGE_MS);
      await sys.startPostgres();
      console.log(`[${SCENARIO}] outage ${i + 1}: ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s, ${workload.ledger.unavailable - before} answers 503 meanwhile`);
      if (!sys.workerRunning()) {
        workerExited++;
        await sys.startWorker();
      }
    }
    await running;
    workload.stop();

    // recordEvent backs off up to a minute between attempts: give the writes that waited time to land.
    const quiet = await waitForQuiet(sys, workload, 240_000);
    const verdict = await checkInvariants(sys, workload);
    if (!quiet.quiet) verdict.violations.push({ invariant: 'not-stuck', detail: `not quiet after ${quiet.waitedMs} ms: ${quiet.lagging.slice(0, 5).join('; ')}` });
    if (workerExited) verdict.violations.push({ invariant: 'not-stuck', detail: `the worker exited during ${workerExited} database outages` });
    if (workload.ledger.unavailable === 0) verdict.violations.push({ invariant: 'api-answers', detail: 'no request met the outage: the scenario tested nothing (no 503 seen)' });
    const notes = [`load average ${os.loadavg()[0].toFixed(1)} (1 min) at the checks; ${outages} outages of ${OUTAGE_MS / 1000} s, quiet after ${(quiet.waitedMs / 1000).toFixed(1)} s`, ...verdict.notes, ...verdict.violations.map((v) => `VIOLATION ${v.invariant}: ${v.detail}`)];
    recordScenario({ scenario: SCENARIO, seed, runs: 1, faultsInjected: outages, operationsAcknowledged: workload.ledger.acknowledged.length, invariantViolations: verdict.violations.length, notes });
    console.log(`[${SCENARIO}] seed ${seed}\n${notes.join('\n')}`);
    expect(verdict.violations, sys.logTail()).toEqual([]);
    expect(workload.ledger.acknowledged.length).toBeGreaterThan(20);
  });
});
