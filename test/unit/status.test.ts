import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClassifiableAssignment,
  classifyAssignment,
  completionRate,
  countByGroup,
  STATUS_GROUP_LABELS_VI,
  STATUS_GROUPS,
} from '../../domain/status';

/** Item 2.2 (1) of 01-TB/CQTT: "hoàn thành chậm nhất trước ngày 15/11/2025". */
const dataStrategy: ClassifiableAssignment = {
  status: 'in_progress',
  dueAt: '2025-11-15T00:00:00+07:00',
  completedAt: null,
  cancelledAt: null,
};
const completed = (completedAt: string): ClassifiableAssignment => ({ ...dataStrategy, status: 'completed', completedAt });

describe('classifyAssignment', () => {
  it('counts an open item as in progress within the deadline until 15/11/2025 begins', () => {
    expect(classifyAssignment(dataStrategy, '2025-11-10T09:00:00+07:00').group).toBe('in_progress_on_time');
    expect(classifyAssignment(dataStrategy, '2025-11-15T00:00:00+07:00').group).toBe('in_progress_on_time');
    expect(classifyAssignment(dataStrategy, '2025-11-15T00:00:01+07:00').group).toBe('in_progress_overdue');
  });

  it('counts the strategy issued on 14/11/2025 as completed on time', () => {
    expect(classifyAssignment(completed('2025-11-14T16:00:00+07:00'), '2025-11-20T00:00:00+07:00')).toEqual({
      group: 'completed_on_time',
      aheadOfSchedule: false,
    });
  });

  it('marks work finished on 12/11/2025 as ahead of schedule', () => {
    expect(classifyAssignment(completed('2025-11-12T10:00:00+07:00'), '2025-11-20T00:00:00+07:00')).toEqual({
      group: 'completed_on_time',
      aheadOfSchedule: true,
    });
  });

  it('uses the margin it is given for "ahead of schedule"', () => {
    const c = completed('2025-11-12T10:00:00+07:00');
    expect(classifyAssignment(c, '2025-11-20T00:00:00+07:00', { aheadMarginDays: 3 }).aheadOfSchedule).toBe(false);
  });

  it('counts completion on 18/11/2025 as late, and the item as overdue before that day', () => {
    const late = completed('2025-11-18T10:00:00+07:00');
    expect(classifyAssignment(late, '2025-11-30T00:00:00+07:00').group).toBe('completed_late');
    expect(classifyAssignment(late, '2025-11-17T00:00:00+07:00').group).toBe('in_progress_overdue');
    expect(classifyAssignment(late, '2025-11-10T00:00:00+07:00').group).toBe('in_progress_on_time');
  });

  it('counts an item cancelled on 10/12/2025 as still overdue on 01/12/2025', () => {
    const cancelled = { ...dataStrategy, status: 'cancelled', cancelledAt: '2025-12-10T09:00:00+07:00' };
    expect(classifyAssignment(cancelled, '2025-12-01T00:00:00+07:00').group).toBe('in_progress_overdue');
    expect(classifyAssignment(cancelled, '2025-12-11T00:00:00+07:00').group).toBe('cancelled');
  });

  it('keeps a claim sent on 14/11/2025 and awaiting review within the deadline, not from before the claim', () => {
    const claimed = { ...dataStrategy, status: 'submitted', submittedAt: '2025-11-14T16:00:00+07:00' };
    expect(classifyAssignment(claimed, '2025-11-20T00:00:00+07:00').group).toBe('in_progress_on_time');
    const claimedLate = { ...claimed, submittedAt: '2025-11-16T16:00:00+07:00' };
    expect(classifyAssignment(claimedLate, '2025-11-20T00:00:00+07:00').group).toBe('in_progress_overdue');
  });

  it('judges ahead of schedule on the claim of 10/11/2025, not on the approval of 14/11/2025', () => {
    const c = { ...completed('2025-11-14T12:00:00+07:00'), submittedAt: '2025-11-10T08:00:00+07:00' };
    expect(classifyAssignment(c, '2025-11-20T00:00:00+07:00')).toEqual({ group: 'completed_on_time', aheadOfSchedule: true });
  });

  it('puts an item without a deadline (Công an tỉnh, item 2.4) in its own group until it is done', () => {
    const noDeadline = { ...dataStrategy, dueAt: null };
    expect(classifyAssignment(noDeadline, '2025-12-01T00:00:00+07:00').group).toBe('no_deadline');
    expect(
      classifyAssignment({ ...noDeadline, status: 'completed', completedAt: '2025-11-30T00:00:00+07:00' }, '2025-12-01T00:00:00+07:00')
        .group,
    ).toBe('completed_on_time');
  });

  it('has a Vietnamese label for every group', () => {
    expect(STATUS_GROUP_LABELS_VI.completed_on_time).toBe('Hoàn thành đúng hạn');
    expect(STATUS_GROUP_LABELS_VI.completed_late).toBe('Hoàn thành quá hạn');
    expect(STATUS_GROUP_LABELS_VI.in_progress_on_time).toBe('Đang thực hiện trong hạn');
    expect(STATUS_GROUP_LABELS_VI.in_progress_overdue).toBe('Đang thực hiện quá hạn');
    for (const g of STATUS_GROUPS) expect(STATUS_GROUP_LABELS_VI[g]).toBeTruthy();
  });
});

describe('completionRate and countByGroup', () => {
  const notice: ClassifiableAssignment[] = [
    completed('2025-11-14T16:00:00+07:00'), // on time
    completed('2025-11-18T10:00:00+07:00'), // late
    { ...dataStrategy }, // never finished
    { ...dataStrategy, status: 'cancelled', cancelledAt: '2025-11-10T00:00:00+07:00' },
    { ...dataStrategy, dueAt: '2025-12-31T23:59:59+07:00' }, // 5G coverage 62% by the end of 2025
    { ...dataStrategy, dueAt: null },
  ];

  it('rates the notice one in three on 20/11/2025: on time over items that came due, cancelled ones aside', () => {
    expect(completionRate(notice, '2025-11-20T00:00:00+07:00')).toBeCloseTo(1 / 3);
  });

  it('has no rate before anything comes due', () => {
    expect(completionRate(notice, '2025-11-10T00:00:00+07:00')).toBeNull();
  });

  it('counts the four reporting groups as of 20/11/2025', () => {
    expect(countByGroup(notice, '2025-11-20T00:00:00+07:00')).toEqual({
      completed_on_time: 1,
      completed_late: 1,
      in_progress_on_time: 1,
      in_progress_overdue: 1,
      cancelled: 1,
      no_deadline: 1,
    });
  });

  it('keeps the rate between 0 and 1 for any list of items', () => {
    const at = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms).toISOString());
    const item = fc.record({
      status: fc.constantFrom('in_progress', 'completed', 'cancelled'),
      dueAt: fc.option(at, { nil: null }),
      completedAt: fc.option(at, { nil: null }),
      cancelledAt: fc.option(at, { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(item), at, (items, asOf) => {
        const rate = completionRate(items, asOf);
        if (rate !== null) {
          expect(rate).toBeGreaterThanOrEqual(0);
          expect(rate).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
