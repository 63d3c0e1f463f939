import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/client';
import { useScratchDatabase } from '../helpers/servers';

/* Migration 0013 on a database of its own: rows written before it take the identity they had. */

describe('migration 0013: a directive is its number, issuer and issue year', () => {
  const scratch = useScratchDatabase();

  it('gives existing directives and tasks their year and issuer, keeps their ids, and lets the same number come back next year', async () => {
    const db = await scratch.migratedTo('0012_units_active');

    // As the system wrote them before: a registered directive (its task), and a task of a number never registered.
    await db
      .insertInto('directives')
      .values([
        {
          id: '80-tb-ubnd',
          number: '80/TB-UBND',
          issued_on: '2025-03-10',
          issuer: 'Ủy ban nhân dân tỉnh Thái Nguyên',
          created_by: 'thu.ky',
        },
        { id: '12-tb-bcd', number: '12-TB/BCĐ', issued_on: null, issuer: null, created_at: '2025-12-31T18:00:00Z' },
      ])
      .execute();
    const task = (id: string, directive_number: string, launched_at: string) => ({
      id,
      workflow_id: `task-${id}`,
      directive_number,
      ref: '3',
      title: 'Nhiệm vụ',
      lead_unit: 'SKHCN',
      status: 'assigned',
      launched_at,
    });
    await db
      .insertInto('tasks')
      .values([task('80-tb-ubnd.3', '80/TB-UBND', '2025-04-01T02:00:00Z'), task('07-tb.3', '07/TB', '2024-12-31T18:00:00Z')])
      .execute();

    await migrateToLatest(db);

    const directives = await db.selectFrom('directives').select(['id', 'issue_year', 'issuer_key']).orderBy('id').execute();
    expect(directives).toEqual([
      // Registered without an issue date, at 01:00 on 01/01/2026 in +07:00.
      { id: '12-tb-bcd', issue_year: 2026, issuer_key: '' },
      { id: '80-tb-ubnd', issue_year: 2025, issuer_key: 'uy-ban-nhan-dan-tinh-thai-nguyen' },
    ]);
    const tasks = await db
      .selectFrom('tasks')
      .select(['id', 'workflow_id', 'directive_year', 'directive_issuer_key'])
      .orderBy('id')
      .execute();
    expect(tasks).toEqual([
      // Never registered: the year it was launched in, +07:00.
      { id: '07-tb.3', workflow_id: 'task-07-tb.3', directive_year: 2025, directive_issuer_key: '' },
      {
        id: '80-tb-ubnd.3',
        workflow_id: 'task-80-tb-ubnd.3',
        directive_year: 2025,
        directive_issuer_key: 'uy-ban-nhan-dan-tinh-thai-nguyen',
      },
    ]);
    const history = await db.selectFrom('directive_events').select(['directive_id', 'kind', 'actor']).execute();
    expect(history).toEqual([{ directive_id: '80-tb-ubnd', kind: 'registered', actor: { userId: 'thu.ky' } }]);

    // The notice of the next year with the same number, and its item 3, are new.
    await db
      .insertInto('directives')
      .values({ id: '2026-80-tb-ubnd.x', number: '80/TB-UBND', issue_year: 2026, issuer_key: 'uy-ban-nhan-dan-tinh-thai-nguyen' })
      .execute();
    await db
      .insertInto('tasks')
      .values({
        ...task('2026-80-tb-ubnd.3.x', '80/TB-UBND', '2026-04-01T02:00:00Z'),
        directive_year: 2026,
        directive_issuer_key: 'uy-ban-nhan-dan-tinh-thai-nguyen',
      })
      .execute();
    // The same identity twice is still refused by the database.
    await expect(
      db
        .insertInto('tasks')
        .values({
          ...task('again', '80/TB-UBND', '2026-04-01T02:00:00Z'),
          directive_year: 2026,
          directive_issuer_key: 'uy-ban-nhan-dan-tinh-thai-nguyen',
        })
        .execute(),
    ).rejects.toThrow(/tasks_directive_identity_ref_unique/);
  });
});
