import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '../../db/client';
import { freePort } from '../../infra/processes';
import { useApiWorld } from '../helpers/api-world';
import { uniq } from '../helpers/servers';

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
  // The world's own servers are up; each test builds an app whose dependency is down.
  const w = useApiWorld({ worker: false });
  const { secretariat } = w.people;
  let deadPort: number;

  beforeAll(async () => {
    deadPort = await freePort();
  });

  it('PostgreSQL unreachable: reads and commands answer 503 naming the database', async () => {
    const downDb = createDb(`postgres://postgres@127.0.0.1:${deadPort}/none`, 2);
    const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${deadPort}` }) });
    const app = w.appWith({ db: downDb, temporal, taskQueue: 'none' });
    try {
      const read = await request(app).get('/api/v1/tasks').set('authorization', secretariat.auth);
      expectUnavailable(read);
      expect(read.body.detail).toMatch(/Cơ sở dữ liệu/);
      expectUnavailable(
        await request(app)
          .post('/api/v1/tasks/x.1/progress')
          .set('authorization', secretariat.auth)
          .set('idempotency-key', uniq())
          .send({ text: 'Đang làm' }),
      );
    } finally {
      await downDb.destroy();
      await temporal.connection.close();
    }
  });

  it('Temporal unreachable: a launch answers 503 within the bounded wait, not a 500', async () => {
    const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${deadPort}` }) });
    const app = w.appWith({ temporal, taskQueue: 'none' });
    try {
      const started = Date.now();
      const res = await request(app).post('/api/v1/tasks').set('authorization', secretariat.auth).send(w.launchBody());
      expectUnavailable(res);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      await temporal.connection.close();
    }
  });
});
