import fs from 'node:fs';
import { checkpointSignatureProblem, parseCheckpoint, readKey } from '../../db/audit-checkpoint';
import { verifyChains } from '../../db/repositories/audit-checkpoints';
import { formatVnDateTime } from '../../domain/time';
import { EXIT_FAILED, parseFlags, runCommand, UsageError } from '../command';
import { VALUE } from './flags';

const USAGE =
  'Cách dùng: npm run -s cli -- audit:verify                                            (tính lại chuỗi băm của mọi nhiệm vụ)\n' +
  '           npm run -s cli -- audit:verify --checkpoint <tệp .json> --public-key <tệp .pub>   (và đối chiếu với điểm kiểm tra đã ký)';

function readFlagFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`không đọc được ${what}: ${file}`);
  }
}

/**
 * `audit:verify`: recomputes every task's hash chain; with a checkpoint, first checks its
 * signature with the committee's public key (the one they hold, not one the database or the file
 * offers), then that every chain it signed still extends the signed head. Prints one line per
 * broken task (task id, event seq, why) and exits 1 when there is any.
 */
export async function auditVerify(args: string[]): Promise<number> {
  return runCommand(
    USAGE,
    () => {
      const flags = parseFlags(args, { checkpoint: VALUE, 'public-key': VALUE });
      if (!flags.checkpoint) {
        if (flags['public-key']) throw new UsageError('--public-key chỉ dùng cùng --checkpoint');
        return { checkpoint: undefined };
      }
      if (!flags['public-key']) throw new UsageError('Thiếu --public-key (khóa công khai của Đoàn kiểm tra) để kiểm chữ ký điểm kiểm tra');
      let checkpoint;
      try {
        checkpoint = parseCheckpoint(readFlagFile(flags.checkpoint, 'tệp điểm kiểm tra'));
      } catch (err) {
        throw err instanceof UsageError ? err : new UsageError(`${flags.checkpoint}: ${(err as Error).message}`);
      }
      let publicKey;
      try {
        publicKey = readKey(readFlagFile(flags['public-key'], 'khóa công khai'), 'public');
      } catch (err) {
        throw err instanceof UsageError ? err : new UsageError(`${flags['public-key']}: không phải khóa công khai Ed25519`);
      }
      return { checkpoint, publicKey };
    },
    async (db, { checkpoint, publicKey }) => {
      if (checkpoint) {
        const problem = checkpointSignatureProblem(checkpoint, publicKey!);
        if (problem) {
          process.stderr.write(`Lỗi: điểm kiểm tra không đáng tin: ${problem}\n`);
          return EXIT_FAILED;
        }
      }
      const verdict = await verifyChains(db, checkpoint);
      const signed = checkpoint
        ? `${verdict.tasks} nhiệm vụ đã ký lúc ${formatVnDateTime(checkpoint.signedAt)} (khóa ${checkpoint.keyId}) và ${verdict.newer} nhiệm vụ sau đó`
        : `${verdict.newer} nhiệm vụ`;
      for (const f of verdict.findings) process.stdout.write(`Nhiệm vụ ${f.taskId}, sự kiện số ${f.seq}: ${f.reason}\n`);
      if (verdict.findings.length) {
        process.stdout.write(`Nhật ký KHÔNG toàn vẹn: ${verdict.findings.length} nhiệm vụ có sai lệch trong ${signed}\n`);
        return EXIT_FAILED;
      }
      process.stdout.write(`Nhật ký toàn vẹn: ${signed}\n`);
    },
  );
}
