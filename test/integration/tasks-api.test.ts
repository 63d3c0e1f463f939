import { describe, expect, it } from 'vitest';
import { useApiWorld } from '../helpers/api-world';
import { uniq } from '../helpers/servers';
import { aUserWithToken } from '../helpers/users';

describe('launching a task over HTTP (dev server + PostgreSQL)', () => {
  const w = useApiWorld();
  const { db, http } = w;
  const { lead: leadUnit } = w.units;
  const { secretariat } = w.people;

  it('starts one workflow per directive item and reads back its live state and its database row', async () => {
    const directiveNumber = `01-TB/CQTT-${uniq()}`;
    const body = { ...w.launchBody(), directiveNumber, ref: '2.3 (1)', deadline: { kind: 'date', dueAt: '2026-12-31T23:59:59+07:00' } };

    const first = await http().post('/api/v1/tasks').set('authorization', secretariat.auth).send(body).expect(202);
    expect(first.headers.location).toBe(`/api/v1/tasks/${first.body.id}`);
    const again = await http().post('/api/v1/tasks').set('authorization', secretariat.auth).send(body).expect(200);
    expect(again.body).toMatchObject({ id: first.body.id, created: false });

    // The row is written by an activity, so it may lag the start by a moment.
    await expect
      .poll(async () => (await http().get(first.headers.location).set('authorization', secretariat.auth)).body.record?.status, {
        timeout: 15_000,
      })
      .toBe('assigned');
    const read = await http().get(first.headers.location).set('authorization', secretariat.auth).expect(200);
    expect(read.body.state).toMatchObject({
      directiveNumber,
      ref: '2.3 (1)',
      leadUnit,
      status: 'assigned',
      dueAt: '2026-12-31T16:59:59.000Z',
    });
    expect(new Date(read.body.record.due_at).toISOString()).toBe('2026-12-31T16:59:59.000Z');

    const executions = [];
    for await (const e of w.env.client.workflow.list({ query: `WorkflowId = '${first.body.workflowId}'` })) executions.push(e);
    expect(executions).toHaveLength(1);
  });

  it('refuses a malformed launch with every bad field named, in Vietnamese, and starts nothing', async () => {
    const res = await http()
      .post('/api/v1/tasks')
      .set('authorization', secretariat.auth)
      .send({ ref: '', deadline: { kind: 'date', dueAt: 'ngày mai' } })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['deadline.dueAt', 'directiveNumber', 'ref']);
    expect(res.body.title).toBe('Dữ liệu không hợp lệ');
    expect(res.body.errors[0].reason).toMatch(/[ạảãáàâấầẩẫậăắằẳẵặđêếềểễệôốồổỗộơớờởỡợưứừửữự]/);
  });

  it('refuses to launch an item that lacks any of the "6 rõ", naming each missing one', async () => {
    const directiveNumber = `80/TB-UBND-${uniq()}`;
    const res = await http()
      .post('/api/v1/tasks')
      .set('authorization', secretariat.auth)
      .send({ directiveNumber, ref: '4', title: 'Xây dựng trung tâm an ninh mạng', leadUnit: 'CA_TINH' })
      .expect(422);
    expect(res.body.type).toBe('missing-six-clear');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['person', 'time', 'responsibility', 'authority', 'result']);
    const rows = await db.selectFrom('tasks').select('id').where('directive_number', '=', directiveNumber).execute();
    expect(rows).toEqual([]);
  });

  it('answers 400 for a body that is not JSON and 404 for an unknown task', async () => {
    await http()
      .post('/api/v1/tasks')
      .set('authorization', secretariat.auth)
      .set('content-type', 'application/json')
      .send('{"ref":')
      .expect(400);
    const res = await http().get('/api/v1/tasks/khong-co.1').set('authorization', secretariat.auth).expect(404);
    expect(res.body.type).toBe('not-found');
  });

  it('lets only the secretariat launch, and nobody without a token', async () => {
    const officer = (await aUserWithToken(db, leadUnit, ['unit_officer'])).auth;
    const body = { directiveNumber: `01-TB/CQTT-${uniq()}`, ref: '2.4' };
    const anonymous = await http().post('/api/v1/tasks').send(body).expect(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    const refused = await http().post('/api/v1/tasks').set('authorization', officer).send(body).expect(403);
    expect(refused.body.type).toBe('forbidden');
  });
});
