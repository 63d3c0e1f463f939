import fs from 'node:fs';
import { loadConfig } from '../../config';
import { readKey } from '../../db/audit-checkpoint';
import { takeCheckpoint } from '../../db/repositories/audit-checkpoints';
import { formatVnDateTime } from '../../domain/time';
import { parseFlags, runCommand, UsageError } from '../command';
import { VALUE } from './flags';

const USAGE =
  'Cách dùng: npm run -s cli -- audit:checkpoint [--key <khóa bí mật .key>] [--out <tệp .json>]\n' +
  '           (mặc định khóa AUDIT_CHECKPOINT_KEY_PATH; không có --out thì in điểm kiểm tra ra màn hình)';

/**
 * `audit:checkpoint`: signs every task's chain head now (on demand, besides the worker's schedule),
 * keeps the checkpoint in `audit_checkpoints` and writes it to --out or stdout.
 */
export async function auditCheckpoint(args: string[]): Promise<number> {
  return runCommand(
    USAGE,
    () => {
      const flags = parseFlags(args, { key: VALUE, out: VALUE });
      const keyPath = flags.key ?? loadConfig(process.env).audit.checkpointKeyPath;
      if (!keyPath) throw new UsageError('Thiếu --key (hoặc đặt AUDIT_CHECKPOINT_KEY_PATH)');
      let pem: string;
      try {
        pem = fs.readFileSync(keyPath, 'utf8');
      } catch {
        throw new UsageError(`không đọc được khóa bí mật: ${keyPath}`);
      }
      try {
        return { key: readKey(pem, 'private'), out: flags.out };
      } catch (err) {
        throw new UsageError(`${keyPath}: không phải khóa bí mật Ed25519 (${(err as Error).message})`);
      }
    },
    async (db, { key, out }) => {
      const doc = await takeCheckpoint(db, key);
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      if (!out) {
        process.stdout.write(text);
        return;
      }
      fs.writeFileSync(out, text);
      process.stdout.write(
        `Đã ký điểm kiểm tra lúc ${formatVnDateTime(doc.signedAt)}: ${doc.tasks.length} nhiệm vụ, gốc Merkle ${doc.root}, khóa ${doc.keyId}, tệp ${out}\n`,
      );
    },
  );
}
