import { addWebhookEndpoint } from '../../db/repositories/webhooks';
import { parseFlags, required, runCommand } from '../command';
import { VALUE } from './flags';

const USAGE =
  'Cách dùng: npm run -s cli -- webhook:add --unit <mã đơn vị> --url <https://...> [--secret <khóa, ít nhất 16 ký tự>] [--description "<mô tả>"]';

/** `webhook:add`: registers where a unit's notifications are also posted; prints the endpoint id and its secret. */
export async function webhookAdd(args: string[]): Promise<number> {
  return runCommand(
    USAGE,
    () => {
      const flags = parseFlags(args, { unit: VALUE, url: VALUE, secret: VALUE, description: VALUE });
      return {
        unitCode: required(flags.unit, '--unit'),
        url: required(flags.url, '--url'),
        secret: flags.secret,
        description: flags.description,
      };
    },
    async (db, input) => {
      const endpoint = await addWebhookEndpoint(db, input);
      process.stdout.write(
        `Điểm nhận webhook ${endpoint.id} của đơn vị ${endpoint.unitCode}: ${endpoint.url}\nKhóa bí mật (kiểm tra X-Signature): ${endpoint.secret}\n`,
      );
    },
  );
}
