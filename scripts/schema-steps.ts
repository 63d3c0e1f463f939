/**
 * Writes the schema after every migration step into a folder, for checking that an edit of landed
 * migrations keeps what each of them does: run it before the edit and after, then compare.
 *
 *   npx tsx scripts/schema-steps.ts /tmp/schema-before   # on the code before the edit
 *   npx tsx scripts/schema-steps.ts /tmp/schema-after    # on the edited code
 *   diff -r /tmp/schema-before /tmp/schema-after          # nothing: every step's effect kept
 *
 * On a throwaway PostgreSQL of its own: up one migration at a time from an empty database to the
 * latest (`NN-up-<name>.sql`), then down one at a time (`NN-down-<name>.sql`, the schema after that
 * migration's down). A down that fails (0010's, below 0014) is written as `NN-down-<name>.error`, its
 * message; it is then taken again on a fresh database migrated up to it alone (`NN-down-alone-<name>`),
 * and the downs under it go on from there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import { createDb } from '../db/client';
import { migrationProvider, migrations } from '../db/migrations';
import { freePort } from '../infra/processes';
import { makeThrowawayDir, startEmbeddedPostgres } from '../infra/postgres';
import { dumpSchema, normalizedSchema } from '../test/helpers/schema-dump';

async function main(outDir: string | undefined): Promise<void> {
  if (!outDir) throw new Error('usage: npx tsx scripts/schema-steps.ts OUTPUT_FOLDER');
  fs.mkdirSync(outDir, { recursive: true });
  const dataDir = makeThrowawayDir('directive-engine-schema-steps-');
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), binDir: process.env.PG_BIN_DIR, database: 'schema_steps' });
  const admin = createDb(pg.url.replace(/\/schema_steps$/, '/postgres'), 1);
  let db: Kysely<any> = createDb(pg.url, 1);
  let step = 0;
  const write = async (direction: string, name: string, error?: unknown) => {
    const file = path.join(outDir, `${String(++step).padStart(2, '0')}-${direction}-${name}.${error ? 'error' : 'sql'}`);
    fs.writeFileSync(file, error ? `${(error as Error).message ?? String(error)}\n` : normalizedSchema(await dumpSchema(pg.url)));
    console.log(file);
  };
  try {
    let migrator = new Migrator({ db, provider: migrationProvider });
    for (;;) {
      const { error, results = [] } = await migrator.migrateUp();
      const name = results[0]?.migrationName;
      if (error) throw new Error(`${name ?? 'a migration'} failed going up: ${String(error)}`);
      if (!name) break;
      await write('up', name);
    }
    const names = Object.keys(migrations);
    for (let i = names.length - 1; i >= 0; i--) {
      const { error } = await migrator.migrateDown();
      await write('down', names[i], error);
      if (!error) continue;
      await db.destroy();
      await sql`drop database schema_steps`.execute(admin);
      await sql`create database schema_steps`.execute(admin);
      db = createDb(pg.url, 1);
      migrator = new Migrator({ db, provider: migrationProvider });
      const up = await migrator.migrateTo(names[i]);
      if (up.error) throw new Error(`migrating a fresh database up to ${names[i]} failed: ${String(up.error)}`);
      await write('down-alone', names[i], (await migrator.migrateDown()).error);
    }
  } finally {
    await db.destroy();
    await admin.destroy();
    await pg.stop();
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
}

main(process.argv[2]).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
