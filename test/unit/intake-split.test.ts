import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractDocumentInfo } from '../../domain/intake/document';
import { parseClause } from '../../domain/intake/clause';
import { extractDirective, titleOf } from '../../domain/intake/extract';
import { missingClear } from '../../domain/intake/missing';
import { cleanText } from '../../domain/intake/normalize';
import { extractResultSchema } from '../../domain/intake/schema';
import { splitItems, type ItemNode } from '../../domain/intake/split';
import { extractTargets } from '../../domain/intake/targets';
import { unitByCode } from '../../domain/units';

const refs = (items: ItemNode[]): string[] => items.flatMap((n) => [n.ref, ...refs(n.children)]);
const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');
const leaves = (items: ItemNode[]): ItemNode[] => items.flatMap((n) => (n.children.length ? leaves(n.children) : [n]));

describe('splitting a directive into items', () => {
  it('nests decimal numbers and keeps references as written', () => {
    const doc = splitItems('Kết luận như sau:\n1. Ghi nhận.\n2. Về nhiệm vụ\n2.1. Yêu cầu A.\n2.2. Giao B.\n3. Giao C.');
    expect(doc.preamble).toBe('Kết luận như sau:');
    expect(refs(doc.items)).toEqual(['1', '2', '2.1', '2.2', '3']);
  });

  it('splits inline "(1) ... (2) ..." into sub-items cited as "2.2.(1)"', () => {
    const doc = splitItems(
      '1. Mở đầu.\n2. Về nhiệm vụ\n2.1. Yêu cầu A.\n2.2. Giao Sở X: (1) Tham mưu ban hành chiến lược. Hoàn thành trước ngày 15/11/2025. (2) Tiếp tục rà soát hạ tầng.',
    );
    const item = doc.items[1].children[1];
    expect(item.text).toBe('Giao Sở X:');
    expect(item.children.map((c) => [c.ref, c.text])).toEqual([
      ['2.2.(1)', 'Tham mưu ban hành chiến lược. Hoàn thành trước ngày 15/11/2025.'],
      ['2.2.(2)', 'Tiếp tục rà soát hạ tầng.'],
    ]);
  });

  it('leaves an enumeration inside a sentence alone', () => {
    const doc = splitItems('1. Giao Sở X rà soát (trong đó xác định: (1) phát triển khoa học; (2) đổi mới sáng tạo; (3) chuyển đổi số).');
    expect(doc.items[0].children).toEqual([]);
  });

  it('numbers "-" bullets under their item: "4.(-1)", "4.(-2)"', () => {
    const doc = splitItems('1. A.\n2. B.\n3. C.\n4. Các sở, ban, ngành:\n\n- Chủ động đánh giá.\n\n- Rà soát phương án.\n\n5. Giao D.');
    expect(refs(doc.items)).toEqual(['1', '2', '3', '4', '4.(-1)', '4.(-2)', '5']);
  });

  it('reads "a)", "(i)" and Roman sections', () => {
    const doc = splitItems(
      'I. NHIỆM VỤ\n1. Giao Sở X:\na) Xây dựng kế hoạch;\nb) Tổ chức thực hiện:\n(i) Bước một;\n(ii) Bước hai.\n2. Giao Sở Y.\nII. TỔ CHỨC THỰC HIỆN\n1. Giao Sở Z.',
    );
    expect(refs(doc.items)).toEqual(['I', 'I.1', 'I.1.(a)', 'I.1.(b)', 'I.1.(b).(i)', 'I.1.(b).(ii)', 'I.2', 'II', 'II.1']);
  });

  it('keeps a wrapped line that starts with a number out of sequence as text', () => {
    const doc = splitItems('1. Giao Sở X triển khai\n10. mô hình trong năm.\n2. Giao Sở Y.');
    expect(refs(doc.items)).toEqual(['1', '2']);
    expect(doc.items[0].text).toContain('10. mô hình');
  });

  it('stops at the closing paragraph and the list of recipients', () => {
    const doc = splitItems('1. Giao Sở X.\n\nTrên đây là nội dung chỉ đạo; yêu cầu các cơ quan thực hiện./.\n\nNơi nhận:\n- Như trên;');
    expect(refs(doc.items)).toEqual(['1']);
    expect(doc.closing).toMatch(/^Trên đây là/);
    const ocr = splitItems(
      '1. Giao Sở X.\n\nCo quan Thuong truc Ban Chi dao thong bao dé cac dong chi\nbiét, thuc hién.\n\nNoi nhan:\n- Luu.',
    );
    expect(leaves(ocr.items).map((n) => n.ref)).toEqual(['1']);
  });

  it('finds every item of both seeds', () => {
    const seed004 = splitItems(cleanText(fixture('004_2316aeaa4ca50f78.txt')));
    expect(refs(seed004.items)).toEqual([
      '1',
      '2',
      '2.1',
      '2.2',
      '2.2.(1)',
      '2.2.(2)',
      '2.2.(3)',
      '2.2.(4)',
      '2.3',
      '2.3.(1)',
      '2.3.(2)',
      '2.3.(3)',
      '2.3.(4)',
      '2.4',
      '2.5',
      '2.5.(1)',
      '2.5.(2)',
      '2.5.(3)',
      '2.6',
    ]);
    const seed002 = splitItems(cleanText(fixture('002_91dd9e19e489807d.txt')));
    expect(refs(seed002.items)).toEqual(['1', '2', '3', '4', '4.(-1)', '4.(-2)', '5', '6']);
  });
});

