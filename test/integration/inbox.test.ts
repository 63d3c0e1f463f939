import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import { useApiWorld } from '../helpers/api-world';
import { uniq } from '../helpers/servers';

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
  let unreadCount: number;
  for (let page = 1; ; page++) {
    const res = await request(app).get('/api/v1/inbox').query({ page, pageSize: 100 }).set('authorization', auth).expect(200);
    items.push(...res.body.items);
    unreadCount = res.body.unreadCount;
    if (items.length >= res.body.total || res.body.items.length === 0) return { items, unreadCount };
  }
}

describe('the inbox: each user’s notifications by role and unit, and marking them read', () => {
  const w = useApiWorld();
  const { db, http } = w;
  const { lead: unitA, coordinating: unitB, office } = w.units;
  const users = {
    officerA: w.people.lead,
    headA: w.person(unitA, ['unit_head']),
    officerB: w.people.coordinating,
    headB: w.person(unitB, ['unit_head']),
    secretariat: w.people.secretariat,
    otherSecretariat: w.person(w.unit('VPTU'), ['secretariat']),
    inspector: w.person(w.unit('UBKT'), ['inspector']),
    admin: w.person(office, ['admin']),
  };
  const taskId = `inbox-${uniq()}.1`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
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

  const mine = (items: InboxEntry[]) => items.filter((i) => i.taskId === taskId).map((i) => i.subject.replace('Thông báo ', ''));

  it('shows an officer the lead unit’s notices of their own unit only, newest first', async () => {
    const res = await http().get('/api/v1/inbox').set('authorization', users.officerA.auth).expect(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 20, total: 2, unreadCount: 2 });
    expect(res.body.items.map((i: InboxEntry) => [i.subject, i.recipientRole, i.read])).toEqual([
      ['Thông báo reminder', 'lead_unit', false],
      ['Thông báo assigned', 'lead_unit', false],
    ]);
    expect(res.body.items[0]).toMatchObject({
      taskId,
      task: `/api/v1/tasks/${taskId}`,
      kind: 'reminder',
      recipientUnit: unitA,
      readAt: null,
    });
    expect(res.body.items[0].scheduledAt).toMatch(/\+07:00$/);
  });

  it('shows the head of the unit the escalation addressed to them as well; another unit gets its own', async () => {
    expect(mine((await wholeInbox(w.app, users.headA.auth)).items)).toEqual(['urge-head', 'reminder', 'assigned']);
    expect(mine((await wholeInbox(w.app, users.officerB.auth)).items)).toEqual(['other-unit', 'coordinating']);
    expect(mine((await wholeInbox(w.app, users.headB.auth)).items)).toEqual(['other-unit', 'coordinating']);
  });

  it('routes the standing office’s copy to its secretariat, the Steering Committee’s to every secretariat, the flag to inspectors, nothing to administrators', async () => {
    expect(mine((await wholeInbox(w.app, users.secretariat.auth)).items)).toEqual(['steering', 'standing-office']);
    expect(mine((await wholeInbox(w.app, users.otherSecretariat.auth)).items)).toEqual(['steering']);
    expect(mine((await wholeInbox(w.app, users.inspector.auth)).items)).toEqual(['inspection']);
    expect(mine((await wholeInbox(w.app, users.admin.auth)).items)).toEqual([]);
  });

  it('marks a notification read for that user alone, once, and lowers their unread count', async () => {
    const before = await http().get('/api/v1/inbox').set('authorization', users.headA.auth).expect(200);
    const first = await http().post(`/api/v1/inbox/${ids['urge-head']}/read`).set('authorization', users.headA.auth).expect(200);
    expect(first.body).toMatchObject({ id: ids['urge-head'], read: true, readAt: expect.stringMatching(/\+07:00$/) });
    const again = await http().post(`/api/v1/inbox/${ids['urge-head']}/read`).set('authorization', users.headA.auth).expect(200);
    expect(again.body.readAt).toBe(first.body.readAt);

    const after = await http().get('/api/v1/inbox').set('authorization', users.headA.auth).expect(200);
    expect(after.body.unreadCount).toBe(before.body.unreadCount - 1);
    expect(after.body.items.find((i: InboxEntry) => i.id === ids['urge-head'])).toMatchObject({ read: true, readAt: first.body.readAt });
    const unread = await http().get('/api/v1/inbox').query({ unread: 'true' }).set('authorization', users.headA.auth).expect(200);
    expect(unread.body.items.map((i: InboxEntry) => i.id)).not.toContain(ids['urge-head']);
    expect(unread.body.total).toBe(after.body.unreadCount);

    await http().post(`/api/v1/inbox/${ids.reminder}/read`).set('authorization', users.officerA.auth).expect(200);
    const officer = await http().get('/api/v1/inbox').set('authorization', users.officerA.auth).expect(200);
    expect(officer.body.unreadCount).toBe(1);
    // Reading is per person: the head has not read the reminder the officer read.
    const head = await http().get('/api/v1/inbox').set('authorization', users.headA.auth).expect(200);
    expect(head.body.items.find((i: InboxEntry) => i.id === ids.reminder).read).toBe(false);

    const inspectorBefore = (await wholeInbox(w.app, users.inspector.auth)).unreadCount;
    await http().post(`/api/v1/inbox/${ids.inspection}/read`).set('authorization', users.inspector.auth).expect(200);
    expect((await wholeInbox(w.app, users.inspector.auth)).unreadCount).toBe(inspectorBefore - 1);
  });

  it('answers 404 for a notification addressed to someone else or not existing, 400 for a malformed id', async () => {
    const foreign = await http().post(`/api/v1/inbox/${ids['other-unit']}/read`).set('authorization', users.officerA.auth).expect(404);
    expect(foreign.body.type).toBe('not-found');
    await http().post(`/api/v1/inbox/${ids['urge-head']}/read`).set('authorization', users.officerA.auth).expect(404);
    await http().post('/api/v1/inbox/999999999999/read').set('authorization', users.officerA.auth).expect(404);
    const bad = await http().post('/api/v1/inbox/abc/read').set('authorization', users.officerA.auth).expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['id']);
    const badQuery = await http()
      .get('/api/v1/inbox')
      .query({ pageSize: '1000', unread: 'có' })
      .set('authorization', users.officerA.auth)
      .expect(400);
    expect(badQuery.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['pageSize', 'unread']);
    await http().get('/api/v1/inbox').expect(401);
    const rows = await db.selectFrom('notification_reads').select('login').where('notification_id', '=', ids['other-unit']).execute();
    expect(rows).toEqual([]);
  });

  it('puts the notice of a task launched over the API in its lead unit’s inbox and its coordinating unit’s', async () => {
    await w.launch();
    const launched = (auth: string) => async () =>
      (await wholeInbox(w.app, auth)).items.filter((i) => i.kind === 'assigned' && i.taskId !== taskId).map((i) => i.recipientRole);
    await expect.poll(launched(users.officerA.auth), { timeout: 15_000 }).toEqual(['lead_unit']);
    await expect.poll(launched(users.officerB.auth), { timeout: 15_000 }).toEqual(['coordinating_units']);
  });
});
