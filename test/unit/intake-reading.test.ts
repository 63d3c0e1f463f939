import { describe, expect, it } from 'vitest';
import { parseClause } from '../../domain/intake/clause';
import { extractDocumentInfo } from '../../domain/intake/document';
import { extractDirective } from '../../domain/intake/extract';
import { readFields, readFlatTable, readTable } from '../../domain/intake/fields';
import { isFindingHeading, isPraise } from '../../domain/intake/findings';
import { ACCEPT, closestUnit, resolveCell } from '../../domain/intake/units-cell';
import { unitRegistry } from '../../domain/units';

// The reading rules of test/corpus/README.md, on small made-up texts (never corpus phrases).

const code = (name: string | null) => unitRegistry.find((u) => u.name === name)?.code ?? null;

describe('findings', () => {
  it.each(['KẾT QUẢ ĐẠT ĐƯỢC', 'Tồn tại, hạn chế', 'Mục đích: Nâng cao nhận thức', 'BỐI CẢNH', 'Đánh giá chung'])(
    '"%s" heads a finding',
    (text) => {
      expect(isFindingHeading(text)).toBe(true);
    },
  );
  it.each(['NHIỆM VỤ, GIẢI PHÁP', 'Yêu cầu các sở, ban, ngành rà soát quy trình.', 'Bồi dưỡng kỹ năng cho công chức'])(
    '"%s" does not',
    (text) => {
      expect(isFindingHeading(text)).toBe(false);
    },
  );
  it('tells praise from work', () => {
    expect(isPraise('Ủy ban nhân dân tỉnh biểu dương Sở Y tế.')).toBe(true);
    expect(isPraise('Tổ chức bồi dưỡng cho công chức cấp xã.')).toBe(false);
  });
  it('returns assessment sections as findings, not items', () => {
    const result = extractDirective(
      'Số: 9/TB-UBND\nThái Nguyên, ngày 02 tháng 3 năm 2026\n\n1. Kết quả\n- Đã hoàn thành 10 nhiệm vụ.\n- Còn 2 nhiệm vụ chậm.\n\n2. Giao Sở Y tế rà soát hồ sơ; hoàn thành trong Quý II.',
    );
    expect(result.items.map((i) => i.ref)).toEqual(['2']);
    expect(result.findings?.map((f) => f.ref)).toEqual(['1.(-1)', '1.(-2)']);
    expect(result.items[0].deadline).toMatchObject({ kind: 'date', due: '2026-06-30T23:59:59+07:00' });
  });
});

describe('assignee clause', () => {
  it('reads co-leads, partners, and where the work starts', () => {
    const text = 'Sở Y tế và Sở Nội vụ đồng chủ trì, phối hợp với Sở Tài chính xây dựng đề án.';
    const c = parseClause(text);
    expect([c.lead?.code, c.coLeads.map((u) => u.code), c.coordinating.map((u) => u.code), text.slice(c.workStart)]).toEqual([
      'SYT',
      ['SNV'],
      ['STC'],
      'xây dựng đề án.',
    ]);
  });
  it('gives a party committee\'s "lãnh đạo, chỉ đạo" to the body it directs', () => {
    expect(parseClause('Giao Đảng ủy Ủy ban nhân dân tỉnh lãnh đạo, chỉ đạo Ủy ban nhân dân tỉnh:').lead?.code).toBe('UBND_TINH');
  });
  it('leaves a body the registry lacks without a lead, not to its lead-in', () => {
    const c = parseClause('Giao Cơ quan Thường trực Ban Chỉ đạo tổng hợp kết quả.');
    expect([c.lead, c.unknownLead]).toEqual([null, true]);
  });
  it("lets a sub-item's own partner replace the inherited ones", () => {
    const result = extractDirective(
      '1. Sở Y tế chủ trì, phối hợp với Sở Nội vụ:\na) Rà soát hồ sơ.\nb) Phối hợp với Công an tỉnh cập nhật dữ liệu.',
    );
    expect(result.items.map((i) => [i.ref, code(i.leadUnit), i.coordinatingUnits.map(code)])).toEqual([
      ['1.(a)', 'SYT', ['SNV']],
      ['1.(b)', 'SYT', ['CA_TINH']],
    ]);
    expect(result.items[1].title).toBe('Cập nhật dữ liệu');
  });
});

describe('fields and tables', () => {
  it('reads a trailing parenthesis of fields', () => {
    const read = readFields(
      'Rà soát quy chế (cơ quan chủ trì: Sở Tư pháp; cơ quan phối hợp: Sở Nội vụ; thời gian hoàn thành: Quý III/2026).',
    );
    expect(read?.fields).toEqual({ lead: 'Sở Tư pháp', partners: 'Sở Nội vụ', time: 'Quý III/2026' });
  });
  it('reads a pipe table by its header', () => {
    const table = readTable(
      '| TT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn |\n|---|---|---|---|---|\n| 1 | Lắp camera | Công an tỉnh | Sở Y tế | Năm 2026 |',
    );
    expect(table?.rows).toEqual([
      { number: '1', title: 'Lắp camera', fields: { lead: 'Công an tỉnh', partners: 'Sở Y tế', time: 'Năm 2026' } },
    ]);
  });
  it('reads a table whose cell rules OCR lost', () => {
    const flat = readFlatTable(
      'TT Nhiem vu Co quan chu tri Co quan phoi hop Thoi han\n1 Lap camera tai cong l Cong an tinh So Y te | Nam 2026\n2 | Ra soat ho so I So Noi vu | Quy IV/2026',
    );
    expect(flat?.rows.map((r) => [r.number, r.title, r.fields.lead, r.fields.time?.trim()])).toEqual([
      ['1', 'Lap camera tai cong', 'Cong an tinh', '| Nam 2026'],
      ['2', 'Ra soat ho so', 'So Noi vu', '| Quy IV/2026'],
    ]);
  });
});

describe('fuzzy units', () => {
  it('resolves a damaged name above the threshold and flags one below it', () => {
    expect(closestUnit('Sé TAi chinh', unitRegistry)).toMatchObject({ unit: { code: 'STC' } });
    expect(closestUnit('Sé TAi chinh', unitRegistry).score).toBeGreaterThanOrEqual(ACCEPT);
    const cell = resolveCell('Tỉnh đoàn Thái Nguyên', 'leadUnit', unitRegistry);
    expect(cell.units).toEqual([]);
    expect(cell.review).toHaveLength(1);
    expect(cell.review[0].score).toBeLessThan(ACCEPT);
  });
});

describe('document info', () => {
  it('takes the opening meeting date when the header has none, and the issuer from the header', () => {
    const info = extractDocumentInfo(
      'ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN\nBAN CHỈ ĐẠO VỀ CHUYỂN ĐỔI SỐ\n\nSố: 7/TB-BCĐ\n\nTHÔNG BÁO\n\nNgày 10/12/2025, Ban Chỉ đạo đã họp.',
    );
    expect(info).toEqual({ number: '7/TB-BCĐ', issuer: 'Ban chỉ đạo về chuyển đổi số', date: '2025-12-10' });
  });
  it('gives a blank number field null and leaves year-less deadlines of an undated draft unspecified', () => {
    const result = extractDirective(
      'Số:      /KH-UBND\nThái Nguyên, ngày    tháng    năm 2026\n\n1. Sở Y tế rà soát hồ sơ, hoàn thành trong Quý II.',
    );
    expect(result.document).toMatchObject({ number: null, date: null });
    expect(result.items[0].deadline).toEqual({ kind: 'unspecified' });
  });
});
