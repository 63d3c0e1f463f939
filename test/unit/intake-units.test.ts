import { describe, expect, it } from 'vitest';
import { extractAssignees, findAddressee } from '../../domain/intake/assignees';
import { findUnitMentions, foldDiacritics, isCollectiveUnit, matchUnit, unitByCode, unitRegistry } from '../../domain/units';

const names = (units: { name: string }[]) => units.map((u) => u.name);

describe('unit registry', () => {
  it('has stable, unique, ASCII upper-case codes and unique names', () => {
    const codes = unitRegistry.map((u) => u.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
    const folded = unitRegistry.map((u) => foldDiacritics(u.name));
    expect(new Set(folded).size).toBe(folded.length);
  });

  it('keeps the codes other parts of the system already use', () => {
    expect(unitByCode('SKHCN')?.name).toBe('Sở Khoa học và Công nghệ');
    expect(unitByCode('SCT')?.name).toBe('Sở Công Thương');
    expect(unitByCode('UBKT_TU')?.name).toBe('Ủy ban Kiểm tra Tỉnh ủy');
    expect(unitByCode('CA_TINH')?.name).toBe('Công an tỉnh');
    expect(unitByCode('UBND_TINH')?.name).toBe('Ủy ban nhân dân tỉnh');
  });

  it('resolves every name and alias to its own unit, whatever its diacritics', () => {
    for (const unit of unitRegistry) {
      for (const name of [unit.name, ...unit.aliases]) {
        expect(matchUnit(name)?.code, name).toBe(unit.code);
        expect(matchUnit(foldDiacritics(name))?.code, foldDiacritics(name)).toBe(unit.code);
      }
    }
  });

  it('tells groups of units from single units', () => {
    expect(isCollectiveUnit(unitByCode('CAC_CQ_DV_DP')!)).toBe(true);
    expect(isCollectiveUnit(unitByCode('SKHCN')!)).toBe(false);
  });
});

describe('foldDiacritics', () => {
  it('lowercases, strips Vietnamese marks, turns đ into d and collapses whitespace', () => {
    expect(foldDiacritics('  Sở Khoa học   và\nCông nghệ ')).toBe('so khoa hoc va cong nghe');
    expect(foldDiacritics('Đảng ủy Ủy ban nhân dân tỉnh')).toBe('dang uy uy ban nhan dan tinh');
    expect(foldDiacritics('ĐỔI MỚI SÁNG TẠO')).toBe('doi moi sang tao');
  });

  it('treats decomposed input like composed input', () => {
    expect(foldDiacritics('Sở Tài chính'.normalize('NFD'))).toBe('so tai chinh');
  });
});

describe('matchUnit', () => {
  it.each([
    ['So Khoa hoc va Cong nghe', 'SKHCN'],
    ['Sở KH&CN', 'SKHCN'],
    ['đồng chí Giám đốc Sở Khoa học và Công nghệ', 'SKHCN'],
    ['Giam d6c S¢ Khoa hoc va Cong nghé', 'SKHCN'],
    ['UBND tỉnh', 'UBND_TINH'],
    ['bang uy Uy ban nhan dan tinh', 'DU_UBND'],
    ['Giam dbc Cong an tinh', 'CA_TINH'],
    ['Uy ban kiém tra Tinh ty', 'UBKT_TU'],
    ['Van phong Tinh uy', 'VP_TU'],
    ['các sở, ban, ngành, địa phương', 'CAC_CQ_DV_DP'],
    ['cac co quan, don vi trén toan tinh', 'CAC_CQ_DV_DP'],
    ['các sở, ngành liên quan', 'CAC_CQ_DV_LQ'],
    ['Sở Thông tin và Truyền thông', 'SKHCN'],
  ])('"%s" is %s', (text, code) => {
    expect(matchUnit(text)?.code).toBe(code);
  });

  it('matches nothing in text that names no unit', () => {
    expect(matchUnit('phát triển khoa học, công nghệ, đổi mới sáng tạo')).toBeNull();
    expect(matchUnit('tỉnh đã triển khai')).toBeNull();
  });

  it('prefers the longest name where names overlap', () => {
    const mentions = findUnitMentions('Giao Đảng ủy UBND tỉnh chỉ đạo UBND tỉnh chỉ đạo các cơ quan, đơn vị liên quan');
    expect(mentions.map((m) => m.unit.code)).toEqual(['DU_UBND', 'UBND_TINH', 'CAC_CQ_DV_LQ']);
  });
});

describe('lead and coordinating units', () => {
  it('"Giao Sở X chủ trì, phối hợp với ..."', () => {
    const a = extractAssignees('Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với các đơn vị có liên quan tham mưu phân công nhiệm vụ');
    expect(a.lead?.name).toBe('Sở Khoa học và Công nghệ');
    expect(names(a.coordinating)).toEqual(['Các cơ quan, đơn vị liên quan']);
  });

  it('"Đồng chí Giám đốc Sở X chủ trì, chỉ đạo, phối hợp ..."', () => {
    const a = extractAssignees('Đồng chí Giám đốc Sở Công Thương chủ trì, chỉ đạo, phối hợp với Sở Tài chính, Sở Xây dựng triển khai');
    expect(a.lead?.name).toBe('Sở Công Thương');
    expect(names(a.coordinating)).toEqual(['Sở Tài chính', 'Sở Xây dựng']);
  });

  it('"Giao Đảng ủy UBND tỉnh chỉ đạo UBND tỉnh chỉ đạo ...": UBND tỉnh leads, the others coordinate', () => {
    const a = extractAssignees('Giao Đảng ủy UBND tỉnh chỉ đạo UBND tỉnh chỉ đạo các cơ quan, đơn vị liên quan:');
    expect(a.lead?.name).toBe('Ủy ban nhân dân tỉnh');
    expect(names(a.coordinating)).toEqual(['Đảng ủy Ủy ban nhân dân tỉnh', 'Các cơ quan, đơn vị liên quan']);
  });

  it('reads the same through OCR damage', () => {
    const a = extractAssignees('Giao bang uy Uy ban nhan dan tinh chi dao Uy ban nhan dan tinh\nchi dao cac co quan, don vi lién quan:');
    expect(a.lead?.code).toBe('UBND_TINH');
    expect(a.coordinating.map((u) => u.code)).toEqual(['DU_UBND', 'CAC_CQ_DV_LQ']);
  });

  it('"Giao Đảng ủy UBND tỉnh chỉ đạo ..." without a second unit leaves the Party committee as lead', () => {
    expect(extractAssignees('Giao Đảng ủy UBND tỉnh chỉ đạo triển khai').lead?.code).toBe('DU_UBND');
  });

  it('the addressed group "các sở, ban, ngành, địa phương" leads a heading', () => {
    expect(extractAssignees('Các sở, ban, ngành, cơ quan, đơn vị, địa phương:').lead?.code).toBe('CAC_CQ_DV_DP');
  });

  it('units before "phối hợp" coordinate; a recipient or a place does not', () => {
    const a = extractAssignees(
      'Giao Sở Công Thương chủ trì, phối hợp với các sở, ngành liên quan xây dựng chương trình. Sở Khoa học và Công nghệ, Sở Tài chính phối hợp rà soát, tham mưu UBND tỉnh.',
    );
    expect(a.lead?.code).toBe('SCT');
    expect(a.coordinating.map((u) => u.code)).toEqual(['CAC_CQ_DV_LQ', 'SKHCN', 'STC']);
  });

  it('ignores a unit only cited as the recipient of a report', () => {
    const a = extractAssignees(
      'Định kỳ ngày 20 hàng tháng báo cáo gửi cơ quan thường trực Ban Chỉ đạo (Sở Khoa học và Công nghệ) để tổng hợp',
    );
    expect(a).toEqual({ lead: null, coordinating: [] });
  });

  it('takes "Sở X - Thành viên Ban Chỉ đạo" as one person, not two units', () => {
    const a = extractAssignees('Giao dong chi Giam d6c S¢ Khoa hoc va Cong nghé - Thanh vién\nBan Chi dao:');
    expect(a.lead?.code).toBe('SKHCN');
    expect(a.coordinating).toEqual([]);
  });

  it('"Giao A, B:" addresses both; the first leads', () => {
    const a = extractAssignees('Giao cac déng chi thanh vién Ban Chi dao, thu truéng cac co quan,\ndon vi, dia phuong:');
    expect(a.lead?.code).toBe('TV_BCD');
    expect(a.coordinating.map((u) => u.code)).toEqual(['CAC_CQ_DV_DP']);
  });

  it('a unit opening another clause coordinates', () => {
    const a = extractAssignees(
      'Van phong Tinh uy - Co quan Thuong truc Ban Chi dao thuong xuyén ra soat; Uy\nban kiém tra Tinh ty theo chtc ning, nhiém vu ting cudng kiém tra',
    );
    expect(a.lead?.code).toBe('VP_TU');
    expect(a.coordinating.map((u) => u.code)).toEqual(['UBKT_TU']);
  });

  it('does not read "phù hợp" as "phối hợp"', () => {
    expect(extractAssignees('Sở Y tế chủ trì, triển khai phù hợp các sở, ngành liên quan').coordinating).toEqual([]);
  });

  it('finds the addressee a preamble gives the whole list', () => {
    const preamble =
      'Đánh giá cao các sở, ban, ngành.\n\nTrong thời gian tới, các cơ quan, đơn vị, địa phương cần tiếp tục phát huy. Trong đó, tập trung thực hiện một số nội dung trọng tâm sau:';
    expect(findAddressee(preamble)?.code).toBe('CAC_CQ_DV_DP');
    expect(findAddressee('Ban Chỉ đạo cơ bản thống nhất và kết luận như sau:')).toBeNull();
  });
});

describe('the unit registry after the two-level local government (01/07/2025)', () => {
  it('has no district level, and reads a document that still names the districts as addressed to the communes and wards', () => {
    expect(unitRegistry.some((unit) => /huyện/i.test(unit.name))).toBe(false);
    expect(unitRegistry.map((unit) => unit.code)).not.toContain('UBND_HUYEN');
    expect(matchUnit('UBND các huyện, thành phố')?.code).toBe('UBND_XA');
  });
});
