import { describe, expect, it } from 'vitest';
import { WorkingCalendar, type CalendarOverride } from '../../domain/calendar';
import { replanForCalendar } from '../../domain/lifecycle/calendar-change';
import { initialState, policyFor } from '../../domain/lifecycle/state';
import { completeLaunch } from '../helpers/fixtures';

const LAUNCHED = new Date('2025-11-04T09:00:00+07:00').toISOString();
const launch = completeLaunch({
  coordinatingUnits: [],
  // "Trước ngày 22/11/2025": the last working day is Friday 21/11, the 7-working-day reminder Wednesday 12/11.
  deadline: { kind: 'date', dueAt: '2025-11-22T00:00:00+07:00' },
  expectedResult: 'Trung tâm đi vào hoạt động',
});
const acknowledged = { ...initialState({ taskId: '01-tb-cqtt.2-4', launch }, LAUNCHED), acknowledgedAt: LAUNCHED };
const before = WorkingCalendar.forYears([2025, 2026]);
const decided = (o: Omit<CalendarOverride, 'reason'>) =>
  WorkingCalendar.forYears([2025, 2026], [{ ...o, reason: 'Quyết định của Thủ tướng' }]);
const replan = (after: WorkingCalendar, cursorVn: string) =>
  replanForCalendar(acknowledged, policyFor(launch), before, after, new Date(cursorVn).toISOString());

describe('a calendar decided while a task runs', () => {
  it('owes at once a reminder a new day off moves before the cursor', () => {
    const { owed, sent } = replan(decided({ date: '2025-11-13', kind: 'day_off' }), '2025-11-11T10:00:00+07:00');
    expect(owed.map((p) => [p.planned.step, p.planned.at])).toEqual([['due-7wd', '2025-11-11T08:00:00+07:00']]);
    expect(sent).toEqual([]);
  });

  it('keeps as sent a reminder a Saturday made working moves after the cursor', () => {
    const { owed, sent } = replan(decided({ date: '2025-11-15', kind: 'working_day' }), '2025-11-12T10:00:00+07:00');
    expect(owed).toEqual([]);
    expect(sent).toEqual(['/due_reminder/due-7wd@e0']);
  });

  it('changes nothing when the decision moves nothing already handled', () => {
    expect(replan(decided({ date: '2025-12-10', kind: 'day_off' }), '2025-11-12T10:00:00+07:00')).toEqual({ owed: [], sent: [] });
  });
});
