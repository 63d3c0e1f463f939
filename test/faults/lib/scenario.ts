import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInvariants, waitForQuiet, type CheckedSystem, type Violation } from './invariants';
import { recordScenario } from './report';
import { faultScale } from './scale';
import { faultSeed, rngFor, type Rng } from './seed';
import { startSystem, type FaultSystem, type SystemOptions } from './system';
import { Workload } from './workload';

/** One process scenario's system and workload, seeded by the run's seed and the scenario's name. */
export interface ScenarioRun {
  seed: number;
  scale: number;
  rng: Rng;
  sys: FaultSystem;
  workload: Workload;
  /** Launches the workload's tasks and runs its commands for `runMs`; `running` settles when they stop. */
  startWorkload(runMs: number): Promise<{ until: number; running: Promise<void> }>;
}

/** What the file's afterAll must stop: filled in as soon as each part exists, so a failing start still stops it. */
export type Started = { sys?: FaultSystem; workload?: Workload };

/** Starts the scenario's own servers and sets up its workload's users and tasks. */
export async function startScenario(name: string, tag: string, started: Started, options: SystemOptions = {}): Promise<ScenarioRun> {
  const seed = faultSeed();
  const scale = faultScale();
  const rng = rngFor(name, seed);
  const sys = (started.sys = await startSystem(name, options));
  const workload = (started.workload = new Workload({
    apiUrl: sys.apiUrl,
    db: sys.db,
    rng,
    tag: `${tag}${seed}`,
    tasks: Math.max(4, Math.round(10 * scale)),
    concurrency: 3,
  }));
  await workload.setup();
  const startWorkload = async (runMs: number) => {
    const until = Date.now() + runMs;
    await workload.launchAll(until + 60_000);
    return { until, running: workload.run(until) };
  };
  return { seed, scale, rng, sys, workload, startWorkload };
}

/**
 * A process scenario's file: one test, `claim`, on the scenario's own servers and workload, which are
 * stopped after it whatever happened.
 */
export function describeScenario(
  o: { title: string; claim: string; name: string; tag: string },
  body: (run: ScenarioRun) => Promise<void>,
): void {
  describe(o.title, () => {
    const started: Started = {};
    afterAll(() => stopScenario(started));
    it(o.claim, async () => body(await startScenario(o.name, o.tag, started)));
  });
}

/** The findings of an outage scenario: a worker that gave up instead of waiting, or an outage no request met. */
export function outageProblems(workload: Workload, workerExited: number, outage: string): Violation[] {
  return [
    ...(workerExited
      ? [{ invariant: 'not-stuck', detail: `the worker exited during ${workerExited} ${outage} instead of waiting for the server` }]
      : []),
    ...(workload.ledger.unavailable === 0
      ? [{ invariant: 'api-answers', detail: 'no request met the outage: the scenario tested nothing (no 503 seen)' }]
      : []),
  ];
}

/** Stops everything the scenario started and asserts that no process of it survives. */
export async function stopScenario(started: Started): Promise<void> {
  await started.workload?.close();
  await started.sys?.stop();
  // No orphans: every process the scenario started is gone, whatever happened before.
  expect(started.sys?.survivors() ?? []).toEqual([]);
}

/**
 * Waits for the system to be quiet, checks the invariants, records the scenario's counts and
 * asserts that nothing was violated. `problems` adds the scenario's own findings, read after the checks.
 */
export async function concludeScenario(
  run: { seed: number; sys: CheckedSystem & Pick<FaultSystem, 'logTail'>; workload: Workload },
  o: { scenario: string; faultsInjected: number; summary: string; quietTimeoutMs?: number; problems?: () => Violation[] },
): Promise<void> {
  const { sys, workload, seed } = run;
  const quiet = await waitForQuiet(sys, workload, o.quietTimeoutMs);
  const verdict = await checkInvariants(sys, workload);
  if (!quiet.quiet)
    verdict.violations.push({
      invariant: 'not-stuck',
      detail: `not quiet after ${quiet.waitedMs} ms: ${quiet.lagging.slice(0, 5).join('; ')}`,
    });
  verdict.violations.push(...(o.problems?.() ?? []));
  const notes = [
    `load average ${os.loadavg()[0].toFixed(1)} (1 min) at the checks; ${o.summary}, quiet after ${(quiet.waitedMs / 1000).toFixed(1)} s`,
    ...verdict.notes,
    ...verdict.violations.map((v) => `VIOLATION ${v.invariant}: ${v.detail}`),
  ];
  recordScenario({
    scenario: o.scenario,
    seed,
    runs: 1,
    faultsInjected: o.faultsInjected,
    operationsAcknowledged: workload.ledger.acknowledged.length,
    invariantViolations: verdict.violations.length,
    notes,
  });
  console.log(`[${o.scenario}] seed ${seed}\n${notes.join('\n')}`);
  expect(verdict.violations, sys.logTail()).toEqual([]);
  expect(workload.ledger.acknowledged.length).toBeGreaterThan(20);
}
