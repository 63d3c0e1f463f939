import { describe, expect, it } from 'vitest';
import { extractDeadline } from '../../domain/intake/deadline';

const may2025 = { documentDate: '2025-05-14' };
const nov2025 = { documentDate: '2025-11-04' };
const jan2026 = { documentDate: '2026-01-10' };

describe('deadline: a day', () => {
  it.each([
    ['trước ngày 03/6/2025', may2025],
    ['hoàn thiện dự thảo, tham mưu UBND tỉnh trước ngày 03/6/2025.', may2025],
    ['truoc ngay 03/6/2025', may2025],
    ['trudc ngay 03/6/2025', may2025],
  ])('"%s" is due when 3 June 2025 begins', (text, ctx) => {
    expect(extractDeadline(text, ctx)).toMatchObject({ kind: 'date', due: '2025-06-03T00:00:00+07:00' });
  });

  it.each([
    ['Hoàn thành chậm nhất trước ngày 15/11/2025', 'chậm nhất trước ngày 15/11/2025'],
    ['cham nhat truoc ngay 15/11/2025', 'cham nhat truoc ngay 15/11/2025'],
    ['Hoan\nthanh cham nhat truée ngay 15/11/2025.', 'cham nhat truée ngay 15/11/2025'],
  ])('"%s" is due when 15 November 2025 begins', (text, source) => {
    expect(extractDeadline(text, nov2025)).toEqual({ kind: 'date', due: '2025-11-15T00:00:00+07:00', source });
  });

  it('reads "chậm nhất ngày D" (without "trước") as the end of that day', () => {
    expect(extractDeadline('hoàn thành chậm nhất ngày 30/6/2025', may2025)).toMatchObject({ due: '2025-06-30T23:59:59+07:00' });
  });

  it('takes a missing year from the document date', () => {
    expect(extractDeadline('trước ngày 20/10 báo cáo kết quả', may2025)).toMatchObject({ due: '2025-10-20T00:00:00+07:00' });
    expect(extractDeadline('trước ngày 20 tháng 10 báo cáo kết quả', may2025)).toMatchObject({ due: '2025-10-20T00:00:00+07:00' });
  });

  it('moves a year-less date that has already passed to the next year', () => {
    expect(extractDeadline('trước ngày 15/01', { documentDate: '2025-12-20' })).toMatchObject({ due: '2026-01-15T00:00:00+07:00' });
  });

  it.each([
    'Kế hoạch số 25/KH-UBND ngày 24/01/2025 của UBND tỉnh',
    'Nghi dinh s6 179/2025/ND-CP ngay\n01/7/2025 cua Chinh pht',
    'theo văn bản ngày 10/9/2025',
    'triển khai trong 6-12 tháng',
  ])('ignores a date that only cites a document or a duration: "%s"', (text) => {
    expect(extractDeadline(text, may2025)).toEqual({ kind: 'unspecified' });
  });
});

describe('deadline: a quarter', () => {
  it.each([['trong Quý II'], ['trong Quy II'], ['trong quy Il'], ['hoàn thành trong quý 2']])(
    '"%s" in a January 2026 notice is the end of Q2 2026',
    (text) => {
      expect(extractDeadline(text, jan2026)).toMatchObject({ kind: 'date', due: '2026-06-30T23:59:59+07:00' });
    },
  );

  it('uses an explicit year', () => {
    expect(extractDeadline('hoàn thành trong quý I năm 2026', nov2025)).toEqual({
      kind: 'date',
      due: '2026-03-31T23:59:59+07:00',
      source: 'hoàn thành trong quý I năm 2026',
    });
    expect(extractDeadline('hoan thanh trong quy IV/2025', may2025)).toMatchObject({ due: '2025-12-31T23:59:59+07:00' });
  });

  it("reads a quarter that ended before the notice as next year's", () => {
    expect(extractDeadline('trong Quý I', { documentDate: '2025-12-20' })).toMatchObject({ due: '2026-03-31T23:59:59+07:00' });
  });

  it('does not read "qua 2 năm" or "quy định" as a quarter', () => {
    expect(extractDeadline('sau khi qua 2 năm thực hiện theo quy định', may2025)).toEqual({ kind: 'unspecified' });
  });
});

