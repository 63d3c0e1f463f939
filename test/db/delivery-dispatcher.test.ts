import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listInbox } from '../../db/repositories/inbox';
import {
  addWebhookEndpoint as registerEndpoint,
  deactivateWebhookEndpoint,
  type WebhookEndpointInput,
} from '../../db/repositories/webhooks';
import { deliveryHistory } from '../../db/repositories/deliveries';
import { createDispatcher } from '../../delivery/dispatcher';
import type { Mailer } from '../../delivery/email';
import { deliveryKeyFor, messageIdFor } from '../../delivery/model';
import { verifyWebhookSignature } from '../../delivery/webhook';
import { testDb, uniq } from '../helpers/servers';
import { aNamedUnit, aNotification, aPerson, aTaskRow, deliveriesOf, handOverHeadship, type TestPerson } from '../helpers/delivery';
import { mailerFor, startMailbox, type Mailbox } from '../helpers/mailbox';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const BASE_URL = 'https://giaoviec.thainguyen.gov.vn';
const SMTP = { user: 'engine', password: 'mat-khau-smtp' };
const FROM = 'Hệ thống theo dõi nhiệm vụ <no-reply@thainguyen.gov.vn>';

describe('delivering the outbox: inbox, e-mail over SMTP and signed webhooks (PostgreSQL, loopback SMTP and HTTP)', () => {
  const db = testDb();
  let mailbox: Mailbox;
  let mailer: Mailer;
  let receiver: WebhookReceiver;
  let now = new Date('2026-04-09T09:00:00+07:00');
  const clock = () => now;
  let dispatcher: ReturnType<typeof createDispatcher>;
  /** Moves the dispatcher's clock and runs one tick there. */
  const tickAt = (iso: string, d = dispatcher) => {
    now = new Date(iso);
    return d.tick(now);
  };

  beforeAll(async () => {
    mailbox = await startMailbox(SMTP);
    mailer = mailerFor(mailbox, SMTP, FROM);
    receiver = await startWebhookReceiver({ secret: 'khoa-bi-mat-cua-cau-noi-zalo' });
    dispatcher = createDispatcher({ db, mailer, publicBaseUrl: BASE_URL, clock });
  });

  // Endpoints this file registers, stopped at the end: their receivers close with the file, and later
  // files' dispatchers (same database) must not keep posting to them.
  const endpoints: string[] = [];
  const addWebhookEndpoint = async (d: typeof db, input: WebhookEndpointInput) => {
    const ep = await registerEndpoint(d, input);
    endpoints.push(ep.id);
    return ep;
  };

  afterAll(async () => {
    for (const id of endpoints) await deactivateWebhookEndpoint(db, id);
    mailer.close();
    await mailbox.close();
    await receiver.close();
    await db.destroy();
  });

  /** The mail our SMTP server holds for one delivery, by the Message-ID derived from its key. */
  async function mailOf(notificationKey: string, login: string) {
    const key = deliveryKeyFor(notificationKey, 'email', login);
    return mailbox.byMessageId(messageIdFor(key));
  }

  describe('an assignment of Sở Công Thương, escalated all the way', () => {
    let lead: string, coord: string, office: string, ubkt: string, other: string;
    let leadOfficer: TestPerson,
      leadHead: TestPerson,
      leadNoEmail: TestPerson,
      coordOfficer: TestPerson,
      secretary: TestPerson,
      otherSecretary: TestPerson,
      inspector: TestPerson,
      otherOfficer: TestPerson;
    const endpoint: Record<string, string> = {};
    let mine: Set<string>;

    beforeAll(async () => {
      lead = await aNamedUnit(db, 'SCT', 'Sở Công Thương');
      coord = await aNamedUnit(db, 'STC', 'Sở Tài chính');
      office = await aNamedUnit(db, 'VPTU', 'Văn phòng Tỉnh ủy');
      ubkt = await aNamedUnit(db, 'UBKT', 'Ủy ban Kiểm tra Tỉnh ủy');
      other = await aNamedUnit(db, 'SYT', 'Sở Y tế');
      leadOfficer = await aPerson(db, lead, ['unit_officer'], { fullName: 'Nguyễn Văn An' });
      leadHead = await aPerson(db, lead, ['unit_head'], { fullName: 'Trần Thị Hạnh' });
      leadNoEmail = await aPerson(db, lead, ['unit_officer'], { email: null });
      coordOfficer = await aPerson(db, coord, ['unit_officer']);
      secretary = await aPerson(db, office, ['secretariat']);
      otherSecretary = await aPerson(db, other, ['secretariat']);
      inspector = await aPerson(db, ubkt, ['inspector']);
      otherOfficer = await aPerson(db, other, ['unit_officer', 'unit_head']);
      for (const unit of [lead, coord, office, ubkt]) {
        endpoint[unit] = (
          await addWebhookEndpoint(db, { unitCode: unit, url: receiver.url(`/${unit}`), secret: 'khoa-bi-mat-cua-cau-noi-zalo' })
        ).id;
      }
      mine = new Set(
        [leadOfficer, leadHead, leadNoEmail, coordOfficer, secretary, otherSecretary, inspector, otherOfficer]
          .map((p) => p.login)
          .concat(Object.values(endpoint)),
      );
    });

    /** Deliveries of a notification to this test's people and endpoints, "channel who". */
    async function reached(key: string) {
      return (await deliveriesOf(db, key)).filter((l) => mine.has(l.split(' ')[1])).map((l) => l.split(' ').slice(0, 2).join(' '));
    }
    const everywhere = (p: TestPerson) => [`inbox ${p.login}`, ...(p.email ? [`email ${p.login}`] : [])];
    const hook = (unit: string) => `webhook ${endpoint[unit]}`;

    it('reaches the lead unit, its head, the standing office, the Steering Committee and the inspection committee, each on inbox, e-mail and webhook', async () => {
      const t = await aTaskRow(db, { leadUnit: lead, coordinatingUnits: [coord], decidedBy: office, dueAt: '2026-04-01T00:00:00+07:00' });
      const at = (d: string) => `2026-${d}:00+07:00`;
      const keys = {
        assignedLead: await aNotification(db, t.taskId, {
          kind: 'assigned',
          step: 'assigned',
          role: 'lead_unit',
          unit: lead,
          scheduledAt: at('03-02T10:00'),
        }),
        assignedCoord: await aNotification(db, t.taskId, {
          kind: 'assigned',
          step: 'assigned',
          role: 'coordinating_units',
          unit: coord,
          scheduledAt: at('03-02T10:00'),
        }),
        ackReminder: await aNotification(db, t.taskId, {
          kind: 'ack_reminder',
          step: 'ack-1wd@e0',
          role: 'lead_unit',
          unit: lead,
          scheduledAt: at('03-03T08:00'),
        }),
        ackEscalation: await aNotification(db, t.taskId, {
          kind: 'ack_escalation',
          step: 'ack-escalation@e0',
          level: 1,
          role: 'lead_unit_head',
          unit: lead,
          scheduledAt: at('03-05T08:00'),
        }),
        dueReminder: await aNotification(db, t.taskId, {
          kind: 'due_reminder',
          step: 'due-1wd@e0',
          role: 'lead_unit',
          unit: lead,
          scheduledAt: at('03-30T08:00'),
        }),
        level1: await aNotification(db, t.taskId, {
          kind: 'escalation',
          step: 'level-1@e0',
          level: 1,
          role: 'lead_unit_head',
          unit: lead,
          scheduledAt: at('04-01T08:00'),
        }),
        level2: await aNotification(db, t.taskId, {
          kind: 'escalation',
          step: 'level-2@e0',
          level: 2,
          role: 'standing_office',
          unit: office,
          scheduledAt: at('04-06T08:00'),
        }),
        level3Steering: await aNotification(db, t.taskId, {
          kind: 'escalation',
          step: 'level-3@e0',
          level: 3,
          role: 'steering_committee',
          unit: null,
          scheduledAt: at('04-09T08:00'),
        }),
        level3Inspection: await aNotification(db, t.taskId, {
          kind: 'escalation',
          step: 'level-3@e0',
          level: 3,
          role: 'inspection_committee',
          unit: null,
          scheduledAt: at('04-09T08:00'),
        }),
        returned: await aNotification(db, t.taskId, {
          kind: 'returned',
          step: 'returned-12',
          role: 'lead_unit',
          unit: lead,
          scheduledAt: at('04-09T08:30'),
          event: { reason: 'Thiếu hợp đồng thuê DC đã ký' },
        }),
        extension: await aNotification(db, t.taskId, {
          kind: 'extension_decided',
          step: 'extension-13',
          role: 'lead_unit',
          unit: lead,
          scheduledAt: at('04-09T08:45'),
          event: { approve: true, dueAt: '2026-04-30T23:59:59+07:00', previousDueAt: '2026-04-01T00:00:00+07:00' },
        }),
      };

      const result = await tickAt('2026-04-09T09:00:00+07:00');
      expect(result).toMatchObject({ working: true, failed: 0, dead: 0 });

      const leadPeople = [...everywhere(leadOfficer), ...everywhere(leadHead), ...everywhere(leadNoEmail), hook(lead)].sort();
      const headOnly = [...everywhere(leadHead), hook(lead)].sort();
      expect(await reached(keys.assignedLead)).toEqual(leadPeople);
      expect(await reached(keys.assignedCoord)).toEqual([...everywhere(coordOfficer), hook(coord)].sort());
      expect(await reached(keys.ackReminder)).toEqual(leadPeople);
      expect(await reached(keys.ackEscalation)).toEqual(headOnly);
      expect(await reached(keys.dueReminder)).toEqual(leadPeople);
      expect(await reached(keys.level1)).toEqual(headOnly);
      expect(await reached(keys.level2)).toEqual([...everywhere(secretary), hook(office)].sort());
      // The Steering Committee's leaders hold no accounts: the standing office (every secretariat) receives for them.
      expect(await reached(keys.level3Steering)).toEqual([...everywhere(secretary), ...everywhere(otherSecretary), hook(office)].sort());
      expect(await reached(keys.level3Inspection)).toEqual([...everywhere(inspector), hook(ubkt)].sort());
      expect(await reached(keys.returned)).toEqual(leadPeople);
      expect(await reached(keys.extension)).toEqual(leadPeople);
      // Everything went out and nobody outside the routes heard of it.
      for (const key of Object.values(keys)) {
        expect((await deliveriesOf(db, key)).every((l) => l.endsWith(' sent'))).toBe(true);
        expect(await reached(key)).not.toContain(`inbox ${otherOfficer.login}`);
      }

      // The e-mail a unit head reads: Vietnamese with diacritics, every fact, plain text and HTML, our Message-ID.
      const [mail] = await mailOf(keys.level1, leadHead.login);
      expect(mail.to).toEqual([leadHead.email]);
      expect(mail.user).toBe(SMTP.user);
      expect(mail.parsed.from?.text).toBe('"Hệ thống theo dõi nhiệm vụ" <no-reply@thainguyen.gov.vn>');
      const leadName = `Sở Công Thương ${lead.slice(-8)}`;
      expect(mail.parsed.subject).toBe(`[Đôn đốc cấp 1] Nhiệm vụ 2.3 (1) quá hạn – ${leadName}`);
      const text = mail.parsed.text ?? '';
      expect(text).toContain(`Kính gửi: Đồng chí Trần Thị Hạnh (Người đứng đầu đơn vị chủ trì – ${leadName}).`);
      expect(text).toContain(`Nhiệm vụ do ${leadName} chủ trì đã quá hạn mà chưa hoàn thành.`);
      expect(text).toMatch(new RegExp(`Văn bản chỉ đạo: +Số ${t.directiveNumber.replace(/[/]/g, '\\/')}`));
      expect(text).toMatch(/Nhiệm vụ: +2\.3 \(1\) – Thuê hạ tầng Trung tâm dữ liệu \(DC\) để lưu trữ dữ liệu đám mây/);
      expect(text).toMatch(new RegExp(`Đơn vị chủ trì: +${leadName} \\(${lead}\\)`));
      expect(text).toMatch(/Thời hạn: +trước ngày 01\/04\/2026 \(đã quá hạn 9 ngày\)/);
      expect(text).toMatch(/Mức đôn đốc: +cấp 1/);
      expect(text).toContain(`Xem chi tiết: ${BASE_URL}/api/v1/tasks/${t.taskId}`);
      const html = String(mail.parsed.html);
      expect(html).toContain('<html lang="vi">');
      expect(html).toContain('trước ngày 01/04/2026 (đã quá hạn 9 ngày)');
      expect(html).toContain(`<a href="${BASE_URL}/api/v1/tasks/${t.taskId}">`);
      expect(mail.parsed.headers.get('x-delivery-id')).toBe(deliveryKeyFor(keys.level1, 'email', leadHead.login));

      const [returned] = await mailOf(keys.returned, leadOfficer.login);
      expect(returned.parsed.subject).toBe('[Trả lại] Nhiệm vụ 2.3 (1) cần bổ sung');
      expect(returned.parsed.text).toContain('Lý do: Thiếu hợp đồng thuê DC đã ký');
      const [extended] = await mailOf(keys.extension, leadOfficer.login);
      expect(extended.parsed.text).toContain('Thời hạn mới: 30/04/2026 (thời hạn cũ: trước ngày 01/04/2026).');

      // The unit's OTT bridge got the same facts, signed.
      const posted = receiver.requests.filter((r) => r.deliveryId === deliveryKeyFor(keys.level1, 'webhook', endpoint[lead]));
      expect(posted).toHaveLength(1);
      expect(posted[0]).toMatchObject({ path: `/${lead}`, signatureValid: true, status: 200 });
      expect(JSON.parse(posted[0].body)).toMatchObject({
        type: 'notification',
        notificationKey: keys.level1,
        kind: 'escalation',
        level: 1,
        recipient: { role: 'lead_unit_head', unit: { code: lead, name: leadName } },
        task: {
          id: t.taskId,
          directiveNumber: t.directiveNumber,
          ref: '2.3 (1)',
          dueAt: '2026-03-31T17:00:00.000Z',
          link: `${BASE_URL}/api/v1/tasks/${t.taskId}`,
        },
        subject: `[Đôn đốc cấp 1] Nhiệm vụ 2.3 (1) quá hạn – ${leadName}`,
      });

      // The inspection committee sees every delivery and attempt in the assignment's history.
      const history = await deliveryHistory(db, t.taskId);
      const level1Email = history.find((h) => h.notification_key === keys.level1 && h.channel === 'email');
      expect(level1Email).toMatchObject({ recipient: leadHead.login, state: 'sent', attempts: 1, subject: mail.parsed.subject });
      expect(level1Email?.attempt_log).toEqual([expect.objectContaining({ attempt: 1, outcome: 'sent' })]);
    });

    it('says how many days remain before a deadline', async () => {
      const t = await aTaskRow(db, { leadUnit: lead, decidedBy: office, dueAt: '2026-04-15T23:59:59+07:00', ref: '4.' });
      const key = await aNotification(db, t.taskId, {
        kind: 'due_reminder',
        step: 'due-3wd@e0',
        role: 'lead_unit',
        unit: lead,
        scheduledAt: '2026-04-10T08:00:00+07:00',
      });
      await tickAt('2026-04-10T08:00:00+07:00');
      const [mail] = await mailOf(key, leadOfficer.login);
      expect(mail.parsed.subject).toBe('[Nhắc việc] Nhiệm vụ 4. sắp đến hạn (15/04/2026)');
      expect(mail.parsed.text).toMatch(/Thời hạn: +15\/04\/2026 \(còn 5 ngày\)/);
    });
  });

  it('escalates to whoever heads the unit when the escalation goes out, not when the task was launched', async () => {
    const unit = await aNamedUnit(db, 'SXD', 'Sở Xây dựng');
    const office = await aNamedUnit(db, 'VPUB', 'Văn phòng UBND tỉnh');
    const formerHead = await aPerson(db, unit, ['unit_head'], { fullName: 'Lê Văn Cũ' });
    const newHead = await aPerson(db, unit, ['unit_officer'], { fullName: 'Phạm Thị Mới' });
    const t = await aTaskRow(db, { leadUnit: unit, decidedBy: office, dueAt: '2026-04-13T00:00:00+07:00' });
    const ackEscalation = await aNotification(db, t.taskId, {
      kind: 'ack_escalation',
      step: 'ack-escalation@e0',
      level: 1,
      role: 'lead_unit_head',
      unit,
      scheduledAt: '2026-04-10T08:00:00+07:00',
    });
    await tickAt('2026-04-10T08:00:00+07:00');
    expect(await deliveriesOf(db, ackEscalation)).toEqual([`email ${formerHead.login} sent`, `inbox ${formerHead.login} sent`]);

    await handOverHeadship(db, formerHead, newHead);
    const level1 = await aNotification(db, t.taskId, {
      kind: 'escalation',
      step: 'level-1@e0',
      level: 1,
      role: 'lead_unit_head',
      unit,
      scheduledAt: '2026-04-13T08:00:00+07:00',
    });
    await tickAt('2026-04-13T08:00:00+07:00');
    expect(await deliveriesOf(db, level1)).toEqual([`email ${newHead.login} sent`, `inbox ${newHead.login} sent`]);
    expect((await mailOf(level1, newHead.login))[0].parsed.text).toContain('Kính gửi: Đồng chí Phạm Thị Mới');
  });

  describe('working hours: 08:00-17:00 on working days of the calendar, Asia/Ho_Chi_Minh', () => {
    let unit: string;
    let officer: TestPerson;

    beforeAll(async () => {
      unit = await aNamedUnit(db, 'SNV', 'Sở Nội vụ');
      officer = await aPerson(db, unit, ['unit_officer'], { fullName: 'Đỗ Thu Trang' });
    });

    it('holds a return decided on Saturday evening, and one decided at 17:30 on Friday, until 08:00 on Monday', async () => {
      const t = await aTaskRow(db, { leadUnit: unit, decidedBy: unit, dueAt: '2026-03-31T23:59:59+07:00' });
      const friday = await aNotification(db, t.taskId, {
        kind: 'returned',
        step: 'returned-3',
        role: 'lead_unit',
        unit,
        scheduledAt: '2026-03-13T17:30:00+07:00',
        event: { reason: 'Bổ sung biên bản nghiệm thu' },
      });
      const saturday = await aNotification(db, t.taskId, {
        kind: 'returned',
        step: 'returned-5',
        role: 'lead_unit',
        unit,
        scheduledAt: '2026-03-14T20:00:00+07:00',
        event: { reason: 'Bổ sung hóa đơn' },
      });
      for (const off of [
        '2026-03-13T17:30:00+07:00',
        '2026-03-14T20:00:00+07:00',
        '2026-03-15T10:00:00+07:00',
        '2026-03-16T07:59:59+07:00',
      ]) {
        expect((await tickAt(off)).working, off).toBe(false);
        expect(await deliveriesOf(db, friday)).toEqual([]);
        expect(await deliveriesOf(db, saturday)).toEqual([]);
      }
      expect(await mailOf(saturday, officer.login)).toEqual([]);

      await tickAt('2026-03-16T08:00:00+07:00');
      for (const key of [friday, saturday]) {
        expect(await deliveriesOf(db, key)).toEqual([`email ${officer.login} sent`, `inbox ${officer.login} sent`]);
        const [mail] = await mailOf(key, officer.login);
        expect(mail.parsed.date?.toISOString()).toBe('2026-03-16T01:00:00.000Z');
      }
      const sent = await db.selectFrom('deliveries').select('sent_at').where('source_key', '=', saturday).execute();
      expect(sent.map((s) => s.sent_at?.toISOString())).toEqual(['2026-03-16T01:00:00.000Z', '2026-03-16T01:00:00.000Z']);
    });

    it('holds a reminder that falls on Tết Bính Ngọ until the first working morning after it', async () => {
      const t = await aTaskRow(db, { leadUnit: unit, decidedBy: unit, dueAt: '2026-02-27T00:00:00+07:00' });
      // 17/02/2026 is mùng 1 Tết; the holiday runs 14/02-22/02.
      const key = await aNotification(db, t.taskId, {
        kind: 'due_reminder',
        step: 'due-7wd@e0',
        role: 'lead_unit',
        unit,
        scheduledAt: '2026-02-17T08:00:00+07:00',
      });
      for (const off of [
        '2026-02-17T08:00:00+07:00',
        '2026-02-19T10:00:00+07:00',
        '2026-02-20T16:00:00+07:00',
        '2026-02-22T09:00:00+07:00',
      ]) {
        expect((await tickAt(off)).working, off).toBe(false);
      }
      expect(await deliveriesOf(db, key)).toEqual([]);
      await tickAt('2026-02-23T08:00:00+07:00');
      expect(await deliveriesOf(db, key)).toEqual([`email ${officer.login} sent`, `inbox ${officer.login} sent`]);
      const [mail] = await mailOf(key, officer.login);
      expect(mail.parsed.date?.toISOString()).toBe('2026-02-23T01:00:00.000Z');
      expect(mail.parsed.text).toMatch(/Thời hạn: +trước ngày 27\/02\/2026 \(còn 3 ngày\)/);
    });
  });

  describe('webhooks', () => {
    const secret = 'khoa-bi-mat-rieng-cua-diem-nhan';

    it('retries a receiver that fails twice with exponential backoff; it accepts exactly one delivery, every request signed and fresh', async () => {
      const flaky = await startWebhookReceiver({ secret, respond: (n) => (n <= 2 ? 503 : 200) });
      try {
        const unit = await aNamedUnit(db, 'CAT', 'Công an tỉnh');
        const ep = await addWebhookEndpoint(db, { unitCode: unit, url: flaky.url(), secret });
        // Due well ahead, so no daily digest posts to the same receiver.
        const t = await aTaskRow(db, { leadUnit: unit, decidedBy: unit, dueAt: '2026-07-31T00:00:00+07:00' });
        const key = await aNotification(db, t.taskId, {
          kind: 'returned',
          step: 'returned-4',
          role: 'lead_unit',
          unit,
          scheduledAt: '2026-05-12T09:30:00+07:00',
          event: { reason: 'Thiếu phương án bảo đảm an ninh mạng' },
        });

        expect(await tickAt('2026-05-12T10:00:00+07:00')).toMatchObject({ failed: 1 });
        expect(await tickAt('2026-05-12T10:00:29+07:00')).toMatchObject({ sent: 0, failed: 0 }); // backing off: 30 s
        expect(await tickAt('2026-05-12T10:00:30+07:00')).toMatchObject({ failed: 1 });
        expect(await tickAt('2026-05-12T10:01:29+07:00')).toMatchObject({ sent: 0, failed: 0 }); // then 60 s
        expect(await tickAt('2026-05-12T10:01:30+07:00')).toMatchObject({ sent: 1 });
        await tickAt('2026-05-12T11:00:00+07:00');

        const id = deliveryKeyFor(key, 'webhook', ep.id);
        expect(flaky.requests.map((r) => [r.deliveryId, r.status, r.signatureValid])).toEqual([
          [id, 503, true],
          [id, 503, true],
          [id, 200, true],
        ]);
        expect([...flaky.accepted.keys()]).toEqual([id]);
        // Each attempt is stamped with its own time; the signature covers it, so an old request cannot be replayed.
        const last = flaky.requests[2];
        expect(last.timestamp).toBe(String(Date.parse('2026-05-12T10:01:30+07:00') / 1000));
        expect(
          verifyWebhookSignature({
            secret,
            body: last.body,
            timestamp: last.timestamp,
            signature: last.signature,
            now: new Date('2026-05-12T10:01:31+07:00'),
          }),
        ).toEqual({ ok: true });
        expect(
          verifyWebhookSignature({
            secret,
            body: last.body,
            timestamp: last.timestamp,
            signature: last.signature,
            now: new Date('2026-05-12T10:30:00+07:00'),
          }),
        ).toEqual({ ok: false, reason: 'stale timestamp' });
        expect(
          verifyWebhookSignature({
            secret,
            body: last.body.replace('returned-4', 'returned-5'),
            timestamp: last.timestamp,
            signature: last.signature,
            now: new Date('2026-05-12T10:01:31+07:00'),
          }),
        ).toEqual({ ok: false, reason: 'bad signature' });
        expect(flaky.requests[0].body).toBe(last.body);

        const [row] = (await deliveryHistory(db, t.taskId)).filter((h) => h.channel === 'webhook');
        expect(row).toMatchObject({ delivery_key: id, state: 'sent', attempts: 3, last_error: null });
        expect(row.attempt_log.map((a) => [a.attempt, a.outcome, a.detail])).toEqual([
          [1, 'failed', 'HTTP 503'],
          [2, 'failed', 'HTTP 503'],
          [3, 'sent', 'HTTP 200'],
        ]);
      } finally {
        await flaky.close();
      }
    });

    it('gives up after the last attempt and keeps a dead letter with every failure', async () => {
      const down = await startWebhookReceiver({ secret, respond: () => 500 });
      const patient = createDispatcher({ db, mailer, publicBaseUrl: BASE_URL, clock, retry: { maxAttempts: 3 } });
      try {
        const unit = await aNamedUnit(db, 'DHTN', 'Đại học Thái Nguyên');
        const ep = await addWebhookEndpoint(db, { unitCode: unit, url: down.url(), secret });
        const t = await aTaskRow(db, { leadUnit: unit, decidedBy: unit, dueAt: '2026-07-31T00:00:00+07:00' });
        await aNotification(db, t.taskId, {
          kind: 'assigned',
          step: 'assigned',
          role: 'lead_unit',
          unit,
          scheduledAt: '2026-05-13T09:00:00+07:00',
        });

        expect(await tickAt('2026-05-13T10:00:00+07:00', patient)).toMatchObject({ failed: 1 });
        expect(await tickAt('2026-05-13T10:00:30+07:00', patient)).toMatchObject({ failed: 1 });
        expect(await tickAt('2026-05-13T10:01:30+07:00', patient)).toMatchObject({ dead: 1 });
        await tickAt('2026-05-13T16:00:00+07:00', patient);
        await tickAt('2026-05-14T09:00:00+07:00', patient);
        expect(down.requests).toHaveLength(3);

        const [row] = (await deliveryHistory(db, t.taskId)).filter((h) => h.channel === 'webhook');
        expect(row).toMatchObject({ recipient: ep.id, state: 'dead', attempts: 3, last_error: 'HTTP 500', sent_at: null });
        expect(row.attempt_log.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed']);
      } finally {
        await down.close();
      }
    });
  });

  it('resends after a worker is killed right after the SMTP send, as the same message: one Message-ID per recipient, one inbox entry', async () => {
    const unit = await aNamedUnit(db, 'SNNMT', 'Sở Nông nghiệp và Môi trường');
    const officer = await aPerson(db, unit, ['unit_officer'], { fullName: 'Vũ Minh Khoa' });
    const head = await aPerson(db, unit, ['unit_head'], { fullName: 'Hoàng Thị Lan' });
    const t = await aTaskRow(db, { leadUnit: unit, decidedBy: unit, dueAt: '2026-05-20T00:00:00+07:00' });
    const key = await aNotification(db, t.taskId, {
      kind: 'due_reminder',
      step: 'due-3wd@e0',
      role: 'lead_unit',
      unit,
      scheduledAt: '2026-05-14T08:00:00+07:00',
    });
    const emailKeys = [officer, head].map((p) => deliveryKeyFor(key, 'email', p.login));

    // A dispatcher in its own process, killed with SIGKILL once the SMTP server has accepted both e-mails.
    const doomed = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../helpers/delivery-process.ts')], {
      env: {
        ...process.env,
        DATABASE_URL: inject('databaseUrl'),
        SMTP_PORT: String(mailbox.port),
        SMTP_USER: SMTP.user,
        SMTP_PASSWORD: SMTP.password,
        NOW: '2026-05-14T10:00:00+07:00',
        HOLD_KEYS: emailKeys.join(','),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => doomed.once('exit', resolve));
    const sentBeforeKill = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      doomed.once('exit', (code) => reject(new Error(`dispatcher process exited early (${code})`)));
      readline.createInterface({ input: doomed.stdout! }).on('line', (line) => {
        const [word, deliveryKey] = line.split(' ');
        if (word === 'sent' && emailKeys.includes(deliveryKey)) sentBeforeKill.add(deliveryKey);
        if (sentBeforeKill.size === emailKeys.length) resolve();
      });
    });
    doomed.kill('SIGKILL');
    await exited;

    expect(emailKeys.map((k) => mailbox.byMessageId(messageIdFor(k)).length)).toEqual([1, 1]);
    const stuck = await db.selectFrom('deliveries').select(['state', 'attempts']).where('delivery_key', 'in', emailKeys).execute();
    expect(stuck).toEqual([
      { state: 'sending', attempts: 1 },
      { state: 'sending', attempts: 1 },
    ]);

    // Restarted: nothing happens while the dead process's lease holds, then the same messages go out again.
    expect(await tickAt('2026-05-14T10:01:00+07:00')).toMatchObject({ sent: 0 });
    await tickAt('2026-05-14T10:03:00+07:00');

    for (const deliveryKey of emailKeys) {
      const copies = mailbox.byMessageId(messageIdFor(deliveryKey));
      expect(copies).toHaveLength(2);
      const [first, second] = copies.map((c) => c.parsed);
      expect([second.subject, second.text, second.html, second.date?.toISOString(), second.to]).toEqual([
        first.subject,
        first.text,
        first.html,
        first.date?.toISOString(),
        first.to,
      ]);
    }
    // Whatever the mailbox received for this notification, it is one distinct message per recipient.
    const ids = new Set(
      mailbox.messages.filter((m) => m.to.some((to) => to === officer.email || to === head.email)).map((m) => m.parsed.messageId),
    );
    expect(ids).toEqual(new Set(emailKeys.map(messageIdFor)));

    expect(await deliveriesOf(db, key)).toEqual(
      [`email ${head.login} sent`, `email ${officer.login} sent`, `inbox ${head.login} sent`, `inbox ${officer.login} sent`].sort(),
    );
    const history = await deliveryHistory(db, t.taskId);
    for (const h of history.filter((x) => x.channel === 'email')) {
      expect(h.attempt_log.map((a) => a.outcome)).toEqual(['interrupted', 'sent']);
    }

    const inbox = await listInbox(db, { login: officer.login, unitCode: unit, roles: ['unit_officer'] }, { limit: 50, offset: 0 });
    expect(inbox.items.filter((i) => i.taskId === t.taskId)).toHaveLength(1);
  });

  describe('the daily digest of a unit head', () => {
    it('lists exactly the unit’s overdue assignments and those due within 3 working days, once per working day', async () => {
      const unit = await aNamedUnit(db, 'SGDDT', 'Sở Giáo dục và Đào tạo');
      const elsewhere = await aNamedUnit(db, 'SVH', 'Sở Văn hóa, Thể thao và Du lịch');
      const head = await aPerson(db, unit, ['unit_head'], { fullName: 'Ngô Thị Bích' });
      const officer = await aPerson(db, unit, ['unit_officer']);
      const hooks = await startWebhookReceiver({ secret: 'khoa-bi-mat-tong-hop-hang-ngay' });
      try {
        const ep = await addWebhookEndpoint(db, { unitCode: unit, url: hooks.url(), secret: 'khoa-bi-mat-tong-hop-hang-ngay' });
        const task = (ref: string, dueAt: string | null, o: { status?: string; leadUnit?: string; coLeadUnit?: string } = {}) =>
          aTaskRow(db, {
            leadUnit: o.leadUnit ?? unit,
            coLeadUnit: o.coLeadUnit ?? null,
            decidedBy: unit,
            dueAt,
            status: o.status,
            ref,
            title: `Nhiệm vụ thử ${ref}`,
          });
        await task('A.1', '2026-06-09T23:59:59+07:00', { status: 'in_progress' });
        await task('B.2', '2026-05-29T00:00:00+07:00', { status: 'returned' });
        await task('H.3', '2026-06-01T00:00:00+07:00', { leadUnit: elsewhere, coLeadUnit: unit });
        await task('C.4', '2026-06-12T17:00:00+07:00', { status: 'acknowledged' });
        await task('C.5', '2026-06-15T23:59:59+07:00');
        await task('D.6', '2026-06-16T23:59:59+07:00');
        await task('E.7', '2026-06-01T00:00:00+07:00', { status: 'completed' });
        await task('F.8', '2026-06-01T00:00:00+07:00', { status: 'submitted' });
        await task('G.9', '2026-06-01T00:00:00+07:00', { leadUnit: elsewhere });
        await task('I.10', '2026-06-01T00:00:00+07:00', { status: 'cancelled' });
        await task('J.11', null);

        const r = await tickAt('2026-06-10T08:00:00+07:00');
        expect(r.digests).toBeGreaterThanOrEqual(1);
        await tickAt('2026-06-10T14:00:00+07:00');
        await tickAt('2026-06-13T09:00:00+07:00'); // Saturday: no digest

        const runs = await db.selectFrom('digest_runs').select(['day', 'items']).where('unit_code', '=', unit).orderBy('day').execute();
        expect(runs).toHaveLength(1);
        expect(runs[0].day).toBe('2026-06-10');

        const digests = mailbox.messages.filter((m) => m.to.includes(head.email!));
        expect(digests).toHaveLength(1);
        const mail = digests[0].parsed;
        const unitName = `Sở Giáo dục và Đào tạo ${unit.slice(-8)}`;
        expect(mail.subject).toBe(`[Tổng hợp ngày 10/06/2026] ${unitName}: 3 nhiệm vụ quá hạn, 2 nhiệm vụ sắp đến hạn`);
        expect(mail.messageId).toBe(messageIdFor(deliveryKeyFor(`digest/${unit}/2026-06-10`, 'email', head.login)));
        const text = mail.text ?? '';
        const section = (from: string, to: string) => text.slice(text.indexOf(from), to ? text.indexOf(to) : undefined);
        const refsIn = (s: string) => [...s.matchAll(/^- (\S+) \(Văn bản số/gm)].map((m) => m[1]);
        const overdue = section('Nhiệm vụ quá hạn (3)', 'Nhiệm vụ sắp đến hạn');
        const dueSoon = section('Nhiệm vụ sắp đến hạn trong 3 ngày làm việc (2)', '--');
        expect(refsIn(overdue)).toEqual(['B.2', 'H.3', 'A.1']);
        expect(refsIn(dueSoon)).toEqual(['C.4', 'C.5']);
        expect(overdue).toContain('Nhiệm vụ thử A.1 – thời hạn 09/06/2026, đã quá hạn 1 ngày');
        expect(dueSoon).toContain('Nhiệm vụ thử C.4 – thời hạn 17:00 ngày 12/06/2026, còn 2 ngày');
        expect(text).toContain('Kính gửi: Đồng chí Ngô Thị Bích (Người đứng đầu Sở Giáo dục và Đào tạo');
        expect(mailbox.messages.filter((m) => m.to.includes(officer.email!))).toEqual([]);

        expect(hooks.requests).toHaveLength(1);
        const body = JSON.parse(hooks.requests[0].body);
        expect(body).toMatchObject({
          type: 'digest',
          unit: { code: unit },
          day: '2026-06-10',
          deliveryId: deliveryKeyFor(`digest/${unit}/2026-06-10`, 'webhook', ep.id),
        });
        expect(body.overdue.map((i: { ref: string }) => i.ref)).toEqual(['B.2', 'H.3', 'A.1']);

        // The next working day brings the next digest.
        await tickAt('2026-06-11T08:00:00+07:00');
        expect(mailbox.messages.filter((m) => m.to.includes(head.email!))).toHaveLength(2);
      } finally {
        await hooks.close();
      }
    });
  });

  it('creates each delivery once: expanding a notification again, or a second tick, writes nothing new', async () => {
    const unit = await aNamedUnit(db, 'STP', 'Sở Tư pháp');
    const officer = await aPerson(db, unit, ['unit_officer']);
    const t = await aTaskRow(db, { leadUnit: unit, decidedBy: unit, dueAt: '2026-06-30T00:00:00+07:00' });
    const key = await aNotification(db, t.taskId, {
      kind: 'assigned',
      step: 'assigned',
      role: 'lead_unit',
      unit,
      scheduledAt: '2026-06-12T09:00:00+07:00',
    });
    await tickAt('2026-06-12T09:00:00+07:00');
    const before = await deliveriesOf(db, key);
    expect(before).toEqual([`email ${officer.login} sent`, `inbox ${officer.login} sent`]);
    // As if a second worker had expanded it concurrently: the delivery keys collide, nothing is added.
    await db.updateTable('notifications').set({ dispatched_at: null, status: 'pending' }).where('key', '=', key).execute();
    await tickAt('2026-06-12T09:05:00+07:00');
    expect(await deliveriesOf(db, key)).toEqual(before);
    expect(await mailOf(key, officer.login)).toHaveLength(1);
  });

  it('keeps the inbox and webhooks working when no SMTP server is configured, and records a notification that reaches nobody', async () => {
    const noMail = createDispatcher({ db, mailer: null, publicBaseUrl: BASE_URL, clock });
    const unit = await aNamedUnit(db, 'SNGV', 'Sở Ngoại vụ');
    const officer = await aPerson(db, unit, ['unit_officer']);
    const empty = await aNamedUnit(db, 'XA', `UBND xã ${uniq()}`);
    const t = await aTaskRow(db, { leadUnit: unit, decidedBy: unit, dueAt: '2026-06-30T00:00:00+07:00' });
    const key = await aNotification(db, t.taskId, {
      kind: 'assigned',
      step: 'assigned',
      role: 'lead_unit',
      unit,
      scheduledAt: '2026-06-15T09:00:00+07:00',
    });
    const nobody = await aNotification(db, t.taskId, {
      kind: 'assigned',
      step: 'assigned',
      role: 'coordinating_units',
      unit: empty,
      scheduledAt: '2026-06-15T09:00:00+07:00',
    });
    await tickAt('2026-06-15T09:00:00+07:00', noMail);
    expect(await deliveriesOf(db, key)).toEqual([`inbox ${officer.login} sent`]);
    const statuses = await db
      .selectFrom('notifications')
      .select(['key', 'status'])
      .where('key', 'in', [key, nobody])
      .orderBy('key')
      .execute();
    expect(Object.fromEntries(statuses.map((s) => [s.key, s.status]))).toEqual({ [key]: 'dispatched', [nobody]: 'unrouted' });
  });
});
