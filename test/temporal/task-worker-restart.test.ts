import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { verifyAuditChain } from '../../db/repositories/audit';
import { vnCivilDate, vnInstant } from '../../domain/time';
import * as messages from '../../workflows/messages';
import { useTimeSkippingWorker } from '../helpers/harness';
import { testWorker, uniq } from '../helpers/servers';
import { auditKinds, by, coordinatingOfficer, evidence, launchFor, leadOfficer, outbox, secretariat, startTask } from '../helpers/tasks';

const lead = leadOfficer.unitCode;
const coordinating = coordinatingOfficer.unitCode;

/**
 * The worker that will go away runs without a workflow cache, hence without a sticky queue. A
 * real server moves a task off a dead worker's sticky queue after its schedule-to-start timeout;
 * the time-skipping test server never does, so a cached worker's task would wait forever. The
 * worker that finishes the job still rebuilds the workflow from its full history, which is the point.
 */
const NO_STICKY_QUEUE = { maxCachedWorkflows: 0 } as const;

describe('a task outlives the worker that started it', () => {
  // Each test runs (and stops or kills) workers of its own; no worker runs after them, so the harness
  // ends the file's tasks without waiting for them to be idle.
  const harness = useTimeSkippingWorker({ worker: false });
  const { db } = harness;
  const children: ChildProcess[] = [];

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  /** Launches a task due in 30 days that nobody acknowledges, and lets time run to an hour after its first reminder. */
  async function launchAndRemindOnce(taskQueue: string) {
    const started = await harness.taskDueIn(30, { taskQueue });
    await harness.sleepUntil(vnInstant(started.calendar.addWorkingDays(vnCivilDate(new Date(started.now)), 1), 9));
    expect(await outbox(db, started.taskId)).toEqual([
      `assigned assigned -> lead_unit:${lead}`,
      `assigned assigned -> coordinating_units:${coordinating}`,
      `ack_reminder ack-1wd@e0 -> lead_unit:${lead}`,
    ]);
    return started;
  }

  /** The rest of the life, driven while `worker` runs: acknowledged, evidence, claimed, approved. */
  async function finishOn(worker: Worker, handle: Awaited<ReturnType<typeof startTask>>['handle']) {
    return worker.runUntil(async () => {
      await handle.executeUpdate(messages.acknowledgeUpdate, by(leadOfficer, { note: 'Tiếp nhận muộn' }));
      await handle.executeUpdate(messages.attachEvidenceUpdate, by(leadOfficer, evidence('ev1', 'hop-dong-thue-dc.pdf')));
      await handle.executeUpdate(messages.submitUpdate, by(leadOfficer, { summary: 'Đã ký hợp đồng thuê DC', evidenceIds: ['ev1'] }));
      await handle.executeUpdate(messages.approveUpdate, by(secretariat, { note: '' }));
      return handle.result();
    });
  }

  /** Every event once, in order, on an intact chain; every notice once. */
  async function expectOneCleanRecord(taskId: string) {
    const events = await db.selectFrom('audit_events').select(['seq', 'kind']).where('task_id', '=', taskId).orderBy('id').execute();
    expect(events).toEqual(
      ['launched', 'ack_reminder', 'acknowledged', 'evidence_attached', 'submitted', 'approved'].map((kind, i) => ({ seq: i + 1, kind })),
    );
    expect(await outbox(db, taskId)).toEqual([
      `assigned assigned -> lead_unit:${lead}`,
      `assigned assigned -> coordinating_units:${coordinating}`,
      `ack_reminder ack-1wd@e0 -> lead_unit:${lead}`,
      `approved approved -> lead_unit:${lead}`,
    ]);
    const row = await db.selectFrom('tasks').select(['status', 'outcome', 'audit_seq']).where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'completed', outcome: 'completed_on_time', audit_seq: 6 });
    expect(await verifyAuditChain(db, taskId)).toEqual({ taskId, ok: true, events: 6, problem: null });
  }

  it('records the launch first even when the acknowledgement reached the server before any worker picked the task up', async () => {
    const taskQueue = `late-worker-${uniq()}`;
    const now = await harness.now();
    const { taskId, handle } = await harness.start(launchFor(now, { dueInDays: 30 }), taskQueue);
    // With no worker yet, the start and the Update arrive together in the workflow's first activation.
    const acknowledged = handle.executeUpdate(messages.acknowledgeUpdate, by(leadOfficer, { note: 'Tiếp nhận ngay' }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { worker } = await testWorker(harness.env.nativeConnection, createActivities({ db }), taskQueue);
    await worker.runUntil(async () => {
      await acknowledged;
      expect(await auditKinds(db, taskId)).toEqual(['launched', 'acknowledged']);
      expect(await outbox(db, taskId)).toEqual([
        `assigned assigned -> lead_unit:${lead}`,
        `assigned assigned -> coordinating_units:${coordinating}`,
      ]);
      const model = await db.selectFrom('tasks').select(['status', 'audit_seq']).where('id', '=', taskId).executeTakeFirstOrThrow();
      expect(model).toEqual({ status: 'acknowledged', audit_seq: 2 });
      expect(await verifyAuditChain(db, taskId)).toEqual({ taskId, ok: true, events: 2, problem: null });
      // Ended by the secretariat while its worker runs, so nothing is left in flight on the shared
      // server (a task terminated with an activity pending can hold its clock still).
      await handle.executeUpdate(messages.cancelUpdate, by(secretariat, { reason: 'Kết thúc thử nghiệm' }));
      await handle.result();
    });
  });

  it('finishes on a new worker after the first one was shut down mid-life', async () => {
    const taskQueue = `restart-${uniq()}`;
    const first = await Worker.create({
      connection: harness.env.nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities({ db }),
      ...NO_STICKY_QUEUE,
    });
    const firstRunning = first.run();
    const { taskId, handle } = await launchAndRemindOnce(taskQueue);
    first.shutdown();
    await firstRunning;

    const second = await testWorker(harness.env.nativeConnection, createActivities({ db }), taskQueue);
    const final = await finishOn(second.worker, handle);

    expect(final).toMatchObject({ status: 'completed', outcome: 'completed_on_time', auditSeq: 6 });
    expect(await auditKinds(db, taskId)).toEqual([
      'launched',
      'ack_reminder',
      'acknowledged',
      'evidence_attached',
      'submitted',
      'approved',
    ]);
    await expectOneCleanRecord(taskId);
  });

  it('finishes on a new worker after the first one was killed with SIGKILL', async () => {
    const taskQueue = `sigkill-${uniq()}`;
    // Node with tsx's loader, not the `tsx` wrapper: one process, so SIGKILL reaches the worker itself.
    const doomed = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../helpers/worker-process.ts')], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('timeSkippingAddress'),
        DATABASE_URL: inject('databaseUrl'),
        TASK_QUEUE: taskQueue,
        WORKFLOW_BUNDLE: inject('workflowBundlePath'),
        MAX_CACHED_WORKFLOWS: String(NO_STICKY_QUEUE.maxCachedWorkflows),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(doomed);
    await new Promise<void>((resolve, reject) => {
      doomed.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      doomed.once('exit', (code) => reject(new Error(`the worker process exited before it was ready (${code})`)));
    });

    const { taskId, handle } = await launchAndRemindOnce(taskQueue);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => doomed.once('exit', (_code, signal) => resolve(signal)));
    doomed.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const second = await testWorker(harness.env.nativeConnection, createActivities({ db }), taskQueue);
    const final = await finishOn(second.worker, handle);

    expect(final).toMatchObject({ status: 'completed', outcome: 'completed_on_time', auditSeq: 6 });
    await expectOneCleanRecord(taskId);
    // Both workers left their mark in the history: the killed one launched and reminded, the new one finished.
    const history = await handle.fetchHistory();
    const identities = new Set(history.events?.flatMap((e) => e.workflowTaskCompletedEventAttributes?.identity ?? []));
    expect([...identities].some((id) => id === `doomed-worker@${doomed.pid}`)).toBe(true);
    expect([...identities].some((id) => !id.startsWith('doomed-worker@'))).toBe(true);
  });
});
