import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createActivities } from '../../activities';
import { devServerEnv, testDb, testWorker, uniq } from '../helpers/servers';
import { aUnit, aUserWithToken } from '../helpers/users';

describe('directives: import, review and launch', () => {
  const db = testDb();
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let app: ReturnType<typeof createApp>;
  let secretariat: string;
  let officer: string;
  let office: string;
  let lead: string;

  beforeAll(async () => {
    env = await devServerEnv();
    const w = await testWorker(env.nativeConnection, createActivities({ db }));
    worker = w.worker;
    running = worker.run();
    app = createApp({ db, temporal: env.client, taskQueue: w.taskQueue, logger: pino({ level: 'silent' }) });
    office = await aUnit(db, 'VPTU');
    lead = await aUnit(db, 'SKHCN');
    secretariat = (await aUserWithToken(db, office, ['secretariat'])).auth;
    officer = (await aUserWithToken(db, lead, ['unit_officer'])).auth;
  });

  afterAll(async () => {
    worker.shutdown();
    await running;
    await env.teardown();
    await db.destroy();
  });

  const directive = (number: string) => ({
    number,
    issuedOn: '2025-11-04',
    issuer: 'Cơ quan Thường trực Ban Chỉ đạo',
    signer: 'Trịnh Xuân Trường',
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
    decidedBy: office,
    items: [
      {
        ref: '2.3 (1)',
        title: 'Thuê hạ tầng Trung tâm dữ liệu (DC)',
        leadUnit: lead,
        responsibleOfficial: 'Giám đốc Sở Khoa học và Công nghệ',
        deadline: { kind: 'date', dueAt: '2026-12-31T23:59:59+07:00' },
        expectedResult: 'Hạ tầng DC được thuê để lưu trữ dữ liệu đám mây',
      },
      { ref: '2.4', title: 'Xây dựng trung tâm an ninh mạng', leadUnit: lead },
    ],
  });

  it('launches only the items that have all "6 rõ", says what the others lack, and never launches an item twice', async () => {
    const number = `01-TB/CQTT-${uniq()}`;
    const created = await request(app).post('/api/v1/directives').set('authorization', secretariat).send(directive(number)).expect(201);
    expect(created.body.items.map((i: { ref: string; missing: string[] }) => [i.ref, i.missing])).toEqual([
      ['2.3 (1)', []],
      ['2.4', ['person', 'time', 'result']],
    ]);
    const first = await request(app).post(`${created.headers.location}/launch`).set('authorization', secretariat).send({}).expect(200);
    expect(first.body.results).toEqual([
      { ref: '2.3 (1)', outcome: 'launched', taskId: expect.stringMatching(/\.2-3-1$/) },
      { ref: '2.4', outcome: 'missing', missing: ['person', 'time', 'result'] },
    ]);
    const again = await request(app).post(`${created.headers.location}/launch`).set('authorization', secretariat).send({ refs: ['2.3 (1)'] }).expect(200);
    expect(again.body.results).toEqual([{ ref: '2.3 (1)', outcome: 'already_launched', taskId: first.body.results[0].taskId }]);

    await request(app)
      .patch(`${created.headers.location}/items/2.4`)
      .set('authorization', secretariat)
      .send({ responsibleOfficial: 'Giám đốc Công an tỉnh', deadline: { kind: 'date', dueAt: '2026-06-30T23:59:59+07:00' }, expectedResult: 'Trung tâm giám sát an ninh mạng vận hành' })
      .expect(200);
    const second = await request(app).post(`${created.headers.location}/launch`).set('authorization', secretariat).send({ refs: ['2.4'] }).expect(200);
    expect(second.body.results).toEqual([{ ref: '2.4', outcome: 'launched', taskId: expect.stringMatching(/\.2-4$/) }]);
    await request(app).patch(`${created.headers.location}/items/2.4`).set('authorization', secretariat).send({ title: 'Sửa sau khi giao' }).expect(409);
  });

  it('imports the same directive from YAML, refuses a second registration of its number, and refuses units', async () => {
    const number = `80/TB-UBND-${uniq()}`;
    const yaml = `number: "${number}"\nissuedOn: "2025-05-14"\ndecidedBy: ${office}\nitems:\n  - ref: "5"\n    title: Phát triển thương mại điện tử\n    leadUnit: ${lead}\n`;
    const created = await request(app).post('/api/v1/directives').set('authorization', secretariat).set('content-type', 'application/yaml').send(yaml).expect(201);
    expect(created.body).toMatchObject({ number, items: [{ ref: '5', status: 'draft' }] });
    const dup = await request(app).post('/api/v1/directives').set('authorization', secretariat).send({ number, items: [] }).expect(409);
    expect(dup.body.detail).toContain(number);
    await request(app).post('/api/v1/directives').set('authorization', officer).send({ number: `x-${uniq()}` }).expect(403);
    const bad = await request(app).post('/api/v1/directives').set('authorization', secretariat).send({ number: 'x', items: [{ ref: '1' }, { ref: '1' }] }).expect(400);
    expect(bad.body.errors).toEqual([{ path: 'items.1.ref', reason: 'số hiệu mục "1" bị lặp' }]);
  });

  it('turns the text of a notice into drafts for review', async () => {
    const text = [
      `Số: ${uniq()}-TB/CQTT`,
      'Thái Nguyên, ngày 04 tháng 11 năm 2025',
      'THÔNG BÁO',
      'Đồng chí Trưởng Ban Chỉ đạo kết luận như sau:',
      '1. Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính thuê hạ tầng Trung tâm dữ liệu, hoàn thành trước ngày 15/12/2025.',
      '2. Giao Công an tỉnh xây dựng trung tâm an ninh mạng.',
    ].join('\n');
    const res = await request(app).post('/api/v1/directives/extract').set('authorization', secretariat).set('content-type', 'text/plain; charset=utf-8').send(text).expect(201);
    const [first, second] = res.body.directive.items;
    expect(first.fields).toMatchObject({ ref: '1', leadUnit: 'SKHCN', coordinatingUnits: ['STC'], deadline: { kind: 'date', dueAt: '2025-12-15T00:00:00+07:00' } });
    expect(first.status).toBe('draft');
    // The text names no responsible official, who assigned it, or which office decides: the secretariat fills them in.
    expect(first.missing).toEqual(['person', 'responsibility', 'authority']);
    expect(first.fields.expectedResult).toContain('thuê hạ tầng Trung tâm dữ liệu');
    expect(second.fields).toMatchObject({ ref: '2', leadUnit: 'CA_TINH' });
    expect(second.missing).toEqual(['person', 'time', 'responsibility', 'authority', 'result']);
  });
});
