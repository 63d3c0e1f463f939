import { describe, expect, it } from 'vitest';
import { extractDirective } from '../../domain/intake/extract';
import { cleanText } from '../../domain/intake/normalize';
import { extractResultSchema, type Source } from '../../domain/intake/schema';

const notice = [
  'BAN CHỈ ĐẠO VỀ CHUYỂN ĐỔI SỐ',
  'Số: 12-TB/BCĐ',
  'Thái Nguyên, ngày 15 tháng 01 năm 2026',
  'THÔNG BÁO',
  'Kết luận của Ban Chỉ đạo:',
  '1. Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính thuê hạ tầng Trung tâm dữ liệu, hoàn thành trước ngày 15/12/2026.',
  '2. Giao Cong an tinh, trong quý II năm 2026:',
  '- Xây dựng trung tâm giám sát an ninh mạng;',
  '- Diễn tập ứng cứu sự cố.',
].join('\n');

describe('provenance of the reading (issue 15, item 1)', () => {
  const result = extractDirective(notice);
  const text = cleanText(notice);
  const at = (s: Source | null | undefined) => (s && s.start !== null && s.end !== null ? text.slice(s.start, s.end) : null);

  it('says where the header fields were read and how sure each reading is', () => {
    expect(extractResultSchema.parse(result)).toEqual(result);
    const { number, date, issuer } = result.document.sources!;
    expect(number).toMatchObject({ text: 'Số: 12-TB/BCĐ', confidence: 1 });
    expect(at(number)).toBe('Số: 12-TB/BCĐ');
    expect(date).toMatchObject({ text: 'ngày 15 tháng 01 năm 2026', confidence: 1 });
    expect(at(date)).toBe(date!.text);
    expect(issuer).toMatchObject({ text: 'BAN CHỈ ĐẠO VỀ CHUYỂN ĐỔI SỐ', start: 0 });
    expect(issuer!.confidence).toBeLessThan(1);
  });

  it('gives each item the phrase of its lead and deadline: exact 1, diacritics lost less, inherited less again', () => {
    const [first, ...subs] = result.items;
    expect(first.sources!.leadUnit).toMatchObject({ text: 'Sở Khoa học và Công nghệ', confidence: 1 });
    expect(at(first.sources!.leadUnit)).toBe('Sở Khoa học và Công nghệ');
    expect(first.sources!.deadline).toMatchObject({ text: 'trước ngày 15/12/2026', confidence: 1 });
    expect(at(first.sources!.deadline)).toBe(first.sources!.deadline!.text);
    expect(subs.map((s) => s.ref)).toEqual(['2.(-1)', '2.(-2)']);
    for (const sub of subs) {
      expect(sub.leadUnit).toBe('Công an tỉnh');
      // Named without diacritics in the lead-in (0.95), inherited (x 0.8).
      expect(sub.sources!.leadUnit).toMatchObject({ text: 'Cong an tinh', confidence: 0.76, inheritedFrom: '2' });
      expect(at(sub.sources!.leadUnit)).toBe('Cong an tinh');
      expect(sub.sources!.deadline).toMatchObject({ inheritedFrom: '2' });
      expect(sub.sources!.deadline!.confidence).toBeLessThan(0.9);
    }
  });

  it('has no source for a field the text does not give', () => {
    const bare = extractDirective('THÔNG BÁO\n1. Giao Sở Tài chính bố trí kinh phí.');
    expect(bare.document.sources).toEqual({ number: null, issuer: null, date: null });
    expect(bare.items[0].sources!.deadline).toBeNull();
  });
});
