import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInvariants, waitForQuiet } from '../lib/invariants';
import { recordScenario } from '../lib/report';
import { faultScale, nextOrAfter, sleep } from '../lib/scale';
import { faultSeed, rngFor } from '../lib/seed';
import { startSystem, type FaultSystem } from '../lib/system';
import { Workload } from '../lib/workload';

const SCENARIO = 'worker SIGKILL + restart';

describe('the worker killed with SIGKILL at random moments, many times, and restarted', () => {
  let sys: FaultSystem | undefined;
  let workload: Workload | undefined;

  afterAll(async () => {
    await workload?.close();
    await sys?.stop();
    // No orphans: every process the scenario started is gone, whatever happened above.
    expect(sys?.survivors() ?? []).toEqual([]);
  });

  it('loses no acknowledged command, delivers no notification twice and leaves nothing stuck', async () => {
    const seed = faultSeed();
    const scale = faultScale();
    const rng = rngFor('worker-kill', seed);
    sys = await startSystem('worker-kill');
    workload = new Workload({ apiUrl: sys.apiUrl, db: sys.db, rng, tag: `WK${seed}`, tasks: Math.max(4, Math.round(10 * scale)), concurrency: 3 });
    await workload.setup();

    const runMs = Math.round(180_000 * scale);
    const until = Date.now() + runMs;
    await workload.launchAll(until + 60_000);
    const running = workload.run(until);

    // Kills at seeded moments: half of them right after a command left for the API, so the worker dies
    // with an Update's workflow task or its recordEvent activity in flight.
    const target = Math.round(rng.int(8, 12) * scale);
    let kills = 0;
    let midCommand = 0;
    while (Date.now() < until - 5_000 && kills < target) {
      await sleep(rng.int(1_000, 6_000));
      if (rng.chance(0.5)) {
        await nextOrAfter(workload.events, 'sent', 5_000);
        await sleep(rng.int(0, 250));
        midCommand++;
      }
      await sys.killWorker();
      kills++;
      await sleep(rng.int(0, 2_000));
      await sys.startWorker();
    }
    await running;
    workload.stop();
    if (!sys.workerRunning()) await sys.startWorker();

    const quiet = await waitForQuiet(sys, workload);
    const verdict = await checkInvariants(sys, workload);
    if (!quiet.quiet) verdict.violations.push({ invariant: 'not-stuck', detail: `not quiet after ${quiet.waitedMs} ms: ${quiet.lagging.slice(0, 5).join('; ')}` });
    const notes = [`load average ${os.loadavg()[0].toFixed(1)} (1 min) at the checks; ${kills} kills (${midCommand} right after a command was sent), quiet after ${(quiet.waitedMs / 1000).toFixed(1)} s`, ...verdict.notes, ...verdict.violations.map((v) => `VIOLATION ${v.invariant}: ${v.detail}`)];
    recordScenario({ scenario: SCENARIO, seed, runs: 1, faultsInjected: kills, operationsAcknowledged: workload.ledger.acknowledged.length, invariantViolations: verdict.violations.length, notes });
    console.log(`[${SCENARIO}] seed ${seed}\n${notes.join('\n')}`);
    expect(verdict.violations, sys.logTail()).toEqual([]);
    expect(workload.ledger.acknowledged.length).toBeGreaterThan(20);
  });
});