describe('deadline: the end of a year or period', () => {
  it.each([
    ['phấn đấu từ nay đến hết năm 2025 phải tạo ra các sản phẩm', 'từ nay đến hết năm 2025'],
    ['phan dau tu nay den het nam 2025', 'tu nay den het nam 2025'],
    ['chỉ tiêu phủ sóng 5G năm 2025 đạt 62%', 'năm 2025 đạt 62%'],
    ['va chi tiéu phu séng 5G ndm 2025\ndat 62%.', 'ndm 2025 dat 62%'],
    ['hoàn thành trong năm 2025', 'hoàn thành trong năm 2025'],
  ])('"%s" is due at the end of 2025', (text, source) => {
    expect(extractDeadline(text, may2025)).toEqual({ kind: 'date', due: '2025-12-31T23:59:59+07:00', source });
  });

  it('ends a period "giai đoạn 2025 - 2030" with its last year', () => {
    expect(extractDeadline('Phấn đấu giai đoạn 2025 - 2030, toàn tỉnh có tối thiểu 10 doanh nghiệp', may2025)).toEqual({
      kind: 'date',
      due: '2030-12-31T23:59:59+07:00',
      source: 'giai đoạn 2025 - 2030',
    });
  });

  it('ends a month and a half-year on their last day', () => {
    expect(extractDeadline('trong tháng 6/2025', may2025)).toMatchObject({ due: '2025-06-30T23:59:59+07:00' });
    expect(extractDeadline('hoàn thành trong 6 tháng đầu năm 2025', may2025)).toMatchObject({ due: '2025-06-30T23:59:59+07:00' });
  });
});

describe('deadline: Tết, through the lunar calendar', () => {
  it.each([
    'trước Tết Nguyên Đán Bính Ngọ năm 2026',
    'truoc Tet Nguyen Dan Binh Ngo nam 2026',
    'trước Tết Nguyên Đán Bính Ngọ',
    'trước Tết',
  ])('"%s" in a November 2025 notice is due when 17 February 2026 begins', (text) => {
    expect(extractDeadline(text, nov2025)).toMatchObject({ kind: 'date', due: '2026-02-17T00:00:00+07:00' });
  });

  it('keeps the whole phrase as the source', () => {
    expect(extractDeadline('hoàn thành trước Tết Nguyên Đán Bính Ngọ năm 2026.', nov2025)).toMatchObject({
      source: 'trước Tết Nguyên Đán Bính Ngọ năm 2026',
    });
  });

  it('finds the year from the stem and branch alone (Ất Tỵ is Tết 2025, 29 January)', () => {
    expect(extractDeadline('trước Tết Ất Tỵ', { documentDate: '2024-12-01' })).toMatchObject({ due: '2025-01-29T00:00:00+07:00' });
  });
});

