import { concludeScenario, describeScenario, outageProblems } from '../lib/scenario';
import { sleep } from '../lib/scale';

const SCENARIO = 'PostgreSQL stopped 30 s';
const OUTAGE_MS = Number(process.env.FAULTS_PG_OUTAGE_MS ?? 30_000);

describeScenario(
  {
    title: 'PostgreSQL stopped for 30 seconds and started again',
    claim: 'answers 503 with a clear problem meanwhile, activities retry, nothing acknowledged is lost',
    name: 'postgres-outage',
    tag: 'PG',
  },
  async (run) => {
    const { scale, rng, sys, workload } = run;

    const outages = Math.max(1, Math.round(scale));
    const runMs = Math.round(30_000 + outages * (OUTAGE_MS + 30_000));
    const { running } = await run.startWorkload(runMs);

    let workerExited = 0;
    for (let i = 0; i < outages; i++) {
      await sleep(rng.int(10_000, 25_000));
      const before = workload.ledger.unavailable;
      await sys.stopPostgres();
      const stoppedAt = Date.now();
      await sleep(OUTAGE_MS);
      await sys.startPostgres();
      console.log(
        `[${SCENARIO}] outage ${i + 1}: ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s, ${workload.ledger.unavailable - before} answers 503 meanwhile`,
      );
      if (!sys.workerRunning()) {
        workerExited++;
        await sys.startWorker();
      }
    }
    await running;
    workload.stop();

    // recordEvent backs off up to a minute between attempts: give the writes that waited time to land.
    await concludeScenario(run, {
      scenario: SCENARIO,
      faultsInjected: outages,
      summary: `${outages} outages of ${OUTAGE_MS / 1000} s`,
      quietTimeoutMs: 240_000,
      problems: () => outageProblems(workload, workerExited, 'database outages'),
    });
  },
);
