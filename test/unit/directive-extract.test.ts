import { describe, expect, it } from 'vitest';
import { directiveFromExtract } from '../../domain/directive';
import { extractDirective } from '../../domain/intake/extract';

const notice = (item: string) =>
  [
    'TỈNH ỦY THÁI NGUYÊN',
    'Số 01-TB/CQTT',
    'Thái Nguyên, ngày 04 tháng 11 năm 2025',
    'THÔNG BÁO KẾT LUẬN',
    '1. Giao Sở Khoa học và Công nghệ chủ trì thuê hạ tầng trung tâm dữ liệu, hoàn thành trước ngày 15/11/2025.',
    `2. ${item}`,
  ].join('\n');

describe('drafts from a notice whose item runs long', () => {
  it('keeps an item of 6,000 and of 21,000 characters as a draft rather than failing', { timeout: 60_000 }, () => {
    for (const length of [6_000, 21_000]) {
      const words = 'Giao Sở Tài chính chủ trì bố trí kinh phí cho hạ tầng số và báo cáo kết quả thực hiện. ';
      const item = words.repeat(Math.ceil(length / words.length)).slice(0, length);
      const text = notice(item);
      const extract = extractDirective(text);
      const directive = directiveFromExtract(extract, text, extract.document.number ?? '01-TB/CQTT');
      const long = directive.items.find((i) => (i.sourceText ?? '').length > 4000 || (i.description ?? '').length > 4000);
      expect(long, `${length}`).toBeDefined();
      expect((long!.expectedResult ?? '').length).toBeLessThanOrEqual(5000);
      expect((long!.title ?? '').length).toBeLessThanOrEqual(2000);
    }
  });
});
