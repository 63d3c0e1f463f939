import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { lateList, type LateItem } from '../../db/repositories/late-list';
import { reportByDirective, reportByUnit, type GroupCounts, type ReportFilter } from '../../db/repositories/reports';
import type { NewTaskRow } from '../../db/schema';
import { parseReportPeriod, periodAsOf } from '../../domain/report-period';
import { classifyAssignment, completionRate, type ClassifiableAssignment } from '../../domain/status';
import { mulberry32 } from '../helpers/random';
import { testDb, uniq } from '../helpers/servers';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

/** A read-model row as the activity would write it; every test uses a directive of its own. */
function task(directive: string, ref: string, o: Partial<NewTaskRow> & { lead_unit: string }): NewTaskRow {
  const id = `${directive.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.${ref.replace(/[^0-9a-z]+/gi, '-')}`;
  return {
    id,
    workflow_id: `task-${id}`,
    directive_number: directive,
    directive_year: 2025,
    ref,
    title: `Nhiệm vụ ${ref}`,
    status: 'in_progress',
    // Launched before every instant the tests report at: a task launched after a report's instant is not in it.
    launched_at: at('2025-06-02T08:00:00+07:00'),
    ...o,
  };
}

const completedOn = (completedAt: string, dueAt: string, claimedAt = completedAt): Partial<NewTaskRow> => ({
  status: 'completed',
  due_at: dueAt,
  submitted_at: claimedAt,
  completed_at: completedAt,
  outcome: Date.parse(claimedAt) > Date.parse(dueAt) ? 'completed_late' : 'completed_on_time',
});

/** A per-directive row's identity: every test's directive is of 2025 and names no issuer (not registered). */
const directiveRow = (directive: string) => ({
  directiveNumber: directive,
  directiveYear: 2025,
  directiveIssuerKey: '',
  directiveIssuer: null,
  directiveId: null,
  directiveTitle: null,
});

/** The counts a report row should hold, computed with domain/status.ts from the same rows. */
function expectedCounts(rows: NewTaskRow[], asOf: Date, aheadMarginDays = 1): GroupCounts {
  const items = rows.map(toAssignment);
  const groups = items.map((a) => classifyAssignment(a, asOf, { aheadMarginDays }));
  const count = (g: string) => groups.filter((c) => c.group === g).length;
  const cameDue = items.filter(
    (a, i) => a.dueAt !== null && new Date(a.dueAt).getTime() <= asOf.getTime() && groups[i].group !== 'cancelled',
  );
  return {
    total: rows.length,
    completedOnTime: count('completed_on_time'),
    completedLate: count('completed_late'),
    inProgressOnTime: count('in_progress_on_time') + count('no_deadline'),
    inProgressOverdue: count('in_progress_overdue'),
    aheadOfSchedule: groups.filter((c) => c.aheadOfSchedule).length,
    cancelled: count('cancelled'),
    noDeadline: count('no_deadline'),
    cameDue: cameDue.length,
    cameDueCompletedOnTime: cameDue.filter((a) => classifyAssignment(a, asOf).group === 'completed_on_time').length,
    completionRate: completionRate(items, asOf),
    lateRecords: rows.reduce((n, r) => n + (r.late_units?.length ?? 0), 0),
  };
}

const toAssignment = (r: NewTaskRow): ClassifiableAssignment => ({
  status: r.status,
  dueAt: (r.due_at as Date | string | null | undefined) ?? null,
  completedAt: (r.completed_at as Date | string | null | undefined) ?? null,
  cancelledAt: (r.cancelled_at as Date | string | null | undefined) ?? null,
  submittedAt: (r.submitted_at as Date | string | null | undefined) ?? null,
});

