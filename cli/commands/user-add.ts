import { addUser } from '../../db/repositories/auth';
import { ROLES, roleSchema } from '../../domain/roles';
import { parseFlags, required, runCommand, UsageError } from '../command';
import { VALUE, VALUES } from './flags';

const USAGE = [
  'Cách dùng: npm run -s cli -- user:add --login <tên đăng nhập> --unit <mã đơn vị> --role <vai trò> [--role <vai trò> ...]',
  '                                    [--name "<họ tên>"] [--email <địa chỉ>]',
  `Vai trò: ${ROLES.join(', ')}`,
].join('\n');

/** `user:add`: adds a user to an existing unit with one or more roles. */
export async function userAdd(args: string[]): Promise<number> {
  return runCommand(
    USAGE,
    () => {
      const flags = parseFlags(args, { login: VALUE, unit: VALUE, role: VALUES, name: VALUE, email: VALUE });
      const roles = required(flags.role?.length ? flags.role : undefined, '--role').map((role) => {
        const parsed = roleSchema.safeParse(role);
        if (!parsed.success) throw new UsageError(`Vai trò không tồn tại: ${role}`);
        return parsed.data;
      });
      return {
        login: required(flags.login, '--login'),
        unitCode: required(flags.unit, '--unit'),
        roles,
        fullName: flags.name,
        email: flags.email,
      };
    },
    async (db, input) => {
      const { user, created } = await addUser(db, input);
      process.stdout.write(
        `${created ? 'Đã thêm' : 'Đã có sẵn'} người dùng ${user.login} (đơn vị ${user.unitCode}; vai trò ${user.roles.join(', ')})\n`,
      );
    },
  );
}
