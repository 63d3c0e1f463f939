import { concludeScenario, describeScenario, outageProblems } from '../lib/scenario';
import { sleep } from '../lib/scale';

const SCENARIO = 'Temporal dev server SIGKILL + restart';

describeScenario(
  {
    title: 'the Temporal dev server killed with SIGKILL and restarted on its persisted database',
    claim: 'answers 503 while it is away, then loses nothing acknowledged and leaves nothing stuck',
    name: 'temporal-restart',
    tag: 'TR',
  },
  async (run) => {
    const { scale, rng, sys, workload } = run;

    const runMs = Math.round(150_000 * scale);
    const { running } = await run.startWorkload(runMs);

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

    await concludeScenario(run, {
      scenario: SCENARIO,
      faultsInjected: outages,
      summary: `${outages} dev server kills (down ${downFor.map((d) => `${(d / 1000).toFixed(1)} s`).join(', ')})`,
      problems: () => outageProblems(workload, workerExited, 'Temporal outages'),
    });
  },
);
