import { afterAll, describe, it } from 'vitest';
import { concludeScenario, startScenario, stopScenario, type Started } from '../lib/scenario';
import { sleep } from '../lib/scale';

const SCENARIO = 'cluster: PostgreSQL restarted';
const OUTAGE_MS = Number(process.env.FAULTS_PG_OUTAGE_MS ?? 20_000);

describe('on the cluster profile, PostgreSQL (Temporal persistence and ours) stopped and started again', () => {
  const started: Started = {};
  afterAll(() => stopScenario(started));

  it('the Temporal server and both workers come back by themselves; nothing acknowledged is lost', async () => {
    const run = await startScenario('cluster-postgres-restart', 'CPG', started, { temporal: 'cluster', workers: 2 });
    const { scale, rng, sys, workload } = run;

    const outages = Math.max(1, Math.round(scale));
    const runMs = Math.round(30_000 + outages * (OUTAGE_MS + 40_000));
    const until = Date.now() + runMs;
    await workload.launchAll(until + 60_000);
    const running = workload.run(until);

    const exited: string[] = [];
    for (let i = 0; i < outages; i++) {
      await sleep(rng.int(10_000, 25_000));
      await sys.stopPostgres();
      await sleep(OUTAGE_MS);
      await sys.startPostgres();
      for (const slot of [0, 1])
        if (!sys.workerRunning(slot)) {
          exited.push(`worker ${slot}`);
          await sys.startWorker(slot);
        }
    }
    await running;
    workload.stop();

    await concludeScenario(run, {
      scenario: SCENARIO,
      faultsInjected: outages,
      summary: `${outages} outages of ${OUTAGE_MS / 1000} s`,
      quietTimeoutMs: 240_000,
      problems: () => [
        ...(exited.length ? [{ invariant: 'not-stuck', detail: `exited during the outages: ${exited.join(', ')}` }] : []),
        ...(workload.ledger.unavailable === 0
          ? [{ invariant: 'api-answers', detail: 'no request met the outage: the scenario tested nothing (no 503 seen)' }]
          : []),
      ],
    });
  });
});
