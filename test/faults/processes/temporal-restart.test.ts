import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInvariants, waitForQuiet } from '../lib/invariants';
import { recordScenario } from '../lib/report';
import { faultScale, sleep } from '../lib/scale';
import { faultSeed, rngFor } from '../lib/seed';
import { startSystem, type FaultSystem } from '../lib/system';
import { Workload } from '../lib/workload';

const SCENARIO = 'Temporal dev server SIGKILL + restart';

describe('the Temporal dev server killed with SIGKILL and restarted on its persisted database', () => {
  let sys: FaultSystem | undefined;
  let workload: Workload | undefined;

  afterAll(async () => {
    await workload?.close();
    await sys?.stop();
    expect(sys?.survivors() ?? []).toEqual([]);
  });

  it('answers 503 while it is away, then loses nothing acknowledged and leaves nothing stuck', async () => {
    const seed = faultSeed();
    const scale = faultScale();
    const rng = rngFor('temporal-restart', seed);
    sys = await startSystem('temporal-restart');
    workload = new Workload({ apiUrl: sys.apiUrl, db: sys.db, rng, tag: `TR${seed}`, tasks: Math.max(4, Math.round(10 * scale)), concurrency: 3 });
    await workload.setup();

    const runMs = Math.round(150_000 * scale);
    const until = Date.now() + runMs;
    await workload.launchAll(until + 60_000);
    const running = workload.run(until);

    const outages = Math.max(2, Math.round(rng.int(2, 3) * scale));
    const downFor: number[] = [];
    let workerExited = 0;
    for (let i = 0; i < outages; i++) {
      await sleep(rng.int(8_000, Math.max(10_000, Math.floor(runMs / (outages + 1)))));
      const unavailableBefore = workload.ledger.unavailable;
      await sys.killTemporal();
      // One outage outlasts the client's gRPC retries and the API's bounded wait (503s, retried with
      // the same Idempotency-Key); the others are short enough to be ridden out by those retries.
      const down = i === 0 ? rng.int(30_000, 40_000) : rng.int(5_000, 15_000);
      downFor.push(down);
      await sleep(down);
      await sys.startTemporal();
      // The worker is expected to ride the outage out (its polls retry); one that gave up is a finding.
      if (!sys.workerRunning()) {
        workerExited++;
        await sys.startWorker();
      }
      console.log(`[${SCENARIO}] outage ${i + 1}: ${down} ms, ${workload.ledger.unavailable - unavailableBefore} answers 503 meanwhile`);
    }
    await running;
    workload.stop();

    const quiet = await waitForQuiet(sys, workload);
    const verdict = await checkInvariants(sys, workload);
    if (!quiet.quiet) verdict.violations.push({ invariant: 'not-stuck', detail: `not quiet after ${quiet.waitedMs} ms: ${quiet.lagging.slice(0, 5).join('; ')}` });
    if (workerExited) verdict.violations.push({ invariant: 'not-stuck', detail: `the worker exited during ${workerExited} Temporal outages instead of waiting for the server` });
    if (workload.ledger.unavailable === 0) verdict.violations.push({ invariant: 'api-answers', detail: 'no request met the outage: the scenario tested nothing (no 503 seen)' });
    const notes = [`load average ${os.loadavg()[0].toFixed(1)} (1 min) at the checks; ${outages} dev server kills (down ${downFor.map((d) => `${(d / 1000).toFixed(1)} s`).join(', ')}), quiet after ${(quiet.waitedMs / 1000).toFixed(1)} s`, ...verdict.notes, ...verdict.violations.map((v) => `VIOLATION ${v.invariant}: ${v.detail}`)];
    recordScenario({ scenario: SCENARIO, seed, runs: 1, faultsInjected: outages, operationsAcknowledged: workload.ledger.acknowledged.length, invariantViolations: verdict.violations.length, notes });
    console.log(`[${SCENARIO}] seed ${seed}\n${notes.join('\n')}`);
    expect(verdict.violations, sys.logTail()).toEqual([]);
    expect(workload.ledger.acknowledged.length).toBeGreaterThan(20);
  });
});
