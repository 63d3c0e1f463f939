import { concludeScenario, describeScenario, finishWorkload, restartExitedWorkers } from '../lib/scenario';
import { nextOrAfter, sleep } from '../lib/scale';

const SCENARIO = 'worker SIGKILL + restart';

describeScenario(
  {
    title: 'the worker killed with SIGKILL at random moments, many times, and restarted',
    claim: 'loses no acknowledged command, delivers no notification twice and leaves nothing stuck',
    name: 'worker-kill',
    tag: 'WK',
  },
  async (run) => {
    const { scale, rng, sys, workload } = run;

    const runMs = Math.round(180_000 * scale);
    const { until, running } = await run.startWorkload(runMs);

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
    await finishWorkload(run, running);
    await restartExitedWorkers(sys);

    await concludeScenario(run, {
      scenario: SCENARIO,
      faultsInjected: kills,
      summary: `${kills} kills (${midCommand} right after a command was sent)`,
    });
  },
);
