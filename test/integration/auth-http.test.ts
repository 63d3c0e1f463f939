import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import request from 'supertest';
import { actorOf, authenticate, requireRole } from '../../api/auth';
import { problemHandler } from '../../api/problems';
import { addUnit, addUser, issueToken, revokeToken } from '../../db/repositories/auth';
import type { Role } from '../../domain/roles';
import { testDb, uniq } from '../helpers/servers';

describe('bearer tokens and roles over HTTP', () => {
  const db = testDb();
  const app = express();
  app.get('/me', authenticate(db), (req, res) => {
    res.json(actorOf(req));
  });
  app.post('/launch', authenticate(db), requireRole('secretariat'), (_req, res) => {
    res.status(204).end();
  });
  app.post('/progress', authenticate(db), requireRole('unit_officer'), (_req, res) => {
    res.status(204).end();
  });
  app.use(problemHandler);

  const unitCode = `SO_${uniq().toUpperCase()}`;
  const tokenFor = async (role: Role) => {
    const login = `${role.replace('_', '.')}.${uniq()}`;
    await addUser(db, { login, unitCode, roles: [role] });
    return (await issueToken(db, login)).token;
  };

  beforeAll(async () => {
    await addUnit(db, { code: unitCode, name: `Đơn vị thử ${unitCode}` });
  });

  afterAll(async () => {
    await db.destroy();
  });

  it('answers a request without a token with 401, a Vietnamese problem and WWW-Authenticate: Bearer', async () => {
    const res = await request(app).get('/me').expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toMatchObject({
      type: 'unauthorized',
      title: 'Chưa xác thực',
      status: 401,
      detail: expect.stringContaining('Authorization: Bearer'),
    });
  });

  it('answers a wrong, revoked or non-Bearer credential with 401 invalid_token', async () => {
    const token = await tokenFor('inspector');
    await revokeToken(db, token);
    for (const header of [`Bearer dtk_${'x'.repeat(43)}`, `Bearer ${token}`, 'Basic YWRtaW46YWRtaW4=', 'Bearer']) {
      const res = await request(app).get('/me').set('Authorization', header).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(res.body.detail).toBe('Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi');
    }
  });

  it('knows who is calling from a valid token, whatever the case of the scheme', async () => {
    const token = await tokenFor('inspector');
    const res = await request(app).get('/me').set('Authorization', `bearer ${token}`).expect(200);
    expect(res.body).toMatchObject({ unitCode, roles: ['inspector'] });
  });

  it('lets the secretariat launch and forbids an officer with 403, naming the role needed', async () => {
    await request(app)
      .post('/launch')
      .set('Authorization', `Bearer ${await tokenFor('secretariat')}`)
      .expect(204);
    const res = await request(app)
      .post('/launch')
      .set('Authorization', `Bearer ${await tokenFor('unit_officer')}`)
      .expect(403);
    expect(res.body).toMatchObject({
      type: 'forbidden',
      title: 'Không có quyền',
      detail: 'Thao tác này dành cho: Cán bộ Cơ quan Thường trực Ban Chỉ đạo',
    });
  });

  it('lets a unit head act where an officer may, and keeps the inspector from writing', async () => {
    await request(app)
      .post('/progress')
      .set('Authorization', `Bearer ${await tokenFor('unit_head')}`)
      .expect(204);
    await request(app)
      .post('/progress')
      .set('Authorization', `Bearer ${await tokenFor('inspector')}`)
      .expect(403);
  });
});
