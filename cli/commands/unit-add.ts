import { addUnit } from '../../db/repositories/auth';
import { parseFlags, required, runCommand } from '../command';
import { VALUE, VALUES } from './flags';

const USAGE = 'Cách dùng: npm run -s cli -- unit:add --code <mã> --name "<tên đơn vị>" [--alias "<tên khác>" ...] [--kind <loại>]';

/** `unit:add`: adds a unit, or renames the unit with that code. */
export async function unitAdd(args: string[]): Promise<number> {
  return runCommand(
    USAGE,
    () => {
      const flags = parseFlags(args, { code: VALUE, name: VALUE, alias: VALUES, kind: VALUE });
      return { code: required(flags.code, '--code'), name: required(flags.name, '--name'), aliases: flags.alias, kind: flags.kind };
    },
    async (db, input) => {
      const { unit, created } = await addUnit(db, input);
      process.stdout.write(`${created ? 'Đã thêm' : 'Đã cập nhật'} đơn vị ${unit.code}: ${unit.name}\n`);
    },
  );
}
