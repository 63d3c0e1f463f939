import fs from 'node:fs';
import { generateCheckpointKeys } from '../../db/audit-checkpoint';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseFlags, required, UsageError } from '../command';
import { VALUE } from './flags';

const USAGE = 'Cách dùng: npm run -s cli -- audit:keygen --out <tiền tố tệp>   (tạo <tiền tố>.key và <tiền tố>.pub)';

/**
 * `audit:keygen`: an Ed25519 key pair for signing audit checkpoints. The private half (PKCS#8
 * PEM, readable by its owner only) goes to the worker's host (AUDIT_CHECKPOINT_KEY_PATH); the
 * public half (SPKI PEM) to the inspection committee, never into the database. Existing files
 * are never overwritten. Touches no database.
 */
export async function auditKeygen(args: string[]): Promise<number> {
  let out: string;
  try {
    out = required(parseFlags(args, { out: VALUE }).out, '--out');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`Lỗi: ${err.message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const keys = generateCheckpointKeys();
  try {
    fs.writeFileSync(`${out}.key`, keys.privateKeyPem, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    const exists = (err as NodeJS.ErrnoException).code === 'EEXIST';
    process.stderr.write(`Lỗi: ${exists ? 'tệp đã có, không ghi đè' : 'không ghi được tệp'}: ${out}.key\n`);
    return EXIT_FAILED;
  }
  try {
    fs.writeFileSync(`${out}.pub`, keys.publicKeyPem, { flag: 'wx', mode: 0o644 });
  } catch (err) {
    fs.rmSync(`${out}.key`);
    const exists = (err as NodeJS.ErrnoException).code === 'EEXIST';
    process.stderr.write(`Lỗi: ${exists ? 'tệp đã có, không ghi đè' : 'không ghi được tệp'}: ${out}.pub\n`);
    return EXIT_FAILED;
  }
  process.stdout.write(
    `Đã tạo cặp khóa ${keys.keyId}: khóa bí mật ${out}.key (đặt AUDIT_CHECKPOINT_KEY_PATH trên máy chạy worker), khóa công khai ${out}.pub (giao Đoàn kiểm tra)\n`,
  );
  return EXIT_OK;
}
