import { describe, expect, it } from 'vitest';
import { launchTaskSchema } from '../../domain/schemas/task';
import { workflowIdFor, type DirectiveTaskInput } from '../../domain/task';
import { useApiWorld } from '../helpers/api-world';
import { uniq } from '../helpers/servers';

describe('task ids: one per directive item, never shared', () => {
  const w = useApiWorld();
  const { http } = w;
  const { office, lead } = w.units;
  const { secretariat } = w.people;

  const launch = (directiveNumber: string, ref: string) =>
    http()
      .post('/api/v1/tasks')
      .set('authorization', secretariat.auth)
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
    const item = (ref: string) => ({
      ref,
      title: `Nhiệm vụ ${ref}`,
      leadUnit: lead,
      responsibleOfficial: 'Giám đốc Sở',
      deadline: { kind: 'date', dueAt: '2026-12-31T23:59:59+07:00' },
      expectedResult: 'Kết quả',
    });
    const created = await http()
      .post('/api/v1/directives')
      .set('authorization', secretariat.auth)
      .send({
        number,
        issuedOn: '2025-11-04',
        assignedBy: 'Trưởng Ban Chỉ đạo',
        decidedBy: office,
        items: [item('2.3 (1)'), item('2.3.1')],
      })
      .expect(201);
    const res = await http().post(`${created.headers.location}/launch`).set('authorization', secretariat.auth).send({}).expect(200);
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
    const number = `LEG-${uniq().toUpperCase()}/TB`;
    // The old scheme: both parts slugged, nothing more.
    const legacyId = `${number.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.2-3-1`;
    const launchInput = launchTaskSchema.parse({ ...w.launchBody(), directiveNumber: number, ref: '2.3 (1)' });
    const input = { taskId: legacyId, launch: launchInput } as DirectiveTaskInput;
    await w.env.client.workflow.start('directiveTask', { taskQueue: w.taskQueue, workflowId: workflowIdFor(legacyId), args: [input] });
    w.tasks.add(legacyId);
    await w.untilLaunched(legacyId);

    const again = await launch(number, '2.3 (1)').expect(200);
    expect(again.body).toMatchObject({ id: legacyId, created: false });

    const [numberSlug] = legacyId.split('.');
    const other = await launch(numberSlug, '2-3-1').expect(409);
    expect(other.body.detail).toContain(number);
    expect(other.body.detail).toContain('2.3 (1)');
  });
});