describe('deadline: recurring reports', () => {
  it.each([
    ['Định kỳ ngày 20 hàng tháng báo cáo tình hình triển khai', 'Định kỳ ngày 20 hàng tháng'],
    ['dinh ky ngay 20 hang thang bao cao', 'dinh ky ngay 20 hang thang'],
    ['báo cáo trước ngày 20 hằng tháng', 'trước ngày 20 hằng tháng'],
  ])('"%s" is monthly on the 20th', (text, source) => {
    expect(extractDeadline(text, may2025)).toEqual({ kind: 'recurring', rule: 'FREQ=MONTHLY;BYMONTHDAY=20', source });
  });

  it.each(['báo cáo theo tháng, quý, 6 tháng, 1 năm', 'bao cao theo thang, quy, 6 thang, 1 nam'])(
    'tracks several report periods "%s" by the most frequent one, monthly',
    (text) => {
      expect(extractDeadline(text, may2025)).toEqual({ kind: 'recurring', rule: 'FREQ=MONTHLY', source: text });
    },
  );

  it('reads quarterly and weekly reports', () => {
    expect(extractDeadline('báo cáo hàng quý', may2025)).toMatchObject({ rule: 'FREQ=MONTHLY;INTERVAL=3' });
    expect(extractDeadline('thứ Sáu hàng tuần báo cáo', may2025)).toMatchObject({ rule: 'FREQ=WEEKLY;BYDAY=FR' });
  });

  it('does not read a plan "hàng năm" as a reporting duty', () => {
    expect(extractDeadline('xây dựng kế hoạch hàng năm', may2025)).toEqual({ kind: 'unspecified' });
  });

  it('prefers the monthly report over a bare "trong năm 2025" that only scopes the work', () => {
    const text = 'triển khai hiệu quả đối với 71 mô hình trên địa bàn tỉnh trong năm 2025. Định kỳ ngày 20 hàng tháng báo cáo';
    expect(extractDeadline(text, may2025)).toMatchObject({ kind: 'recurring', rule: 'FREQ=MONTHLY;BYMONTHDAY=20' });
  });

  it('prefers a fixed completion date over the periodic report', () => {
    expect(extractDeadline('hoàn thành trong Quý III; định kỳ hàng tháng báo cáo tiến độ', may2025)).toMatchObject({
      kind: 'date',
      due: '2025-09-30T23:59:59+07:00',
    });
  });
});

describe('deadline: ongoing and none', () => {
  it.each([
    ['đây là nhiệm vụ thường xuyên', 'nhiệm vụ thường xuyên'],
    ['thuong xuyén ra soat, don ddc', 'thuong xuyén'],
  ])('"%s" is an ongoing duty', (text, source) => {
    expect(extractDeadline(text, may2025)).toEqual({ kind: 'ongoing', source });
  });

  it.each([
    'chủ trì thực hiện ngay việc thuê hạ tầng Data Center',
    'cha tri thuc\nhién ngay viéc thué ha ting Data Center',
    'Sở Tài chính chủ trì, phối hợp Sở Khoa học và Công nghệ nghiên cứu',
  ])('"%s" sets no date: unspecified', (text) => {
    expect(extractDeadline(text, may2025)).toEqual({ kind: 'unspecified' });
  });

  it.each([
    [
      'sẵn sàng hoạt động ngay khi quyết định tổ chức lại đơn vị hành chính có hiệu lực',
      'khi quyết định tổ chức lại đơn vị hành chính có hiệu lực',
    ],
    ['thực hiện khi Luật Bảo vệ dữ liệu cá nhân có hiệu lực.', 'khi Luật Bảo vệ dữ liệu cá nhân có hiệu lực'],
    ['triển khai ngay khi hợp đồng thuê dịch vụ được ký kết', 'khi hợp đồng thuê dịch vụ được ký kết'],
  ])('"%s" is due on an event: trigger', (text, source) => {
    expect(extractDeadline(text, may2025)).toEqual({ kind: 'trigger', source });
  });

  it('reads a standing rule from a day as ongoing, and a yearly day as a cadence', () => {
    expect(extractDeadline('không tiếp nhận văn bản giấy kể từ ngày 01/8/2025', may2025).kind).toBe('ongoing');
    expect(extractDeadline('hằng năm, trước ngày 15/7, tổng hợp nhu cầu kinh phí', may2025)).toMatchObject({
      kind: 'recurring',
      rule: 'FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=15',
    });
  });

  it('reads a bare year or month in a table cell, but not in running text', () => {
    expect(extractDeadline('Năm 2026', may2025, { cell: true })).toMatchObject({ kind: 'date', due: '2026-12-31T23:59:59+07:00' });
    expect(extractDeadline('Tháng 9/2026', may2025, { cell: true })).toMatchObject({ kind: 'date', due: '2026-09-30T23:59:59+07:00' });
    expect(extractDeadline('kinh phí năm 2026', may2025)).toEqual({ kind: 'unspecified' });
  });

  it('cannot place a year-less deadline without a document date', () => {
    expect(extractDeadline('trong Quý II', { documentDate: null })).toEqual({ kind: 'unspecified' });
  });
});
