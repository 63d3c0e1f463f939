import { afterAll, afterEach, beforeAll, inject, vi } from 'vitest';
import { testDb } from './servers';

/** Runs a command function as `npm run -s cli -- <name> ...` would, capturing what it prints. */
export async function runCli(command: (args: string[]) => Promise<number>, args: string[]) {
  let stdout = '';
  let stderr = '';
  const capture = (sink: (s: string) => void) => (chunk: string | Uint8Array) => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture((s) => (stdout += s)) as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture((s) => (stderr += s)) as typeof process.stderr.write);
  try {
    const code = await command(args);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

/**
 * The hooks of a file that runs operator commands: the commands open their own connection from
 * DATABASE_URL, so it points at the test database while the file runs and is put back after.
 * Returns the file's own connection, closed at the end.
 */
export function useCliDatabase() {
  const db = testDb();
  const savedUrl = process.env.DATABASE_URL;
  beforeAll(() => {
    process.env.DATABASE_URL = inject('databaseUrl');
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
    await db.destroy();
  });
  return db;
}
