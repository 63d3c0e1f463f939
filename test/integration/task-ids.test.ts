import { describe, expect, it } from 'vitest';
import { launchTaskSchema } from '../../domain/schemas/task';
import { workflowIdFor, type DirectiveTaskInput } from '../../domain/task';
import { useApiWorld } from '../helpers/api-world';
import { uniq } from '../helpers/servers';
import { bareTaskIdFor } from '../helpers/tasks';
import { vnCivilDate } from '../../domain/time';

describe('task ids: one per directive item, never shared', () => {
  const w = useApiWorld();
  const { by } = w;
  /** A complete directive item led by the file's unit, due at the end of `day`. */
  const itemDue = (day: string, ref: string) => ({
    ref,
    title: `Nhiệm vụ ${ref}`,
    leadUnit: lead,
    responsibleOfficial: 'Giám đốc Sở',
    deadline: { kind: 'date', dueAt: `${day}T23:59:59+07:00` },
    expectedResult: 'Kết quả',
  });
  const { office, lead } = w.units;
  const { secretariat } = w.people;

  const launch = (directiveNumber: string, ref: string) =>
    by(secretariat)
      .post('/api/v1/tasks')
      .send({ ...w.launchBody(), directiveNumber, ref });

  it('gives items whose numbers read alike ids of their own', async () => {
    const u = uniq();
    const pairs: [string, string][][] = [
      [
        [`01-TB/CQTT-${u}`, '2.3 (1)'],
        [`01-TB/CQTT-${u}`, '2.3.1'],
      ],
      [
        [`Số 07/TB-${u}`, '1'],
        [`So 07/TB-${u}`, '1'],
      ],
      [
        [`PRB-06/COL-${u}`, '1'],
        [`prb 06 col-${u}`, '1'],
      ],
    ];
    for (const [a, b] of pairs) {
      const first = await launch(...a).expect(202);
      const second = await launch(...b).expect(202);
      w.tasks.add(first.body.id).add(second.body.id);
      expect(second.body.id).not.toBe(first.body.id);
      expect((await launch(...a).expect(200)).body.id).toBe(first.body.id);
      expect((await launch(...b).expect(200)).body.id).toBe(second.body.id);
    }
  });

  it('launches both of two items whose refs read alike in one bulk launch', async () => {
    const number = `02-TB/CQTT-${uniq()}`;
    const created = await by(secretariat)
      .post('/api/v1/directives')
      .send({
        number,
        issuedOn: '2025-11-04',
        assignedBy: 'Trưởng Ban Chỉ đạo',
        decidedBy: office,
        items: [itemDue('2026-12-31', '2.3 (1)'), itemDue('2026-12-31', '2.3.1')],
      })
      .expect(201);
    const res = await by(secretariat).post(`${created.headers.location}/launch`).send({}).expect(200);
    const results = res.body.results as { ref: string; outcome: string; taskId: string }[];
    expect(results.map((r) => r.outcome)).toEqual(['launched', 'launched']);
    expect(new Set(results.map((r) => r.taskId)).size).toBe(2);
    for (const r of results) {
      w.tasks.add(r.taskId);
      await w.untilLaunched(r.taskId);
    }
  });

  it('refuses a number or ref with nothing to make an id of, naming the field', async () => {
    const byRef = await launch(`03-TB-${uniq()}`, '///');
    expect([400, 422]).toContain(byRef.status);
    expect(byRef.body.errors.map((e: { path: string }) => e.path)).toEqual(['ref']);
    const byNumber = await launch('***', '1');
    expect([400, 422]).toContain(byNumber.status);
    expect(byNumber.body.errors.map((e: { path: string }) => e.path)).toEqual(['directiveNumber']);
  });

  it('finds a task launched under the old id again, and refuses an item whose id is taken by another', async () => {
    // Launched this year, so that an item of another number can be given the same id by the year in front.
    const year = vnCivilDate(new Date()).year;
    const number = `${year}-LEG-${uniq().toUpperCase()}/TB`;
    // The old scheme: both parts slugged, nothing more.
    const legacyId = `${number.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.2-3-1`;
    const launchInput = launchTaskSchema.parse({ ...w.launchBody(), directiveNumber: number, ref: '2.3 (1)' });
    const input = { taskId: legacyId, launch: launchInput } as DirectiveTaskInput;
    await w.env.client.workflow.start('directiveTask', { taskQueue: w.taskQueue, workflowId: workflowIdFor(legacyId), args: [input] });
    w.tasks.add(legacyId);
    await w.untilLaunched(legacyId);

    const again = await launch(number, '2.3 (1)').expect(200);
    expect(again.body).toMatchObject({ id: legacyId, created: false });

    // "leg-….tb" + "2-3-1" of this year is `<year>-leg-…-tb.2-3-1`: the old task's id.
    const [numberSlug] = legacyId.split('.');
    const other = await launch(numberSlug.slice(`${year}-`.length), '2-3-1').expect(409);
    expect(other.body.detail).toContain(number);
    expect(other.body.detail).toContain('2.3 (1)');
  });

  describe('numbers restart every year', () => {
    const register = (number: string, issuedOn: string) =>
      by(secretariat)
        .post('/api/v1/directives')
        .send({
          number,
          issuedOn,
          issuer: 'Ủy ban nhân dân tỉnh Thái Nguyên',
          assignedBy: 'Chủ tịch UBND tỉnh',
          decidedBy: office,
          items: [itemDue('2027-12-31', '3')],
        });
    const launchAll = async (location: string) => (await by(secretariat).post(`${location}/launch`).send({}).expect(200)).body.results[0];

    it('registers and launches "80/TB-UBND" of 2025 and of 2026 as two notices, each item once', async () => {
      const number = `80/TB-UBND-${uniq()}`;
      const of2025 = await register(number, '2025-03-10').expect(201);
      const of2026 = await register(number, '2026-03-10').expect(201);
      expect(of2025.body).toMatchObject({ number, issueYear: 2025 });
      expect(of2026.body).toMatchObject({ number, issueYear: 2026 });
      expect(of2026.body.id).not.toBe(of2025.body.id);
      expect(of2026.body.id).toMatch(/^2026-80-tb-ubnd-/);
      // The same number, issuer and year again is the same notice.
      const twice = await register(number, '2026-11-01').expect(409);
      expect(twice.body.detail).toContain('năm 2026');

      const first = await launchAll(of2025.headers.location);
      const second = await launchAll(of2026.headers.location);
      expect([first.outcome, second.outcome]).toEqual(['launched', 'launched']);
      expect(first.taskId).toMatch(/^2025-80-tb-ubnd-/);
      expect(second.taskId).toMatch(/^2026-80-tb-ubnd-/);
      w.tasks.add(first.taskId).add(second.taskId);
      await w.untilLaunched(first.taskId);
      await w.untilLaunched(second.taskId);
      const record = (await by(secretariat).get(`/api/v1/tasks/${second.taskId}`).expect(200)).body;
      expect(record.record).toMatchObject({ directive_number: number, directive_year: 2026, ref: '3' });
      expect(record.state).toMatchObject({ directiveYear: 2026, directiveIssuer: 'Ủy ban nhân dân tỉnh Thái Nguyên' });
      // Level 2 of a People's Committee document: its steering committee's standing office, Sở Khoa học và Công nghệ.
      expect(record.state.standingOffice).toBe('SKHCN');

      // Launched again, one by one or in bulk: the task each already has.
      expect(await launchAll(of2026.headers.location)).toMatchObject({ outcome: 'already_launched', taskId: second.taskId });
      const bare = (extra: Record<string, unknown>) =>
        by(secretariat)
          .post('/api/v1/tasks')
          .send({ ...w.launchBody(), ...itemDue('2027-12-31', '3'), directiveNumber: number, ...extra });
      expect((await bare({ directiveYear: 2026 }).expect(200)).body).toMatchObject({ id: second.taskId, created: false });
      expect((await bare({ directiveYear: 2025 }).expect(200)).body).toMatchObject({ id: first.taskId, created: false });
      // Two notices carry that number: a bare launch must say which.
      const which = await bare({}).expect(422);
      expect(which.body.errors).toEqual([{ path: 'directiveYear', reason: expect.stringContaining('nhiều năm') }]);
    });

    it('gives a bare launch of a number no directive registers the year of the launch, and finds it again', async () => {
      const number = `81/TB-UBND-${uniq()}`;
      const body = { ...w.launchBody(), directiveNumber: number, ref: '1' };
      const first = await by(secretariat).post('/api/v1/tasks').send(body).expect(202);
      w.tasks.add(first.body.id);
      expect(first.body.id).toBe(bareTaskIdFor(number, '1'));
      const again = await by(secretariat).post('/api/v1/tasks').send(body).expect(200);
      expect(again.body).toMatchObject({ id: first.body.id, created: false });
      const earlier = await by(secretariat)
        .post('/api/v1/tasks')
        .send({ ...body, directiveYear: 2024 })
        .expect(202);
      w.tasks.add(earlier.body.id);
      expect(earlier.body.id).toMatch(/^2024-81-tb-ubnd-/);
    });
  });
});
