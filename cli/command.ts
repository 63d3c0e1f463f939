import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Kysely } from 'kysely';
import { RegistryError } from '../db/repositories/auth';
import type { Database } from '../db/schema';
import { openCliDatabase } from './database';

// Exit codes scripts can rely on.
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A command line that cannot be what the operator meant; answered with the usage and exit 2. */
export class UsageError extends Error {}

const PARSE_ERRORS: Record<string, string> = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: 'Tùy chọn không được hỗ trợ',
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: 'Tùy chọn thiếu giá trị hoặc giá trị sai kiểu',
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: 'Tham số thừa',
};

/** Flags only, strictly: an unknown flag or a stray word is a usage error in Vietnamese. */
export function parseFlags<const O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code && code in PARSE_ERRORS) {
      const quoted = /'([^']+)'/.exec((err as Error).message)?.[1];
      throw new UsageError(quoted ? `${PARSE_ERRORS[code]}: ${quoted}` : PARSE_ERRORS[code]);
    }
    throw err;
  }
}

/** The value of a required flag, or a usage error naming it. */
export function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined || value === '') throw new UsageError(`Thiếu ${flag}`);
  return value;
}

/**
 * Runs a command: `parse` checks the command line before any database is touched, `run` works on
 * the migrated database and may return an exit code other than 0. Errors go to stderr.
 */
export async function runCommand<I>(
  usage: string,
  parse: () => I,
  run: (db: Kysely<Database>, input: I) => Promise<number | void>,
): Promise<number> {
  let input: I;
  try {
    input = parse();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`Lỗi: ${err.message}\n${usage}\n`);
    return EXIT_USAGE;
  }
  let database;
  try {
    database = await openCliDatabase();
  } catch (err) {
    process.stderr.write(`Không kết nối được cơ sở dữ liệu: ${(err as Error).message}\n`);
    return EXIT_FAILED;
  }
  try {
    return (await run(database.db, input)) ?? EXIT_OK;
  } catch (err) {
    if (err instanceof RegistryError) {
      process.stderr.write(`Lỗi: ${err.message}\n`);
      return err.code === 'invalid' ? EXIT_USAGE : EXIT_FAILED;
    }
    process.stderr.write(`Lỗi không mong muốn: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  } finally {
    await database.close();
  }
}
