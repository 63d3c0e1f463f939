import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useApiWorld } from '../helpers/api-world';
import { aUnit } from '../helpers/users';

describe('units a task names must be in the registry, and active', () => {
  const w = useApiWorld();
  const { http, db } = w;
  const { lead, coordinating } = w.units;
  const { secretariat } = w.people;

  const launch = (over: Record<string, unknown>) =>
    http()
      .post('/api/v1/tasks')
      .set('authorization', secretariat.auth)
      .send({ ...w.launchBody(), ...over });
  const paths = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path);

  it('refuses a launch naming a unit the registry lacks, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ leadUnit: 'ZZZ_NOPE' }, 'leadUnit'],
      [{ decidedBy: 'ZZZ_NOPE' }, 'decidedBy'],
      [{ coordinatingUnits: ['ZZZ_NOPE'] }, 'coordinatingUnits.0'],
      [{ coordinatingUnits: [coordinating, coordinating] }, 'coordinatingUnits.1'],
      [{ coLeadUnit: lead }, 'coLeadUnit'],
      [{ coLeadUnit: 'ZZZ_NOPE' }, 'coLeadUnit'],
    ];
    for (const [over, path] of cases) {
      const res = await launch(over);
      expect(res.status, JSON.stringify(over)).toBe(422);
      expect(paths(res), JSON.stringify(over)).toEqual([path]);
      expect(res.body.detail).toMatch(/đơn vị/);
    }
  });

  it('gives no new work to a deactivated unit', async () => {
    const gone = await aUnit(db, 'GONE');
    await sql`update units set active = false where code = ${gone}`.execute(db);
    const res = await launch({ leadUnit: gone });
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual(['leadUnit']);
  });

  it('refuses to reassign a task to an unknown unit before the workflow hears of it', async () => {
    const taskId = await w.launch();
    const res = await http()
      .post(`/api/v1/tasks/${taskId}/reassign`)
      .set('authorization', secretariat.auth)
      .send({ newLeadUnit: 'ZZZ_NOPE', responsibleOfficial: 'Giám đốc', reason: 'Điều chỉnh' });
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual(['newLeadUnit']);
    const kinds = await db.selectFrom('audit_events').select('kind').where('task_id', '=', taskId).execute();
    expect(kinds.map((k) => k.kind)).not.toContain('reassigned');
  });
});

describe('text a person typed is stored in NFC', () => {
  const w = useApiWorld();
  const { http } = w;
  const { secretariat } = w.people;

  it('keeps a launch typed in decomposed form (NFD) as NFC', async () => {
    const body = w.launchBody();
    const nfd = { title: body.title.normalize('NFD'), responsibleOfficial: body.responsibleOfficial.normalize('NFD') };
    const res = await http()
      .post('/api/v1/tasks')
      .set('authorization', secretariat.auth)
      .send({ ...body, ...nfd })
      .expect(202);
    w.tasks.add(res.body.id);
    await w.untilLaunched(res.body.id);
    const read = await http().get(`/api/v1/tasks/${res.body.id}`).set('authorization', secretariat.auth).expect(200);
    expect(read.body.state.title).toBe(body.title.normalize('NFC'));
    expect(read.body.state.responsibleOfficial).toBe(body.responsibleOfficial.normalize('NFC'));
  });
});

describe('a recurring obligation that has already ended', () => {
  const w = useApiWorld();
  const { http } = w;
  const { secretariat } = w.people;

  it('is refused at launch rather than left waiting forever', async () => {
    const body = w.launchBody({ recurring: true });
    body.deadline.until = new Date(Date.now() - 86_400_000).toISOString();
    const res = await http().post('/api/v1/tasks').set('authorization', secretariat.auth).send(body);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['deadline.until']);
    expect(res.body.detail).toMatch(/đã qua/);
  });
});
