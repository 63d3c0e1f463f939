import { sql, type Kysely } from 'kysely';
import type { KeyObject } from 'node:crypto';
import {
  compareWithSigned,
  signCheckpoint,
  TRAIL_DIGITS,
  type CheckpointDocument,
  type CheckpointFinding,
  type CheckpointTask,
} from '../audit-checkpoint';
import type { Database } from '../schema';
import { verifyAuditChain } from './audit';

/**
 * Every task's chain as a checkpoint signs it, read in one statement (one snapshot, so no task is
 * caught half-way through an append); the database builds each trail, so the worker holds one
 * short row per task rather than every event. A chain already missing an event in its middle is
 * signed as stored (its length is its count of events, not its last seq), so the file still reads
 * and verification names the gap.
 */
export async function chainHeads(db: Kysely<Database>): Promise<CheckpointTask[]> {
  const { rows } = await sql<{ id: string; seq: number; head: string; trail: string }>`
    SELECT task_id AS id, count(*)::int AS seq, (array_agg(hash ORDER BY seq DESC))[1] AS head,
           string_agg(left(hash, ${sql.lit(TRAIL_DIGITS)}), '' ORDER BY seq) AS trail
    FROM audit_events GROUP BY task_id ORDER BY task_id`.execute(db);
  return rows;
}

/** Signs every chain as it stands now and keeps the checkpoint in `audit_checkpoints`. */
export async function takeCheckpoint(db: Kysely<Database>, privateKey: KeyObject, now = new Date()): Promise<CheckpointDocument> {
  const doc = signCheckpoint(await chainHeads(db), privateKey, now);
  await db
    .insertInto('audit_checkpoints')
    .values({ signed_at: doc.signedAt, key_id: doc.keyId, root: doc.root, tasks: doc.tasks.length, document: JSON.stringify(doc) })
    .execute();
  return doc;
}

/** When the newest checkpoint was signed, if any. */
export async function lastCheckpointAt(db: Kysely<Database>): Promise<Date | null> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .select((eb) => eb.fn.max('signed_at').as('at'))
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

export interface CheckpointVerdict {
  /** Tasks of the checkpoint whose chains were checked. */
  tasks: number;
  /** Tasks not in the checkpoint (launched after it), checked by their own chain only. */
  newer: number;
  /** One finding per broken task, in task order: against the signature first, then the chain's own links. */
  findings: (CheckpointFinding | { taskId: string; seq: number; kind: 'broken'; reason: string })[];
}

/**
 * Checks every task's chain, and with a (signature-checked) checkpoint that each chain it signed
 * still extends what was signed: a
 * rewritten event (even with every later hash recomputed) and a cut-off tail are found against
 * the signed hashes; every chain, signed or newer, is also recomputed from its first event, so an
 * edit after the checkpoint is found too.
 */
export async function verifyChains(db: Kysely<Database>, doc?: CheckpointDocument): Promise<CheckpointVerdict> {
  const stored = new Map<string, string[]>();
  const rows = await db.selectFrom('audit_events').select(['task_id', 'hash']).orderBy('task_id').orderBy('seq').execute();
  for (const row of rows) {
    const list = stored.get(row.task_id) ?? [];
    list.push(row.hash);
    stored.set(row.task_id, list);
  }
  const signed = new Map((doc?.tasks ?? []).map((t) => [t.id, t]));
  // The read model names tasks whose every event is gone; verifyAuditChain then reports the gap.
  const modelled = await db.selectFrom('tasks').select('id').execute();
  const ids = [...new Set([...signed.keys(), ...stored.keys(), ...modelled.map((t) => t.id)])].sort();
  const findings: CheckpointVerdict['findings'] = [];
  for (const id of ids) {
    const task = signed.get(id);
    const finding = task ? compareWithSigned(task, stored.get(id) ?? []) : null;
    if (finding) {
      findings.push(finding);
      continue;
    }
    const own = await verifyAuditChain(db, id);
    if (own.problem) findings.push({ taskId: id, seq: own.problem.seq, kind: 'broken', reason: own.problem.reason });
  }
  return { tasks: signed.size, newer: ids.filter((id) => !signed.has(id)).length, findings };
}
