import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../domain/calendar';
import { deliveryKeyFor, isWorkingTime, messageIdFor, nextDeliveryWindow, retryDelayMs, DEFAULT_RETRY_POLICY } from '../../delivery/model';
import { dueDistance, formatDueDate, KIND_TEMPLATES, renderDigest, renderNotification, type MessageInput } from '../../delivery/templates';
import { signWebhook, verifyWebhookSignature } from '../../delivery/webhook';

const calendar = WorkingCalendar.forYears([2025, 2026, 2027]);
const at = (iso: string) => new Date(iso);

function input(kind: string, o: Partial<MessageInput['notification']> = {}): MessageInput {
  return {
    notification: {
      kind,
      step: 'level-2@e0',
      level: 2,
      recipientRole: 'standing_office',
      recipientUnit: { code: 'VP_TU', name: 'Văn phòng Tỉnh ủy' },
      subject: '',
      body: '',
      event: null,
      period: null,
      ...o,
    },
    task: {
      id: '01-tb-cqtt.2-3-1',
      directiveNumber: '01-TB/CQTT',
      ref: '2.3 (1)',
      title: 'Thuê hạ tầng Data Center <DC> & lưu trữ',
      leadUnit: { code: 'SKHCN', name: 'Sở Khoa học và Công nghệ' },
      dueAt: at('2025-11-15T00:00:00+07:00'),
      expectedResult: 'Hạ tầng DC được thuê',
      launchedAt: at('2025-11-04T09:00:00+07:00'),
      outcome: null,
    },
    person: null,
    link: 'https://giaoviec.thainguyen.gov.vn/api/v1/tasks/01-tb-cqtt.2-3-1',
    now: at('2025-11-20T08:00:00+07:00'),
  };
}

