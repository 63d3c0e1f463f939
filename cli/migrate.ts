import path from 'node:path';
import { loadConfig } from '../config';
import { createDb, migrateDatabase } from '../db/client';
import { startEmbeddedPostgres } from '../infra/postgres';

/**
 * `npm run migrate`: applies pending migrations as MIGRATION_DATABASE_URL (the owner) when set,
 * else as DATABASE_URL, or to the embedded database.
 */
async function main() {
  const config = loadConfig(process.env);
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        port: config.database.port,
        binDir: config.database.binDir,
        database: 'directives',
      });
  const db = createDb(config.database.url ?? embedded!.url);
  try {
    const applied = await migrateDatabase(db, config.database);
    console.log(applied.length ? `Đã áp dụng: ${applied.join(', ')}` : 'Cơ sở dữ liệu đã ở phiên bản mới nhất');
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
