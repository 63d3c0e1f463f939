import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { calendarAdd, calendarNotify, calendarRemove } from '../../cli/commands/calendar';
import { deleteCalendarOverride } from '../../db/repositories/calendar';
import type { CalendarData } from '../../domain/calendar';
import { runCli } from '../helpers/cli';
import { useDevServerWorker } from '../helpers/harness';
import { launchFor, startTask } from '../helpers/tasks';

// A Wednesday far enough ahead that no other test plans anything around it.
const DAY = '2028-06-14';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The calendars a task's workflow loaded, in order, each with whether a calendarChanged signal came before it. */
function calendarsLoaded(events: HistoryEvent[]): { afterSignal: boolean; calendar: CalendarData }[] {
  const loads = new Map<string, boolean>();
  const loaded: { afterSignal: boolean; calendar: CalendarData }[] = [];
  let signalled = false;
  for (const e of events) {
    if (e.workflowExecutionSignaledEventAttributes?.signalName === 'calendarChanged') signalled = true;
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === 'loadCalendar') loads.set(String(e.eventId), signalled);
    const completed = e.activityTaskCompletedEventAttributes;
    const afterSignal = completed ? loads.get(String(completed.scheduledEventId)) : undefined;
    if (completed && afterSignal !== undefined) {
      const data = completed.result?.payloads?.[0]?.data;
      loaded.push({ afterSignal, calendar: JSON.parse(Buffer.from(data ?? []).toString('utf8')) });
    }
  }
  return loaded;
}

describe('calendar:add reaches the running tasks', () => {
  const servers = useDevServerWorker();
  const { db } = servers;
  const saved = { ...process.env };

  beforeAll(() => {
    // The commands read their servers from the environment, as they do when an operator runs them.
    Object.assign(process.env, {
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('devServerAddress'),
      TEMPORAL_TASK_QUEUE: servers.taskQueue,
    });
  });

  afterAll(async () => {
    process.env = saved;
    await deleteCalendarOverride(db, DAY);
  });

  it('records the day off, the running task reloads its calendar, and removing it is announced the same way', async () => {
    const { handle } = await startTask(servers.env, servers.taskQueue, launchFor(Date.now(), { dueInDays: 700 }));
    try {
      const history = async () => (await handle.fetchHistory()).events ?? [];
      // Listed by the server's visibility, which is what the command asks.
      await vi.waitFor(
        async () => {
          expect(calendarsLoaded(await history())).toHaveLength(1);
          const listed = servers.env.client.workflow.list({ query: `WorkflowId = "${handle.workflowId}" AND ExecutionStatus = "Running"` });
          let found = false;
          for await (const _ of listed) found = true;
          expect(found).toBe(true);
        },
        { timeout: 30_000, interval: 200 },
      );
      expect(calendarsLoaded(await history())[0].calendar.extraDaysOff).not.toContain(DAY);

      const added = await runCli(calendarAdd, [
        '--date',
        '14/06/2028',
        '--kind',
        'nghi-bu',
        '--reason',
        'Nghỉ bù theo thông báo của Thủ tướng',
      ]);
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      expect(added.stdout).toMatch(/^Đã ghi ngày nghỉ 14\/06\/2028; đã báo cho [1-9]\d* nhiệm vụ đang chạy\.\n$/);
      expect(await db.selectFrom('calendar_overrides').select(['kind', 'reason']).where('day', '=', DAY).execute()).toEqual([
        { kind: 'day_off', reason: 'Nghỉ bù theo thông báo của Thủ tướng' },
      ]);
      await vi.waitFor(async () => expect(calendarsLoaded(await history())).toHaveLength(2), { timeout: 30_000, interval: 200 });
      const reloaded = calendarsLoaded(await history())[1];
      expect(reloaded.afterSignal).toBe(true);
      expect(reloaded.calendar.extraDaysOff).toContain(DAY);

      const removed = await runCli(calendarRemove, ['--date', DAY]);
      expect(removed.code).toBe(0);
      await vi.waitFor(async () => expect(calendarsLoaded(await history())).toHaveLength(3), { timeout: 30_000, interval: 200 });
      expect(calendarsLoaded(await history())[2].calendar.extraDaysOff).not.toContain(DAY);

      // Announcing again (after a change whose announcement was cut short) reloads once more and changes nothing else.
      expect((await runCli(calendarNotify, [])).code).toBe(0);
      await vi.waitFor(async () => expect(calendarsLoaded(await history())).toHaveLength(4), { timeout: 30_000, interval: 200 });
    } finally {
      await handle.terminate('test finished');
    }
  });

  it('refuses a day that does not exist, an unknown kind, a missing or blank reason, and a removal of a day never decided', async () => {
    const wrongDate = await runCli(calendarAdd, ['--date', '30/02/2028', '--kind', 'nghi-bu', '--reason', 'x']);
    expect(wrongDate.code).toBe(2);
    expect(wrongDate.stderr).toContain('--date: 30/02/2028 không phải là ngày có thật');
    const wrongKind = await runCli(calendarAdd, ['--date', '14/06/2028', '--kind', 'nghi', '--reason', 'x']);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toContain('--kind: nghi không hợp lệ');
    const noReason = await runCli(calendarAdd, ['--date', '14/06/2028', '--kind', 'lam-bu']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('Thiếu --reason');
    const blankReason = await runCli(calendarAdd, ['--date', '14/06/2028', '--kind', 'nghi-bu', '--reason', '   ']);
    expect(blankReason.code).toBe(1);
    expect(blankReason.stderr).toMatch(/^Lỗi: Ngày quyết định không hợp lệ: reason: /);
    expect(await db.selectFrom('calendar_overrides').select('day').where('day', '=', DAY).execute()).toEqual([]);
    const neverDecided = await runCli(calendarRemove, ['--date', '15/06/2028']);
    expect(neverDecided.code).toBe(1);
    expect(neverDecided.stderr).toContain('Không có quyết định nào về ngày 15/06/2028');
  });
});
