import { sql, type Kysely } from 'kysely';
import { eventHash } from '../../db/audit-chain';
import type { Database } from '../../db/schema';

/**
 * What the tables' owner can do to the audit trail, and what checkpoints exist to catch: every
 * user trigger of `audit_events` off (append-only, chain link, no truncate), the change, the
 * triggers on again, in one transaction (no other session sees the trail unprotected).
 */
async function asOwner(db: Kysely<Database>, change: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`ALTER TABLE audit_events DISABLE TRIGGER USER`.execute(trx);
    await change(trx);
    await sql`ALTER TABLE audit_events ENABLE TRIGGER USER`.execute(trx);
  });
}

/**
 * Rewrites event `seq` of a task (its payload) and recomputes its hash and every later event's
 * link and hash, so that the chain verifies from its first event again.
 */
export async function rewriteEventAsOwner(
  db: Kysely<Database>,
  taskId: string,
  seq: number,
  payload: Record<string, unknown>,
): Promise<void> {
  await asOwner(db, async (trx) => {
    const rows = await trx
      .selectFrom('audit_events')
      .select(['id', 'seq', 'kind', 'occurred_at', 'actor', 'payload', 'prev_hash'])
      .where('task_id', '=', taskId)
      .where('seq', '>=', seq)
      .orderBy('seq')
      .execute();
    let prev = rows[0].prev_hash;
    for (const row of rows) {
      const newPayload = row.seq === seq ? payload : row.payload;
      const hash = eventHash(prev, {
        taskId,
        seq: row.seq,
        kind: row.kind,
        occurredAt: row.occurred_at.toISOString(),
        actor: row.actor,
        payload: newPayload,
      });
      await trx
        .updateTable('audit_events')
        .set({ payload: JSON.stringify(newPayload), prev_hash: prev, hash })
        .where('id', '=', row.id)
        .execute();
      prev = hash;
    }
  });
}

/** Changes event `seq`'s payload and nothing else: the clumsy edit the chain alone already catches. */
export async function editEventAsOwner(db: Kysely<Database>, taskId: string, seq: number, payload: Record<string, unknown>): Promise<void> {
  await asOwner(db, async (trx) => {
    await trx
      .updateTable('audit_events')
      .set({ payload: JSON.stringify(payload) })
      .where('task_id', '=', taskId)
      .where('seq', '=', seq)
      .execute();
  });
}

/** Deletes one event from the middle of a task's chain, leaving the rest as they were. */
export async function dropEventAsOwner(db: Kysely<Database>, taskId: string, seq: number): Promise<void> {
  await asOwner(db, async (trx) => {
    await trx.deleteFrom('audit_events').where('task_id', '=', taskId).where('seq', '=', seq).execute();
  });
}

/** Deletes a task's events from `seq` on and lowers the read model's `audit_seq` to match. */
export async function cutTailAsOwner(db: Kysely<Database>, taskId: string, seq: number): Promise<void> {
  await asOwner(db, async (trx) => {
    await trx.deleteFrom('audit_events').where('task_id', '=', taskId).where('seq', '>=', seq).execute();
    await trx
      .updateTable('tasks')
      .set({ audit_seq: seq - 1 })
      .where('id', '=', taskId)
      .where('audit_seq', '>=', seq)
      .execute();
  });
}

/** The URL of the same database as role directive_app (the test servers trust local connections). */
export function appRoleUrl(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  url.username = 'directive_app';
  url.password = '';
  return url.toString();
}
