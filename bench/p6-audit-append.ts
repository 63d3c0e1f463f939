/**
 * P6 — appending to the hash-chained audit trail vs a plain insert of the same rows.
 *
 *   tsx bench/p6-audit-append.ts [--n 5000] [--tasks 50] [--concurrency 10] [--rounds 5]
 *
 * Ways to write the same N events (N/tasks per task, each task's events in order, at most
 * `concurrency` tasks writing at once, as the worker's activities do):
 *   plain   INSERT of the finished audit rows (hashes precomputed) into a copy of audit_events
 *           with the same columns, defaults and indexes but no triggers (`LIKE … INCLUDING ALL`
 *           copies none): the baseline, a true plain insert;
 *   append  the audit append itself, db/repositories/audit.ts AuditAppender as recordEvent uses it: the
 *           worker's chain head, SHA-256 over the canonical JSON, one INSERT statement checked by
 *           the chain trigger (migration 0009);
 *   cold    the same appender with no chain heads remembered, as a freshly started worker (or one
 *           whose head was evicted) appends: it reads the predecessor first;
 *   record  the whole recordEvent activity (activities/index.ts): the append plus the read-model
 *           upsert (the ~2 KB state snapshot) and the outbox rows, in the same statement;
 *   unchained  the same statement with the plain insert in place of the append (no hash, no
 *           head, no trigger): what recordEvent would cost without the chain.
 * The issue's target (≥ 0.7×) is about the audit append: append / plain. cold and record are
 * context: what a restarted worker pays, and what one workflow event costs the database;
 * record / unchained is what the chain adds to the activity.
 */
import fs from 'node:fs';
import { sql, type QueryCreator } from 'kysely';
import { createActivities, eventWrites } from '../activities';
import { ChainHeads, eventHash, GENESIS_HASH } from '../db/audit-chain';
import { AuditAppender, auditRow, verifyAuditChain, type AppendScope } from '../db/repositories/audit';
import type { AuditEventsTable } from '../db/schema';
import type { AuditEvent, OutboxNotification } from '../domain/task';
import { sampleEvent, sampleState } from './lib/fixtures';
import { printMachine, runBench, loadAverage } from './lib/servers';
import { numberFlag } from './lib/flags';
import { fmt, median, now, perSecond, printFigures, reportResult, runPool, summarize, throughputCheck } from './lib/stats';
import type { Check, Figure } from './lib/stats';

const N = numberFlag('n', 5000);
const TASKS = numberFlag('tasks', 50);
const CONCURRENCY = numberFlag('concurrency', 10);
const ROUNDS = numberFlag('rounds', 5);
const PER_TASK = Math.ceil(N / TASKS);

const PHASES = ['plain', 'append', 'cold', 'record', 'unchained'] as const;
type Phase = (typeof PHASES)[number];

interface Prepared {
  taskId: string;
  events: { event: AuditEvent; notifications: OutboxNotification[]; prevHash: string; hash: string }[];
}

