import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { createActivities } from '../../activities';
import { devServerEnv, testDb, testWorker, uniq } from '../helpers/servers';
import { aUnit, aUserWithToken } from '../helpers/users';

interface InboxEntry {
  id: string;
  taskId: string;
  kind: string;
  recipientRole: string;
  subject: string;
  read: boolean;
  readAt: string | null;
}

/** Every notification in a caller's inbox, page after page (other files' tasks write to shared roles too). */
async function wholeInbox(app: Express, auth: string): Promise<{ items: InboxEntry[]; unreadCount: number }> {
  const items: InboxEntry[] = [];
  let unreadCount = 0;
  for (let page = 1; ; page++) {
    const res = await request(app).get('/api/v1/inbox').query({ page, pageSize: 100 }).set('authorization', auth).expect(200);
    items.push(...res.body.items);
    unreadCount = res.body.unreadCount;
    if (items.length >= res.body.total || res.body.items.length === 0) return { items, unreadCount };
  }
}

describe('the inbox: each user’s notifications by role and unit, and marking them read', () => {
  const db = testDb();
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let app: Express;
  let unitA: string;
  let unitB: string;
  let office: string;
  const users: Record<'officerA' | 'headA' | 'officerB' | 'headB' | 'secretariat' | 'otherSecretariat' | 'inspector' | 'admin', string> = {} as never;
  const taskId = `inbox-${uniq()}.1`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    env = await devServerEnv();
    const w = await testWorker(env.nativeConnection, createActivities({ db }));
    worker = w.worker;
    running = worker.run();
    app = createApp({ db, temporal: env.client, taskQueue: w.taskQueue, logger: pino({ level: 'silent' }) });
    unitA = await aUnit(db, 'SCT');
    unitB = await aUnit(db, 'SYT');
    office = await aUnit(db, 'SKHCN');
    const otherOffice = await aUnit(db, 'VPTU');
    const inspection = await aUnit(db, 'UBKT');
    users.officerA = (await aUserWithToken(db, unitA, ['unit_officer'])).auth;
    users.headA = (await aUserWithToken(db, unitA, ['unit_head'])).auth;
    users.officerB = (await aUserWithToken(db, unitB, ['unit_officer'])).auth;
    users.headB = (await aUserWithToken(db, unitB, ['unit_head'])).auth;
    users.secretariat = (await aUserWithToken(db, office, ['secretariat'])).auth;
    users.otherSecretariat = (await aUserWithToken(db, otherOffice, ['secretariat'])).auth;
    users.inspector = (await aUserWithToken(db, inspection, ['inspector'])).auth;
    users.admin = (await aUserWithToken(db, office, ['admin'])).auth;

    // The outbox of one overdue task, as the workflow writes it: news, reminders, then the escalation ladder.
    const notes: [name: string, role: string, unit: string | null, kind: string, hour: number][] = [
      ['assigned', 'lead_unit', unitA, 'assigned', 8],
      ['coordinating', 'coordinating_units', unitB, 'assigned', 8],
      ['reminder', 'lead_unit', unitA, 'reminder', 9],
      ['urge-head', 'lead_unit_head', unitA, 'escalation', 10],
      ['standing-office', 'standing_office', office, 'escalation', 11],
      ['steering', 'steering_committee', null, 'escalation', 12],
      ['inspection', 'inspection_committee', null, 'escalation', 12],
      ['other-unit', 'lead_unit', unitB, 'assigned', 13],
    ];
    const rows = await db
      .insertInto('notifications')
      .values(
        notes.map(([name, role, unit, kind, hour], i) => ({
          key: `${taskId}/${name}`,
          task_id: taskId,
          audit_seq: i + 1,
          kind,
          step: name,
          level: kind === 'escalation' ? 1 : null,
          recipient_role: role,
          recipient_unit: unit,
          scheduled_at: new Date(Date.now() - (24 - hour) * 3600_000),
          subject: `Thông báo ${name}`,
          body: `Nhiệm vụ 2.3 (1): ${name}`,
        })),
      )
      .returning(['id', 'step'])
      .execute();
    for (const r of rows) ids[r.step] = r.id;
  });

  afterAll(async () => {
    worker.shutdown();
    await running;
    await env.teardown();
    await db.destroy();
  });

  const mine = (items: InboxEntry[]) => items.filter((i) => i.taskId === taskId).map((i) => i.subject.replace('Thông báo ', ''));

  it('shows an officer the lead unit’s notices of their own unit only, newest first', async () => {
    const res = await request(app).get('/api/v1/inbox').set('authorization', users.officerA).expect(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 20, total: 2, unreadCount: 2 });
    expect(res.body.items.map((i: InboxEntry) => [i.subject, i.recipientRole, i.read])).toEqual([
      ['Thông báo reminder', 'lead_unit', false],
      ['Thông báo assigned', 'lead_unit', false],
    ]);
    expect(res.body.items[0]).toMatchObject({ taskId, task: `/api/v1/tasks/${taskId}`, kind: 'reminder', recipientUnit: unitA, readAt: null });
    expect(res.body.items[0].scheduledAt).toMatch(/\+07:00$/);
  });

  it('shows the head of the unit the escalation addressed to them as well; another unit gets its own', async () => {
    expect(mine((await wholeInbox(app, users.headA)).items)).toEqual(['urge-head', 'reminder', 'assigned']);
    expect(mine((await wholeInbox(app, users.officerB)).items)).toEqual(['other-unit', 'coordinating']);
    expect(mine((await wholeInbox(app, users.headB)).items)).toEqual(['other-unit', 'coordinating']);
  });

  it('routes the standing office’s copy to its secretariat, the Steering Committee’s to every secretariat, the flag to inspectors, nothing to administrators', async () => {
    expect(mine((await wholeInbox(app, users.secretariat)).items)).toEqual(['steering', 'standing-office']);
    expect(mine((await wholeInbox(app, users.otherSecretariat)).items)).toEqual(['steering']);
    expect(mine((await wholeInbox(app, users.inspector)).items)).toEqual(['inspection']);
    expect(mine((await wholeInbox(app, users.admin)).items)).toEqual([]);
  });

  it('marks a notification read for that user alone, once, and lowers their unread count', async () => {
    const before = await request(app).get('/api/v1/inbox').set('authorization', users.headA).expect(200);
    const first = await request(app).post(`/api/v1/inbox/${ids['urge-head']}/read`).set('authorization', users.headA).expect(200);
    expect(first.body).toMatchObject({ id: ids['urge-head'], read: true, readAt: expect.stringMatching(/\+07:00$/) });
    const again = await request(app).post(`/api/v1/inbox/${ids['urge-head']}/read`).set('authorization', users.headA).expect(200);
    expect(again.body.readAt).toBe(first.body.readAt);

    const after = await request(app).get('/api/v1/inbox').set('authorization', users.headA).expect(200);
    expect(after.body.unreadCount).toBe(before.body.unreadCount - 1);
    expect(after.body.items.find((i: InboxEntry) => i.id === ids['urge-head'])).toMatchObject({ read: true, readAt: first.body.readAt });
    const unread = await request(app).get('/api/v1/inbox').query({ unread: 'true' }).set('authorization', users.headA).expect(200);
    expect(unread.body.items.map((i: InboxEntry) => i.id)).not.toContain(ids['urge-head']);
    expect(unread.body.total).toBe(after.body.unreadCount);

    await request(app).post(`/api/v1/inbox/${ids.reminder}/read`).set('authorization', users.officerA).expect(200);
    const officer = await request(app).get('/api/v1/inbox').set('authorization', users.officerA).expect(200);
    expect(officer.body.unreadCount).toBe(1);
    // Reading is per person: the head has not read the reminder the officer read.
    const head = await request(app).get('/api/v1/inbox').set('authorization', users.headA).expect(200);
    expect(head.body.items.find((i: InboxEntry) => i.id === ids.reminder).read).toBe(false);

    const inspectorBefore = (await wholeInbox(app, users.inspector)).unreadCount;
    await request(app).post(`/api/v1/inbox/${ids.inspection}/read`).set('authorization', users.inspector).expect(200);
    expect((await wholeInbox(app, users.inspector)).unreadCount).toBe(inspectorBefore - 1);
  });

  it('answers 404 for a notification addressed to someone else or not existing, 400 for a malformed id', async () => {
    const foreign = await request(app).post(`/api/v1/inbox/${ids['other-unit']}/read`).set('authorization', users.officerA).expect(404);
    expect(foreign.body.type).toBe('not-found');
    await request(app).post(`/api/v1/inbox/${ids['urge-head']}/read`).set('authorization', users.officerA).expect(404);
    await request(app).post('/api/v1/inbox/999999999999/read').set('authorization', users.officerA).expect(404);
    const bad = await request(app).post('/api/v1/inbox/abc/read').set('authorization', users.officerA).expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['id']);
    const badQuery = await request(app).get('/api/v1/inbox').query({ pageSize: '1000', unread: 'có' }).set('authorization', users.officerA).expect(400);
    expect(badQuery.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['pageSize', 'unread']);
    await request(app).get('/api/v1/inbox').expect(401);
    const rows = await db.selectFrom('notification_reads').select('login').where('notification_id', '=', ids['other-unit']).execute();
    expect(rows).toEqual([]);
  });

  it('puts the notice of a task launched over the API in its lead unit’s inbox and its coordinating unit’s', async () => {
    const directiveNumber = `01-TB/CQTT-${uniq()}`;
    await request(app)
      .post('/api/v1/tasks')
      .set('authorization', users.secretariat)
      .send({
        directiveNumber,
        ref: '2.3 (1)',
        title: 'Thuê hạ tầng Data Center',
        leadUnit: unitA,
        coordinatingUnits: [unitB],
        responsibleOfficial: 'Giám đốc Sở',
        deadline: { kind: 'date', dueAt: '2026-12-31T23:59:59+07:00' },
        assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
        decidedBy: office,
        expectedResult: 'Hạ tầng DC được thuê để lưu trữ dữ liệu đám mây',
      })
      .expect(202);
    const launched = (auth: string) => async () => (await wholeInbox(app, auth)).items.filter((i) => i.kind === 'assigned' && i.taskId !== taskId).map((i) => i.recipientRole);
    await expect.poll(launched(users.officerA), { timeout: 15_000 }).toEqual(['lead_unit']);
    await expect.poll(launched(users.officerB), { timeout: 15_000 }).toEqual(['coordinating_units']);
  });
});
