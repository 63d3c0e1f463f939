import { revokeToken, revokeUserTokens } from '../../db/repositories/auth';
import { EXIT_FAILED, parseFlags, runCommand, UsageError } from '../command';

const USAGE = [
  'Cách dùng: npm run -s cli -- token:revoke --token <mã truy cập>   (thu hồi một mã)',
  '           npm run -s cli -- token:revoke --login <tên đăng nhập> (thu hồi mọi mã của người dùng)',
].join('\n');

/** `token:revoke`: revokes one token, or every token of a user. */
export async function tokenRevoke(args: string[]): Promise<number> {
  return runCommand(
    USAGE,
    () => {
      const { token, login } = parseFlags(args, { token: { type: 'string' }, login: { type: 'string' } });
      if (Boolean(token) === Boolean(login)) throw new UsageError('Cần đúng một trong hai: --token hoặc --login');
      return token ? ({ by: 'token', token } as const) : ({ by: 'login', login: login! } as const);
    },
    async (db, input) => {
      if (input.by === 'login') {
        const count = await revokeUserTokens(db, input.login);
        process.stdout.write(`Đã thu hồi ${count} mã truy cập của ${input.login}\n`);
      } else if (await revokeToken(db, input.token)) {
        process.stdout.write('Đã thu hồi mã truy cập\n');
      } else {
        process.stderr.write('Lỗi: mã truy cập không tồn tại hoặc đã bị thu hồi\n');
        return EXIT_FAILED;
      }
    },
  );
}
