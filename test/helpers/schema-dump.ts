import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { locatePgBin } from '../../infra/postgres';

/**
 * The schema of the database at `url` as `pg_dump --schema-only` writes it (no owners, no grants),
 * with the PostgreSQL binaries the servers run from (PG_BIN_DIR, else Debian's newest).
 */
export async function dumpSchema(url: string): Promise<string> {
  const pgDump = path.join(locatePgBin(process.env.PG_BIN_DIR), 'pg_dump');
  const { stdout } = await promisify(execFile)(pgDump, ['--schema-only', '--no-owner', '--no-privileges', '--dbname', url], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/**
 * A dump without what depends on the machine or the run rather than on the migrations: the versions
 * of the server and of pg_dump, the session settings it opens with, the random key of its
 * `\restrict` lines, and runs of blank lines.
 */
export function normalizedSchema(dump: string): string {
  const machine = /^(-- Dumped (from|by) |\\(un)?restrict |SET |SELECT pg_catalog\.set_config\()/;
  const lines = dump.split('\n').filter((l) => !machine.test(l));
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
