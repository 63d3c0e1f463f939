import { deactivateUser } from '../../db/repositories/sessions';
import { parseFlags, required, runCommand } from '../command';

const USAGE =
  'Cách dùng: npm run -s cli -- user:deactivate --login <tên đăng nhập>   (vô hiệu hóa: kết thúc mọi phiên web, thu hồi mọi mã truy cập)';

/** `user:deactivate`: someone leaves; their web sessions end and their API tokens are revoked at once. */
export async function userDeactivate(args: string[]): Promise<number> {
  return runCommand(
    USAGE,
    () => ({ login: required(parseFlags(args, { login: { type: 'string' } }).login, '--login') }),
    async (db, input) => {
      const { sessionsEnded, tokensRevoked } = await deactivateUser(db, input.login);
      process.stdout.write(
        `Đã vô hiệu hóa ${input.login}: kết thúc ${sessionsEnded} phiên đăng nhập web, thu hồi ${tokensRevoked} mã truy cập\n`,
      );
    },
  );
}
