import { RegistryError } from '../../db/repositories/auth';
import { setPassword } from '../../db/repositories/sessions';
import { generateOneTimePassword, hashPassword, newPasswordSchema } from '../../web/auth/passwords';
import { parseFlags, required, runCommand } from '../command';

const USAGE = [
  'Cách dùng: echo "<mật khẩu>" | npm run -s cli -- user:password --login <tên đăng nhập>   (đặt mật khẩu đọc từ đầu vào chuẩn)',
  '           npm run -s cli -- user:password --login <tên đăng nhập> --one-time            (in ra một mật khẩu dùng một lần)',
  'Không có --one-time mà đầu vào chuẩn là bàn phím (không có dữ liệu chuyển vào), lệnh cũng in mật khẩu dùng một lần.',
  'Đặt lại mật khẩu kết thúc mọi phiên đăng nhập web của người dùng.',
].join('\n');

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `user:password`: sets a person's web password from stdin, or issues a one-time password they must change at first sign-in. */
export async function userPassword(args: string[]): Promise<number> {
  return runCommand(
    USAGE,
    () => {
      const flags = parseFlags(args, { login: { type: 'string' }, 'one-time': { type: 'boolean' } });
      return { login: required(flags.login, '--login'), oneTime: Boolean(flags['one-time']) || process.stdin.isTTY === true };
    },
    async (db, input) => {
      if (input.oneTime) {
        const password = generateOneTimePassword();
        const { sessionsEnded } = await setPassword(db, input.login, await hashPassword(password), { mustChange: true });
        process.stderr.write(
          `Mật khẩu dùng một lần của ${input.login} (phải đổi ở lần đăng nhập đầu tiên; đã kết thúc ${sessionsEnded} phiên):\n`,
        );
        process.stdout.write(`${password}\n`);
        return;
      }
      const parsed = newPasswordSchema.safeParse(await readStdin());
      if (!parsed.success)
        throw new RegistryError('invalid', `Mật khẩu không hợp lệ: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      const { sessionsEnded } = await setPassword(db, input.login, await hashPassword(parsed.data), { mustChange: false });
      process.stdout.write(`Đã đặt mật khẩu cho ${input.login}; đã kết thúc ${sessionsEnded} phiên đăng nhập web\n`);
    },
  );
}