describe('messages', () => {
  it('writes a deadline as documents do, and counts days from the last day the work may be done', () => {
    expect(formatDueDate(at('2025-11-15T00:00:00+07:00'))).toBe('trước ngày 15/11/2025');
    expect(formatDueDate(at('2025-12-31T23:59:59+07:00'))).toBe('31/12/2025');
    expect(dueDistance(at('2025-11-15T00:00:00+07:00'), at('2025-11-10T08:00:00+07:00'))).toBe('còn 4 ngày');
    expect(dueDistance(at('2025-11-15T00:00:00+07:00'), at('2025-11-14T08:00:00+07:00'))).toBe('hạn chót là hôm nay');
    expect(dueDistance(at('2025-11-15T00:00:00+07:00'), at('2025-11-15T08:00:00+07:00'))).toBe('đã quá hạn 1 ngày');
    expect(dueDistance(at('2025-11-14T17:00:00+07:00'), at('2025-11-14T17:30:00+07:00'))).toBe('đã quá hạn từ hôm nay');
    expect(formatDueDate(at('2026-01-14T17:00:00+07:00'))).toBe('17:00 ngày 14/01/2026');
  });

  it('words an approved extension with both deadlines as documents write them, never as instants', () => {
    const extended = renderNotification(
      input('extension_decided', {
        level: null,
        event: { approve: true, dueAt: '2026-01-14T10:00:00.000Z', previousDueAt: '2025-11-14T17:00:00.000Z' },
      }),
    );
    expect(extended.text).toContain('Thời hạn mới: 17:00 ngày 14/01/2026 (thời hạn cũ: trước ngày 15/11/2025).');
    expect(extended.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('renders every kind in Vietnamese with the facts, and escapes the HTML', () => {
    for (const kind of Object.keys(KIND_TEMPLATES)) {
      const m = renderNotification(input(kind));
      expect(m.subject.length, kind).toBeGreaterThan(10);
      expect(m.text, kind).toContain('Số 01-TB/CQTT');
      expect(m.text, kind).toContain('trước ngày 15/11/2025 (đã quá hạn 6 ngày)');
      expect(m.text, kind).toContain('https://giaoviec.thainguyen.gov.vn/api/v1/tasks/01-tb-cqtt.2-3-1');
      expect(m.html, kind).toContain('Thuê hạ tầng Data Center &lt;DC&gt; &amp; lưu trữ');
    }
    const escalation = renderNotification(input('escalation'));
    expect(escalation.subject).toBe('[Đôn đốc cấp 2] Nhiệm vụ 2.3 (1) quá hạn – Sở Khoa học và Công nghệ');
    expect(escalation.text).toContain('Kính gửi: Cơ quan Thường trực Ban Chỉ đạo – Văn phòng Tỉnh ủy.');
    expect(escalation.text).toMatch(/Mức đôn đốc: +cấp 2/);
  });

  it('names the period of a periodic report and falls back to the outbox text for an unknown kind', () => {
    const report = renderNotification(
      input('report_reminder', { level: null, period: { key: '2025-11', dueAt: at('2025-11-20T00:00:00+07:00') } }),
    );
    expect(report.subject).toBe('[Nhắc việc] Báo cáo định kỳ tháng 11/2025 – nhiệm vụ 2.3 (1)');
    expect(report.text).toMatch(/Kỳ báo cáo: +tháng 11\/2025/);
    expect(report.text).toMatch(/Hạn báo cáo: +trước ngày 20\/11\/2025/);
    expect(report.text).not.toContain('2025-11');
    const unknown = renderNotification(input('something_new', { body: 'Nội dung riêng\nDòng hai' }));
    expect(unknown.subject).toBe('Nội dung riêng');
    expect(unknown.text).toContain('Dòng hai');
  });

  it('lists a digest in two sections', () => {
    const item = (ref: string, dueAt: string) => ({
      taskId: ref,
      directiveNumber: '80/TB-UBND',
      ref,
      title: `Việc ${ref}`,
      dueAt: at(dueAt),
      link: `https://x/${ref}`,
    });
    const d = renderDigest({
      unit: { code: 'SCT', name: 'Sở Công Thương' },
      day: '2025-11-20',
      overdue: [item('5.', '2025-11-15T00:00:00+07:00')],
      dueSoon: [],
      dueSoonWorkingDays: 3,
      person: null,
      now: at('2025-11-20T08:00:00+07:00'),
    });
    expect(d.subject).toBe('[Tổng hợp ngày 20/11/2025] Sở Công Thương: 1 nhiệm vụ quá hạn, 0 nhiệm vụ sắp đến hạn');
    expect(d.text).toContain('- 5. (Văn bản số 80/TB-UBND): Việc 5. – thời hạn trước ngày 15/11/2025, đã quá hạn 6 ngày');
    expect(d.text).toContain('Nhiệm vụ sắp đến hạn trong 3 ngày làm việc (0)\nKhông có.');
  });
});

describe('delivery identities, timing and signatures', () => {
  it('derives the same id from the same notification, channel and recipient, and a different one otherwise', () => {
    const key = 'task-a/escalation/level-1@e0/lead_unit_head/SCT';
    expect(deliveryKeyFor(key, 'email', 'an.nguyen')).toBe(deliveryKeyFor(key, 'email', 'an.nguyen'));
    expect(deliveryKeyFor(key, 'email', 'an.nguyen')).not.toBe(deliveryKeyFor(key, 'email', 'binh.tran'));
    expect(deliveryKeyFor(key, 'email', 'an.nguyen')).not.toBe(deliveryKeyFor(key, 'webhook', 'an.nguyen'));
    expect(messageIdFor(deliveryKeyFor(key, 'email', 'an.nguyen'))).toMatch(/^<[0-9a-f]{32}@directive-engine\.local>$/);
  });

  it('backs off exponentially up to an hour', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, DEFAULT_RETRY_POLICY) / 1000)).toEqual([30, 60, 120, 240, 3600]);
  });

  it('delivers from 08:00 to 17:00 on working days only', () => {
    expect(isWorkingTime(calendar, at('2026-03-16T08:00:00+07:00'))).toBe(true);
    expect(isWorkingTime(calendar, at('2026-03-16T16:59:59+07:00'))).toBe(true);
    expect(isWorkingTime(calendar, at('2026-03-16T17:00:00+07:00'))).toBe(false);
    expect(isWorkingTime(calendar, at('2026-03-16T07:59:59+07:00'))).toBe(false);
    expect(isWorkingTime(calendar, at('2026-03-14T10:00:00+07:00'))).toBe(false); // Saturday
    expect(nextDeliveryWindow(calendar, at('2026-02-17T10:00:00+07:00')).toISOString()).toBe('2026-02-23T01:00:00.000Z'); // Tết Bính Ngọ
    expect(nextDeliveryWindow(calendar, at('2025-04-26T10:00:00+07:00')).toISOString()).toBe('2025-04-26T03:00:00.000Z'); // a Saturday made a working day
  });

  it('signs "timestamp.body" and refuses a changed body or an old timestamp', () => {
    const body = '{"kind":"escalation"}';
    const signature = signWebhook('bi-mat-0123456789', 1_760_000_000, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const now = new Date(1_760_000_100_000);
    expect(verifyWebhookSignature({ secret: 'bi-mat-0123456789', body, timestamp: '1760000000', signature, now })).toEqual({ ok: true });
    expect(
      verifyWebhookSignature({ secret: 'bi-mat-0123456789', body: `${body} `, timestamp: '1760000000', signature, now }),
    ).toMatchObject({ ok: false });
    expect(
      verifyWebhookSignature({ secret: 'bi-mat-0123456789', body, timestamp: '1760000000', signature, now: new Date(1_760_001_000_000) }),
    ).toEqual({ ok: false, reason: 'stale timestamp' });
  });
});