/** The late list as domain/status.ts sees it: overdue first, then completed late, the most overdue first. */
function expectedLateOrder(rows: NewTaskRow[], asOf: Date): { id: string; group: LateItem['group']; daysOverdue: number | null }[] {
  const ms = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date).getTime());
  const late = rows
    .map((r) => ({ r, group: classifyAssignment(toAssignment(r), asOf).group }))
    .filter((x): x is { r: NewTaskRow; group: LateItem['group'] } => x.group === 'in_progress_overdue' || x.group === 'completed_late')
    .map(({ r, group }) => {
      const due = ms(r.due_at);
      const completed = ms(r.completed_at)!;
      const until =
        group === 'in_progress_overdue' ? asOf.getTime() : r.outcome ? Math.min(ms(r.submitted_at) ?? completed, completed) : completed;
      return { id: r.id, group, due, daysOverdue: due === null ? null : Math.max(0, Math.ceil((until - due) / DAY)) };
    });
  late.sort(
    (a, b) =>
      Number(b.group === 'in_progress_overdue') - Number(a.group === 'in_progress_overdue') ||
      (b.daysOverdue ?? -Infinity) - (a.daysOverdue ?? -Infinity) ||
      (a.due ?? Infinity) - (b.due ?? Infinity) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return late.map(({ id, group, daysOverdue }) => ({ id, group, daysOverdue }));
}

/** The deadline of an open assignment: an instant where a report turns it overdue. */
const someDueOf = (rows: NewTaskRow[]) => rows.find((r) => r.due_at && !['completed', 'cancelled'].includes(r.status))!.due_at as Date;

/**
 * Generated assignments of one directive over `units`: completed (on time, early, late, legacy), cancelled, open, some without deadline.
 * A completion is claimed a day or two before its approval, or at the approval itself with `claimedAtCompletion`.
 */
function generated(
  directive: string,
  units: string[],
  seed: number,
  count: number,
  base: number,
  o: { claimedAtCompletion?: boolean } = {},
): NewTaskRow[] {
  const next = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const rows: NewTaskRow[] = [];
  for (let i = 0; i < count; i++) {
    const due = next() < 0.15 ? null : new Date(base + Math.round((next() - 0.5) * 120) * DAY + Math.round(next() * 24) * 3600_000);
    const row = task(directive, `${i}`, { lead_unit: pick(units), due_at: due });
    const fate = next();
    if (fate < 0.45) {
      const completedAt = new Date((due?.getTime() ?? base) + Math.round((next() - 0.6) * 40 * DAY));
      row.status = 'completed';
      row.completed_at = next() < 0.03 ? null : completedAt;
      // Lateness is judged on the claim.
      row.submitted_at = o.claimedAtCompletion
        ? row.completed_at
        : row.completed_at && new Date(completedAt.getTime() - Math.round(next() * 2) * DAY);
      row.outcome = next() < 0.1 || !row.completed_at ? null : due && completedAt > due ? 'completed_late' : 'completed_on_time';
    } else if (fate < 0.55) {
      row.status = 'cancelled';
      row.cancelled_at = next() < 0.05 ? null : new Date(base + Math.round((next() - 0.5) * 100) * DAY);
    } else {
      row.status = pick(['assigned', 'acknowledged', 'in_progress', 'submitted', 'returned']);
    }
    rows.push(row);
  }
  return rows;
}

