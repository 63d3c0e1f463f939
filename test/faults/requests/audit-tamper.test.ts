/**
 * Fault scenario: the database's owner rewrites the record. Real task workflows on the dev server,
 * their worker connected as directive_app, record a seeded number of events; a checkpoint is signed
 * with a key the database never sees; more events follow. Then, as the owner, seeded tasks have an
 * event rewritten with every later hash recomputed (triggers off, on again), or their tail cut
 * with the read model lowered to match, so each chain verifies on its own. `audit:verify
 * --checkpoint` must name every tampered task at exactly the tampered event, and nothing else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { auditCheckpoint } from '../../../cli/commands/audit-checkpoint';
import { auditKeygen } from '../../../cli/commands/audit-keygen';
import { auditVerify } from '../../../cli/commands/audit-verify';
import { createDb } from '../../../db/client';
import { verifyAuditChain } from '../../../db/repositories/audit';
import * as messages from '../../../workflows/messages';
import { appRoleUrl, cutTailAsOwner, rewriteEventAsOwner } from '../../helpers/audit-tamper';
import { runCli } from '../../helpers/cli';
import { devServerEnv, testDb, testWorker } from '../../helpers/servers';
import { by, endStartedTasks, launchFor, leadOfficer, startTask } from '../../helpers/tasks';
import { recordScenario } from '../lib/report';
import { faultSeed, rngFor } from '../lib/seed';

const SCENARIO = 'requests/audit-tamper';
const rng = rngFor(SCENARIO);

interface Task {
  taskId: string;
  handle: Awaited<ReturnType<typeof startTask>>['handle'];
  /** Events recorded when the checkpoint was signed. */
  signedSeq: number;
  tamper: { kind: 'rewritten' | 'truncated'; seq: number } | null;
}

describe('the owner of the database rewrites the audit trail', () => {
  const owner = testDb();
  const app = createDb(appRoleUrl(inject('databaseUrl')), 4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-audit-tamper-'));
  const savedUrl = process.env.DATABASE_URL;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;

  beforeAll(async () => {
    process.env.DATABASE_URL = inject('databaseUrl');
    env = await devServerEnv();
    ({ worker, taskQueue } = await testWorker(env.nativeConnection, createActivities({ db: app })));
    running = worker.run();
  });

  afterAll(async () => {
    await endStartedTasks();
    worker?.shutdown();
    await running;
    await env?.teardown();
    await app.destroy();
    await owner.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
  });

  const events = async (taskId: string) =>
    Number(
      (
        await owner
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('task_id', '=', taskId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Progress reports a task's lead unit sends; each Update returns once its audit row is committed. */
  async function report(t: Pick<Task, 'handle'>, times: number) {
    for (let i = 0; i < times; i++) {
      await t.handle.executeUpdate(messages.reportProgressUpdate, by(leadOfficer, { text: `Báo cáo tiến độ lần ${i + 1}`, percent: null }));
    }
  }

  it('names every tampered task at the tampered event, and no other', async () => {
    const keys = path.join(dir, 'committee');
    expect((await runCli(auditKeygen, ['--out', keys])).code).toBe(0);

    const tasks: Task[] = [];
    const count = rng.int(4, 8);
    for (let i = 0; i < count; i++) {
      const { taskId, handle } = await startTask(env, taskQueue, launchFor(Date.now()));
      await handle.executeUpdate(messages.acknowledgeUpdate, by(leadOfficer, { note: 'Đã tiếp nhận' }));
      await report({ handle }, rng.int(0, 3));
      tasks.push({ taskId, handle, signedSeq: await events(taskId), tamper: null });
    }

    const file = path.join(dir, 'checkpoint.json');
    expect((await runCli(auditCheckpoint, ['--key', `${keys}.key`, '--out', file])).code).toBe(0);
    // Chains go on after the checkpoint: extending a signed head is no finding.
    for (const t of tasks) await report(t, rng.int(0, 2));

    let faults = 0;
    for (const t of tasks) {
      if (t !== tasks[0] && !rng.chance(0.6)) continue;
      const length = await events(t.taskId);
      if (rng.chance(0.5)) {
        const seq = rng.int(1, t.signedSeq);
        await rewriteEventAsOwner(owner, t.taskId, seq, { note: 'Đã tiếp nhận đúng hạn', rewrittenBy: 'owner' });
        t.tamper = { kind: 'rewritten', seq };
      } else {
        const seq = rng.int(2, t.signedSeq);
        await cutTailAsOwner(owner, t.taskId, seq);
        t.tamper = { kind: 'truncated', seq };
      }
      faults++;
      // Each chain still verifies on its own: only the signature can tell.
      const own = await verifyAuditChain(owner, t.taskId);
      expect(own, `${t.taskId} ${JSON.stringify(t.tamper)} of ${length}`).toMatchObject({ ok: true, problem: null });
    }

    const verified = await runCli(auditVerify, ['--checkpoint', file, '--public-key', `${keys}.pub`]);
    expect(verified.code).toBe(1);
    const notes: string[] = [];
    for (const t of tasks) {
      const lines = verified.stdout.split('\n').filter((l) => l.startsWith(`Nhiệm vụ ${t.taskId}, `));
      const want = t.tamper
        ? [
            `Nhiệm vụ ${t.taskId}, sự kiện số ${t.tamper.seq}: ${
              t.tamper.kind === 'rewritten'
                ? `sự kiện số ${t.tamper.seq} đã bị viết lại sau khi được ký (mã băm khác bản đã ký)`
                : `thiếu sự kiện số ${t.tamper.seq} đến ${t.signedSeq} đã được ký (bị cắt ở cuối chuỗi)`
            }`,
          ]
        : [];
      if (JSON.stringify(lines) !== JSON.stringify(want))
        notes.push(`${t.taskId}: expected ${JSON.stringify(want)}, got ${JSON.stringify(lines)}`);
    }
    recordScenario({
      scenario: SCENARIO,
      seed: faultSeed(),
      runs: 1,
      faultsInjected: faults,
      operationsAcknowledged: tasks.length,
      invariantViolations: notes.length,
      notes,
    });
    expect(notes).toEqual([]);
  });
});
