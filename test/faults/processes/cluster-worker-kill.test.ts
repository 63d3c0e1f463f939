import { afterAll, describe, it } from 'vitest';
import { concludeScenario, startScenario, stopScenario, type Started } from '../lib/scenario';
import { nextOrAfter, sleep } from '../lib/scale';

const SCENARIO = 'cluster: one of two workers SIGKILLed';

describe('on the cluster profile, one of two workers killed with SIGKILL mid-activity, the other carrying on', () => {
  const started: Started = {};
  afterAll(() => stopScenario(started));

  it('the surviving worker keeps the tasks moving; nothing acknowledged is lost, nothing is sent twice', async () => {
    const run = await startScenario('cluster-worker-kill', 'CWK', started, { temporal: 'cluster', workers: 2 });
    const { scale, rng, sys, workload } = run;

    const runMs = Math.round(180_000 * scale);
    const until = Date.now() + runMs;
    await workload.launchAll(until + 60_000);
    const running = workload.run(until);

    // Each kill right after a command left for the API, so the victim dies with an Update's workflow
    // task or its recordEvent activity (or a delivery claim) in flight; it stays down for a while so
    // that the other worker alone must carry the load, then comes back.
    const target = Math.max(3, Math.round(rng.int(4, 6) * scale));
    let kills = 0;
    let ackedWhileOneDown = 0;
    while (Date.now() < until - 20_000 && kills < target) {
      await sleep(rng.int(2_000, 8_000));
      await nextOrAfter(workload.events, 'sent', 5_000);
      await sleep(rng.int(0, 250));
      const victim = rng.int(0, 1);
      await sys.killWorker(victim);
      kills++;
      const acked = workload.ledger.acknowledged.length;
      await sleep(rng.int(10_000, 20_000));
      ackedWhileOneDown += workload.ledger.acknowledged.length - acked;
      await sys.startWorker(victim);
    }
    await running;
    workload.stop();
    for (const slot of [0, 1]) if (!sys.workerRunning(slot)) await sys.startWorker(slot);

    await concludeScenario(run, {
      scenario: SCENARIO,
      faultsInjected: kills,
      summary: `${kills} kills of one worker of two, ${ackedWhileOneDown} commands acknowledged while one was down`,
      problems: () =>
        ackedWhileOneDown === 0
          ? [{ invariant: 'not-stuck', detail: 'no command was acknowledged while one worker was down: the other did not carry on' }]
          : [],
    });
  });
});
