import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInvariants, waitForQuiet, type CheckedSystem, type Violation } from './invariants';
import { recordScenario } from './report';
import { faultScale } from './scale';
import { faultSeed, rngFor, type Rng } from './seed';
import { startSystem, type FaultSystem, type SystemOptions } from './system';
import { npmStart, type NpmStart } from './npm-start';
import { Workload, type WorkloadOptions } from './workload';

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
  const workload = (started.workload = await workloadFor(sys.apiUrl, sys.db, rng, `${tag}${seed}`, Math.round(10 * scale)));
  return { seed, scale, rng, sys, workload, startWorkload: workloadStarter(workload) };
}

/** A workload of at least four tasks, its users and tasks set up, three commands in flight at most. */
async function workloadFor(apiUrl: string, db: WorkloadOptions['db'], rng: Rng, tag: string, tasks: number): Promise<Workload> {
  const workload = new Workload({ apiUrl, db, rng, tag, tasks: Math.max(4, tasks), concurrency: 3 });
  await workload.setup();
  return workload;
}

function workloadStarter(workload: Workload): ScenarioRun['startWorkload'] {
  return async (runMs: number) => {
    const until = Date.now() + runMs;
    await workload.launchAll(until + 60_000);
    return { until, running: workload.run(until) };
  };
}

/** Waits for the workload's commands to stop and stops generating new ones. */
export async function finishWorkload(run: { workload: Workload }, running: Promise<void>): Promise<void> {
  await running;
  run.workload.stop();
}

/**
 * A process scenario's file: one test, `claim`, on the scenario's own servers and workload, which are
 * stopped after it whatever happened.
 */
export function describeScenario(
  o: { title: string; claim: string; name: string; tag: string; options?: SystemOptions },
  body: (run: ScenarioRun) => Promise<void>,
): void {
  describe(o.title, () => {
    const started: Started = {};
    afterAll(() => stopScenario(started));
    it(o.claim, async () => body(await startScenario(o.name, o.tag, started, o.options)));
  });
}

/** One `npm start` scenario's run: the started command, its seeded workload set up against it. */
export interface NpmStartRun {
  seed: number;
  scale: number;
  rng: Rng;
  start: NpmStart;
  workload: Workload;
  startWorkload: ScenarioRun['startWorkload'];
  /** Concludes as `concludeScenario` does, reading the system through the running `npm start`. */
  conclude(o: Parameters<typeof concludeScenario>[1]): Promise<void>;
}

/**
 * An `npm start` scenario's file: one test on `npm start` in a folder of its own, with a workload of
 * eight tasks at scale 1; the command and the workload are stopped after it whatever happened.
 */
export function describeNpmStartScenario(
  o: { title: string; claim: string; name: string; tag: string },
  body: (run: NpmStartRun) => Promise<void>,
): void {
  describe(o.title, () => {
    let start: NpmStart | undefined;
    let workload: Workload | undefined;
    afterAll(async () => {
      await workload?.close();
      await start?.stop();
    });
    it(o.claim, async () => {
      const seed = faultSeed();
      const scale = faultScale();
      const rng = rngFor(o.name, seed);
      const s = (start = await npmStart(o.name));
      // The first start creates the cluster and the dev server's database: not the 60 s of a restart.
      await s.start({ readyWithinMs: 240_000 });
      const w = (workload = await workloadFor(s.apiUrl, s.db(), rng, `${o.tag}${seed}`, Math.round(8 * scale)));
      const conclude: NpmStartRun['conclude'] = async (c) =>
        concludeScenario({ seed, workload: w, sys: { db: s.db(), client: await s.client(), logTail: () => s.output() } }, c);
      await body({ seed, scale, rng, start: s, workload: w, startWorkload: workloadStarter(w), conclude });
      await s.stop();
      expect(s.survivors()).toEqual([]);
    });
  });
}

/** Starts again each of the given worker slots whose process has exited; says how many had. */
export async function restartExitedWorkers(sys: FaultSystem, slots: readonly number[] = [0]): Promise<number> {
  let exited = 0;
  for (const slot of slots)
    if (!sys.workerRunning(slot)) {
      exited++;
      await sys.startWorker(slot);
    }
  return exited;
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