describe('document number and date', () => {
  it('reads the UTF-8 header', () => {
    expect(extractDocumentInfo('Số: 80 /TB-UBND\n\nThái Nguyên, ngày 14 tháng 5 năm 2025\n\n## THÔNG BÁO')).toMatchObject({
      number: '80/TB-UBND',
      date: '2025-05-14',
    });
  });

  it('reads the OCR header', () => {
    expect(
      extractDocumentInfo(
        'SANG TAO VA CHUYEN DPOI SO Théi Nguyén, ngay 04 thang 11 ndm 2025\nCO QUAN THUONG TRUC\n%\n\nS6 01-TB/CQTT\n\nTHONG BAO',
      ),
    ).toMatchObject({
      number: '01-TB/CQTT',
      date: '2025-11-04',
    });
  });

  it('says null when the header has neither', () => {
    expect(extractDocumentInfo('THÔNG BÁO\nKết luận của Ban Chỉ đạo')).toEqual({ number: null, issuer: null, date: null });
  });
});

describe('measured targets', () => {
  it.each([
    ['chỉ tiêu phủ sóng 5G năm 2025 đạt 62%', { metric: 'phủ sóng 5G', comparator: '>=', value: 62, unit: '%' }],
    ['chi tiéu phu séng 5G ndm 2025\ndat 62%.', { metric: 'phu séng 5G', comparator: '>=', value: 62, unit: '%' }],
    ['xóa 20 vùng lõm sóng', { metric: 'xóa vùng lõm sóng', comparator: '>=', value: 20, unit: 'vùng' }],
    ['xoa 20 vung lom song', { metric: 'xoa vung lom song', comparator: '>=', value: 20, unit: 'vùng' }],
    [
      'toàn tỉnh có tối thiểu 10 doanh nghiệp công nghệ có sản phẩm ứng dụng ở tầm cỡ quốc gia; đặc biệt',
      { metric: 'doanh nghiệp công nghệ có sản phẩm ứng dụng ở tầm cỡ quốc gia', comparator: '>=', value: 10, unit: 'doanh nghiệp' },
    ],
    [
      'Đảm bảo 100% các văn bản được xử lý trên môi trường số.',
      { metric: 'văn bản được xử lý trên môi trường số', comparator: '=', value: 100, unit: '%' },
    ],
    ['tỷ lệ hồ sơ trực tuyến đạt 80,5%', { metric: 'tỷ lệ hồ sơ trực tuyến', comparator: '>=', value: 80.5, unit: '%' }],
    ['không quá 5% hồ sơ trễ hạn', { metric: 'hồ sơ trễ hạn', comparator: '<=', value: 5, unit: '%' }],
    ['xóa 20 vùng lõm sóng, chậm nhất ngày 30/6/2026', { metric: 'xóa vùng lõm sóng', comparator: '>=', value: 20, unit: 'vùng' }],
    ['tối thiểu 1.000 học viên', { metric: 'học viên', comparator: '>=', value: 1000, unit: 'học viên' }],
  ])('"%s"', (text, target) => {
    expect(extractTargets(text)).toEqual([target]);
  });

  it('does not count a scope as a target', () => {
    expect(extractTargets('triển khai hiệu quả đối với 06 công trình, sản phẩm công nghệ số và 20 mô hình')).toEqual([]);
    expect(extractTargets('trong 9 tháng đầu năm 2025, hạ tầng 5G')).toEqual([]);
  });
});

