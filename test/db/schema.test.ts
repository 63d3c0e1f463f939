import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { migrations } from '../../db/migrations';
import { dumpSchema, normalizedSchema } from '../helpers/schema-dump';
import { useScratchDatabase } from '../helpers/servers';

/*
 * What the migrations make, against the committed db/schema.sql.snap: an edit of a landed migration that
 * changes its effect, or a new migration without the snapshot written anew (`npm run schema:snapshot`),
 * fails here with the difference. The snapshot is what PostgreSQL 15's pg_dump writes (Debian's, as on
 * our machines and in CI); another major version may word it otherwise.
 */

describe('the schema the migrations make', () => {
  const scratch = useScratchDatabase();

  it('is db/schema.sql.snap, for a database migrated from empty to the latest migration', async () => {
    const db = await scratch.migratedTo(Object.keys(migrations).at(-1)!);
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${rows[0].name}`;

    await expect(normalizedSchema(await dumpSchema(url.toString()))).toMatchFileSnapshot('../../db/schema.sql.snap');
  });
});
