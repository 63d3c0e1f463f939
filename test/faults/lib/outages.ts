import { concludeScenario, finishWorkload, outageProblems, restartExitedWorkers, type ScenarioRun } from './scenario';
import { sleep } from './scale';

/**
 * The Temporal server killed with SIGKILL two or three times (at scale 1) and started again on its
 * persisted database; `workerSlots` are the workers expected to ride each outage out.
 */
export async function temporalRestarts(
  run: ScenarioRun,
  scenario: string,
  o: { serverName: string; workerSlots: number[] },
): Promise<void> {
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
    // The workers are expected to ride the outage out (their polls retry); one that gave up is a finding.
    workerExited += await restartExitedWorkers(sys, o.workerSlots);
    console.log(`[${scenario}] outage ${i + 1}: ${down} ms, ${workload.ledger.unavailable - unavailableBefore} answers 503 meanwhile`);
  }
  await finishWorkload(run, running);

  await concludeScenario(run, {
    scenario,
    faultsInjected: outages,
    summary: `${outages} ${o.serverName} kills (down ${downFor.map((d) => `${(d / 1000).toFixed(1)} s`).join(', ')})`,
    problems: () => outageProblems(workload, workerExited, 'Temporal outages'),
  });
}

/**
 * PostgreSQL stopped for `outageMs` once (at scale 1) and started again, with `settleMs` of commands
 * after each outage; `workerSlots` are the workers expected to ride each outage out.
 */
export async function postgresOutages(
  run: ScenarioRun,
  scenario: string,
  o: { outageMs: number; settleMs: number; workerSlots: number[] },
) {
  const { scale, rng, sys, workload } = run;
  const outages = Math.max(1, Math.round(scale));
  const { running } = await run.startWorkload(Math.round(30_000 + outages * (o.outageMs + o.settleMs)));

  let workerExited = 0;
  for (let i = 0; i < outages; i++) {
    await sleep(rng.int(10_000, 25_000));
    const before = workload.ledger.unavailable;
    await sys.stopPostgres();
    const stoppedAt = Date.now();
    await sleep(o.outageMs);
    await sys.startPostgres();
    console.log(
      `[${scenario}] outage ${i + 1}: ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s, ${workload.ledger.unavailable - before} answers 503 meanwhile`,
    );
    workerExited += await restartExitedWorkers(sys, o.workerSlots);
  }
  await finishWorkload(run, running);

  // recordEvent backs off up to a minute between attempts: give the writes that waited time to land.
  await concludeScenario(run, {
    scenario,
    faultsInjected: outages,
    summary: `${outages} outages of ${o.outageMs / 1000} s`,
    quietTimeoutMs: 240_000,
    problems: () => outageProblems(workload, workerExited, 'database outages'),
  });
}