describe('"6 rõ" still missing', () => {
  const document = { number: '80/TB-UBND', date: '2025-05-14' };
  const sct = unitByCode('SCT')!;

  it('nothing for a unit, a date and a stated outcome', () => {
    const deadline = { kind: 'date', due: '2025-06-03T00:00:00+07:00', source: 'trước ngày 03/6/2025' } as const;
    expect(
      missingClear({ lead: sct, text: 'Hoàn thiện dự thảo, tham mưu UBND tỉnh trước ngày 03/6/2025', deadline, targets: [], document }),
    ).toEqual([]);
  });

  it('person and responsibility without a unit; time when unspecified; result when vague', () => {
    expect(
      missingClear({
        lead: null,
        text: 'Tiếp tục quán triệt sâu rộng Nghị quyết',
        deadline: { kind: 'unspecified' },
        targets: [],
        document,
      }),
    ).toEqual(['person', 'time', 'responsibility', 'result']);
  });

  it('responsibility for a group lead; authority without a document number', () => {
    const group = unitByCode('CAC_CQ_DV_DP')!;
    const deadline = { kind: 'ongoing', source: 'thường xuyên' } as const;
    const target = { metric: 'phủ sóng 5G', comparator: '>=', value: 62, unit: '%' } as const;
    expect(
      missingClear({
        lead: group,
        text: 'Thường xuyên nâng vùng phủ sóng',
        deadline,
        targets: [target],
        document: { number: null, date: null },
      }),
    ).toEqual(['responsibility', 'authority']);
  });

  it('task when the item says nothing to do', () => {
    expect(missingClear({ lead: sct, text: 'Sở Công Thương:', deadline: { kind: 'unspecified' }, targets: [], document })).toContain(
      'task',
    );
  });
});

describe('drafts', () => {
  it('skip an item that only acknowledges, and match the schema', () => {
    const result = extractDirective(
      'Số: 01-TB/CQTT\nngày 04 tháng 11 năm 2025\n\n1. Ghi nhận và biểu dương các cơ quan.\n2. Giao Sở Tài chính hoàn thành trước ngày 30/11/2025.',
    );
    expect(result.items.map((i) => i.ref)).toEqual(['2']);
    expect(extractResultSchema.parse(result)).toEqual(result);
  });

  it("pass a heading's units and deadline down to sub-items that name none", () => {
    const result = extractDirective(
      '1. Giao Sở Y tế, hoàn thành trong Quý III năm 2025:\na) Rà soát cơ sở;\nb) Sở Tài chính chủ trì cấp kinh phí.',
    );
    expect(result.items.map((i) => [i.ref, i.leadUnit, i.deadline.kind === 'date' ? i.deadline.due : i.deadline.kind])).toEqual([
      ['1.(a)', 'Sở Y tế', '2025-09-30T23:59:59+07:00'],
      ['1.(b)', 'Sở Tài chính', '2025-09-30T23:59:59+07:00'],
    ]);
  });

  it.each([
    [
      'Về phát triển kinh tế số: Giao Sở Công Thương chủ trì, phối hợp với các sở, ngành liên quan xây dựng chương trình.',
      'Xây dựng chương trình',
    ],
    [
      'Giao đồng chí Giám đốc Công an tỉnh - Thành viên Ban Chỉ đạo chỉ đạo vận hành Trung tâm SOC; định kỳ báo cáo.',
      'Chỉ đạo vận hành Trung tâm SOC',
    ],
    ['Đồng chí Giám đốc Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính triển khai thuê dịch vụ.', 'Triển khai thuê dịch vụ'],
    ['Phối hợp với Công an tỉnh xây dựng Quy chế khai thác dữ liệu.', 'Xây dựng Quy chế khai thác dữ liệu'],
    ['Sở Tài chính hằng năm, trước ngày 15/7, tổng hợp nhu cầu kinh phí.', 'Tổng hợp nhu cầu kinh phí'],
    ['Đề nghị Đại học Thái Nguyên chủ động đề xuất nhiệm vụ.', 'Chủ động đề xuất nhiệm vụ'],
    ['Giao Cơ quan Thường trực Ban Chỉ đạo phối hợp với Ủy ban Kiểm tra Tỉnh ủy kiểm tra việc thực hiện.', 'Kiểm tra việc thực hiện'],
  ])('titles "%s" by its work: "%s"', (text, title) => {
    expect(titleOf(text, parseClause(text).workStart)).toBe(title);
  });
});
