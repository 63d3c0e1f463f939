import { describe, expect, it } from 'vitest';
import { useApiWorld } from '../helpers/api-world';
import { uniq } from '../helpers/servers';

/* Who registered a directive, and who edited or discarded each draft: on record, readable through the API. */

describe('a directive keeps the record of who registered, edited and discarded its drafts', () => {
  const w = useApiWorld();
  const { http } = w;
  const { office, lead, coordinating } = w.units;
  const { secretariat } = w.people;
  const inspector = w.person(w.units.office, ['inspector']);

  it('names the official and the moment of each step in the directive view, and launches no discarded draft', async () => {
    const created = await http()
      .post('/api/v1/directives')
      .set('authorization', secretariat.auth)
      .send({
        number: `15-TB/BCĐ-${uniq()}`,
        issuedOn: '2026-01-15',
        assignedBy: 'Trưởng Ban Chỉ đạo',
        decidedBy: office,
        items: [
          {
            ref: '1',
            title: 'Rà soát hạ tầng mạng',
            leadUnit: lead,
            coordinatingUnits: [coordinating],
            responsibleOfficial: 'Giám đốc Sở',
            expectedResult: 'Báo cáo rà soát',
          },
          { ref: '2', title: 'Đồng chí Trưởng ban kết luận phiên họp' },
        ],
      })
      .expect(201);
    const location = created.headers.location as string;
    const official = { userId: secretariat.login, unitCode: office, roles: ['secretariat'] };
    expect(created.body.history).toEqual([
      { kind: 'registered', ref: null, actor: official, payload: { items: 2 }, occurredAt: expect.any(String) },
    ]);

    const deadline = { kind: 'date', dueAt: '2026-12-31T23:59:59+07:00' };
    const patched = await http().patch(`${location}/items/1`).set('authorization', secretariat.auth).send({ deadline }).expect(200);
    // The patch sets what it names and nothing else: the coordinating units stay.
    expect(patched.body.items[0].fields).toMatchObject({ deadline, coordinatingUnits: [coordinating] });
    // A discard says why; without a reason it is refused, naming the field, and nothing is recorded.
    const noReason = await http().post(`${location}/items/2/discard`).set('authorization', secretariat.auth).send({}).expect(400);
    expect(noReason.body.errors.map((e: { path: string }) => e.path)).toEqual(['reason']);
    const discarded = await http()
      .post(`${location}/items/2/discard`)
      .set('authorization', secretariat.auth)
      .send({ reason: 'Ý kết luận, không giao việc cho đơn vị nào' })
      .expect(200);
    expect(discarded.body.items.map((i: { ref: string; status: string }) => [i.ref, i.status])).toEqual([
      ['1', 'draft'],
      ['2', 'discarded'],
    ]);

    // The inspection committee reads the same record.
    const view = (await http().get(location).set('authorization', inspector.auth).expect(200)).body;
    expect(
      view.history.map((e: { kind: string; ref: string | null; actor: unknown; payload: unknown }) => [e.kind, e.ref, e.actor, e.payload]),
    ).toEqual([
      ['registered', null, official, { items: 2 }],
      ['edited', '1', official, { patch: { deadline } }],
      ['discarded', '2', official, { reason: 'Ý kết luận, không giao việc cho đơn vị nào' }],
    ]);
    const times = view.history.map((e: { occurredAt: string }) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // A discarded draft is no longer edited, discarded again or launched.
    await http().patch(`${location}/items/2`).set('authorization', secretariat.auth).send({ leadUnit: lead }).expect(409);
    await http().post(`${location}/items/2/discard`).set('authorization', secretariat.auth).send({ reason: 'Lần nữa' }).expect(409);
    await http()
      .post(`${location}/launch`)
      .set('authorization', secretariat.auth)
      .send({ refs: ['2'] })
      .expect(409);
    const launched = await http().post(`${location}/launch`).set('authorization', secretariat.auth).send({}).expect(200);
    expect(launched.body.results.map((r: { ref: string; outcome: string }) => [r.ref, r.outcome])).toEqual([['1', 'launched']]);
    w.tasks.add(launched.body.results[0].taskId);
    await w.untilLaunched(launched.body.results[0].taskId);
    // A refused change leaves no entry behind.
    expect((await http().get(location).set('authorization', inspector.auth).expect(200)).body.history).toHaveLength(3);
  });
});
