/**
 * The hooks of a file that runs workflows on the run's shared servers: a database pool, an
 * environment, and a worker with the real activities on the file's own task queue, started in
 * beforeAll and stopped (awaited) in afterAll. Call at the top of the file's `describe`; the
 * fields are set once beforeAll has run. HTTP tests build on this through `useApiWorld`.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { WorkingCalendar } from '../../domain/calendar';
import type { CompleteLaunch } from '../../domain/schemas/task';
import { addCalendarDays, toVnIso, vnCivilDate, vnInstant } from '../../domain/time';
import * as messages from '../../workflows/messages';
import { uniq } from './ids';
import { devServerEnv, testDb, testWorker, timeSkippingEnv } from './servers';
import { by, endStartedTasks, launchFor, leadOfficer, sleepUntil, startTask, workingCalendar } from './tasks';

export interface WorkerHarness {
  db: ReturnType<typeof testDb>;
  env: TestWorkflowEnvironment;
  /** The queue this file's worker polls (with `worker: false`, a queue nobody polls). */
  taskQueue: string;
}

interface HarnessOptions {
  /** Whether a worker polls the file's queue; a file that runs workers of its own says false. */
  worker?: boolean;
  /** Runs after the worker stopped and before the environment closes (a time-skipping file ends its tasks here). */
  beforeTeardown?: () => Promise<void>;
}

function useWorkerOn(connect: () => Promise<TestWorkflowEnvironment>, harness: WorkerHarness, o: HarnessOptions): void {
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  beforeAll(async () => {
    harness.env = await connect();
    if (o.worker === false) {
      harness.taskQueue = `unpolled-${uniq()}`;
      return;
    }
    ({ worker, taskQueue: harness.taskQueue } = await testWorker(harness.env.nativeConnection, createActivities({ db: harness.db })));
    running = worker.run();
  });

  afterAll(async () => {
    await o.beforeTeardown?.();
    worker?.shutdown();
    await running;
    await harness.env?.teardown();
    await harness.db.destroy();
  });
}

/** A worker on the run's shared dev server (real clock), as the API and the CLI use in production. */
export function useDevServerWorker(o: { worker?: boolean } = {}): WorkerHarness {
  const harness = { db: testDb() } as WorkerHarness;
  useWorkerOn(devServerEnv, harness, o);
  return harness;
}

/** A task as a time-skipping test starts it, with the deadline and calendar its workflow plans by. */
export interface PlannedTask extends Awaited<ReturnType<typeof startTask>> {
  /** The server's clock when the task was launched. */
  now: number;
  dueAt: Date;
  calendar: WorkingCalendar;
}

export interface TimeSkippingHarness extends WorkerHarness {
  /** The shared server's clock. */
  now(): Promise<number>;
  /** Starts a task on this file's queue (or `taskQueue`). */
  start(launch: CompleteLaunch, taskQueue?: string): ReturnType<typeof startTask>;
  /** Moves the shared clock to `at` (no-op if already there). */
  sleepUntil(at: Date | number): Promise<void>;
  /** A task launched now and due at `dueAt`, nobody having acted on it yet. */
  taskDueAt(dueAt: Date, o?: { launch?: Partial<CompleteLaunch>; taskQueue?: string }): Promise<PlannedTask>;
  /** A task due before the day `days` after the server's today (Vietnam time), nobody having acted on it yet. */
  taskDueIn(days: number, o?: { launch?: Partial<CompleteLaunch>; taskQueue?: string }): Promise<PlannedTask>;
  /** The same, acknowledged by its lead unit at once. */
  acknowledgedTaskDueIn(days: number, o?: { launch?: Partial<CompleteLaunch>; note?: string }): Promise<PlannedTask>;
}

/**
 * A worker on the run's shared time-skipping server. Each test's tasks are ended after it, and the
 * file's before its worker stops: a task left running would freeze the shared clock for later files.
 * With `worker: false` the file runs (and kills) workers of its own; its tasks are then ended
 * without waiting for them to be idle, since no worker may be left to make them so.
 */
export function useTimeSkippingWorker(o: { worker?: boolean } = {}): TimeSkippingHarness {
  const harness = { db: testDb() } as TimeSkippingHarness;
  const polled = o.worker !== false;
  useWorkerOn(timeSkippingEnv, harness, { worker: o.worker, beforeTeardown: () => endStartedTasks(polled ? harness.env : undefined) });
  if (polled) afterEach(() => endStartedTasks(harness.env));

  harness.now = () => harness.env.currentTimeMs();
  harness.start = (launch, taskQueue = harness.taskQueue) => startTask(harness.env, taskQueue, launch);
  harness.sleepUntil = (at) => sleepUntil(harness.env, at);
  harness.taskDueAt = async (dueAt, { launch = {}, taskQueue } = {}) => {
    const now = await harness.now();
    const started = await harness.start(launchFor(now, { deadline: { kind: 'date', dueAt: toVnIso(dueAt) }, ...launch }), taskQueue);
    return { ...started, now, dueAt, calendar: await workingCalendar(harness.db, now) };
  };
  harness.taskDueIn = async (days, o) => harness.taskDueAt(vnInstant(addCalendarDays(vnCivilDate(new Date(await harness.now())), days)), o);
  harness.acknowledgedTaskDueIn = async (days, { launch, note = '' } = {}) => {
    const task = await harness.taskDueIn(days, { launch });
    await task.handle.executeUpdate(messages.acknowledgeUpdate, by(leadOfficer, { note }));
    return task;
  };
  return harness;
}
