/**
 * P6 — appending to the hash-chained audit trail vs a plain insert of the same rows.
 *
 *   tsx bench/p6-audit-append.ts [--n 5000] [--tasks 50] [--concurrency 10] [--rounds 5]
 *
 * Three ways to write the same N events (N/tasks per task, each task's events in order, at most
 * `concurrency` tasks writing at once, as the worker's activities do), one transaction each:
 *   plain   INSERT of the finished audit rows (hashes precomputed) into a copy of audit_events
 *           with the same columns, defaults and indexes: the baseline;
 *   chain   the audit append alone, as recordEvent does it: advisory lock per task, look up the
 *           event and its predecessor, SHA-256 over the canonical JSON, INSERT;
 *   record  the whole recordEvent activity: the chain plus the read-model upsert (the ~2 KB
 *           state snapshot) and the outbox rows.
 * The issue's target (≥ 0.7×) is about the audit append: chain / plain. record / plain is
 * reported as context: it is what one workflow event costs the database.
 */
import { sql } from 'kysely';
import { createActivities } from '../activities';
import { canonicalJson, eventHash, GENESIS_HASH, verifyAuditChain } from '../db/audit';
import type { AuditEventsTable } from '../db/schema';
import type { AuditEvent, OutboxNotification } from '../domain/task';
import { sampleEvent, sampleState } from './lib/fixtures';
import { printMachine, runBench, loadAverage } from './lib/servers';
import { emitResult, fmt, median, now, numberFlag, perSecond, printChecks, printFigures, runPool, summarize, throughputCheck, type Check, type Figure } from './lib/stats';

const N = numberFlag('n', 5000);
const TASKS = numberFlag('tasks', 50);
const CONCURRENCY = numberFlag('concurrency', 10);
const ROUNDS = numberFlag('rounds', 5);
const PER_TASK = Math.ceil(N / TASKS);

type Phase = 'plain' | 'chain' | 'record' | 'lean' | 'one';

interface Prepared {
  taskId: string;
  events: { event: AuditEvent; notifications: OutboxNotification[]; prevHash: string; hash: string }[];
}

