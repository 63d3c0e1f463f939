import { concludeScenario, describeScenario, finishWorkload, restartExitedWorkers } from '../lib/scenario';
import { nextOrAfter, sleep } from '../lib/scale';

const SCENARIO = 'cluster: one of two workers SIGKILLed';

describeScenario(
  {
    title: 'on the cluster profile, one of two workers killed with SIGKILL mid-activity, the other carrying on',
    claim: 'the surviving worker keeps the tasks moving; nothing acknowledged is lost, nothing is sent twice',
    name: 'cluster-worker-kill',
    tag: 'CWK',
    options: { temporal: 'cluster', workers: 2 },
  },
  async (run) => {
    const { scale, rng, sys, workload } = run;
    const { until, running } = await run.startWorkload(Math.round(180_000 * scale));

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
    await finishWorkload(run, running);
    await restartExitedWorkers(sys, [0, 1]);

    await concludeScenario(run, {
      scenario: SCENARIO,
      faultsInjected: kills,
      summary: `${kills} kills of one worker of two, ${ackedWhileOneDown} commands acknowledged while one was down`,
      problems: () =>
        ackedWhileOneDown === 0
          ? [{ invariant: 'not-stuck', detail: 'no command was acknowledged while one worker was down: the other did not carry on' }]
          : [],
    });
  },
);