runBench(async (bench) => {
  printMachine();
  console.log(
    `P6 audit append: ${TASKS} tasks × ${PER_TASK} events = ${TASKS * PER_TASK}, ${CONCURRENCY} tasks writing at once, ${ROUNDS} rounds`,
  );
  const { db } = await bench.postgres({ poolSize: CONCURRENCY });
  // Same columns, defaults, primary key and unique (task_id, seq) as the real table; no trigger.
  await sql`CREATE TABLE audit_events_plain (LIKE audit_events INCLUDING ALL)`.execute(db);
  const plainDb = db.withTables<{ audit_events_plain: AuditEventsTable }>();
  const appender = new AuditAppender(db);
  const coldAppender = new AuditAppender(db, new ChainHeads(0));
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

  const plainRow = ({ taskId, events }: Prepared, k: number) => {
    const { event, prevHash, hash } = events[k];
    return auditRow(taskId, event, prevHash, hash);
  };
  const plain = async (p: Prepared, k: number) => {
    await plainDb.insertInto('audit_events_plain').values(plainRow(p, k)).execute();
  };
  // recordEvent's own writes alongside (activities eventWrites), linked to the plain insert instead of the append.
  const unchained = async (p: Prepared, k: number) => {
    const { event, notifications } = p.events[k];
    let scope = plainDb.with('linked', (db) =>
      db.insertInto('audit_events_plain').values(plainRow(p, k)).returning('hash'),
    ) as unknown as QueryCreator<AppendScope>;
    for (const [name, write] of Object.entries(
      eventWrites({ taskId: p.taskId, event, snapshot: sampleState(p.taskId, event.seq, launchedAt), notifications }),
    )) {
      scope = scope.with(name, write as Parameters<typeof scope.with>[1]) as unknown as QueryCreator<AppendScope>;
    }
    const linked = await scope.selectFrom('linked').select('hash').execute();
    if (linked.length !== 1) throw new Error(`${p.taskId}#${k + 1}: not written`);
  };

  // The appenders must produce the chain precomputed with eventHash: a wrong hash is a failed run.
  const checked = async (p: Prepared, k: number, written: Promise<{ hash: string }>) => {
    const { hash } = await written;
    if (hash !== p.events[k].hash) throw new Error(`${p.taskId}#${k + 1}: hash ${hash}, expected ${p.events[k].hash}`);
  };
  const ops: Record<Phase, (p: Prepared, k: number) => Promise<void>> = {
    plain,
    append: (p, k) => checked(p, k, appender.append(p.taskId, p.events[k].event)),
    cold: (p, k) => checked(p, k, coldAppender.append(p.taskId, p.events[k].event)),
    record: (p, k) => {
      const { event, notifications } = p.events[k];
      return checked(p, k, recordEvent({ taskId: p.taskId, event, snapshot: sampleState(p.taskId, event.seq, launchedAt), notifications }));
    },
    unchained,
  };

  // Where the CPU goes: this process (appender, kysely, pg) and every PostgreSQL process (backends,
  // WAL writer, checkpointer), from /proc, in clock ticks (Linux: 100 per second). A process that
  // started during the phase counts from zero.
  const serverCpu = async () => {
    const pids = (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity`.execute(db)).rows.map((r) => r.pid);
    const ms = new Map<number, number>();
    for (const pid of pids) {
      try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        ms.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
      } catch {
        // Ended in between.
      }
    }
    return ms;
  };
  const cpuSince = (before: Map<number, number>, after: Map<number, number>) =>
    [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);
  const cpu = Object.fromEntries(PHASES.map((p) => [p, { client: 0, server: 0, events: 0 }])) as Record<
    Phase,
    { client: number; server: number; events: number }
  >;

  /** Every task's events in order; at most CONCURRENCY tasks at once. */
  async function run(phase: Phase, prepared: Prepared[]) {
    const latencies: number[] = [];
    const op = ops[phase];
    const s0 = await serverCpu();
    const c0 = process.cpuUsage();
    const t0 = now();
    await runPool(prepared, CONCURRENCY, async (p) => {
      for (let k = 0; k < p.events.length; k++) {
        const s = now();
        await op(p, k);
        latencies.push(now() - s);
      }
    });
    const elapsed = now() - t0;
    const c = process.cpuUsage(c0);
    cpu[phase].client += (c.user + c.system) / 1000;
    cpu[phase].server += cpuSince(s0, await serverCpu());
    cpu[phase].events += latencies.length;
    return { latencies, throughput: perSecond(latencies.length, elapsed), elapsed };
  }

  // Warm the pool, the plans and the JIT on a round that is not counted.
  for (const phase of PHASES) await run(phase, prepare(`warm-${phase}`).slice(0, CONCURRENCY));
  for (const phase of PHASES) cpu[phase] = { client: 0, server: 0, events: 0 };

  // Each phase goes first, second, third and last once every four rounds.
  const orders: Phase[][] = [
    ['plain', 'append', 'cold', 'record', 'unchained'],
    ['append', 'unchained', 'plain', 'cold', 'record'],
    ['cold', 'record', 'append', 'unchained', 'plain'],
    ['record', 'plain', 'unchained', 'append', 'cold'],
    ['unchained', 'cold', 'record', 'plain', 'append'],
  ];
  const results = Object.fromEntries(PHASES.map((p) => [p, { throughput: [] as number[], latencies: [] as number[] }])) as Record<
    Phase,
    { throughput: number[]; latencies: number[] }
  >;
  const ratios = Object.fromEntries(PHASES.map((p) => [p, [] as number[]])) as Record<Phase, number[]>;
  for (let r = 0; r < ROUNDS; r++) {
    const round: Partial<Record<Phase, number>> = {};
    for (const phase of orders[r % orders.length]) {
      const { latencies, throughput, elapsed } = await run(phase, prepare(`r${r}-${phase}`));
      results[phase].throughput.push(throughput);
      results[phase].latencies.push(...latencies);
      round[phase] = throughput;
      console.log(
        `round ${r + 1} ${phase.padEnd(6)} ${latencies.length} events in ${fmt.ms(elapsed)}: ${fmt.rate(throughput)} (load ${loadAverage()})`,
      );
    }
    for (const phase of PHASES) ratios[phase].push(round[phase]! / round.plain!);
  }

  // What the appenders wrote must verify like any chain, with the same code an auditor runs.
  const verdicts = await Promise.all(
    (['append', 'cold', 'record'] as const).flatMap((phase) =>
      Array.from({ length: TASKS }, (_, t) => verifyAuditChain(db, `r0-${phase}.task-${t}`)),
    ),
  );
  const broken = verdicts.filter((v) => !v.ok);
  console.log(
    `chains of round 1 verified with db/repositories/audit.ts verifyAuditChain: ${verdicts.length - broken.length} of ${verdicts.length} ok${broken.length ? `; first problem ${JSON.stringify(broken[0])}` : ''}`,
  );
  if (broken.length) throw new Error('a chain written by the appender does not verify');

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

  const names: Record<Phase, string> = {
    plain: 'plain insert (baseline)',
    append: 'audit append (AuditAppender, head known)',
    cold: 'audit append, head not known (reads it)',
    record: 'recordEvent (append + read model + outbox)',
    unchained: "recordEvent's writes, plain insert for the append",
  };
  const figures: Figure[] = PHASES.map((phase) => ({
    name: names[phase],
    summary: summarize(results[phase].latencies),
    throughput: median(results[phase].throughput),
    note: `rounds: ${results[phase].throughput.map((t) => fmt.rate(t)).join(', ')}`,
  }));
  figures.push({ name: 'eventHash alone (CPU)', note: `${hashMicros.toFixed(1)} µs per event` });
  printFigures(`P6 figures (throughput = median of ${ROUNDS} rounds; latency = one event's write)`, figures);
  const cpuPerEvent = Object.fromEntries(
    PHASES.map((p) => [p, { client: (cpu[p].client * 1000) / cpu[p].events, server: (cpu[p].server * 1000) / cpu[p].events }]),
  );
  console.log(
    `CPU per event (µs; this process / all PostgreSQL processes): ${PHASES.map((p) => `${p} ${cpuPerEvent[p].client.toFixed(0)} / ${cpuPerEvent[p].server.toFixed(0)}`).join(', ')}`,
  );
  console.log(`rows written: ${JSON.stringify(counts.rows[0])}`);

  const plainT = median(results.plain.throughput);
  const checks: Check[] = [
    {
      ...throughputCheck('P6', 'audit append (hash chain) vs plain insert', median(results.append.throughput), plainT, 0.7),
      ratio: median(ratios.append),
    },
    {
      ...throughputCheck(
        'P6',
        'append by a worker that does not know the head vs plain insert',
        median(results.cold.throughput),
        plainT,
        0.7,
        false,
      ),
      ratio: median(ratios.cold),
    },
    {
      ...throughputCheck('P6', 'full recordEvent vs plain insert', median(results.record.throughput), plainT, 0.7, false),
      ratio: median(ratios.record),
    },
    {
      ...throughputCheck(
        'P6',
        'full recordEvent vs the same writes without the chain',
        median(results.record.throughput),
        median(results.unchained.throughput),
        0.7,
        false,
      ),
      ratio: median(results.record.throughput.map((t, r) => t / results.unchained.throughput[r])),
    },
  ].map((c) => ({ ...c, pass: c.ratio! >= 0.7 }));
  console.log(
    `(ratio = median of the per-round ratios; ${(['append', 'cold', 'record', 'unchained'] as const).map((p) => `${p} rounds: ${ratios[p].map(fmt.ratio).join(', ')}`).join('; ')})`,
  );
  reportResult('P6', { checks, figures, extra: { hashMicros, ratios, cpuPerEvent, load: loadAverage() } });
});
