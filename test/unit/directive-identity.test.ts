import { describe, expect, it } from 'vitest';
import { directiveIdFor, issueYearOf } from '../../domain/directive';
import { earlierTaskIdsFor, issuerKey, legacyTaskIdFor, taskIdFor } from '../../domain/task';

const notice = (directiveYear: number, directiveIssuer: string | null = null, directiveNumber = '80/TB-UBND') => ({
  directiveNumber,
  directiveYear,
  directiveIssuer,
});

describe('a directive is its number, its issuer and its issue year', () => {
  it('gives "80/TB-UBND" of 2025 and of 2026 different task ids, the year readable in front', () => {
    const of2025 = taskIdFor(notice(2025), '3');
    const of2026 = taskIdFor(notice(2026), '3');
    expect(of2025).not.toBe(of2026);
    expect(of2025).toMatch(/^2025-80-tb-ubnd\.3\.[0-9a-f]{12}$/);
    expect(of2026).toMatch(/^2026-80-tb-ubnd\.3\.[0-9a-f]{12}$/);
    // A number and ref that are their own slugs, without an issuer, need no hash.
    expect(taskIdFor(notice(2026, null, '80-tb-ubnd'), '3')).toBe('2026-80-tb-ubnd.3');
  });

  it('keeps items apart whose slugs meet, and issuers apart that share a number and a year', () => {
    const ids = [
      taskIdFor(notice(2025, null, '01-TB/CQTT'), '2.3 (1)'),
      taskIdFor(notice(2025, null, '01-TB/CQTT'), '2.3.1'),
      taskIdFor(notice(2025, 'Ủy ban nhân dân xã Phú Bình'), '1'),
      taskIdFor(notice(2025, 'Ủy ban nhân dân tỉnh Thái Nguyên'), '1'),
      taskIdFor(notice(2025), '1'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('takes an issuer typed another way (case, tone-mark placement, spacing) for the same issuer', () => {
    expect(issuerKey('Uỷ ban nhân dân  tỉnh Thái Nguyên')).toBe(issuerKey('ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN'));
    expect(taskIdFor(notice(2026, 'Uỷ ban nhân dân tỉnh Thái Nguyên'), '1')).toBe(
      taskIdFor(notice(2026, 'Ủy ban nhân dân tỉnh Thái Nguyên'), '1'),
    );
    expect(issuerKey(null)).toBe('');
  });

  it('gives directives ids by the same rule, never one another', () => {
    expect(directiveIdFor(notice(2026, null, '80-tb-ubnd'))).toBe('2026-80-tb-ubnd');
    const ids = [notice(2025), notice(2026), notice(2026, 'Ủy ban nhân dân tỉnh Thái Nguyên')].map(directiveIdFor);
    expect(new Set(ids).size).toBe(3);
    expect(ids[1]).toMatch(/^2026-80-tb-ubnd\.[0-9a-f]{12}$/);
  });

  it('reads the year from the issue date, else from the day of registration in +07:00', () => {
    expect(issueYearOf('2025-11-04')).toBe(2025);
    expect(issueYearOf(undefined, new Date('2025-12-31T17:30:00Z'))).toBe(2026);
    expect(issueYearOf(null, new Date('2025-12-31T16:59:00Z'))).toBe(2025);
  });

  it('still knows the ids of the earlier schemes, which tasks launched then keep', () => {
    expect(earlierTaskIdsFor('80-tb-ubnd', '3')).toEqual(['80-tb-ubnd.3']);
    const [hashed, legacy] = earlierTaskIdsFor('01-TB/CQTT', '2.3 (1)');
    expect(legacy).toBe(legacyTaskIdFor('01-TB/CQTT', '2.3 (1)'));
    expect(hashed).toMatch(/^01-tb-cqtt\.2-3-1\.[0-9a-f]{12}$/);
    expect(earlierTaskIdsFor('01-TB/CQTT', '2.3 (1)')).not.toContain(taskIdFor(notice(2025, null, '01-TB/CQTT'), '2.3 (1)'));
  });
});
