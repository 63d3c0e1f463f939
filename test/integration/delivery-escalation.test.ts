import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import { createApp } from '../../api/app';
import { issueToken } from '../../db/repositories/auth';
import { addWebhookEndpoint, deactivateWebhookEndpoint } from '../../db/repositories/webhooks';
import { createDispatcher } from '../../delivery/dispatcher';
import type { Mailer } from '../../delivery/email';
import { deliveryKeyFor, messageIdFor, nextDeliveryWindow } from '../../delivery/model';
import { formatDueDate } from '../../domain/catalog/format';
import { useTimeSkippingWorker } from '../helpers/harness';
import { launchFor, workingCalendar } from '../helpers/tasks';
import { aNamedUnit, aPerson, handOverHeadship, type TestPerson } from '../helpers/delivery';
import { mailerFor, startMailbox, type Mailbox } from '../helpers/mailbox';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const DAY = 24 * 3600_000;
const BASE_URL = 'https://giaoviec.thainguyen.gov.vn';
const SMTP = { user: 'engine', password: 'mat-khau-smtp' };
const SECRET = 'khoa-bi-mat-cua-cau-noi-zalo';

describe('an assignment nobody acts on, escalated by its workflow (time-skipping server) and delivered by the dispatcher', () => {
  const harness = useTimeSkippingWorker();
  const { db } = harness;
  let mailbox: Mailbox;
  let mailer: Mailer;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    mailbox = await startMailbox(SMTP);
    mailer = mailerFor(mailbox, SMTP);
    receiver = await startWebhookReceiver({ secret: SECRET });
  });

  const endpoints: string[] = [];

  afterAll(async () => {
    // The receiver closes with this file: later dispatchers on the shared database must not post to it.
    for (const id of endpoints) await deactivateWebhookEndpoint(db, id);
    mailer.close();
    await mailbox.close();
    await receiver.close();
  });

  /** Sleeps the workflow's clock a day at a time until its outbox holds a notification of this step. */
  async function sleepUntilOutboxHas(taskId: string, kind: string, stepPrefix: string, maxDays: number) {
    for (let day = 0; day <= maxDays; day++) {
      const found = await db
        .selectFrom('notifications')
        .select('id')
        .where('task_id', '=', taskId)
        .where('kind', '=', kind)
        .where('step', 'like', `${stepPrefix}%`)
        .executeTakeFirst();
      if (found) return;
      await harness.env.sleep(DAY);
    }
    throw new Error(`no ${kind} ${stepPrefix} after ${maxDays} days`);
  }

  it('reaches the lead unit, its head of the day, the standing office, the Steering Committee and the inspection committee on every channel, once each', async () => {
    const lead = await aNamedUnit(db, 'SKHCN', 'Sở Khoa học và Công nghệ');
    const coord = await aNamedUnit(db, 'CAT', 'Công an tỉnh');
    const office = await aNamedUnit(db, 'VPTU', 'Văn phòng Tỉnh ủy');
    const ubkt = await aNamedUnit(db, 'UBKT', 'Ủy ban Kiểm tra Tỉnh ủy');
    const officer = await aPerson(db, lead, ['unit_officer'], { fullName: 'Nguyễn Văn An' });
    const formerHead = await aPerson(db, lead, ['unit_head'], { fullName: 'Trần Văn Bình' });
    const nextHead = await aPerson(db, lead, ['unit_officer'], { fullName: 'Lê Thị Cúc' });
    const coordOfficer = await aPerson(db, coord, ['unit_officer']);
    const secretary = await aPerson(db, office, ['secretariat']);
    const inspector = await aPerson(db, ubkt, ['inspector'], { fullName: 'Đinh Văn Kiểm' });
    const endpoint: Record<string, string> = {};
    for (const unit of [lead, coord, office, ubkt])
      endpoint[unit] = (await addWebhookEndpoint(db, { unitCode: unit, url: receiver.url(`/${unit}`), secret: SECRET })).id;
    endpoints.push(...Object.values(endpoint));
    const mine = new Set(
      [officer, formerHead, nextHead, coordOfficer, secretary, inspector].map((p) => p.login).concat(Object.values(endpoint)),
    );

    let now = new Date(await harness.now());
    const dispatcher = createDispatcher({ db, mailer, publicBaseUrl: BASE_URL, clock: () => now });
    /** One dispatcher tick at the first working-hours instant at or after the workflow's clock. */
    const deliverNow = async () => {
      const serverNow = new Date(await harness.now());
      now = nextDeliveryWindow(await workingCalendar(db, serverNow), serverNow);
      // Other files' rows share the database: only this task's deliveries are judged, below.
      expect(await dispatcher.tick(now)).toMatchObject({ working: true });
    };

    const launch = launchFor(now.getTime(), {
      leadUnit: lead,
      coordinatingUnits: [coord],
      decidedBy: office,
      standingOffice: office,
      dueInDays: 21,
    });
    const { taskId } = await harness.start(launch);

    // Not acknowledged: two reminders, then the head is told.
    await sleepUntilOutboxHas(taskId, 'ack_escalation', 'ack-escalation', 20);
    await deliverNow();
    const firstPhase = new Set(
      (await db.selectFrom('notifications').select('key').where('task_id', '=', taskId).execute()).map((r) => r.key),
    );

    // The unit changes heads before the deadline passes.
    await handOverHeadship(db, formerHead, nextHead);

    await sleepUntilOutboxHas(taskId, 'escalation', 'level-3', 80);
    await deliverNow();

    const notes = await db
      .selectFrom('notifications')
      .select(['id', 'key', 'kind', 'step', 'recipient_role', 'recipient_unit', 'status'])
      .where('task_id', '=', taskId)
      .orderBy('audit_seq')
      .orderBy('id')
      .execute();
    const lines = notes.map((n) => `${n.kind} ${n.step.replace(/@e\d+$/, '')} -> ${n.recipient_role}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'assigned assigned -> lead_unit',
        'assigned assigned -> coordinating_units',
        'ack_reminder ack-1wd -> lead_unit',
        'ack_reminder ack-2wd -> lead_unit',
        'ack_escalation ack-escalation -> lead_unit_head',
        'due_reminder due-7wd -> lead_unit',
        'due_reminder due-3wd -> lead_unit',
        'due_reminder due-1wd -> lead_unit',
        'escalation level-1 -> lead_unit_head',
        'escalation level-2 -> standing_office',
        'escalation level-3 -> steering_committee',
        'escalation level-3 -> inspection_committee',
      ]),
    );
    expect(notes.every((n) => n.status === 'dispatched')).toBe(true);

    const everywhere = (p: TestPerson) => [`email ${p.login}`, `inbox ${p.login}`];
    const hook = (unit: string) => `webhook ${endpoint[unit]}`;
    const expected = (role: string, firstRound: boolean): string[] => {
      const head = firstRound ? formerHead : nextHead;
      switch (role) {
        case 'lead_unit':
          return [...everywhere(officer), ...everywhere(formerHead), ...everywhere(nextHead), hook(lead)];
        case 'lead_unit_head':
          return [...everywhere(head), hook(lead)];
        case 'coordinating_units':
          return [...everywhere(coordOfficer), hook(coord)];
        case 'standing_office':
        case 'steering_committee':
          return [...everywhere(secretary), hook(office)];
        case 'inspection_committee':
          return [...everywhere(inspector), hook(ubkt)];
        default:
          throw new Error(role);
      }
    };
    const deliveries = await db
      .selectFrom('deliveries')
      .select(['notification_id', 'channel', 'recipient', 'state', 'delivery_key'])
      .where('task_id', '=', taskId)
      .execute();
    for (const n of notes) {
      const mineOnly = deliveries.filter((d) => d.notification_id === n.id && mine.has(d.recipient));
      expect(mineOnly.map((d) => `${d.channel} ${d.recipient}`).sort(), `${n.kind} ${n.step} -> ${n.recipient_role}`).toEqual(
        expected(n.recipient_role, firstPhase.has(n.key)).sort(),
      );
    }
    expect(deliveries.every((d) => d.state === 'sent')).toBe(true);
    // One row per (notification, channel, recipient).
    expect(new Set(deliveries.map((d) => d.delivery_key)).size).toBe(deliveries.length);

    // Every mail is one message, once.
    const mailed = deliveries.filter((d) => d.channel === 'email');
    for (const d of mailed) expect(mailbox.byMessageId(messageIdFor(d.delivery_key))).toHaveLength(1);

    // The inspection committee's copy of level 3.
    const level3 = notes.find((n) => n.kind === 'escalation' && n.recipient_role === 'inspection_committee')!;
    const [mail] = mailbox.byMessageId(messageIdFor(deliveryKeyFor(level3.key, 'email', inspector.login)));
    const leadName = `Sở Khoa học và Công nghệ ${lead.slice(-8)}`;
    expect(mail.parsed.subject).toBe(`[Đôn đốc cấp 3] Nhiệm vụ 2.3 (1) quá hạn – ${leadName}`);
    const text = mail.parsed.text ?? '';
    expect(text).toContain(`Kính gửi: Đồng chí Đinh Văn Kiểm (Ủy ban Kiểm tra Tỉnh ủy).`);
    expect(text).toContain('Báo cáo Thường trực Ban Chỉ đạo và Ủy ban Kiểm tra Tỉnh ủy');
    expect(text).toContain(`Số ${launch.directiveNumber}`);
    expect(text).toContain('2.3 (1) – Thuê hạ tầng Trung tâm dữ liệu (DC) để lưu trữ dữ liệu đám mây');
    expect(text).toMatch(
      new RegExp(
        `Thời hạn: +${formatDueDate(launch.deadline.kind === 'date' ? launch.deadline.dueAt : '').replace(/\//g, '\\/')} \\(đã quá hạn \\d+ ngày\\)`,
      ),
    );
    expect(text).toMatch(/Mức đôn đốc: +cấp 3/);
    expect(text).toContain(`${BASE_URL}/api/v1/tasks/${taskId}`);

    const hooks = receiver.requests.filter((r) => r.path === `/${ubkt}` && JSON.parse(r.body).task?.id === taskId);
    expect(hooks.map((h) => JSON.parse(h.body).kind)).toEqual(['escalation']);
    expect(hooks.every((h) => h.signatureValid && h.status === 200)).toBe(true);

    // The officer's inbox, served by the API, holds each notification addressed to the lead unit once, newest first.
    const app = createApp({ db, temporal: harness.env.client, taskQueue: harness.taskQueue, logger: pino({ level: 'silent' }) });
    const officerToken = (await issueToken(db, officer.login)).token;
    const inbox = await request(app).get('/api/v1/inbox?pageSize=100').set('authorization', `Bearer ${officerToken}`).expect(200);
    const forTask = (inbox.body.items as { id: string; taskId: string; scheduledAt: string }[]).filter((i) => i.taskId === taskId);
    expect(forTask.map((i) => i.id).sort()).toEqual(
      notes
        .filter((n) => n.recipient_role === 'lead_unit')
        .map((n) => n.id)
        .sort(),
    );
    const times = forTask.map((i) => Date.parse(i.scheduledAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // The inspection committee reads every delivery and attempt in the assignment's history.
    const { token } = await issueToken(db, inspector.login);
    const history = await request(app).get(`/api/v1/tasks/${taskId}/history`).set('authorization', `Bearer ${token}`).expect(200);
    expect(history.body.deliveries).toHaveLength(deliveries.length);
    expect(history.body.deliveries).toContainEqual(
      expect.objectContaining({
        notification_key: level3.key,
        channel: 'email',
        recipient: inspector.login,
        state: 'sent',
        attempts: 1,
        attempt_log: [expect.objectContaining({ attempt: 1, outcome: 'sent' })],
      }),
    );
  });
});
