import { DEFAULT_TOKEN_TTL_DAYS, issueToken } from '../../db/repositories/auth';
import { parseFlags, required, runCommand, UsageError } from '../command';

const USAGE = `Cách dùng: npm run -s cli -- token:issue --login <tên đăng nhập> [--days <số ngày, mặc định ${DEFAULT_TOKEN_TTL_DAYS}>] [--label "<ghi chú>"]`;
const MAX_DAYS = 3650;

/** `token:issue`: prints a new bearer token, and nothing else, on stdout; it is never shown again. */
export async function tokenIssue(args: string[]): Promise<number> {
  return runCommand(
    USAGE,
    () => {
      const flags = parseFlags(args, { login: { type: 'string' }, days: { type: 'string' }, label: { type: 'string' } });
      const days = flags.days === undefined ? DEFAULT_TOKEN_TTL_DAYS : Number(flags.days);
      if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new UsageError(`--days phải là số nguyên từ 1 đến ${MAX_DAYS}`);
      return { login: required(flags.login, '--login'), days, label: flags.label };
    },
    async (db, { login, days, label }) => {
      const issued = await issueToken(db, login, days, { label });
      // stdout carries the token alone so that `$(npm run -s cli -- token:issue ...)` captures it.
      process.stdout.write(`${issued.token}\n`);
      process.stderr.write(
        `Mã truy cập của ${login}, hiệu lực đến ${issued.expiresAt.toISOString()}; hãy lưu lại: mã không được hiển thị lần nữa.\n`,
      );
    },
  );
}
