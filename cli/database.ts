import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { loadConfig } from '../config';
import { createDb, migrateDatabase } from '../db/client';
import type { Database } from '../db/schema';
import { startEmbeddedPostgres } from '../infra/postgres';
import { isListening } from '../infra/processes';

/** The database `npm start` creates in its embedded PostgreSQL. */
export const EMBEDDED_DATABASE = 'directives';

export interface CliDatabase {
  db: Kysely<Database>;
  /** Closes the pool, and stops PostgreSQL when this command started it. */
  close(): Promise<void>;
}

/**
 * The database an operator command works on, migrated: DATABASE_URL when set; otherwise the
 * embedded PostgreSQL of `npm start`, reused when it already runs (a second server on the same
 * data directory would be refused) and started, then stopped on close, when it does not.
 */
export async function openCliDatabase(env: Record<string, string | undefined> = process.env): Promise<CliDatabase> {
  const config = loadConfig(env);
  let url = config.database.url;
  let stopServer: (() => Promise<void>) | undefined;
  if (!url) {
    if (await isListening(config.database.port)) {
      url = `postgres://postgres@127.0.0.1:${config.database.port}/${EMBEDDED_DATABASE}`;
    } else {
      // As `npm start` does: created here, DATA_DIR stays traversable by the postgres system user.
      fs.mkdirSync(config.dataDir, { recursive: true });
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        port: config.database.port,
        binDir: config.database.binDir,
        database: EMBEDDED_DATABASE,
      });
      url = pg.url;
      stopServer = () => pg.stop();
    }
  }
  const db = createDb(url, 2);
  const close = async () => {
    await db.destroy();
    await stopServer?.();
  };
  try {
    await migrateDatabase(db, { url, migrationUrl: config.database.migrationUrl });
  } catch (err) {
    await close();
    throw err;
  }
  return { db, close };
}
