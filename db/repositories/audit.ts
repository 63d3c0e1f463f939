import type { Kysely, OperationNodeSource, QueryCreator } from 'kysely';
import { ChainHeads, eventHash, GENESIS_HASH, type ChainEvent } from '../audit-chain';
import type { Database } from '../schema';

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
    const recomputed = eventHash(prev, {
      taskId,
      seq: row.seq,
      kind: row.kind,
      occurredAt: row.occurred_at.toISOString(),
      actor: row.actor,
      payload: row.payload,
    });
    if (recomputed !== row.hash) return bad('nội dung sự kiện đã bị sửa (mã băm không khớp)');
    prev = row.hash;
  }
  // Cutting off the newest events leaves no gap in the chain; the read model, written in the same
  // transaction as every event, still records how far the trail went.
  if (model && model.audit_seq > rows.length) {
    return {
      taskId,
      ok: false,
      events: rows.length,
      problem: { seq: rows.length + 1, reason: `thiếu sự kiện số ${rows.length + 1} đến ${model.audit_seq} (bị xóa ở cuối chuỗi?)` },
    };
  }
  return { taskId, ok: true, events: rows.length, problem: null };
}

/** A task's audit events in order, as its history publishes them. */
export async function taskEvents(db: Kysely<Database>, taskId: string) {
  return db
    .selectFrom('audit_events')
    .select(['seq', 'kind', 'occurred_at', 'actor', 'payload', 'prev_hash', 'hash', 'recorded_at'])
    .where('task_id', '=', taskId)
    .orderBy('seq')
    .execute();
}

/** The payloads of the given events, keyed `<task id>#<seq>`. */
export async function eventPayloads(
  db: Kysely<Database>,
  events: readonly { taskId: string; seq: number }[],
): Promise<Map<string, Record<string, unknown>>> {
  if (!events.length) return new Map();
  const rows = await db
    .selectFrom('audit_events')
    .select(['task_id', 'seq', 'payload'])
    .where((eb) => eb.or(events.map((e) => eb.and([eb('task_id', '=', e.taskId), eb('seq', '=', e.seq)]))))
    .execute();
  return new Map(rows.map((e) => [`${e.task_id}#${e.seq}`, e.payload]));
}

/** The `audit_events` row of one event linked to `prevHash`: the one place that maps an event to its columns. */
export function auditRow(taskId: string, event: ChainEvent, prevHash: string, hash: string) {
  const actor = event.actor as Record<string, unknown>;
  return {
    task_id: taskId,
    seq: event.seq,
    kind: event.kind,
    occurred_at: event.occurredAt,
    actor: JSON.stringify(event.actor),
    actor_user: typeof actor.userId === 'string' ? actor.userId : null,
    actor_unit: typeof actor.unitCode === 'string' ? actor.unitCode : null,
    payload: JSON.stringify(event.payload),
    prev_hash: prevHash,
    hash,
  };
}

/**
 * What an append's statement offers the writes that go with the event: `appended` (the new row's
 * hash, if this call inserted it) and `linked` (one row when the event is in the chain as this
 * call computed it, inserted now or by an earlier attempt; none otherwise).
 */
export type AppendScope = Database & { appended: { hash: string }; linked: { hash: string } };

/**
 * A write that belongs with the event (read model, outbox), run as a further CTE of the same
 * statement. It must select from `linked`, so that it writes nothing when the event is not the
 * one in the chain.
 */
export type AlongsideWrite = (db: QueryCreator<AppendScope>) => OperationNodeSource;

/** The name the database gives its refusal of a badly linked row (migration 0009). */
export const CHAIN_CONSTRAINT = 'audit_events_chain';

function isChainRefusal(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23000' && e.constraint === CHAIN_CONSTRAINT;
}

/**
 * Appends events to tasks' hash chains: each event, with whatever `alongside` writes, is one
 * statement (one transaction). A retry writes nothing new and returns the stored hash; an event
 * stored with other content is refused and nothing alongside is written. How the head is known and
 * what happens when the database refuses a link: docs/architecture.md, "The record".
 */
export class AuditAppender {
  constructor(
    private readonly db: Kysely<Database>,
    readonly heads = new ChainHeads(),
  ) {}

