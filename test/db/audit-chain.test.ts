import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { createActivities } from '../../activities';
import { ChainHeads, eventHash, GENESIS_HASH } from '../../db/audit-chain';
import { AuditAppender, CHAIN_CONSTRAINT, verifyAuditChain } from '../../db/repositories/audit';
import type { Database } from '../../db/schema';
import { input, lead, LIFE, MINUTE, notice, snapshot, T0 } from '../helpers/audit-life';
import { testDb, uniq } from '../helpers/servers';

describe('the audit trail: written once, append-only, tamper-evident', () => {
  const db = testDb();
  const { recordEvent } = createActivities({ db });

  afterAll(async () => {
    await db.destroy();
  });

  /** A task of its own with its whole life recorded, so tampering never touches another test's rows. */
  async function recordedTask(): Promise<string> {
    const taskId = `audit-${uniq()}`;
    for (let seq = 1; seq <= LIFE.length; seq++) await recordEvent(input(taskId, seq));
    expect(await verifyAuditChain(db, taskId)).toEqual({ taskId, ok: true, events: LIFE.length, problem: null });
    return taskId;
  }

  const trail = (taskId: string) =>
    db.selectFrom('audit_events').select(['id', 'seq', 'kind', 'prev_hash', 'hash']).where('task_id', '=', taskId).orderBy('id').execute();

  /**
   * Changes the trail the way someone with database rights could: the append-only trigger is
   * switched off, the rows changed and the trigger switched on again in one transaction, so no
   * other session ever sees the trail unprotected; the finally block is for a failure halfway.
   */
  /** Verification of `taskId`'s chain reads `events` events and names the first that is wrong. */
  async function expectBroken(taskId: string, events: number, problem: { seq: number; reason: string }) {
    expect(await verifyAuditChain(db, taskId)).toEqual({ taskId, ok: false, events, problem });
  }

  async function tamper(change: (trx: Transaction<Database>) => Promise<unknown>) {
    try {
      await db.transaction().execute(async (trx) => {
        await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change`.execute(trx);
        await change(trx);
        await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change`.execute(trx);
      });
    } finally {
      await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change`.execute(db);
    }
    const trigger = await sql<{ tgenabled: string }>`SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_events_no_change'`.execute(db);
    expect(trigger.rows).toEqual([{ tgenabled: 'O' }]);
  }

  it('writes an event once however often its activity is retried: one audit row, one outbox row per key, the same hash', async () => {
    const taskId = `audit-${uniq()}`;
    const first = await recordEvent(input(taskId, 1));
    expect(await recordEvent(input(taskId, 1))).toEqual(first);
    // A retry racing the first attempt (a worker that timed out but did not die) waits on the unique (task_id, seq).
    const raced = await Promise.all([recordEvent(input(taskId, 2)), recordEvent(input(taskId, 2))]);
    expect(raced[0]).toEqual(raced[1]);

    const rows = await trail(taskId);
    expect(rows.map(({ seq, kind, prev_hash, hash }) => ({ seq, kind, prev_hash, hash }))).toEqual([
      { seq: 1, kind: 'launched', prev_hash: GENESIS_HASH, hash: first.hash },
      { seq: 2, kind: 'acknowledged', prev_hash: first.hash, hash: raced[0].hash },
    ]);
    expect(first.hash).toBe(eventHash(GENESIS_HASH, { taskId, ...input(taskId, 1).event }));
    const outbox = await db
      .selectFrom('notifications')
      .select(['key', 'audit_seq', 'recipient_unit'])
      .where('task_id', '=', taskId)
      .orderBy('key')
      .execute();
    expect(outbox).toEqual([
      { key: `${taskId}/assigned/assigned/coordinating_units/SO_TC`, audit_seq: 1, recipient_unit: 'SO_TC' },
      { key: `${taskId}/assigned/assigned/lead_unit/CA_TINH`, audit_seq: 1, recipient_unit: 'CA_TINH' },
    ]);

    // A late retry of the first event must not roll the read model back to its older snapshot.
    await recordEvent(input(taskId, 1));
    const model = await db
      .selectFrom('tasks')
      .select(['status', 'audit_seq', 'acknowledged_at'])
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    expect(model).toEqual({ status: 'acknowledged', audit_seq: 2, acknowledged_at: new Date(T0 + MINUTE) });
    expect(await verifyAuditChain(db, taskId)).toEqual({ taskId, ok: true, events: 2, problem: null });
  });

  it('refuses to write an event before its predecessor, and writes nothing', async () => {
    const taskId = `audit-${uniq()}`;
    await recordEvent(input(taskId, 1));
    await expect(recordEvent(input(taskId, 3))).rejects.toThrow(`nhật ký nhiệm vụ ${taskId}: sự kiện số 2 chưa được ghi`);
    expect((await trail(taskId)).map((r) => r.seq)).toEqual([1]);
    expect(await db.selectFrom('tasks').select('audit_seq').where('id', '=', taskId).executeTakeFirstOrThrow()).toEqual({ audit_seq: 1 });
  });

  it('refuses UPDATE and DELETE on the trail while the append-only trigger is on', async () => {
    const taskId = await recordedTask();
    await expect(
      db.updateTable('audit_events').set({ kind: 'approved' }).where('task_id', '=', taskId).where('seq', '=', 4).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_events').where('task_id', '=', taskId).where('seq', '=', 2).execute()).rejects.toThrow(/append-only/);
    expect((await trail(taskId)).map((r) => r.kind)).toEqual(LIFE.map((s) => s.kind));
    expect((await verifyAuditChain(db, taskId)).ok).toBe(true);
  });

  // TRUNCATE fires no row trigger; migration 0008 adds a statement trigger for it. The statement
  // runs inside a transaction that is always rolled back, so a regression can never empty the shared database.
  it('refuses TRUNCATE of the trail', async () => {
    const taskId = await recordedTask();
    const rolledBack = new Error('rolled back on purpose');
    const outcome = await db
      .transaction()
      .execute(async (trx) => {
        await sql`TRUNCATE audit_events`.execute(trx);
        throw rolledBack;
      })
      .catch((err: unknown) => (err === rolledBack ? 'truncated' : 'refused'));
    expect((await trail(taskId)).length).toBe(LIFE.length);
    expect(outcome).toBe('refused');
  });

  it('detects an edited event, even when the editor recomputes its hash', async () => {
    const edited = await recordedTask();
    await tamper((trx) =>
      trx
        .updateTable('audit_events')
        .set({ payload: JSON.stringify({ note: 'Đã tiếp nhận đúng hạn' }) })
        .where('task_id', '=', edited)
        .where('seq', '=', 2)
        .execute(),
    );
    await expectBroken(edited, 4, { seq: 2, reason: 'nội dung sự kiện đã bị sửa (mã băm không khớp)' });

    const rehashed = await recordedTask();
    const [one] = await trail(rehashed);
    const forged = {
      taskId: rehashed,
      seq: 2,
      kind: 'acknowledged',
      occurredAt: new Date(T0 - MINUTE).toISOString(),
      actor: lead,
      payload: { note: 'Đã tiếp nhận' },
    };
    await tamper((trx) =>
      trx
        .updateTable('audit_events')
        .set({ occurred_at: forged.occurredAt, hash: eventHash(one.hash, forged) })
        .where('task_id', '=', rehashed)
        .where('seq', '=', 2)
        .execute(),
    );
    await expectBroken(rehashed, 4, { seq: 3, reason: 'liên kết với sự kiện trước bị sai (bị chèn hoặc đảo thứ tự)' });
  });

  it('detects a deleted event, in the middle of the chain or at its end', async () => {
    const middle = await recordedTask();
    await tamper((trx) => trx.deleteFrom('audit_events').where('task_id', '=', middle).where('seq', '=', 2).execute());
    await expectBroken(middle, 3, { seq: 3, reason: 'thiếu sự kiện số 2 (bị xóa?)' });

    // The chain alone cannot show its newest events were cut off; the read model written with them can.
    const end = await recordedTask();
    await tamper((trx) => trx.deleteFrom('audit_events').where('task_id', '=', end).where('seq', '>=', 3).execute());
    await expectBroken(end, 2, { seq: 3, reason: 'thiếu sự kiện số 3 đến 4 (bị xóa ở cuối chuỗi?)' });
  });

  it('detects a reordered chain, whether the sequence numbers were swapped or the events moved under them', async () => {
    const swapped = await recordedTask();
    await tamper(async (trx) => {
      const seq = (from: number, to: number) =>
        trx.updateTable('audit_events').set({ seq: to }).where('task_id', '=', swapped).where('seq', '=', from).execute();
      await seq(2, -2);
      await seq(3, 2);
      await seq(-2, 3);
    });
    expect((await trail(swapped)).map((r) => r.seq)).toEqual([1, 3, 2, 4]);
    await expectBroken(swapped, 4, { seq: 3, reason: 'thứ tự sự kiện bị đảo (gặp 3 ở vị trí 2)' });

    const moved = await recordedTask();
    await tamper(async (trx) => {
      const rows = await trx
        .selectFrom('audit_events')
        .selectAll()
        .where('task_id', '=', moved)
        .where('seq', 'in', [2, 3])
        .orderBy('seq')
        .execute();
      const contents = rows.map((r) => ({
        kind: r.kind,
        occurred_at: r.occurred_at,
        actor: JSON.stringify(r.actor),
        actor_user: r.actor_user,
        actor_unit: r.actor_unit,
        payload: JSON.stringify(r.payload),
        prev_hash: r.prev_hash,
        hash: r.hash,
      }));
      await trx.updateTable('audit_events').set(contents[1]).where('id', '=', rows[0].id).execute();
      await trx.updateTable('audit_events').set(contents[0]).where('id', '=', rows[1].id).execute();
    });
    expect((await trail(moved)).map((r) => [r.seq, r.kind])).toEqual([
      [1, 'launched'],
      [2, 'progress_reported'],
      [3, 'acknowledged'],
      [4, 'submitted'],
    ]);
    await expectBroken(moved, 4, { seq: 2, reason: 'liên kết với sự kiện trước bị sai (bị chèn hoặc đảo thứ tự)' });
  });
});

describe("appending to the chain: one statement, the worker's chain head, the database's link check", () => {
  const db = testDb();

  afterAll(async () => {
    await db.destroy();
  });

  /** A worker process of its own: its own activities, so its own remembered chain heads. */
  const worker = () => createActivities({ db });

  const hashes = (taskId: string) =>
    db.selectFrom('audit_events').select(['seq', 'prev_hash', 'hash']).where('task_id', '=', taskId).orderBy('seq').execute();

  /** An audit row as someone with INSERT rights could write it by hand, linked to `prevHash`. */
  function handWritten(taskId: string, seq: number, prevHash: string) {
    const { event } = input(taskId, Math.max(1, Math.min(seq, LIFE.length)));
    const e = { ...event, seq };
    return {
      task_id: taskId,
      seq,
      kind: e.kind,
      occurred_at: e.occurredAt,
      actor: JSON.stringify(e.actor),
      actor_user: null,
      actor_unit: null,
      payload: JSON.stringify(e.payload),
      prev_hash: prevHash,
      hash: eventHash(prevHash, { taskId, ...e }),
    };
  }

  /** The database's refusal of a badly linked row: its constraint name, and nothing written. */
  async function expectRefused(write: Promise<unknown>, reason: RegExp) {
    const err = await write.then(
      () => null,
      (e: unknown) => e as { constraint?: string; message: string },
    );
    expect(err?.constraint).toBe(CHAIN_CONSTRAINT);
    expect(err?.message).toMatch(reason);
  }

  it('a retried event writes nothing new and returns the same hash, from the worker that wrote it or from a freshly started one', async () => {
    const taskId = `append-${uniq()}`;
    const first = worker();
    const one = await first.recordEvent(input(taskId, 1));
    const two = await first.recordEvent(input(taskId, 2));
    const before = await hashes(taskId);

    expect(await first.recordEvent(input(taskId, 2))).toEqual(two);
    expect(await first.recordEvent(input(taskId, 1))).toEqual(one);
    const restarted = worker();
    expect(await restarted.recordEvent(input(taskId, 2))).toEqual(two);
    expect(await restarted.recordEvent(input(taskId, 1))).toEqual(one);
    // The appender alone (no read model, no outbox) takes the shorter statement; a retry is the same to it.
    expect(await new AuditAppender(db).append(taskId, input(taskId, 2).event)).toEqual(two);

    expect(await hashes(taskId)).toEqual(before);
    expect(await db.selectFrom('notifications').select('key').where('task_id', '=', taskId).execute()).toHaveLength(2);
    expect(await db.selectFrom('tasks').select(['status', 'audit_seq']).where('id', '=', taskId).executeTakeFirstOrThrow()).toEqual({
      status: 'acknowledged',
      audit_seq: 2,
    });
  });

  it('a worker with a stale chain head re-reads and links correctly', async () => {
    const taskId = `append-${uniq()}`;
    const a = worker();
    const b = worker();
    await a.recordEvent(input(taskId, 1));
    await a.recordEvent(input(taskId, 2));
    // The task's workflow moved to another worker for event 3, then came back: a's head is event 2.
    await b.recordEvent(input(taskId, 3));
    await a.recordEvent(input(taskId, 4));

    const rows = await hashes(taskId);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(rows[3].prev_hash).toBe(rows[2].hash);
    expect(await verifyAuditChain(db, taskId)).toEqual({ taskId, ok: true, events: 4, problem: null });
  });

  it('a worker whose remembered head is wrong is refused by the database, forgets it, re-reads and links correctly', async () => {
    const taskId = `append-${uniq()}`;
    await worker().recordEvent(input(taskId, 1));
    const refusals: unknown[] = [];
    const logged = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 }) }),
      log: (e) => {
        if (e.level === 'error') refusals.push((e.error as { constraint?: string }).constraint);
      },
    });
    try {
      const heads = new ChainHeads();
      // Say the database was restored, or a bug put a wrong hash here: the head is only a hint.
      heads.remember(taskId, 1, 'f'.repeat(64));
      const { hash } = await new AuditAppender(logged, heads).append(taskId, input(taskId, 2).event);

      expect(refusals).toEqual([CHAIN_CONSTRAINT]);
      const rows = await hashes(taskId);
      expect(rows.map(({ seq, prev_hash, hash }) => ({ seq, prev_hash, hash }))).toEqual([
        { seq: 1, prev_hash: GENESIS_HASH, hash: rows[0].hash },
        { seq: 2, prev_hash: rows[0].hash, hash },
      ]);
      expect(heads.hashOf(taskId, 2)).toBe(hash);
      expect(await verifyAuditChain(db, taskId)).toEqual({ taskId, ok: true, events: 2, problem: null });
    } finally {
      await logged.destroy();
    }
  });

  it('the database refuses a row linked to the wrong predecessor, or a first event not linked to the genesis hash', async () => {
    const taskId = `append-${uniq()}`;
    const other = `append-${uniq()}`;
    await worker().recordEvent(input(taskId, 1));
    await worker().recordEvent(input(other, 1));
    const [otherFirst] = await hashes(other);

    await expectRefused(
      db
        .insertInto('audit_events')
        .values(handWritten(taskId, 2, otherFirst.hash))
        .execute(),
      /sự kiện số 2 không nối với mã băm của sự kiện liền trước/,
    );
    await expectRefused(
      db
        .insertInto('audit_events')
        .values(handWritten(taskId, 2, GENESIS_HASH))
        .execute(),
      /không nối với mã băm/,
    );
    const fresh = `append-${uniq()}`;
    await expectRefused(
      db
        .insertInto('audit_events')
        .values(handWritten(fresh, 1, otherFirst.hash))
        .execute(),
      /sự kiện số 1 không nối với mã băm/,
    );

    expect((await hashes(taskId)).map((r) => r.seq)).toEqual([1]);
    expect(await hashes(fresh)).toEqual([]);
  });

  it('an event whose predecessor is not written yet is refused, by the activity and by the database', async () => {
    const taskId = `append-${uniq()}`;
    const w = worker();
    const { hash: first } = await w.recordEvent(input(taskId, 1));

    await expect(w.recordEvent(input(taskId, 3))).rejects.toThrow(`nhật ký nhiệm vụ ${taskId}: sự kiện số 2 chưa được ghi`);
    // Even linked to the real last event, a row that skips a number has no predecessor.
    await expectRefused(
      db
        .insertInto('audit_events')
        .values(handWritten(taskId, 3, first))
        .execute(),
      /sự kiện số 3 chưa có sự kiện liền trước/,
    );
    await expectRefused(
      db
        .insertInto('audit_events')
        .values(handWritten(taskId, 0, GENESIS_HASH))
        .execute(),
      /sự kiện số 0 chưa có sự kiện liền trước/,
    );

    expect((await hashes(taskId)).map((r) => r.seq)).toEqual([1]);
    expect(await db.selectFrom('tasks').select('audit_seq').where('id', '=', taskId).executeTakeFirstOrThrow()).toEqual({ audit_seq: 1 });
  });

  it('an event already recorded with other content is refused, and nothing that came with it is written', async () => {
    const taskId = `append-${uniq()}`;
    const w = worker();
    await w.recordEvent(input(taskId, 1));
    const recorded = await w.recordEvent(input(taskId, 2));
    // Event 2 again, as a workflow reset to an earlier point might issue it: other content, other news.
    const other = input(taskId, 2);
    other.event = { ...other.event, payload: { note: 'Đã tiếp nhận lại' } };
    other.snapshot = { ...snapshot(taskId, 3, 'in_progress'), auditSeq: 3 };
    other.notifications = [notice(taskId, 'lead_unit', 'SO_TC')];

    await expect(w.recordEvent(other)).rejects.toThrow(`nhật ký nhiệm vụ ${taskId}: sự kiện số 2 đã được ghi với nội dung khác`);
    expect((await hashes(taskId)).map((r) => r.hash)).toContain(recorded.hash);
    expect(
      await db
        .selectFrom('notifications')
        .select('recipient_unit')
        .where('task_id', '=', taskId)
        .where('recipient_role', '=', 'lead_unit')
        .execute(),
    ).toEqual([{ recipient_unit: 'CA_TINH' }]);
    expect(await db.selectFrom('tasks').select(['status', 'audit_seq']).where('id', '=', taskId).executeTakeFirstOrThrow()).toEqual({
      status: 'acknowledged',
      audit_seq: 2,
    });
  });

  it('remembers at most its capacity of chain heads, forgetting the least recently appended task first, and never moves a head back', () => {
    const heads = new ChainHeads(2);
    heads.remember('a', 1, 'a1');
    heads.remember('b', 1, 'b1');
    heads.remember('a', 2, 'a2');
    heads.remember('c', 1, 'c1');
    expect(heads.size).toBe(2);
    expect(heads.hashOf('b', 1)).toBeUndefined();
    expect(heads.hashOf('a', 2)).toBe('a2');
    heads.remember('a', 1, 'a1');
    expect(heads.hashOf('a', 2)).toBe('a2');
    expect(heads.hashOf('a', 1)).toBeUndefined();
  });
});
