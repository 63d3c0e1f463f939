import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { uniq } from '../helpers/servers';
import { useApiWorld } from '../helpers/api-world';

describe('a command is judged on who sends it before the workflow is asked', () => {
  const w = useApiWorld();
  const { http } = w;
  const stranger = w.person(w.unit('OTHER'), ['unit_officer']);
  const inspector = w.person(w.unit('UBKT'), ['inspector']);

  it('answers 404 to a unit that cannot see the task, whatever its state', async () => {
    const taskId = await w.launch();
    await w.command(taskId, 'acknowledge', { note: 'Đã nhận' });
    // Acknowledging twice is a state conflict for the lead unit; for a stranger the task does not exist.
    const res = await http().post(`/api/v1/tasks/${taskId}/acknowledge`).set('authorization', stranger.auth).send({ note: 'x' });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toMatch(/acknowledged|Đã tiếp nhận/);
  });

  it('answers 403 to the inspection committee, whatever the state', async () => {
    const taskId = await w.launch();
    for (const [name, body] of [
      ['approve', { note: '' }],
      ['cancel', { reason: 'Kiểm tra' }],
      ['acknowledge', { note: '' }],
    ] as const) {
      const res = await http().post(`/api/v1/tasks/${taskId}/${name}`).set('authorization', inspector.auth).send(body);
      expect(res.status, name).toBe(403);
    }
  });
});

describe('a task can be read from the moment its launch is accepted', () => {
  const w = useApiWorld();
  const { secretariat, lead, coordinating } = w.people;
  const stranger = w.person(w.unit('OTHER'), ['unit_officer']);

  it('answers 200 with the launch as state before the first row is written, and hides it from other units', async () => {
    // A queue no worker polls: the workflow is started and its row is never written during this test.
    const app = w.appWith({ taskQueue: `no-worker-${uniq()}` });
    const body = w.launchBody();
    const launched = await request(app).post('/api/v1/tasks').set('authorization', secretariat.auth).send(body).expect(202);
    w.tasks.add(launched.body.id);
    const read = await request(app).get(launched.headers.location).set('authorization', secretariat.auth);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: launched.body.id,
      state: { status: 'assigned', leadUnit: body.leadUnit, ref: body.ref },
      record: null,
    });
    await request(app).get(launched.headers.location).set('authorization', lead.auth).expect(200);
    await request(app).get(launched.headers.location).set('authorization', coordinating.auth).expect(200);
    const hidden = await request(app).get(launched.headers.location).set('authorization', stranger.auth);
    expect([403, 404]).toContain(hidden.status);
    const neverLaunched = await request(app).get(`/api/v1/tasks/khong-co.${uniq()}`).set('authorization', secretariat.auth);
    expect(neverLaunched.status).toBe(404);
  });
});