runBench(async (bench) => {
  printMachine();
  console.log(`P6 audit append: ${TASKS} tasks × ${PER_TASK} events = ${TASKS * PER_TASK}, ${CONCURRENCY} tasks writing at once, ${ROUNDS} rounds`);
  const { db } = await bench.postgres({ poolSize: CONCURRENCY });
  // Same columns, defaults, primary key and unique (task_id, seq) as the real table.
  await sql`CREATE TABLE audit_events_plain (LIKE audit_events INCLUDING ALL)`.execute(db);
  const plainDb = db.withTables<{ audit_events_plain: AuditEventsTable }>();
  const { recordEvent } = createActivities({ db });

  const launchedAt = new Date('2026-11-02T01:00:00.000Z').toISOString();
  const prepare = (prefix: string): Prepared[] =>
    Array.from({ length: TASKS }, (_, t) => {
      const taskId = `${prefix}.task-${t}`;
      let prevHash = GENESIS_HASH;
      const events = Array.from({ length: PER_TASK }, (_, k) => {
        const at = new Date(Date.parse(launchedAt) + k * 3_600_000).toISOString();
        const { event, notifications } = sampleEvent(taskId, k + 1, at);
        const hash = eventHash(prevHash, { taskId, ...event });
        const row = { event, notifications, prevHash, hash };
        prevHash = hash;
        return row;
      });
      return { taskId, events };
    });

  const auditRow = (taskId: string, event: AuditEvent, prevHash: string, hash: string) => {
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
  };

  const plain = async ({ taskId, events }: Prepared, k: number) => {
    const { event, prevHash, hash } = events[k];
    await plainDb.insertInto('audit_events_plain').values(auditRow(taskId, event, prevHash, hash)).execute();
  };

  // Where the chain's time goes, step by step (summed over every append of the chain phase).
  const steps = { begin: 0, lock: 0, existing: 0, prev: 0, hash: 0, insert: 0, commit: 0 };

  // The audit part of activities/index.ts recordEvent, statement for statement (timed per step).
  const chain = async ({ taskId, events }: Prepared, k: number) => {
    const { event } = events[k];
    let mark = now();
    const lap = (name: keyof typeof steps) => {
      const t = now();
      steps[name] += t - mark;
      mark = t;
    };
    await db
      .transaction()
      .execute(async (trx) => {
        lap('begin');
        await sql`SELECT pg_advisory_xact_lock(hashtext(${taskId}))`.execute(trx);
        lap('lock');
        const existing = await trx.selectFrom('audit_events').select('hash').where('task_id', '=', taskId).where('seq', '=', event.seq).executeTakeFirst();
        lap('existing');
        if (existing) return;
        let prevHash = GENESIS_HASH;
        if (event.seq > 1) {
          const prev = await trx.selectFrom('audit_events').select('hash').where('task_id', '=', taskId).where('seq', '=', event.seq - 1).executeTakeFirst();
          if (!prev) throw new Error(`audit event ${taskId}#${event.seq - 1} not written yet`);
          prevHash = prev.hash;
        }
        lap('prev');
        const hash = eventHash(prevHash, { taskId, ...event });
        lap('hash');
        await trx.insertInto('audit_events').values(auditRow(taskId, event, prevHash, hash)).execute();
        lap('insert');
      })
      .then(() => lap('commit'));
  };

  /*
   * A what-if, not the shipped code: the same chain in two round trips and no transaction.
   * The predecessor and a possible earlier write of this event come back in one SELECT; rows
   * are immutable (append-only trigger) so no lock is needed to read the predecessor, and
   * the unique (task_id, seq) turns a concurrent duplicate into a no-op.
   */
  const lean = async ({ taskId, events }: Prepared, k: number) => {
    const { event } = events[k];
    const rows = await db.selectFrom('audit_events').select(['seq', 'hash']).where('task_id', '=', taskId).where('seq', 'in', [event.seq - 1, event.seq]).execute();
    if (rows.some((r) => r.seq === event.seq)) return;
    const prev = rows.find((r) => r.seq === event.seq - 1);
    if (event.seq > 1 && !prev) throw new Error(`audit event ${taskId}#${event.seq - 1} not written yet`);
    const prevHash = prev?.hash ?? GENESIS_HASH;
    const hash = eventHash(prevHash, { taskId, ...event });
    await db
      .insertInto('audit_events')
      .values(auditRow(taskId, event, prevHash, hash))
      .onConflict((oc) => oc.columns(['task_id', 'seq']).doNothing())
      .execute();
  };

  /*
   * A second what-if: one round trip. The canonical JSON does not depend on the previous hash,
   * so the statement can read the predecessor's hash and compute SHA-256(prev + "\n" + canonical)
   * itself (PostgreSQL's built-in sha256), giving the same hash as db/audit.ts eventHash; a
   * missing predecessor inserts nothing, a duplicate hits the unique (task_id, seq).
   */
  const one = async ({ taskId, events }: Prepared, k: number) => {
    const { event } = events[k];
    const canonical = canonicalJson({ taskId, seq: event.seq, kind: event.kind, occurredAt: new Date(event.occurredAt).toISOString(), actor: event.actor, payload: event.payload });
    const actor = event.actor as Record<string, unknown>;
    const { rows } = await sql<{ hash: string }>`
      INSERT INTO audit_events (task_id, seq, kind, occurred_at, actor, actor_user, actor_unit, payload, prev_hash, hash)
      SELECT ${taskId}, ${event.seq}, ${event.kind}, ${event.occurredAt}, ${JSON.stringify(event.actor)}::jsonb,
             ${typeof actor.userId === 'string' ? actor.userId : null}, ${typeof actor.unitCode === 'string' ? actor.unitCode : null},
             ${JSON.stringify(event.payload)}::jsonb, p.prev, encode(sha256(convert_to(p.prev || E'\n' || ${canonical}, 'UTF8')), 'hex')
      FROM (SELECT CASE WHEN ${event.seq}::int = 1 THEN ${GENESIS_HASH}
                        ELSE (SELECT hash FROM audit_events WHERE task_id = ${taskId} AND seq = ${event.seq}::int - 1) END AS prev) p
      WHERE p.prev IS NOT NULL
      ON CONFLICT (task_id, seq) DO NOTHING
      RETURNING hash`.execute(db);
    if (rows.length === 0 && !(await db.selectFrom('audit_events').select('hash').where('task_id', '=', taskId).where('seq', '=', event.seq).executeTakeFirst())) {
      throw new Error(`audit event ${taskId}#${event.seq - 1} not written yet`);
    }
  };

  const record = async ({ taskId, events }: Prepared, k: number) => {
    const { event, notifications } = events[k];
    await recordEvent({ taskId, event, snapshot: sampleState(taskId, event.seq, launchedAt), notifications });
  };

  const ops: Record<Phase, (p: Prepared, k: number) => Promise<void>> = { plain, chain, record, lean, one };

  /** Every task's events in order; at most CONCURRENCY tasks at once. */
  async function run(phase: Phase, prepared: Prepared[]) {
    const latencies: number[] = [];
    const op = ops[phase];
    const t0 = now();
    await runPool(prepared, CONCURRENCY, async (p) => {
      for (let k = 0; k < p.events.length; k++) {
        const s = now();
        await op(p, k);
        latencies.push(now() - s);
      }
    });
    const elapsed = now() - t0;
    return { latencies, throughput: perSecond(latencies.length, elapsed), elapsed };
  }

  // Warm the pool, the plans and the JIT on a round that is not counted.
  for (const phase of ['plain', 'chain', 'record', 'lean', 'one'] as const) await run(phase, prepare(`warm-${phase}`).slice(0, CONCURRENCY));
  for (const k of Object.keys(steps) as (keyof typeof steps)[]) steps[k] = 0;

  const orders: Phase[][] = [
    ['plain', 'chain', 'record', 'lean', 'one'],
    ['one', 'lean', 'record', 'chain', 'plain'],
    ['chain', 'plain', 'one', 'lean', 'record'],
    ['record', 'one', 'plain', 'chain', 'lean'],
    ['lean', 'record', 'chain', 'one', 'plain'],
  ];
  const results: Record<Phase, { throughput: number[]; latencies: number[] }> = {
    plain: { throughput: [], latencies: [] },
    chain: { throughput: [], latencies: [] },
    record: { throughput: [], latencies: [] },
    lean: { throughput: [], latencies: [] },
    one: { throughput: [], latencies: [] },
  };
  const chainRatios: number[] = [];
  const recordRatios: number[] = [];
  const leanRatios: number[] = [];
  const oneRatios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round: Partial<Record<Phase, number>> = {};
    for (const phase of orders[r % orders.length]) {
      const { latencies, throughput, elapsed } = await run(phase, prepare(`r${r}-${phase}`));
      results[phase].throughput.push(throughput);
      results[phase].latencies.push(...latencies);
      round[phase] = throughput;
      console.log(`round ${r + 1} ${phase.padEnd(6)} ${latencies.length} events in ${fmt.ms(elapsed)}: ${fmt.rate(throughput)} (load ${loadAverage()})`);
    }
    chainRatios.push(round.chain! / round.plain!);
    recordRatios.push(round.record! / round.plain!);
    leanRatios.push(round.lean! / round.plain!);
    oneRatios.push(round.one! / round.plain!);
  }
  // The one-round-trip chains must verify like the shipped ones.
  const oneChains = await Promise.all(Array.from({ length: TASKS }, (_, t) => verifyAuditChain(db, `r0-one.task-${t}`)));
  const broken = oneChains.filter((v) => !v.ok);
  console.log(`what-if chains (1 round trip) verified with db/audit.ts verifyAuditChain: ${oneChains.length - broken.length} of ${oneChains.length} ok${broken.length ? `; first problem ${JSON.stringify(broken[0])}` : ''}`);

  // The CPU part of the chain: canonical JSON + SHA-256, no database.
  const sample = prepare('hash-only');
  const h0 = now();
  let hashes = 0;
  for (const p of sample) {
    for (const e of p.events) {
      eventHash(e.prevHash, { taskId: p.taskId, ...e.event });
      hashes++;
    }
  }
  const hashMicros = ((now() - h0) * 1000) / hashes;

  const counts = await sql<{ audit: string; plain: string; tasks: string; notifications: string }>`
    SELECT (SELECT count(*) FROM audit_events) AS audit, (SELECT count(*) FROM audit_events_plain) AS plain,
           (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM notifications) AS notifications`.execute(db);

  const figures: Figure[] = (['plain', 'chain', 'record', 'lean', 'one'] as const).map((phase) => ({
    name: {
      plain: 'plain insert (baseline)',
      chain: 'audit append (hash chain)',
      record: 'recordEvent (chain + read model + outbox)',
      lean: 'what-if: chain in 2 round trips, no tx',
      one: 'what-if: chain in 1 statement, hash in SQL',
    }[phase],
    summary: summarize(results[phase].latencies),
    throughput: median(results[phase].throughput),
    note: `rounds: ${results[phase].throughput.map((t) => fmt.rate(t)).join(', ')}`,
  }));
  figures.push({ name: 'eventHash alone (CPU)', note: `${hashMicros.toFixed(1)} µs per event` });
  printFigures(`P6 figures (throughput = median of ${ROUNDS} rounds; latency = one event's transaction)`, figures);
  console.log(`rows written: ${JSON.stringify(counts.rows[0])}`);
  const chainEvents = results.chain.latencies.length;
  console.log(
    `audit append, mean time per step (client-side, includes waiting for a connection and the server): ${Object.entries(steps)
      .map(([k, v]) => `${k} ${(v / chainEvents).toFixed(2)} ms`)
      .join(', ')}`,
  );

  const plainT = median(results.plain.throughput);
  const checks: Check[] = [
    { ...throughputCheck('P6', 'audit append (hash chain) vs plain insert', median(results.chain.throughput), plainT, 0.7), ratio: median(chainRatios) },
    { ...throughputCheck('P6', 'full recordEvent vs plain insert', median(results.record.throughput), plainT, 0.7, false), ratio: median(recordRatios) },
    { ...throughputCheck('P6', 'what-if: chain in 2 round trips vs plain insert', median(results.lean.throughput), plainT, 0.7, false), ratio: median(leanRatios) },
    { ...throughputCheck('P6', 'what-if: chain in 1 statement vs plain insert', median(results.one.throughput), plainT, 0.7, false), ratio: median(oneRatios) },
  ].map((c) => ({ ...c, pass: c.ratio! >= 0.7 }));
  console.log(`(ratio = median of the per-round ratios; chain rounds: ${chainRatios.map(fmt.ratio).join(', ')}; record rounds: ${recordRatios.map(fmt.ratio).join(', ')}; 2-round-trip rounds: ${leanRatios.map(fmt.ratio).join(', ')}; 1-statement rounds: ${oneRatios.map(fmt.ratio).join(', ')})`);
  printChecks(checks);
  emitResult('P6', { checks, figures, extra: { hashMicros, chainRatios, recordRatios, leanRatios, oneRatios, steps, load: loadAverage() } });
});
