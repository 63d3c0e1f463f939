import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** The hash that starts every task's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same value always hashes the same, whatever jsonb did to key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface HashedFields {
  taskId: string;
  seq: number;
  kind: string;
  occurredAt: string;
  actor: unknown;
  payload: unknown;
}

/** SHA-256 over the previous hash and the event's canonical form. */
export function eventHash(prevHash: string, e: HashedFields): string {
  const occurredAt = new Date(e.occurredAt).toISOString();
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson({ taskId: e.taskId, seq: e.seq, kind: e.kind, occurredAt, actor: e.actor, payload: e.payload }))
    .digest('hex');
}

export interface ChainVerdict {
  taskId: string;
  ok: boolean;
  events: number;
  /** The first event found wrong, and why (edited, missing, reordered). */
  problem: { seq: number; reason: string } | null;
}

/**
 * Recomputes a task's chain from the first event: an edited row breaks its own hash, a
 * deleted row leaves a gap in `seq` (or, at the end, falls short of the read model's
 * `audit_seq`), a reordered or re-linked row breaks the order of `seq` or `prev_hash`.
 */
export async function verifyAuditChain(db: Kysely<Database>, taskId: string): Promise<ChainVerdict> {
  // Read before the chain: an event written in between then makes the chain longer, never shorter.
  const model = await db.selectFrom('tasks').select('audit_seq').where('id', '=', taskId).executeTakeFirst();
  const rows = await db
    .selectFrom('audit_events')
    .select(['seq', 'kind', 'occurred_at', 'actor', 'payload', 'prev_hash', 'hash'])
    .where('task_id', '=', taskId)
    .orderBy('id')
    .execute();
  let prev = GENESIS_HASH;
  for (const [i, row] of rows.entries()) {
    const expectedSeq = i + 1;
    const bad = (reason: string): ChainVerdict => ({ taskId, ok: false, events: rows.length, problem: { seq: row.seq, reason } });
    if (row.seq !== expectedSeq) {
      // A later number where an earlier one belongs is a deletion only if that earlier one is gone;
      // swapped rows (1, 3, 2) must not be reported as a deleted event 2.
      const missing = !rows.some((r) => r.seq === expectedSeq);
      return bad(missing ? `thiếu sự kiện số ${expectedSeq} (bị xóa?)` : `thứ tự sự kiện bị đảo (gặp ${row.seq} ở vị trí ${expectedSeq})`);
    }
    if (row.prev_hash !== prev) return bad('liên kết với sự kiện trước bị sai (bị chèn hoặc đảo thứ tự)');
    const recomputed = eventHash(prev, { taskId, seq: row.seq, kind: row.kind, occurredAt: row.occurred_at.toISOString(), actor: row.actor, payload: row.payload });
    if (recomputed !== row.hash) return bad('nội dung sự kiện đã bị sửa (mã băm không khớp)');
    prev = row.hash;
  }
  // Cutting off the newest events leaves no gap in the chain; the read model, written in the same
  // transaction as every event, still records how far the trail went.
  if (model && model.audit_seq > rows.length) {
    return { taskId, ok: false, events: rows.length, problem: { seq: rows.length + 1, reason: `thiếu sự kiện số ${rows.length + 1} đến ${model.audit_seq} (bị xóa ở cuối chuỗi?)` } };
  }
  return { taskId, ok: true, events: rows.length, problem: null };
}
