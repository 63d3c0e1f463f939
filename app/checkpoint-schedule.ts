import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { readKey, type CheckpointDocument } from '../db/audit-checkpoint';
import { lastCheckpointAt, takeCheckpoint } from '../db/repositories/audit-checkpoints';
import type { Database } from '../db/schema';

// pg_try_advisory_xact_lock key: one checkpoint per interval whatever the number of workers.
const CHECKPOINT_LOCK = 0x61756469; // 'audi'
const CHECK_EVERY_MS = 60_000;

/** The file a checkpoint is written to in AUDIT_CHECKPOINT_DIR: sortable by time, one per signature. */
export function checkpointFileName(doc: CheckpointDocument): string {
  return `checkpoint-${doc.signedAt.replace(/[:.+]/g, '-')}-${doc.keyId}.json`;
}

/**
 * Signs a checkpoint when the newest one is older than the interval, under a transaction-level
 * advisory lock so that of several workers one signs and the others see its row. Returns the new
 * checkpoint, or null when none was due or another worker was signing.
 */
export async function checkpointIfDue(
  db: Kysely<Database>,
  o: { privateKeyPem: string; intervalMs: number; dir?: string; now?: Date },
): Promise<CheckpointDocument | null> {
  const now = o.now ?? new Date();
  const doc = await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${CHECKPOINT_LOCK}) AS locked`.execute(trx);
    if (!rows[0].locked) return null;
    const last = await lastCheckpointAt(trx);
    if (last && now.getTime() - last.getTime() < o.intervalMs) return null;
    return takeCheckpoint(trx, readKey(o.privateKeyPem, 'private'), now);
  });
  if (doc && o.dir) {
    fs.mkdirSync(o.dir, { recursive: true });
    fs.writeFileSync(path.join(o.dir, checkpointFileName(doc)), `${JSON.stringify(doc, null, 2)}\n`);
  }
  return doc;
}

/**
 * The periodic checkpoints of a worker process (AUDIT_CHECKPOINT_KEY_PATH set): a loop beside the
 * worker, as the delivery dispatcher is, rather than a Temporal Schedule, because the private key
 * must stay on the worker's host and out of workflow history (an activity's result is stored
 * there, and a checkpoint of every task outgrows a payload). `stop()` waits for a signing under way.
 */
export function startCheckpointSchedule({ db, config, logger }: { db: Kysely<Database>; config: Config; logger: Logger }): {
  stop(): Promise<void>;
} {
  const keyPath = config.audit.checkpointKeyPath;
  if (!keyPath) {
    logger.info({}, 'AUDIT_CHECKPOINT_KEY_PATH chưa đặt: không tự ký điểm kiểm tra nhật ký (lệnh audit:checkpoint vẫn dùng được)');
    return { stop: async () => undefined };
  }
  // Read once at start: a missing or wrong key stops the worker's start rather than failing silently each hour.
  const privateKeyPem = fs.readFileSync(keyPath, 'utf8');
  readKey(privateKeyPem, 'private');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const tick = () => {
    current = checkpointIfDue(db, { privateKeyPem, intervalMs: config.audit.checkpointIntervalMs, dir: config.audit.checkpointDir })
      .then((doc) => {
        if (doc) logger.info({ root: doc.root, tasks: doc.tasks.length }, `Đã ký điểm kiểm tra nhật ký: ${doc.tasks.length} nhiệm vụ`);
      })
      .catch((err: Error) => logger.error({ err }, `Không ký được điểm kiểm tra nhật ký: ${err.message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, Math.min(CHECK_EVERY_MS, config.audit.checkpointIntervalMs));
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
