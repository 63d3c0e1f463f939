/**
 * Records workflow histories for the replay test (`npm run record:histories`). Run it when a
 * workflow change ships, and keep the old files: test/temporal/replay.test.ts replays every file
 * in histories/ through today's workflow code, so a change that would break running workflows
 * fails the tests (use `patched()` for such changes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { createActivities } from '../../activities';
import { createDb, migrateToLatest } from '../../db/client';
import { putCalendarOverride } from '../../db/repositories/calendar';
import { addCalendarDays, dayOfWeek, formatCivilDate, vnCivilDate } from '../../domain/time';
import { makeThrowawayDir, startEmbeddedPostgres } from '../../infra/postgres';
import { provisionTestServer } from '../../infra/temporal-test-server';
import { freePort } from '../../infra/processes';
import { registerSearchAttributes } from '../../infra/temporal';
import { BUNDLER_OPTIONS, WORKFLOWS_PATH } from '../../worker/bundle';
import * as messages from '../../workflows/messages';
import { reopenTask } from '../../services/task-reopen';
import { launchFor, leadOfficer, otherLeadOfficer, secretariat, startTask } from '../helpers/tasks';

const DAY = 24 * 3600_000;
const OUT = path.join(__dirname, 'histories');

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig(process.env);
  const pgDir = makeThrowawayDir('directive-engine-record-');
  const pg = await startEmbeddedPostgres({ dataDir: pgDir, port: await freePort(), database: 'record' });
  const db = createDb(pg.url);
  // Stopped whatever happens: a failed recording must not leave its PostgreSQL and test server running.
  let stopServer: (() => Promise<void>) | undefined;
  try {
    await migrateToLatest(db);
    const executable = await provisionTestServer(config.cacheDir);
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: executable } } });
    stopServer = () => env.teardown();
    await registerSearchAttributes(env.client, 'default', (m) => {
      throw new Error(m);
    });
    const taskQueue = 'record';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: WORKFLOWS_PATH,
      bundlerOptions: BUNDLER_OPTIONS,
      activities: createActivities({ db }),
    });
    const version = process.env.HISTORY_LABEL ?? new Date().toISOString().slice(0, 10);
    fs.mkdirSync(OUT, { recursive: true });

    await worker.runUntil(async () => {
      const save = async (name: string, handle: Pick<Awaited<ReturnType<typeof startTask>>['handle'], 'fetchHistory'>) => {
        const history = await handle.fetchHistory();
        // The proto3 JSON form, as `temporal workflow show --output json` writes it.
        fs.writeFileSync(path.join(OUT, `${version}-${name}.json`), historyToJSON(history));
        console.log(`recorded ${name}: ${history.events?.length} events`);
      };

      // A unit that never acknowledges, all the way up the ladder to weekly urging.
      let now = await env.currentTimeMs();
      const ignored = await startTask(env, taskQueue, launchFor(now, { dueInDays: 14 }));
      await env.sleep(40 * DAY);
      await ignored.handle.executeUpdate(messages.cancelUpdate, {
        args: [{ actor: secretariat, command: { reason: 'Thu hồi để giao lại' } }],
      });
      await ignored.handle.result();
      await save('never-acknowledged-then-cancelled', ignored.handle);

      // Acknowledged, extended, returned once, then approved late.
      now = await env.currentTimeMs();
      const reviewed = await startTask(env, taskQueue, launchFor(now, { dueInDays: 20 }));
      const h = reviewed.handle;
      await h.executeUpdate(messages.acknowledgeUpdate, { args: [{ actor: leadOfficer, command: { note: '' } }] });
      await env.sleep(10 * DAY);
      await h.executeUpdate(messages.requestExtensionUpdate, {
        args: [
          { actor: leadOfficer, command: { requestedDueAt: new Date(now + 35 * DAY).toISOString(), reason: 'Chờ thẩm định giá thuê' } },
        ],
      });
      await h.executeUpdate(messages.decideExtensionUpdate, {
        args: [{ actor: secretariat, command: { approve: true, newDueAt: null, reason: '' } }],
      });
      await env.sleep(30 * DAY);
      await h.executeUpdate(messages.attachEvidenceUpdate, {
        args: [
          {
            actor: leadOfficer,
            command: {
              evidenceId: 'ev1',
              fileName: 'hop-dong.pdf',
              sha256: 'b'.repeat(64),
              contentType: 'application/pdf',
              size: 10,
              description: '',
            },
          },
        ],
      });
      await h.executeUpdate(messages.submitUpdate, {
        args: [{ actor: leadOfficer, command: { summary: 'Đã thuê', evidenceIds: ['ev1'] } }],
      });
      await h.executeUpdate(messages.returnUpdate, { args: [{ actor: secretariat, command: { reason: 'Thiếu biên bản nghiệm thu' } }] });
      await h.executeUpdate(messages.submitUpdate, {
        args: [{ actor: leadOfficer, command: { summary: 'Bổ sung biên bản', evidenceIds: ['ev1'] } }],
      });
      await h.executeUpdate(messages.approveUpdate, { args: [{ actor: secretariat, command: { note: '' } }] });
      await h.result();
      await save('extended-returned-approved-late', h);

      // Monthly reports for a few months.
      now = await env.currentTimeMs();
      const monthly = await startTask(
        env,
        taskQueue,
        launchFor(now, { deadline: { kind: 'ongoing', rule: { freq: 'monthly', dayOfMonth: 20 } } }),
      );
      await monthly.handle.executeUpdate(messages.acknowledgeUpdate, { args: [{ actor: leadOfficer, command: { note: '' } }] });
      for (let month = 0; month < 3; month++) {
        await env.sleep(31 * DAY);
        const state = await monthly.handle.query(messages.getStateQuery);
        for (const p of state.reports.open) {
          await monthly.handle.executeUpdate(messages.submitReportUpdate, {
            args: [{ actor: leadOfficer, command: { periodKey: p.key, summary: `Báo cáo kỳ ${p.key}`, evidenceIds: [] } }],
          });
        }
      }
      await monthly.handle.executeUpdate(messages.cancelUpdate, {
        args: [{ actor: secretariat, command: { reason: 'Kết thúc theo dõi' } }],
      });
      await monthly.handle.result();
      await save('monthly-reports-ongoing', monthly.handle);

      // Issue 13: reassigned (its own acknowledgement schedule), claimed before the deadline and returned
      // after it (the escalations owed), approved late, then reopened and cancelled.
      now = await env.currentTimeMs();
      const twice = await startTask(env, taskQueue, launchFor(now, { dueInDays: 12 }));
      const t = twice.handle;
      const other = otherLeadOfficer;
      await env.sleep(2 * DAY);
      await t.executeUpdate(messages.reassignUpdate, {
        args: [
          {
            actor: secretariat,
            command: { newLeadUnit: other.unitCode, responsibleOfficial: 'Giám đốc Công an tỉnh', reason: 'Điều chỉnh' },
          },
        ],
      });
      await env.sleep(4 * DAY);
      await t.executeUpdate(messages.acknowledgeUpdate, { args: [{ actor: other, command: { note: '' } }] });
      const ev = {
        evidenceId: 'ev1',
        fileName: 'bien-ban.pdf',
        sha256: 'c'.repeat(64),
        contentType: 'application/pdf',
        size: 10,
        description: '',
      };
      await t.executeUpdate(messages.attachEvidenceUpdate, { args: [{ actor: other, command: ev }] });
      await t.executeUpdate(messages.requestExtensionUpdate, {
        args: [{ actor: other, command: { requestedDueAt: new Date(now + 40 * DAY).toISOString(), reason: 'Chờ nghiệm thu' } }],
      });
      await t.executeUpdate(messages.submitUpdate, { args: [{ actor: other, command: { summary: 'Đã xong', evidenceIds: ['ev1'] } }] });
      await env.sleep(20 * DAY);
      await t.executeUpdate(messages.decideExtensionUpdate, {
        args: [{ actor: secretariat, command: { approve: false, newDueAt: null, reason: 'Đã đề nghị hoàn thành' } }],
      });
      await env.sleep(DAY);
      await t.executeUpdate(messages.returnUpdate, { args: [{ actor: secretariat, command: { reason: 'Thiếu biên bản' } }] });
      await env.sleep(DAY);
      await t.executeUpdate(messages.submitUpdate, { args: [{ actor: other, command: { summary: 'Bổ sung', evidenceIds: ['ev1'] } }] });
      await t.executeUpdate(messages.approveUpdate, { args: [{ actor: secretariat, command: { note: '' } }] });
      await t.result();
      await save('reassigned-returned-late-approved', t);
      const newDueAt = new Date((await env.currentTimeMs()) + 15 * DAY).toISOString();
      await reopenTask({ db, temporal: env.client, taskQueue }, twice.taskId, { reason: 'Kiểm tra lại chưa đạt', newDueAt }, secretariat);
      const again = env.client.workflow.getHandle(t.workflowId);
      await env.sleep(10 * DAY);
      await again.executeUpdate(messages.cancelUpdate, { args: [{ actor: secretariat, command: { reason: 'Thu hồi' } }] });
      await again.result();
      await save('reopened-then-cancelled', again);

      // Issue 13: a day off decided while the task runs, between its planned reminders; the task is told and re-plans.
      now = await env.currentTimeMs();
      const decided = await startTask(env, taskQueue, launchFor(now, { dueInDays: 30 }));
      await decided.handle.executeUpdate(messages.acknowledgeUpdate, { args: [{ actor: leadOfficer, command: { note: '' } }] });
      await env.sleep(2 * DAY);
      let dayOff = vnCivilDate(new Date(now + 25 * DAY));
      while (dayOfWeek(dayOff) === 0 || dayOfWeek(dayOff) === 6) dayOff = addCalendarDays(dayOff, 1);
      await putCalendarOverride(db, { date: formatCivilDate(dayOff), kind: 'day_off', reason: 'Nghỉ bù' });
      await decided.handle.signal(messages.calendarChangedSignal);
      await env.sleep(35 * DAY);
      await decided.handle.executeUpdate(messages.cancelUpdate, { args: [{ actor: secretariat, command: { reason: 'Thu hồi' } }] });
      await decided.handle.result();
      await save('calendar-day-off-decided', decided.handle);
    });
  } finally {
    await stopServer?.();
    await db.destroy();
    await pg.stop();
    fs.rmSync(path.dirname(pgDir), { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