describe('the Steering Committee reports over the tasks read model', () => {
  const db = testDb();

  afterAll(async () => {
    await db.destroy();
  });

  it('counts the four groups of 01-TB/CQTT per unit as of 20/11/2025, with ahead of schedule, cancelled and the completion rate', async () => {
    const directive = `01-TB/CQTT-${uniq()}`;
    const due = '2025-11-15T00:00:00+07:00';
    const rows = [
      task(directive, '2.2 (1)', { lead_unit: 'UBND_TINH', ...completedOn('2025-11-12T10:00:00+07:00', due) }),
      task(directive, '2.2 (2)', { lead_unit: 'UBND_TINH', ...completedOn('2025-11-14T16:00:00+07:00', due) }),
      task(directive, '2.2 (3)', { lead_unit: 'UBND_TINH', ...completedOn('2025-11-17T09:00:00+07:00', due) }),
      task(directive, '2.2 (4)', { lead_unit: 'UBND_TINH', due_at: due }),
      task(directive, '2.2 (5)', { lead_unit: 'UBND_TINH', due_at: '2025-12-31T23:59:59+07:00' }),
      task(directive, '2.3 (1)', { lead_unit: 'SKHCN', due_at: null }),
      task(directive, '2.3 (2)', { lead_unit: 'SKHCN', status: 'cancelled', due_at: due, cancelled_at: '2025-11-10T08:00:00+07:00' }),
      // Completed and cancelled after 20/11: still running on 20/11.
      task(directive, '2.3 (3)', { lead_unit: 'SKHCN', ...completedOn('2025-11-25T08:00:00+07:00', due) }),
      task(directive, '2.3 (4)', {
        lead_unit: 'SKHCN',
        status: 'cancelled',
        due_at: '2025-12-31T23:59:59+07:00',
        cancelled_at: '2025-11-25T08:00:00+07:00',
      }),
      // Due exactly at the report's instant: still within the deadline.
      task(directive, '2.4', { lead_unit: 'CA_TINH', due_at: '2025-11-20T00:00:00+07:00' }),
    ];
    await db.insertInto('tasks').values(rows).execute();
    const asOf = at('2025-11-20T00:00:00+07:00');

    const { rows: units, totals } = await reportByUnit(db, { asOf, directive });
    expect(units.map((u) => u.unit)).toEqual(['CA_TINH', 'SKHCN', 'UBND_TINH']);
    expect(units.find((u) => u.unit === 'UBND_TINH')).toMatchObject({
      total: 5,
      completedOnTime: 2,
      aheadOfSchedule: 1,
      completedLate: 1,
      inProgressOnTime: 1,
      inProgressOverdue: 1,
      cancelled: 0,
      cameDue: 4,
      cameDueCompletedOnTime: 2,
      completionRate: 0.5,
    });
    expect(units.find((u) => u.unit === 'SKHCN')).toMatchObject({
      total: 4,
      completedOnTime: 0,
      completedLate: 0,
      inProgressOnTime: 2,
      noDeadline: 1,
      inProgressOverdue: 1,
      cancelled: 1,
      cameDue: 1,
      completionRate: 0,
    });
    expect(units.find((u) => u.unit === 'CA_TINH')).toMatchObject({ total: 1, inProgressOnTime: 1, cameDue: 1, completionRate: 0 });
    expect(totals).toMatchObject({
      total: 10,
      completedOnTime: 2,
      completedLate: 1,
      inProgressOnTime: 4,
      inProgressOverdue: 2,
      cancelled: 1,
      cameDue: 6,
    });
    expect(totals.completionRate).toBeCloseTo(2 / 6);
    // The four groups and the cancelled add up to every assignment.
    for (const u of [...units, totals])
      expect(u.completedOnTime + u.completedLate + u.inProgressOnTime + u.inProgressOverdue + u.cancelled).toBe(u.total);

    const byDirective = await reportByDirective(db, { asOf, directive });
    expect(byDirective.rows).toEqual([{ ...directiveRow(directive), ...totals }]);

    // Three days to spare: only the strategy finished on 12/11 was that early.
    const strict = await reportByUnit(db, { asOf, directive, aheadMarginDays: 3 });
    expect(strict.totals.aheadOfSchedule).toBe(0);
    const relaxed = await reportByUnit(db, { asOf, directive, aheadMarginDays: 0 });
    expect(relaxed.totals.aheadOfSchedule).toBe(2);
  });

  it('has no completion rate for a unit with nothing come due yet', async () => {
    const directive = `80/TB-UBND-${uniq()}`;
    await db
      .insertInto('tasks')
      .values([
        task(directive, '5', { lead_unit: 'SCT', due_at: '2026-06-30T23:59:59+07:00' }),
        task(directive, '6', { lead_unit: 'SCT', due_at: null }),
      ])
      .execute();
    const { rows } = await reportByUnit(db, { asOf: at('2026-01-20T00:00:00+07:00'), directive });
    expect(rows).toEqual([expect.objectContaining({ unit: 'SCT', total: 2, cameDue: 0, completionRate: null })]);
  });

  it('judges lateness as the workflow did: by the claim, not by an approval after the deadline, and by late periodic reports', async () => {
    const directive = `02-TB/CQTT-${uniq()}`;
    const due = '2025-11-15T00:00:00+07:00';
    await db
      .insertInto('tasks')
      .values([
        task(directive, '1', { lead_unit: 'SCT', ...completedOn('2025-11-18T09:00:00+07:00', due, '2025-11-14T09:00:00+07:00') }),
        task(directive, '2', { lead_unit: 'SCT', ...completedOn('2025-11-18T09:00:00+07:00', due, '2025-11-16T09:00:00+07:00') }),
        // A monthly report duty closed by the workflow as late because some reports were late: no single deadline.
        task(directive, '3', {
          lead_unit: 'SCT',
          deadline_kind: 'recurring',
          status: 'completed',
          due_at: null,
          completed_at: '2025-11-19T00:00:00+07:00',
          outcome: 'completed_late',
        }),
      ])
      .execute();
    const asOf = at('2025-11-20T00:00:00+07:00');
    const { totals } = await reportByUnit(db, { asOf, directive });
    expect(totals).toMatchObject({ completedOnTime: 1, completedLate: 2, aheadOfSchedule: 0, cameDue: 2 });
    const late = await lateList(db, { asOf, directive });
    expect(late.items.map((i) => [i.ref, i.group, i.dueAt, i.daysOverdue])).toEqual([
      ['2', 'completed_late', at(due), 2],
      ['3', 'completed_late', null, null],
    ]);
  });

  it('names the late assignments: overdue ones first, the most overdue first, with lead unit, late units, deadline and escalation level', async () => {
    const directive = `01-TB/CQTT-${uniq()}`;
    const due = '2025-11-15T00:00:00+07:00';
    await db
      .insertInto('tasks')
      .values([
        task(directive, '2.2 (1)', {
          lead_unit: 'UBND_TINH',
          due_at: due,
          original_due_at: '2025-11-01T00:00:00+07:00',
          extension_count: 1,
          late_units: ['UBND_TINH'],
          escalation_level: 2,
        }),
        task(directive, '2.3 (1)', {
          lead_unit: 'SKHCN',
          due_at: '2025-11-18T17:00:00+07:00',
          late_units: ['SO_TTTT', 'SKHCN'],
          escalation_level: 1,
        }),
        task(directive, '2.4', {
          lead_unit: 'CA_TINH',
          ...completedOn('2025-11-19T09:00:00+07:00', due, '2025-11-17T10:00:00+07:00'),
          late_units: ['CA_TINH'],
        }),
        task(directive, '2.2 (2)', { lead_unit: 'UBND_TINH', ...completedOn('2025-11-10T09:00:00+07:00', due) }),
        task(directive, '2.5', { lead_unit: 'SCT', due_at: '2025-12-31T23:59:59+07:00' }),
        task(directive, '2.6', { lead_unit: 'SCT', status: 'cancelled', due_at: due, cancelled_at: '2025-11-16T00:00:00+07:00' }),
      ])
      .execute();
    const asOf = at('2025-11-20T08:00:00+07:00');

    const { items, total } = await lateList(db, { asOf, directive });
    expect(total).toBe(3);
    expect(items.map((i) => [i.ref, i.group, i.daysOverdue])).toEqual([
      ['2.2 (1)', 'in_progress_overdue', 6],
      ['2.3 (1)', 'in_progress_overdue', 2],
      ['2.4', 'completed_late', 3],
    ]);
    expect(items[0]).toMatchObject({
      directiveNumber: directive,
      title: 'Nhiệm vụ 2.2 (1)',
      leadUnit: 'UBND_TINH',
      lateUnits: ['UBND_TINH'],
      dueAt: at(due),
      originalDueAt: at('2025-11-01T00:00:00+07:00'),
      extensionCount: 1,
      escalationLevel: 2,
      status: 'in_progress',
      completedAt: null,
    });
    expect(items[1].lateUnits).toEqual(['SO_TTTT', 'SKHCN']);

    const page = await lateList(db, { asOf, directive }, { limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 3, items: [expect.objectContaining({ ref: '2.3 (1)' })] });
    expect(await lateList(db, { asOf, directive }, { limit: 10, offset: 10 })).toEqual({ total: 3, items: [] });
    expect((await lateList(db, { asOf, directive, unit: 'SKHCN' })).items.map((i) => i.ref)).toEqual(['2.3 (1)']);
  });

  it('reports a month, a quarter and a year on the assignments due in them, as of the period’s end', async () => {
    const directive = `03-KH/TU-${uniq()}`;
    await db
      .insertInto('tasks')
      .values([
        task(directive, 'T10', { lead_unit: 'SNV', ...completedOn('2025-10-20T08:00:00+07:00', '2025-10-31T23:59:59+07:00') }),
        task(directive, 'T11-a', { lead_unit: 'SNV', ...completedOn('2025-11-28T08:00:00+07:00', '2025-11-30T23:59:59+07:00') }),
        // Completed in December, after the November report's instant: overdue at the end of November.
        task(directive, 'T11-b', { lead_unit: 'SNV', ...completedOn('2025-12-05T08:00:00+07:00', '2025-11-15T00:00:00+07:00') }),
        task(directive, 'T11-c', { lead_unit: 'STC', due_at: '2025-11-01T00:00:00+07:00' }),
        task(directive, 'T12', { lead_unit: 'SNV', due_at: '2025-12-31T23:59:59+07:00' }),
        task(directive, 'no-deadline', { lead_unit: 'SNV', due_at: null }),
        task(directive, 'next-year', { lead_unit: 'SNV', due_at: '2026-01-01T00:00:00+07:00' }),
      ])
      .execute();
    const now = at('2026-03-01T08:00:00+07:00');
    const reportFor = (key: string) => {
      const p = parseReportPeriod(key);
      return reportByUnit(db, { asOf: periodAsOf(p, now), dueFrom: p.start, dueTo: p.end, directive });
    };

    const november = await reportFor('2025-11');
    expect(november.totals).toMatchObject({ total: 3, completedOnTime: 1, inProgressOverdue: 2, completedLate: 0, cameDue: 3 });
    expect(november.totals.completionRate).toBeCloseTo(1 / 3);
    expect(november.rows.map((r) => [r.unit, r.total])).toEqual([
      ['SNV', 2],
      ['STC', 1],
    ]);

    const q4 = await reportFor('2025-Q4');
    expect(q4.totals).toMatchObject({ total: 5, completedOnTime: 2, completedLate: 1, inProgressOverdue: 2, cameDue: 5 });
    const year = await reportFor('2025');
    expect(year.totals.total).toBe(5);
    const h1 = await reportFor('2026-H1');
    expect(h1.totals).toMatchObject({ total: 1, inProgressOverdue: 1 });
  });

  it('agrees with classifyAssignment and completionRate of domain/status.ts on 400 generated assignments and the edge cases, at every instant tried', async () => {
    const directive = `99-TB/CQTT-${uniq()}`;
    const base = Date.parse('2025-11-20T00:00:00+07:00');
    const units = ['SCT', 'SYT', 'SKHCN', 'CA_TINH'];
    // Claimed at the approval: the workflow's outcome judges the same instant; a few legacy rows carry none.
    const rows = generated(directive, units, 20251120, 400, base, { claimedAtCompletion: true });
    // Boundaries: completed at the deadline instant (legacy, no outcome), and exactly one day early.
    const edge = new Date(base + 10 * DAY);
    rows.push(task(directive, 'edge-1', { lead_unit: 'SCT', status: 'completed', due_at: edge, completed_at: edge, outcome: null }));
    rows.push(
      task(directive, 'edge-2', {
        lead_unit: 'SCT',
        status: 'completed',
        due_at: edge,
        completed_at: new Date(edge.getTime() - DAY),
        outcome: 'completed_on_time',
      }),
    );
    await db.insertInto('tasks').values(rows).execute();

    // Instants on the boundaries: the deadline of an open assignment, the completion of a finished one.
    const someDue = someDueOf(rows);
    const someCompletion = rows.find((r) => r.completed_at)!.completed_at as Date;
    const instants = [new Date(base - 45 * DAY), new Date(base), new Date(base + 50 * DAY), someDue, someCompletion, edge];
    for (const asOf of instants) {
      for (const aheadMarginDays of [1, 2.5]) {
        const filter: ReportFilter = { asOf, directive, aheadMarginDays };
        const { rows: got, totals } = await reportByUnit(db, filter);
        for (const unit of units) {
          const mine = rows.filter((r) => r.lead_unit === unit);
          expect(
            got.find((g) => g.unit === unit),
            `${unit} at ${asOf.toISOString()}`,
          ).toMatchObject({ unit, ...expectedCounts(mine, asOf, aheadMarginDays) });
        }
        expect(totals).toEqual(expectedCounts(rows, asOf, aheadMarginDays));

        const { items, total } = await lateList(db, filter);
        const late = rows.filter((r) =>
          ['in_progress_overdue', 'completed_late'].includes(classifyAssignment(toAssignment(r), asOf).group),
        );
        expect(total).toBe(late.length);
        expect(items.map((i) => i.taskId).sort()).toEqual(late.map((r) => r.id).sort());
      }
    }

    // A window on the deadline selects the same rows the domain would.
    const from = new Date(base - 30 * DAY);
    const to = new Date(base);
    const windowed = await reportByDirective(db, { asOf: to, directive, dueFrom: from, dueTo: to });
    const inWindow = rows.filter((r) => r.due_at && (r.due_at as Date) >= from && (r.due_at as Date) <= to);
    expect(windowed.rows).toEqual([{ ...directiveRow(directive), ...expectedCounts(inWindow, to) }]);
  });

  it('keeps the counts per unit and per directive through launches, closures, reassignments, deadline changes and deletions, and reads them as of any instant', async () => {
    const directive = `98-TB/CQTT-${uniq()}`;
    // Units of this test only, so that a report over one whole unit reads the kept counts.
    const units = ['SCT', 'SYT', 'SKHCN'].map((u) => `${u}-${uniq()}`);
    const base = Date.parse('2025-11-20T00:00:00+07:00');
    const rows = generated(directive, units, 20251121, 300, base);
    await db.insertInto('tasks').values(rows).execute();

    // What the workflows do to them afterwards, through the read model as recordEvent writes it.
    const next = mulberry32(7);
    const open = rows.filter((r) => !['completed', 'cancelled'].includes(r.status));
    const changes: [NewTaskRow, Partial<NewTaskRow>][] = [];
    for (const r of open.slice(0, 20)) {
      const completedAt = new Date(base + Math.round((next() - 0.3) * 30) * DAY);
      const due = r.due_at ? new Date(r.due_at as Date) : null;
      changes.push([
        r,
        {
          status: 'completed',
          submitted_at: completedAt,
          completed_at: completedAt,
          outcome: due && completedAt > due ? 'completed_late' : 'completed_on_time',
        },
      ]);
    }
    for (const r of open.slice(20, 30))
      changes.push([r, { status: 'cancelled', cancelled_at: new Date(base + Math.round((next() - 0.5) * 20) * DAY) }]);
    for (const r of open.slice(30, 40)) changes.push([r, { lead_unit: units[(units.indexOf(r.lead_unit) + 1) % units.length] }]);
    for (const r of open.slice(40, 50)) changes.push([r, { due_at: r.due_at ? null : new Date(base + 5 * DAY) }]);
    for (const r of open.slice(50, 60)) changes.push([r, { due_at: new Date(base + 30 * DAY), extension_count: 1 }]);
    for (const r of open.slice(60, 70)) changes.push([r, { status: 'acknowledged', escalation_level: 1 }]);
    for (const r of rows.filter((x) => x.status === 'completed').slice(0, 5)) changes.push([r, { lead_unit: units[0] }]);
    for (const [r, change] of changes) {
      Object.assign(r, change);
      await db.updateTable('tasks').set(change).where('id', '=', r.id).execute();
    }
    const removed = new Set(open.slice(70, 75).map((r) => r.id));
    await db
      .deleteFrom('tasks')
      .where('id', 'in', [...removed])
      .execute();
    const live = rows.filter((r) => !removed.has(r.id));

    // The kept counts are what a count over the rows gives as of the horizon, read in one
    // snapshot; also after the horizon moves across deadlines, back and forth.
    const keptMatchesRows = () =>
      db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          const kept = await sql<{ dimension: string; key: string; grp: number; came_due: boolean; n: number }>`
          select dimension, key, grp, came_due, n from task_report_counts
          where ((dimension = 'lead_unit' and key in (${sql.join(units)})) or (dimension = 'directive' and key = ${`2025||${directive}`})) and n <> 0
          order by 1, 2, 3, 4`.execute(trx);
          const counted = await sql<{ dimension: string; key: string; grp: number; came_due: boolean; n: number }>`
          select d.dimension, d.key, task_report_kept_group(status, due_at, submitted_at, completed_at, cancelled_at, outcome, h.at) as grp,
            task_report_kept_came_due(status, due_at, cancelled_at, h.at) as came_due, count(*)::int as n
          from tasks cross join task_report_horizon h
          cross join lateral (values ('lead_unit', lead_unit), ('directive', task_report_directive_key(directive_number, directive_year, directive_issuer_key))) d (dimension, key)
          where directive_number = ${directive} group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(trx);
          expect(kept.rows).toEqual(counted.rows);
        });
    await keptMatchesRows();
    const [horizon] = (await sql<{ at: Date }>`select at from task_report_horizon`.execute(db)).rows;
    try {
      for (const to of [new Date(base - 20 * DAY), new Date(base + 3 * DAY), someDueOf(live)]) {
        await sql`select task_report_advance(${to}::timestamptz)`.execute(db);
        expect((await sql<{ at: Date }>`select at from task_report_horizon`.execute(db)).rows[0].at).toEqual(to);
        await keptMatchesRows();
        const { rows: got } = await reportByUnit(db, { asOf: new Date(base), unit: units[0] });
        expect(got).toEqual([
          {
            unit: units[0],
            unitName: null,
            ...expectedCounts(
              live.filter((r) => r.lead_unit === units[0]),
              new Date(base),
            ),
          },
        ]);
      }
    } finally {
      // Other files' reports are as right with any horizon; put it back where their writes left it.
      await sql`select task_report_advance(${horizon.at}::timestamptz)`.execute(db);
    }

    const someDue = someDueOf(live);
    const someCompletion = live.find((r) => r.completed_at && r.status === 'completed')!.completed_at as Date;
    const someCancellation = live.find((r) => r.cancelled_at)!.cancelled_at as Date;
    const instants = [
      new Date(base - 90 * DAY),
      new Date(base - 10 * DAY),
      new Date(base),
      new Date(base + 25 * DAY),
      new Date(base + 400 * DAY),
      someDue,
      someCompletion,
      someCancellation,
    ];
    for (const asOf of instants) {
      const at = asOf.toISOString();
      for (const unit of units) {
        const mine = live.filter((r) => r.lead_unit === unit);
        const { rows: got } = await reportByUnit(db, { asOf, unit });
        expect(got, `${unit} as of ${at}`).toEqual([{ unit, unitName: null, ...expectedCounts(mine, asOf) }]);
        const late = await lateList(db, { asOf, unit });
        expect(
          late.items.map((i) => ({ id: i.taskId, group: i.group, daysOverdue: i.daysOverdue })),
          `${unit} as of ${at}`,
        ).toEqual(expectedLateOrder(mine, asOf));
      }
      // By its number (the rows read) and by its whole identity (the kept counts corrected): the same row.
      for (const named of [{ directive }, { directive, directiveYear: 2025, directiveIssuerKey: '' }]) {
        const byDirective = await reportByDirective(db, { asOf, ...named });
        expect(byDirective.rows, `as of ${at}`).toEqual([{ ...directiveRow(directive), ...expectedCounts(live, asOf) }]);
      }

      // Pages across the turn from overdue to completed late, and past the end.
      const order = expectedLateOrder(live, asOf);
      const overdue = order.filter((o) => o.group === 'in_progress_overdue').length;
      for (const [offset, limit] of [
        [0, 7],
        [Math.max(0, overdue - 3), 7],
        [overdue, 5],
        [Math.max(0, order.length - 2), 10],
        [order.length + 5, 10],
      ]) {
        for (const filter of [
          { asOf, directive },
          { asOf, directive, unit: units[1] },
        ]) {
          const expected = filter.unit
            ? expectedLateOrder(
                live.filter((r) => r.lead_unit === filter.unit),
                asOf,
              )
            : order;
          const page = await lateList(db, filter, { limit, offset });
          expect(page.total, `total as of ${at}`).toBe(expected.length);
          expect(
            page.items.map((i) => i.taskId),
            `page ${offset}+${limit} as of ${at}`,
          ).toEqual(expected.slice(offset, offset + limit).map((o) => o.id));
        }
      }
    }
  });

  it('reads a unit’s report within a directive, a deadline window and another margin from the rows, with the same answers', async () => {
    const directive = `97-TB/CQTT-${uniq()}`;
    const units = ['STC', 'SNV'].map((u) => `${u}-${uniq()}`);
    const base = Date.parse('2025-11-20T00:00:00+07:00');
    const rows = generated(directive, units, 20251122, 200, base);
    await db.insertInto('tasks').values(rows).execute();
    for (const asOf of [new Date(base - 20 * DAY), new Date(base), new Date(base + 45 * DAY)]) {
      const [from, to] = [new Date(base - 30 * DAY), new Date(base + 10 * DAY)];
      const inWindow = (r: NewTaskRow) =>
        r.due_at !== null && r.due_at !== undefined && (r.due_at as Date) >= from && (r.due_at as Date) <= to;
      for (const unit of units) {
        const mine = rows.filter((r) => r.lead_unit === unit);
        expect((await reportByUnit(db, { asOf, unit, directive })).rows).toEqual([{ unit, unitName: null, ...expectedCounts(mine, asOf) }]);
        expect((await reportByUnit(db, { asOf, unit, dueFrom: from, dueTo: to })).rows).toEqual([
          { unit, unitName: null, ...expectedCounts(mine.filter(inWindow), asOf) },
        ]);
        expect((await reportByUnit(db, { asOf, unit, aheadMarginDays: 3 })).rows).toEqual([
          { unit, unitName: null, ...expectedCounts(mine, asOf, 3) },
        ]);
        const late = await lateList(db, { asOf, unit, dueFrom: from, dueTo: to });
        expect(late.items.map((i) => i.taskId)).toEqual(expectedLateOrder(mine.filter(inWindow), asOf).map((o) => o.id));
      }
    }
  });
});
