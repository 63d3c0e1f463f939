import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/client';
import { migrationProvider } from '../../db/migrations';
import { reportByDirective } from '../../db/repositories/reports';
import { useScratchDatabase } from '../helpers/servers';

/* Migration 0021 on a database of its own: tasks recorded before it are counted under their directive's identity after it. */

describe('migration 0021: the per-directive report counts a directive by its number, issue year and issuer', () => {
  const scratch = useScratchDatabase();
  let db: Kysely<any> | undefined;

  const counts = async (dimension: string) =>
    (
      await sql<{ key: string; n: number }>`
        select key, sum(n)::int as n from task_report_counts where dimension = ${dimension} group by key having sum(n) <> 0 order by key`.execute(
        db!,
      )
    ).rows;

  it('recounts the kept counts of "80/TB-UBND" of 2025 and of 2026 as two directives, and keeps counting them apart', async () => {
    db = await scratch.migratedTo('0020_app_role_and_audit_checkpoints');

    const task = (id: string, year: number, due: string) => ({
      id,
      workflow_id: `task-${id}`,
      directive_number: '80/TB-UBND',
      directive_year: year,
      directive_issuer_key: 'ubnd-tinh',
      ref: id.slice(-1),
      title: 'Nhiệm vụ',
      lead_unit: 'SKHCN',
      status: 'assigned',
      due_at: due,
      launched_at: `${year}-02-01T02:00:00Z`,
    });
    await db
      .insertInto('tasks')
      .values([
        task('2025-80-tb-ubnd.1', 2025, '2025-03-01T00:00:00Z'),
        task('2026-80-tb-ubnd.1', 2026, '2026-12-01T00:00:00Z'),
        task('2026-80-tb-ubnd.2', 2026, '2026-12-02T00:00:00Z'),
      ])
      .execute();
    // Before: one count for the number.
    expect(await counts('directive_number')).toEqual([{ key: '80/TB-UBND', n: 3 }]);

    await migrateToLatest(db);

    expect(await counts('directive_number')).toEqual([]);
    expect(await counts('directive')).toEqual([
      { key: '2025|ubnd-tinh|80/TB-UBND', n: 1 },
      { key: '2026|ubnd-tinh|80/TB-UBND', n: 2 },
    ]);
    // A task written after it is counted under its directive by the trigger.
    await db
      .insertInto('tasks')
      .values(task('2026-80-tb-ubnd.3', 2026, '2026-12-03T00:00:00Z'))
      .execute();
    expect(await counts('directive')).toEqual([
      { key: '2025|ubnd-tinh|80/TB-UBND', n: 1 },
      { key: '2026|ubnd-tinh|80/TB-UBND', n: 3 },
    ]);
    const asOf = new Date('2026-06-01T00:00:00+07:00');
    const rows = (await reportByDirective(db, { asOf })).rows.map((r) => [r.directiveYear, r.total, r.inProgressOverdue]);
    expect(rows).toEqual([
      [2025, 1, 1],
      [2026, 3, 0],
    ]);

    // Down and up again: the number's counts come back, then the identity's.
    const down = await new Migrator({ db, provider: migrationProvider }).migrateTo('0020_app_role_and_audit_checkpoints');
    expect(down.error).toBeUndefined();
    expect(await counts('directive_number')).toEqual([{ key: '80/TB-UBND', n: 4 }]);
    await migrateToLatest(db);
    expect((await reportByDirective(db, { asOf })).rows.map((r) => [r.directiveYear, r.total])).toEqual([
      [2025, 1],
      [2026, 3],
    ]);
  });
});