  async append(taskId: string, event: ChainEvent, alongside: Record<string, AlongsideWrite> = {}): Promise<{ hash: string }> {
    let refusals = 0;
    let races = 0;
    for (;;) {
      const prevHash =
        event.seq === 1 ? GENESIS_HASH : (this.heads.hashOf(taskId, event.seq - 1) ?? (await this.readPredecessor(taskId, event.seq)));
      const hash = eventHash(prevHash, { taskId, ...event });
      let linked: boolean;
      try {
        linked = await this.write(taskId, event, prevHash, hash, alongside);
      } catch (err) {
        if (!isChainRefusal(err)) throw err;
        this.heads.forget(taskId);
        if (++refusals > 1) throw err;
        continue;
      }
      if (!linked) {
        // Not inserted, so the event is stored already: a retry, or an attempt racing this one.
        const stored = await this.db
          .selectFrom('audit_events')
          .select('hash')
          .where('task_id', '=', taskId)
          .where('seq', '=', event.seq)
          .executeTakeFirst();
        if (stored?.hash !== hash) {
          throw new Error(
            `nhật ký nhiệm vụ ${taskId}: sự kiện số ${event.seq} đã được ghi với nội dung khác (mã băm đã lưu ${stored?.hash ?? 'không có'}, mã băm tính lại ${hash}); không ghi gì thêm`,
          );
        }
        // The same event, committed by a racing attempt after this statement took its snapshot, so
        // the writes alongside did not run here: run again, now the stored row links them.
        if (Object.keys(alongside).length > 0) {
          if (++races > 1) throw new Error(`nhật ký nhiệm vụ ${taskId}: sự kiện số ${event.seq} đã có nhưng không ghi kèm được`);
          continue;
        }
      }
      this.heads.remember(taskId, event.seq, hash);
      return { hash };
    }
  }

  private async readPredecessor(taskId: string, seq: number): Promise<string> {
    const prev = await this.db
      .selectFrom('audit_events')
      .select('hash')
      .where('task_id', '=', taskId)
      .where('seq', '=', seq - 1)
      .executeTakeFirst();
    // The workflow writes in order; a missing predecessor means its write is still retrying.
    if (!prev) throw new Error(`nhật ký nhiệm vụ ${taskId}: sự kiện số ${seq - 1} chưa được ghi`);
    return prev.hash;
  }

  /**
   * One statement; true when the event is in the chain as computed here and the writes alongside
   * ran. Data-modifying CTEs all run in one snapshot, as one implicit transaction; `linked` reads
   * that snapshot, so it sees a row stored by an earlier attempt but never the one `appended`
   * inserts (hence the union).
   */
  private async write(
    taskId: string,
    event: ChainEvent,
    prevHash: string,
    hash: string,
    alongside: Record<string, AlongsideWrite>,
  ): Promise<boolean> {
    const insert = (db: QueryCreator<Database>) =>
      db
        .insertInto('audit_events')
        .values(auditRow(taskId, event, prevHash, hash))
        .onConflict((oc) => oc.columns(['task_id', 'seq']).doNothing());
    const writes = Object.entries(alongside);
    if (writes.length === 0) {
      const { numInsertedOrUpdatedRows } = await insert(this.db).executeTakeFirstOrThrow();
      return numInsertedOrUpdatedRows! > 0n;
    }

    let scope: QueryCreator<AppendScope> = this.db
      .with('appended', (db) => insert(db).returning('hash'))
      .with('linked', (db) =>
        db
          .selectFrom('appended')
          .select('hash')
          .unionAll(
            db
              .selectFrom('audit_events')
              .select('hash')
              .where('task_id', '=', taskId)
              .where('seq', '=', event.seq)
              .where('hash', '=', hash),
          ),
      );
    for (const [name, write] of writes) {
      // Nothing reads what the writes return, so the scope's type need not grow with them.
      scope = scope.with(name, write as Parameters<typeof scope.with>[1]) as unknown as QueryCreator<AppendScope>;
    }
    return (await scope.selectFrom('linked').select('hash').execute()).length > 0;
  }
}
