import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createActivities } from '../../activities';
import { devServerEnv, testDb, testWorker, uniq } from '../helpers/servers';
import { aUnit, aUserWithToken } from '../helpers/users';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

describe('Idempotency-Key on POST (dev server + PostgreSQL)', () => {
  const db = testDb();
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let app: ReturnType<typeof createApp>;
  let office: string;
  let secretariat: string;
  let leadUnit: string;
  let lead: string;

  beforeAll(async () => {
    env = await devServerEnv();
    const w = await testWorker(env.nativeConnection, createActivities({ db }));
    worker = w.worker;
    running = worker.run();
    app = createApp({ db, temporal: env.client, taskQueue: w.taskQueue, logger: pino({ level: 'silent' }) });
    office = await aUnit(db, 'VPTU');
    leadUnit = await aUnit(db, 'SKHCN');
    secretariat = (await aUserWithToken(db, office, ['secretariat'])).auth;
    lead = (await aUserWithToken(db, leadUnit, ['unit_officer'])).auth;
  });

  afterAll(async () => {
    worker.shutdown();
    await running;
    await env.teardown();
    await db.destroy();
  });

  const launchBody = () => ({
    directiveNumber: `01-TB/CQTT-${uniq()}`,
    ref: '2.2 (2)',
    title: 'Phủ sóng 5G tại khu công nghiệp, trường đại học, bệnh viện',
    leadUnit,
    responsibleOfficial: 'Giám đốc Sở Khoa học và Công nghệ',
    deadline: { kind: 'date', dueAt: '2026-12-31T23:59:59+07:00' },
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
    decidedBy: 'VP_TU',
    expectedResult: 'Năm 2025 phủ sóng 5G đạt 62%',
  });
  const launch = (body: object, key: string, auth = secretariat) => request(app).post('/api/v1/tasks').set('authorization', auth).set('Idempotency-Key', key).send(body);

  async function workflowsWithId(workflowId: string): Promise<number> {
    let count = 0;
    for await (const _ of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) count++;
    return count;
  }

  async function aLaunchedTask(): Promise<string> {
    const res = await launch(launchBody(), randomUUID()).expect(202);
    await expect.poll(async () => (await request(app).get(res.headers.location).set('authorization', secretariat)).status, { timeout: 15_000 }).toBe(200);
    return res.body.id;
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
    const taskId = await aLaunchedTask();
    await request(app).post(`/api/v1/tasks/${taskId}/acknowledge`).set('authorization', lead).send({}).expect(200);
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(app).post(`/api/v1/tasks/${taskId}/progress`).set('authorization', lead).set('Idempotency-Key', key).send({ text: 'Đã khảo sát 12 khu công nghiệp', percent: 40 }),
      ),
    );
    expect(answers.map((a) => a.status).every((s) => s === 200 || s === 409)).toBe(true);
    const read = await request(app).get(`/api/v1/tasks/${taskId}`).set('authorization', lead).expect(200);
    expect(read.body.state.progress).toHaveLength(1);
  });

  it('creates one evidence row for an upload retried with the same key', async () => {
    const taskId = await aLaunchedTask();
    const key = randomUUID();
    const upload = () =>
      request(app)
        .post(`/api/v1/tasks/${taskId}/evidence`)
        .set('authorization', lead)
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

    const otherFile = await request(app)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .set('authorization', lead)
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
