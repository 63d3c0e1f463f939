import { concludeScenario, describeScenario, finishWorkload } from '../lib/scenario';
import { nextOrAfter, sleep } from '../lib/scale';

const SCENARIO = 'cluster: one of two API processes SIGKILLed';

describeScenario(
  {
    title: 'on the cluster profile, an API process killed with SIGKILL behind a balancer, clients retrying with their Idempotency-Key',
    claim: 'a retried command reaches the other API and is recorded once; nothing acknowledged is lost',
    name: 'cluster-api-kill',
    tag: 'CAK',
    options: { temporal: 'cluster', workers: 1, apis: 2 },
  },
  async (run) => {
    const { scale, rng, sys, workload } = run;
    const { until, running } = await run.startWorkload(Math.round(150_000 * scale));

    // Each kill lands right after a command left, so some answers are lost mid-request and their
    // clients retry, with the same key, on a new connection that the balancer sends to the survivor.
    const target = Math.max(3, Math.round(rng.int(4, 6) * scale));
    let kills = 0;
    while (Date.now() < until - 15_000 && kills < target) {
      await sleep(rng.int(3_000, 8_000));
      await nextOrAfter(workload.events, 'sent', 5_000);
      await sleep(rng.int(0, 100));
      const victim = rng.int(0, 1);
      await sys.killApi(victim);
      kills++;
      await sleep(rng.int(3_000, 8_000));
      await sys.startApi(victim);
    }
    await finishWorkload(run, running);

    const lost = workload.ledger.operations.filter((o) => o.retried.includes(0)).length;
    await concludeScenario(run, {
      scenario: SCENARIO,
      faultsInjected: kills,
      summary: `${kills} API kills, ${lost} operations retried after a lost answer`,
      problems: () =>
        lost === 0 ? [{ invariant: 'api-answers', detail: 'no answer was lost to a kill: the scenario tested nothing' }] : [],
    });
  },
);
