import { afterAll, describe, it } from 'vitest';
import { concludeScenario, startScenario, stopScenario, type Started } from '../lib/scenario';
import { sleep } from '../lib/scale';

const SCENARIO = 'cluster: Temporal server SIGKILL + restart';

describe('on the cluster profile, the Temporal server killed with SIGKILL and restarted on its PostgreSQL databases', () => {
  const started: Started = {};
  afterAll(() => stopScenario(started));

  it('answers 503 while it is away, the two workers wait for it, nothing acknowledged is lost or stuck', async () => {
    const run = await startScenario('cluster-temporal-restart', 'CTR', started, { temporal: 'cluster', workers: 2 });
    const { scale, rng, sys, workload } = run;

    const runMs = Math.round(150_000 * scale);
    const until = Date.now() + runMs;
    await workload.launchAll(until + 60_000);
    const running = workload.run(until);

    const outages = Math.max(2, Math.round(rng.int(2, 3) * scale));
    const downFor: number[] = [];
    let workersExited = 0;
    for (let i = 0; i < outages; i++) {
      await sleep(rng.int(8_000, Math.max(10_000, Math.floor(runMs / (outages + 1)))));
      await sys.killTemporal();
      // The first outage outlasts the API's bounded wait (503s, retried with the same key).
      const down = i === 0 ? rng.int(30_000, 40_000) : rng.int(5_000, 15_000);
      downFor.push(down);
      await sleep(down);
      await sys.startTemporal();
      for (const slot of [0, 1])
        if (!sys.workerRunning(slot)) {
          workersExited++;
          await sys.startWorker(slot);
        }
    }
    await running;
    workload.stop();

    await concludeScenario(run, {
      scenario: SCENARIO,
      faultsInjected: outages,
      summary: `${outages} Temporal server kills (down ${downFor.map((d) => `${(d / 1000).toFixed(1)} s`).join(', ')})`,
      problems: () => [
        ...(workersExited ? [{ invariant: 'not-stuck', detail: `${workersExited} worker exits during Temporal outages` }] : []),
        ...(workload.ledger.unavailable === 0
          ? [{ invariant: 'api-answers', detail: 'no request met the outage: the scenario tested nothing (no 503 seen)' }]
          : []),
      ],
    });
  });
});
