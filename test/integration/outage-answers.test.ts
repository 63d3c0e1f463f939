import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createDb } from '../../db/client';
import { freePort } from '../../infra/processes';
import { testDb, uniq } from '../helpers/servers';
import { aUnit, aUserWithToken } from '../helpers/users';

const VIETNAMESE = /[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữự]/i;

/** A dependency that is down answers 503 `service-unavailable` with a Vietnamese problem, never a 500 or a hang. */
function expectUnavailable(res: request.Response) {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(res.body).toMatchObject({ type: 'service-unavailable', status: 503 });
  expect(res.body.title).toMatch(VIETNAMESE);
  expect(res.body.detail).toMatch(VIETNAMESE);
}

describe('answers while a dependency is down (503 problem documents)', () => {
  const db = testDb();
  let deadPort: number;
  let secretariat: string;
  let office: string;

  beforeAll(async () => {
    deadPort = await freePort();
    office = await aUnit(db, 'VPTU');
    secretariat = (await aUserWithToken(db, office, ['secretariat'])).auth;
  });

  afterAll(async () => {
    await db.destroy();
  });

  it('PostgreSQL unreachable: reads and commands answer 503 naming the database', async () => {
    const downDb = createDb(`postgres://postgres@127.0.0.1:${deadPort}/none`, 2);
    const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${deadPort}` }) });
    const app = createApp({ db: downDb, temporal, taskQueue: 'none', logger: pino({ level: 'silent' }) });
    try {
      const read = await request(app).get('/api/v1/tasks').set('authorization', secretariat);
      expectUnavailable(read);
      expect(read.body.detail).toMatch(/Cơ sở dữ liệu/);
      expectUnavailable(await request(app).post('/api/v1/tasks/x.1/progress').set('authorization', secretariat).set('idempotency-key', uniq()).send({ text: 'Đang làm' }));
    } finally {
      await downDb.destroy();
      await temporal.connection.close();
    }
  });

  it('Temporal unreachable: a launch answers 503 within the bounded wait, not a 500', async () => {
    const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${deadPort}` }) });
    const app = createApp({ db, temporal, taskQueue: 'none', logger: pino({ level: 'silent' }) });
    try {
      const started = Date.now();
      const res = await request(app)
        .post('/api/v1/tasks')
        .set('authorization', secretariat)
        .send({
          directiveNumber: `01-TB/CQTT-${uniq()}`,
          ref: '1',
          title: 'Nhiệm vụ khi máy chủ điều phối vắng mặt',
          leadUnit: office,
          responsibleOfficial: 'Giám đốc Sở',
          deadline: { kind: 'date', dueAt: '2026-12-31T23:59:59+07:00' },
          assignedBy: 'Trưởng Ban Chỉ đạo',
          decidedBy: office,
          expectedResult: 'Báo cáo kết quả',
        });
      expectUnavailable(res);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      await temporal.connection.close();
    }
  });
});
