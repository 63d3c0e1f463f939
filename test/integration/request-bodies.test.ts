/**
 * Bodies the API must refuse up front, found by the request-level fault suite
 * (test/faults/requests/hostile-requests.test.ts): text PostgreSQL cannot store, bytes that are not
 * UTF-8, and bodies in a media type the operation does not take.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createActivities } from '../../activities';
import { devServerEnv, testDb, testWorker, uniq } from '../helpers/servers';
import { aUnit, aUserWithToken } from '../helpers/users';

describe('request bodies refused before they can do harm (dev server + PostgreSQL)', () => {
  const db = testDb();
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let app: ReturnType<typeof createApp>;
  let office: string;
  let leadUnit: string;
  let secretariat: string;
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

  const item = (ref: string) => ({
    ref,
    title: 'Xây dựng Trung tâm an ninh mạng cấp tỉnh',
    leadUnit,
    responsibleOfficial: 'Giám đốc Công an tỉnh',
    deadline: { kind: 'date', dueAt: '2027-06-30T23:59:59+07:00' },
    expectedResult: 'Trung tâm an ninh mạng đi vào hoạt động',
  });
  const directive = () => ({ number: `${uniq().toUpperCase()}-TB/CQTT`, issuedOn: '2025-11-04', assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo', decidedBy: office, items: [item('1'), item('2')] });

  async function aTask(): Promise<string> {
    const d = await request(app).post('/api/v1/directives').set('authorization', secretariat).send(directive()).expect(201);
    const launched = await request(app).post(`/api/v1/directives/${d.body.id}/launch`).set('authorization', secretariat).send({ refs: ['1'] }).expect(200);
    const taskId = launched.body.results[0].taskId as string;
    await expect.poll(() => db.selectFrom('audit_events').select('seq').where('task_id', '=', taskId).executeTakeFirst(), { timeout: 15_000 }).toBeTruthy();
    return taskId;
  }

  it('refuses U+0000 and a lone surrogate in any text field (400 naming it), and the task still takes commands', async () => {
    const taskId = await aTask();
    for (const [body, path] of [
      [{ note: 'Đã tiếp nhận\u0000' }, 'note'],
      [{ note: 'Đã tiếp nhận \ud800' }, 'note'],
    ] as const) {
      const res = await request(app).post(`/api/v1/tasks/${taskId}/acknowledge`).set('authorization', lead).send(body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([{ path, reason: expect.stringContaining('NUL') }]);
    }
    // Before the fix the Update was accepted and its audit row failed to insert forever: this one would never answer.
    const ok = await request(app).post(`/api/v1/tasks/${taskId}/acknowledge`).set('authorization', lead).send({ note: 'Đã tiếp nhận' }).expect(200);
    expect(ok.body.state.status).toBe('acknowledged');
    const launch = await request(app).post('/api/v1/tasks').set('authorization', secretariat).send({ ...item('9'), directiveNumber: `A\u0000-${uniq()}`, assignedBy: 'Ban Chỉ đạo', decidedBy: office }).expect(400);
    expect(launch.body.errors).toEqual([{ path: 'directiveNumber', reason: expect.any(String) }]);
  });

  it('refuses a JSON or text body that is not UTF-8 (400) instead of storing U+FFFD, and a NUL byte in a notice (400, not 500)', async () => {
    const taskId = await aTask();
    const bytes = Buffer.concat([Buffer.from('{"text": "Ti'), Buffer.from([0xe9, 0x6e, 0x20, 0x80]), Buffer.from('", "percent": 10}')]);
    const json = await request(app).post(`/api/v1/tasks/${taskId}/progress`).set('authorization', lead).set('content-type', 'application/json').serialize((x: unknown) => x as string).send(bytes).expect(400);
    expect(json.body.type).toBe('malformed-request');
    const history = await request(app).get(`/api/v1/tasks/${taskId}/history`).set('authorization', secretariat).expect(200);
    expect(history.body.events.map((e: { kind: string }) => e.kind)).not.toContain('progress_reported');

    const notice = (tail: Buffer) => request(app).post('/api/v1/directives/extract').set('authorization', secretariat).set('content-type', 'text/plain; charset=utf-8').serialize((x: unknown) => x as string).send(Buffer.concat([Buffer.from('Số: 77-TB/X\nTHÔNG BÁO\n1. Giao Công an tỉnh xây dựng trung tâm. '), tail]));
    await notice(Buffer.from([0xff, 0xfe])).expect(400);
    await notice(Buffer.from([0x00])).expect(400);
  });

  it('answers 415 to a body in a media type the operation does not take: a launch of one item sent as a form launches nothing', async () => {
    const d = await request(app).post('/api/v1/directives').set('authorization', secretariat).send(directive()).expect(201);
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream']) {
      const res = await request(app).post(`/api/v1/directives/${d.body.id}/launch`).set('authorization', secretariat).set('content-type', type).send('refs=1').expect(415);
      expect(res.body.type).toBe('unsupported-media-type');
    }
    const view = await request(app).get(`/api/v1/directives/${d.body.id}`).set('authorization', secretariat).expect(200);
    expect(view.body.items.map((i: { status: string }) => i.status)).toEqual(['draft', 'draft']);
    // What the document lists still goes through: YAML for an import, by any of its names.
    await request(app).post('/api/v1/directives').set('authorization', secretariat).set('content-type', 'text/yaml').send(`number: "${uniq().toUpperCase()}-KH"\nitems:\n  - ref: "1"\n    title: "Rà soát hạ tầng mạng"\n`).expect(201);
  });
});
