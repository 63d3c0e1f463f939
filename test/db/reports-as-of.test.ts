import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lateList } from '../../db/repositories/late-list';
import { reportByDirective, reportByUnit, type ReportFilter } from '../../db/repositories/reports';
import { testDb, uniq } from '../helpers/servers';
import { storyLaunch, TaskStory } from '../helpers/task-story';

/*
 * Reports as of a date read the same whenever they are run (issue 13, items 4 to 6): tasks told
 * through the lifecycle's transitions at past instants, recorded by the real recordEvent activity.
 */

const at = (vn: string) => new Date(vn);
const DUE = '2025-11-15T00:00:00+07:00';
const LAUNCHED = '2025-11-04T08:00:00+07:00';

describe('reports as of a date', () => {
  const db = testDb();
  afterAll(async () => {
    await db.destroy();
  });

  /** A directive and units of this test only, so that a report over one unit reads the kept counts. */
  function world() {
    const id = uniq();
    return { directive: `80/TB-UBND-${id}`, unitA: `SKHCN-${id}`, unitB: `STTTT-${id}`, slug: `80-tb-ubnd-${id}` };
  }

  /** Everything a report as of `asOf` says about the directive and the units. */
  async function reports(asOf: Date, directive: string, units: string[]) {
    const f: ReportFilter = { asOf, directive };
    return {
      byUnitWithin: await reportByUnit(db, f),
      byDirective: await reportByDirective(db, f),
      units: await Promise.all(units.map((unit) => reportByUnit(db, { asOf, unit }))),
      late: await lateList(db, f),
      lateOfUnits: await Promise.all(units.map((unit) => lateList(db, { asOf, unit }))),
    };
  }

  it('keeps a task overdue on 20/11 when an extension is approved on 25/11, and the days already overdue on record', async () => {
    const w = world();
    const story = await TaskStory.launch(db, `${w.slug}.1`, storyLaunch(w.directive, '1', w.unitA, { kind: 'date', dueAt: DUE }), LAUNCHED);
    await story.wakeUp('2025-11-15T00:00:00.001+07:00');
    const asOf = at('2025-11-20T00:00:00+07:00');
    const before = await reports(asOf, w.directive, [w.unitA]);
    expect(before.byDirective.totals).toMatchObject({ total: 1, inProgressOverdue: 1, lateRecords: 1 });

    await story.extend('2025-11-24T09:00:00+07:00', '2025-11-25T09:00:00+07:00', '2025-12-31T00:00:00+07:00');
    expect(await reports(asOf, w.directive, [w.unitA])).toEqual(before);
    expect(before.late.items).toEqual([
      expect.objectContaining({ group: 'in_progress_overdue', dueAt: at(DUE), extensionCount: 0, daysOverdue: 5, lateUnits: [w.unitA] }),
    ]);
    // After the extension the task is within its new deadline, and the unit's lateness stays on record.
    const after = await reportByUnit(db, { asOf: at('2025-11-30T00:00:00+07:00'), unit: w.unitA });
    expect(after.totals).toMatchObject({ total: 1, inProgressOnTime: 1, inProgressOverdue: 0, lateRecords: 1 });
  });

  it('counts a task completed on 10/11 and reopened on 25/11 as completed in the report as of 20/11', async () => {
    const w = world();
    const story = await TaskStory.launch(db, `${w.slug}.2`, storyLaunch(w.directive, '2', w.unitA, { kind: 'date', dueAt: DUE }), LAUNCHED);
    await story.command('acknowledge', { note: '' }, '2025-11-05T08:00:00+07:00');
    await story.submitWithEvidence('2025-11-08T08:00:00+07:00');
    await story.command('approve', { note: '' }, '2025-11-10T08:00:00+07:00');
    const asOf = at('2025-11-20T00:00:00+07:00');
    const before = await reports(asOf, w.directive, [w.unitA]);
    expect(before.byDirective.totals).toMatchObject({ total: 1, completedOnTime: 1, aheadOfSchedule: 1 });
    await story.reopen('2025-11-25T08:00:00+07:00', '2025-12-20T00:00:00+07:00');
    expect(await reports(asOf, w.directive, [w.unitA])).toEqual(before);
    // Launched after the instant: not in the report at all.
    expect((await reportByDirective(db, { asOf: at('2025-11-01T00:00:00+07:00'), directive: w.directive })).rows).toEqual([]);
  });

  it('names the escalation level reached by the report’s date, whatever was sent or reset after it', async () => {
    const w = world();
    const story = await TaskStory.launch(db, `${w.slug}.7`, storyLaunch(w.directive, '7', w.unitA, { kind: 'date', dueAt: DUE }), LAUNCHED);
    await story.wakeUp('2025-11-15T00:00:00.001+07:00');
    await story.escalate(1, '2025-11-18T08:00:00+07:00');
    const levelAsOf = async (vn: string) =>
      (await lateList(db, { asOf: at(vn), directive: w.directive })).items.map((i) => [i.escalationLevel, i.originalDueAt]);
    const before = await reports(at('2025-11-20T00:00:00+07:00'), w.directive, [w.unitA]);
    expect(await levelAsOf('2025-11-20T00:00:00+07:00')).toEqual([[1, at(DUE)]]);

    await story.escalate(2, '2025-11-22T08:00:00+07:00');
    // The extension sets the level back to 0 from 25/11 on; the original deadline stays the launch's.
    await story.extend('2025-11-24T09:00:00+07:00', '2025-11-25T09:00:00+07:00', '2025-11-28T00:00:00+07:00');
    await story.wakeUp('2025-11-28T00:00:00.001+07:00');
    expect(story.state.escalationLevel).toBe(0);
    expect(await levelAsOf('2025-11-17T00:00:00+07:00')).toEqual([[0, at(DUE)]]);
    expect(await levelAsOf('2025-11-23T00:00:00+07:00')).toEqual([[2, at(DUE)]]);
    expect(await levelAsOf('2025-11-29T00:00:00+07:00')).toEqual([[0, at(DUE)]]);
    expect(await reports(at('2025-11-20T00:00:00+07:00'), w.directive, [w.unitA])).toEqual(before);
  });

  it('leaves lateness with the unit that led while the task was overdue, after it is reassigned', async () => {
    const w = world();
    const story = await TaskStory.launch(db, `${w.slug}.3`, storyLaunch(w.directive, '3', w.unitA, { kind: 'date', dueAt: DUE }), LAUNCHED);
    await story.wakeUp('2025-11-15T08:00:00+07:00');
    const asOf = at('2025-11-17T00:00:00+07:00');
    const before = await reports(asOf, w.directive, [w.unitA, w.unitB]);
    await story.command(
      'reassign',
      { newLeadUnit: w.unitB, responsibleOfficial: 'Giám đốc Sở', reason: 'Chuyển chức năng' },
      '2025-11-18T08:00:00+07:00',
    );
    // As of 17/11 nothing changed: the unit leading then has it.
    expect(await reports(asOf, w.directive, [w.unitA, w.unitB])).toEqual(before);
    expect(before.units[0].rows).toEqual([expect.objectContaining({ unit: w.unitA, total: 1, inProgressOverdue: 1, lateRecords: 1 })]);

    const later = at('2025-11-20T00:00:00+07:00');
    const [a, b] = await Promise.all([w.unitA, w.unitB].map((unit) => reportByUnit(db, { asOf: later, unit })));
    // The unit that was late keeps its lateness in its own report; the new lead took over a late task.
    expect(a.rows).toEqual([expect.objectContaining({ unit: w.unitA, total: 0, lateRecords: 1 })]);
    expect(b.rows).toEqual([expect.objectContaining({ unit: w.unitB, total: 1, inProgressOverdue: 1, lateRecords: 1 })]);
    expect((await lateList(db, { asOf: later, directive: w.directive })).items).toEqual([
      expect.objectContaining({ leadUnit: w.unitB, lateUnits: [w.unitA, w.unitB] }),
    ]);
  });

  it('does not count a claim sent before the deadline and awaiting review as overdue', async () => {
    const w = world();
    const story = await TaskStory.launch(db, `${w.slug}.4`, storyLaunch(w.directive, '4', w.unitA, { kind: 'date', dueAt: DUE }), LAUNCHED);
    await story.command('acknowledge', { note: '' }, '2025-11-05T08:00:00+07:00');
    await story.submitWithEvidence('2025-11-14T16:00:00+07:00');
    await story.wakeUp('2025-11-15T08:00:00+07:00');
    const asOf = at('2025-11-20T00:00:00+07:00');
    const r = await reports(asOf, w.directive, [w.unitA]);
    expect(r.byDirective.totals).toMatchObject({ total: 1, inProgressOnTime: 1, inProgressOverdue: 0, lateRecords: 0 });
    expect(r.units[0].totals).toMatchObject({ inProgressOnTime: 1, inProgressOverdue: 0 });
    expect(r.late).toEqual({ total: 0, items: [] });
    // Returned on 21/11, after the deadline: overdue from then on, the 20/11 report unchanged.
    await story.command('return', { reason: 'Minh chứng chưa đủ' }, '2025-11-21T08:00:00+07:00');
    expect(await reports(asOf, w.directive, [w.unitA])).toEqual(r);
    await story.wakeUp('2025-11-21T08:00:01+07:00');
    expect((await reportByDirective(db, { asOf: at('2025-11-22T00:00:00+07:00'), directive: w.directive })).totals).toMatchObject({
      inProgressOverdue: 1,
      lateRecords: 1,
    });
  });

  it('judges ahead of schedule on the claim that was approved, not on the approval', async () => {
    const w = world();
    const story = await TaskStory.launch(db, `${w.slug}.5`, storyLaunch(w.directive, '5', w.unitA, { kind: 'date', dueAt: DUE }), LAUNCHED);
    await story.command('acknowledge', { note: '' }, '2025-11-05T08:00:00+07:00');
    // Claimed five days early, approved twelve hours before the deadline.
    await story.submitWithEvidence('2025-11-10T08:00:00+07:00');
    await story.command('approve', { note: '' }, '2025-11-14T12:00:00+07:00');
    const { totals } = await reportByUnit(db, { asOf: at('2025-11-20T00:00:00+07:00'), unit: w.unitA });
    expect(totals).toMatchObject({ completedOnTime: 1, aheadOfSchedule: 1 });
  });

  it('counts a periodic report sent after its due date as the unit’s lateness', async () => {
    const w = world();
    const launch = storyLaunch(w.directive, '6', w.unitA, {
      kind: 'recurring',
      rule: { freq: 'monthly', dayOfMonth: 20 },
      until: null,
    });
    const story = await TaskStory.launch(db, `${w.slug}.6`, launch, LAUNCHED);
    await story.wakeUp('2025-11-04T08:00:01+07:00');
    const period = story.state.reports.open[0];
    expect(period).toBeDefined();
    const afterDue = new Date(Date.parse(period.due) + 2 * 86_400_000).toISOString();
    await story.command('submitReport', { periodKey: period.key, summary: 'Báo cáo tháng', evidenceIds: [] }, afterDue);
    expect(story.state.lateUnits).toEqual([w.unitA]);
    const { totals } = await reportByUnit(db, { asOf: new Date(Date.parse(afterDue) + 1000), unit: w.unitA });
    expect(totals).toMatchObject({ total: 1, lateRecords: 1 });
  });

  it('answers any report as of T the same after any events later than T (property)', async () => {
    const day = (n: number) => new Date(Date.parse(LAUNCHED) + n * 86_400_000 + 3_600_000).toISOString();
    type Step = { day: number; action: 'ack' | 'wake' | 'submit' | 'approve' | 'return' | 'extend' | 'reassign' | 'cancel' | 'reopen' };
    const step = fc.record({
      day: fc.integer({ min: 1, max: 40 }),
      action: fc.constantFrom<Step['action']>('ack', 'wake', 'submit', 'approve', 'return', 'extend', 'reassign', 'cancel', 'reopen'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(step, { maxLength: 8 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 42 }),
        async (plans, cut) => {
          const w = world();
          const units = [w.unitA, w.unitB];
          const stories = await Promise.all(
            plans.map((_, i) =>
              TaskStory.launch(
                db,
                `${w.slug}.p${i}`,
                storyLaunch(w.directive, `p${i}`, w.unitA, { kind: 'date', dueAt: day(11 + 3 * i) }),
                day(0),
              ),
            ),
          );
          const steps = plans.flatMap((plan, i) => plan.map((s, j) => ({ ...s, story: stories[i], at: day(s.day) + '', j })));
          steps.sort((x, y) => x.day - y.day || x.j - y.j);
          const asOf = new Date(day(cut));
          let before: Awaited<ReturnType<typeof reports>> | null = null;
          for (const s of steps) {
            if (before === null && Date.parse(s.at) > asOf.getTime()) before = await reports(asOf, w.directive, units);
            await act(s.story, s.action, s.at, units);
          }
          before ??= await reports(asOf, w.directive, units);
          expect(await reports(asOf, w.directive, units)).toEqual(before);
        },
      ),
      { numRuns: 20, seed: 20251120 },
    );
  });
});

/** One generated step, if the lifecycle accepts it then; a refused one is skipped, as the API would refuse it. */
async function act(story: TaskStory, action: string, at: string, units: string[]): Promise<void> {
  const later = (days: number) => new Date(Date.parse(at) + days * 86_400_000).toISOString();
  const s = story.state;
  if (action === 'wake') return story.wakeUp(at);
  if (action === 'ack' && story.allows('acknowledge', { note: '' }, at)) return story.command('acknowledge', { note: '' }, at);
  if (
    action === 'submit' &&
    story.allows(
      'attachEvidence',
      {
        evidenceId: `mc-${s.auditSeq}`,
        fileName: 'a.pdf',
        sha256: 'a'.repeat(64),
        contentType: 'application/pdf',
        size: 1,
        description: '',
      },
      at,
    ) &&
    ['acknowledged', 'in_progress', 'returned'].includes(s.status)
  )
    return story.submitWithEvidence(at);
  if (action === 'approve' && story.allows('approve', { note: '' }, at)) return story.command('approve', { note: '' }, at);
  if (action === 'return' && story.allows('return', { reason: 'Chưa đạt' }, at)) return story.command('return', { reason: 'Chưa đạt' }, at);
  if (
    action === 'extend' &&
    s.dueAt &&
    story.allows('requestExtension', { requestedDueAt: later(10), reason: 'Chờ' }, at) &&
    Date.parse(later(10)) > Date.parse(s.dueAt)
  )
    return story.extend(at, at, later(10));
  if (
    action === 'reassign' &&
    story.allows('reassign', { newLeadUnit: units.find((u) => u !== s.leadUnit)!, responsibleOfficial: 'GĐ', reason: 'Chuyển' }, at)
  )
    return story.command(
      'reassign',
      { newLeadUnit: units.find((u) => u !== s.leadUnit)!, responsibleOfficial: 'GĐ', reason: 'Chuyển' },
      at,
    );
  if (action === 'cancel' && story.allows('cancel', { reason: 'Không còn cần' }, at))
    return story.command('cancel', { reason: 'Không còn cần' }, at);
  if (action === 'reopen' && (s.status === 'completed' || s.status === 'cancelled')) return story.reopen(at, later(7));
}
