import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PDF } from '../helpers/fixtures';
import { useApiWorld } from '../helpers/api-world';
import { aUserWithToken } from '../helpers/users';

describe('Idempotency-Key on POST (dev server + PostgreSQL)', () => {
  const w = useApiWorld();
  const { db, http, launchBody } = w;
  const { office } = w.units;
  const { secretariat, lead } = w.people;

  const launch = (body: object, key: string, auth = secretariat.auth) =>
    http().post('/api/v1/tasks').set('authorization', auth).set('Idempotency-Key', key).send(body);

  async function workflowsWithId(workflowId: string): Promise<number> {
    let count = 0;
    for await (const _ of w.env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) count++;
    return count;
  }

  it('answers a retried launch with the first answer, marked as replayed, and starts one workflow', async () => {
    const key = randomUUID();
    const body = launchBody();
    const first = await launch(body, key).expect(202);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    const retry = await launch(body, key).expect(202);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['content-type']).toBe(first.headers['content-type']);
    expect(retry.text).toBe(first.text);
    expect(retry.body).toMatchObject({ created: true });
    expect(await workflowsWithId(first.body.workflowId)).toBe(1);
  });

  it('refuses the same key with a different body (422) and keeps a key per user', async () => {
    const key = randomUUID();
    await launch(launchBody(), key).expect(202);
    const reused = await launch(launchBody(), key).expect(422);
    expect(reused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(reused.body).toMatchObject({ type: 'idempotency-key-reused', title: 'Khóa Idempotency-Key đã được dùng' });

    const colleague = (await aUserWithToken(db, office, ['secretariat'])).auth;
    await launch(launchBody(), key, colleague).expect(202);
  });

  it('replays a refusal too: a 4xx is the answer to that request', async () => {
    const key = randomUUID();
    const { expectedResult: _missing, ...body } = launchBody();
    const first = await launch(body, key).expect(422);
    const retry = await launch(body, key).expect(422);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
  });

  it('processes concurrent duplicates once: the others are replayed or told it is in progress', async () => {
    const key = randomUUID();
    const body = launchBody();
    const answers = await Promise.all(Array.from({ length: 5 }, () => launch(body, key)));
    const processed = answers.filter((a) => a.status === 202 && a.headers['idempotency-replayed'] === undefined);
    expect(processed).toHaveLength(1);
    for (const a of answers.filter((x) => x !== processed[0])) {
      if (a.status === 409) {
        expect(a.body.type).toBe('idempotency-in-progress');
        expect(a.headers['retry-after']).toBe('1');
      } else {
        expect(a.status).toBe(202);
        expect(a.headers['idempotency-replayed']).toBe('true');
        expect(a.text).toBe(processed[0].text);
      }
    }
    expect(await workflowsWithId(processed[0].body.workflowId)).toBe(1);
  });

  it('records a command sent five times at once exactly once', async () => {
    const taskId = await w.launch();
    await http().post(`/api/v1/tasks/${taskId}/acknowledge`).set('authorization', lead.auth).send({}).expect(200);
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        http()
          .post(`/api/v1/tasks/${taskId}/progress`)
          .set('authorization', lead.auth)
          .set('Idempotency-Key', key)
          .send({ text: 'Đã khảo sát 12 khu công nghiệp', percent: 40 }),
      ),
    );
    expect(answers.map((a) => a.status).every((s) => s === 200 || s === 409)).toBe(true);
    const read = await http().get(`/api/v1/tasks/${taskId}`).set('authorization', lead.auth).expect(200);
    expect(read.body.state.progress).toHaveLength(1);
  });

  it('creates one evidence row for an upload retried with the same key', async () => {
    const taskId = await w.launch();
    const key = randomUUID();
    const upload = () =>
      http()
        .post(`/api/v1/tasks/${taskId}/evidence`)
        .set('authorization', lead.auth)
        .set('Idempotency-Key', key)
        .field('description', 'Báo cáo khảo sát')
        .attach('file', PDF, { filename: 'khao-sat.pdf', contentType: 'application/pdf' });
    const first = await upload().expect(201);
    const retry = await upload().expect(201);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.body.evidence).toEqual(first.body.evidence);
    const rows = await db.selectFrom('evidence').select('id').where('task_id', '=', taskId).execute();
    expect(rows).toEqual([{ id: first.body.evidence.id }]);

    const otherFile = await http()
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .set('authorization', lead.auth)
      .set('Idempotency-Key', key)
      .attach('file', Buffer.concat([PDF, Buffer.from('%khac\n')]), { filename: 'khao-sat.pdf', contentType: 'application/pdf' })
      .expect(422);
    expect(otherFile.body.type).toBe('idempotency-key-reused');
  });

  it('refuses a key that is empty, too long or not visible ASCII (400)', async () => {
    for (const key of ['', 'x'.repeat(201), 'khoa co dau', 'khóa']) {
      const res = await launch(launchBody(), key);
      expect(res.status, key).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'Idempotency-Key', reason: expect.any(String) }]);
    }
  });
});
