/**
 * P3 — the overdue report and the per-unit status report over 100,000 assignments.
 *
 *   tsx bench/p3-reports.ts [--rows 100000] [--units 300] [--iterations 300] [--past-days 90] [--writes 300]
 *
 * `rows` assignments are written straight into the `tasks` read model of a throwaway
 * PostgreSQL (migrated, then VACUUM ANALYZE), spread over `units` units with a skewed (Zipf)
 * distribution and ~500 directives: about 39% completed on time, 12.5% completed late, 29% in
 * progress within the deadline, 10% overdue, 5% cancelled, 5% recurring without a deadline,
 * each row with the ~2 KB state snapshot the workflow writes.
 *   per-unit  db/repositories/reports.ts reportByUnit (every unit, as of now);
 *   overdue   lateList, first page of 100 (the API's default page) with the total;
 *   baseline  the same questions as hand-written SQL through a bare pg pool, checked to give
 *             the same answer;
 *   context   the repository's own statements (captured from Kysely's log) through the bare
 *             pool, which isolates the cost of the code around the SQL.
 * Repository and raw queries alternate one for one. The HTTP routes (/api/v1/reports/units,
 * /late) are timed too, as context. Target: repository ≤ 3× raw (p50) and p95 ≤ 20 ms.
 * EXPLAIN (ANALYZE, BUFFERS) of both repository queries is printed.
 * Context, not targets: the per-unit report as of `past-days` earlier (every assignment closed
 * since then is read and classified in full), and what the triggers keeping the report counts
 * (migration 0010) add to a read-model write, triggers on against off, `writes` of each kind.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import { lateList } from '../db/repositories/late-list';
import { reportByUnit } from '../db/repositories/reports';
import type { Database, NewTaskRow } from '../db/schema';
import { addUnit } from '../db/repositories/auth';
import { mulberry32 as rng } from '../test/helpers/random';
import { sampleState, userWithToken } from './lib/fixtures';
import { loadAverage, printMachine, runBench } from './lib/servers';
import { numberFlag } from './lib/flags';
import { fmt, latencyCheck, limitCheck, now, printFigures, reportResult, summarize } from './lib/stats';
import type { Check, Figure } from './lib/stats';

const ROWS = numberFlag('rows', 100_000);
const UNITS = numberFlag('units', 300);
const ITERATIONS = numberFlag('iterations', 300);
const PAST_DAYS = numberFlag('past-days', 90);
const WRITES = numberFlag('writes', 300);
const DAY = 86_400_000;
const PAGE = 100;

/** The classification of db/repositories/reports.ts, as one CASE over a row of `tasks` as of $1. */
const GROUP = `case
  when coalesce(cancelled_at <= $1, status = 'cancelled') then 'cancelled'
  when coalesce(completed_at <= $1, status = 'completed') then
    case when coalesce(outcome = 'completed_late', completed_at > due_at, false) then 'completed_late' else 'completed_on_time' end
  when due_at is null then 'no_deadline'
  when due_at < $1 then 'in_progress_overdue'
  else 'in_progress_on_time'
end`;

const RAW_BY_UNIT = `
select t.lead_unit, u.name as unit_name,
  count(*)::int as total,
  (count(*) filter (where grp = 'completed_on_time'))::int as completed_on_time,
  (count(*) filter (where grp = 'completed_late'))::int as completed_late,
  (count(*) filter (where grp in ('in_progress_on_time', 'no_deadline')))::int as in_progress_on_time,
  (count(*) filter (where grp = 'in_progress_overdue'))::int as in_progress_overdue,
  (count(*) filter (where grp = 'completed_on_time' and completed_at <= due_at - interval '1 day'))::int as ahead_of_schedule,
  (count(*) filter (where grp = 'cancelled'))::int as cancelled,
  (count(*) filter (where grp = 'no_deadline'))::int as no_deadline,
  (count(*) filter (where grp <> 'cancelled' and due_at <= $1))::int as came_due,
  (count(*) filter (where grp = 'completed_on_time' and due_at <= $1))::int as came_due_completed_on_time
from (select lead_unit, due_at, completed_at, ${GROUP} as grp from tasks) t
left join units u on u.code = t.lead_unit
group by t.lead_unit, u.name
order by t.lead_unit`;

const RAW_LATE = `
select k.id, k.directive_number, k.ref, k.title, k.lead_unit, u.name as lead_unit_name, k.late_units, l.grp, k.status,
  k.due_at, k.original_due_at, k.extension_count, k.completed_at, l.days_overdue, k.escalation_level, l.total
from (
  select id, due_at, grp,
    greatest(0, ceil(extract(epoch from (case when grp = 'in_progress_overdue' then $1 else late_until end) - due_at) / 86400))::int as days_overdue,
    (count(*) over ())::int as total
  from (
    select id, due_at, ${GROUP} as grp,
      case when outcome is null then completed_at else least(coalesce(submitted_at, completed_at), completed_at) end as late_until
    from tasks
  ) c
  where grp in ('in_progress_overdue', 'completed_late')
  order by grp = 'in_progress_overdue' desc, days_overdue desc, due_at, id
  limit ${PAGE}
) l
join tasks k on k.id = l.id
left join units u on u.code = k.lead_unit
order by l.grp = 'in_progress_overdue' desc, l.days_overdue desc, l.due_at, l.id`;

runBench(async (bench) => {
  printMachine();
  console.log(`P3 reports: ${ROWS} assignments over ${UNITS} units, ${ITERATIONS} iterations per query`);
  const { db, url } = await bench.postgres({ poolSize: 4 });
  const rawPool = new pg.Pool({ connectionString: url, max: 4 });
  // An idle connection dropped when the server stops must not crash the teardown.
  rawPool.on('error', () => undefined);
  bench.onClose(() => rawPool.end());

  const load0 = now();
  const asOf = new Date();
  const units = await seed(db, asOf);
  await sql`VACUUM ANALYZE tasks`.execute(db);
  await sql`VACUUM ANALYZE units`.execute(db);
  const size = await sql<{
    table: string;
    total: string;
  }>`select pg_size_pretty(pg_table_size('tasks')) as table, pg_size_pretty(pg_total_relation_size('tasks')) as total`.execute(db);
  console.log(
    `seeded ${ROWS} rows over ${units} units in ${fmt.ms(now() - load0)}; tasks table ${size.rows[0].table} (${size.rows[0].total} with indexes and TOAST)`,
  );

  const filter = { asOf };
  const repo = {
    byUnit: () => reportByUnit(db, filter),
    late: () => lateList(db, filter, { limit: PAGE, offset: 0 }),
  };
  const raw = {
    byUnit: () => rawPool.query(RAW_BY_UNIT, [asOf]),
    late: () => rawPool.query(RAW_LATE, [asOf]),
  };
  // The repository's own statements through a bare pg pool: what the code around them costs.
  const sent = {
    byUnit: await sentQueries(url, (d) => reportByUnit(d, filter)),
    late: await sentQueries(url, (d) => lateList(d, filter, { limit: PAGE, offset: 0 })),
  };
  const same = {
    byUnit: async () => {
      for (const q of sent.byUnit) await rawPool.query(q.sql, q.parameters as unknown[]);
    },
    late: async () => {
      for (const q of sent.late) await rawPool.query(q.sql, q.parameters as unknown[]);
    },
  };
  console.log(`repository statements: per-unit ${sent.byUnit.length}, overdue ${sent.late.length}`);

  // Same answers: the raw SQL is a fair baseline only if it asks the same question.
  const pastFilter = { asOf: new Date(asOf.getTime() - PAST_DAYS * DAY) };
  const [ru, rw, lu, lw] = [await repo.byUnit(), await raw.byUnit(), await repo.late(), await raw.late()];
  sameByUnit('as of now', ru, rw.rows);
  sameByUnit(
    `as of ${PAST_DAYS} days earlier`,
    await reportByUnit(db, pastFilter),
    (await rawPool.query(RAW_BY_UNIT, [pastFilter.asOf])).rows,
  );
  const rawLate = lw.rows.map((r) => [r.id, r.grp, r.days_overdue, r.total].join('/')).join();
  const repoLate = lu.items.map((i) => [i.taskId, i.group, i.daysOverdue, lu.total].join('/')).join();
  if (rawLate !== repoLate)
    throw new Error(`late lists differ: repository ${lu.total} (${lu.items[0]?.taskId}), raw ${lw.rows[0]?.total} (${lw.rows[0]?.id})`);
  console.log(
    `answers agree: ${ru.rows.length} units, ${ru.totals.total} assignments, ${ru.totals.inProgressOverdue} overdue, late list ${lu.total} (page of ${lu.items.length})`,
  );

  // The HTTP routes, as a secretariat user sees them.
  const { url: api } = await bench.api({ url }, null, 'unused');
  const auth = await userWithToken(db, 'bench.secretariat', 'VPTU', ['secretariat']);
  const http = (path: string) => async () => {
    const res = await fetch(`${api}${path}`, { headers: { authorization: auth } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
  };
  const routes = { byUnit: http('/api/v1/reports/units'), late: http(`/api/v1/reports/late?pageSize=${PAGE}`) };

  const cases = { byUnit: 'per-unit status report', late: `overdue report (first ${PAGE})` } as const;
  const figures: Figure[] = [];
  const checks: Check[] = [];
  for (const which of ['byUnit', 'late'] as const) {
    for (let i = 0; i < 20; i++) {
      await repo[which]();
      await raw[which]();
      await same[which]();
      await routes[which]();
    }
    const times = { repo: [] as number[], raw: [] as number[], same: [] as number[], http: [] as number[] };
    const run = { repo: repo[which], raw: raw[which], same: same[which], http: routes[which] };
    for (let i = 0; i < ITERATIONS; i++) {
      const order: (keyof typeof times)[] = i % 2 ? ['raw', 'repo', 'same', 'http'] : ['repo', 'raw', 'http', 'same'];
      for (const kind of order) {
        const t0 = now();
        await run[kind]();
        times[kind].push(now() - t0);
      }
    }
    const r = summarize(times.repo);
    const b = summarize(times.raw);
    figures.push(
      { name: `${cases[which]}: repository`, summary: r },
      { name: `${cases[which]}: hand-written SQL (baseline)`, summary: b },
      { name: `${cases[which]}: repository's SQL via bare pg`, summary: summarize(times.same) },
      { name: `${cases[which]}: HTTP route`, summary: summarize(times.http) },
    );
    checks.push(latencyCheck('P3', `${cases[which]}: p50 repository vs raw`, r.p50, b.p50, 3));
    checks.push(latencyCheck('P3', `${cases[which]}: p95 repository vs raw`, r.p95, b.p95, 3, false));
    checks.push(limitCheck('P3', `${cases[which]}: p95 repository`, r.p95, 20, fmt.ms));
    console.log(`${cases[which]}: done (load ${loadAverage()})`);
  }

  // Context: as of an earlier instant the kept counts are corrected by every assignment closed since.
  {
    const past = { repo: [] as number[], raw: [] as number[] };
    const run = { repo: () => reportByUnit(db, pastFilter), raw: () => rawPool.query(RAW_BY_UNIT, [pastFilter.asOf]) };
    for (let i = 0; i < 10; i++) for (const kind of ['repo', 'raw'] as const) await run[kind]();
    for (let i = 0; i < ITERATIONS / 3; i++) {
      for (const kind of i % 2 ? (['raw', 'repo'] as const) : (['repo', 'raw'] as const)) {
        const t0 = now();
        await run[kind]();
        past[kind].push(now() - t0);
      }
    }
    const closedSince = await rawPool.query(`select count(*)::int as n from tasks where greatest(completed_at, cancelled_at) > $1`, [
      pastFilter.asOf,
    ]);
    figures.push(
      {
        name: `per-unit as of ${PAST_DAYS} days earlier (${closedSince.rows[0].n} closed since): repository`,
        summary: summarize(past.repo),
      },
      { name: `per-unit as of ${PAST_DAYS} days earlier: hand-written SQL`, summary: summarize(past.raw) },
    );
    checks.push(
      latencyCheck(
        'P3',
        `per-unit as of ${PAST_DAYS} days earlier: p50 repository vs raw`,
        summarize(past.repo).p50,
        summarize(past.raw).p50,
        3,
        false,
      ),
    );
    console.log(`per-unit as of ${PAST_DAYS} days earlier: done (load ${loadAverage()})`);
  }
  printFigures(`P3 figures (${ROWS} assignments; latency of one report)`, figures);
  for (const [name, statements] of Object.entries(sent)) {
    for (const [i, q] of statements.entries()) {
      const plan = await rawPool.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.parameters as unknown[]);
      console.log(
        `\nEXPLAIN ANALYZE, ${cases[name as keyof typeof cases]}, repository statement ${i + 1} of ${statements.length}:\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`,
      );
    }
  }
  // After the plans: the writes leave pages not all-visible, which index-only scans then visit.
  const writes = await writeCost(rawPool);
  printFigures(`P3 context: one read-model UPDATE (ms), ${WRITES} of each`, writes);
  figures.push(...writes);
  reportResult('P3', { checks, figures, extra: { rows: ROWS, units, load: loadAverage() } });
});

/** Throws unless the repository's per-unit report and the raw SQL's rows say the same for every unit. */
function sameByUnit(what: string, report: Awaited<ReturnType<typeof reportByUnit>>, rows: Record<string, unknown>[]): void {
  const fromRaw = rows.map((r) =>
    [
      r.lead_unit,
      r.unit_name,
      r.total,
      r.completed_on_time,
      r.completed_late,
      r.in_progress_on_time,
      r.in_progress_overdue,
      r.ahead_of_schedule,
      r.cancelled,
      r.no_deadline,
      r.came_due,
      r.came_due_completed_on_time,
    ].join('/'),
  );
  const fromRepo = report.rows.map((u) =>
    [
      u.unit,
      u.unitName,
      u.total,
      u.completedOnTime,
      u.completedLate,
      u.inProgressOnTime,
      u.inProgressOverdue,
      u.aheadOfSchedule,
      u.cancelled,
      u.noDeadline,
      u.cameDue,
      u.cameDueCompletedOnTime,
    ].join('/'),
  );
  const differ = fromRepo.findIndex((r, i) => r !== fromRaw[i]);
  if (fromRepo.length !== fromRaw.length || differ >= 0)
    throw new Error(`per-unit answers differ ${what}: repository ${fromRepo[differ]}, raw ${fromRaw[differ]}`);
}

/**
 * What keeping the report counts costs a read-model write: single-row UPDATEs in autocommit,
 * with the triggers of migration 0010 on and off, alternating. A reminder changes no group (the
 * trigger's WHEN skips it); closing or reopening an assignment moves it between groups.
 */
async function writeCost(pool: pg.Pool): Promise<Figure[]> {
  const ids = (
    await pool.query(`select id from tasks where status = 'in_progress' and due_at is not null order by id limit $1`, [WRITES])
  ).rows.map((r) => r.id as string);
  const reminder = (id: string) =>
    pool.query(`update tasks set escalation_level = escalation_level + 1, audit_seq = audit_seq + 1, updated_at = now() where id = $1`, [
      id,
    ]);
  const close = (id: string, done: boolean) =>
    done
      ? pool.query(
          `update tasks set status = 'completed', completed_at = now(), submitted_at = now(), outcome = 'completed_late', audit_seq = audit_seq + 1 where id = $1`,
          [id],
        )
      : pool.query(
          `update tasks set status = 'in_progress', completed_at = null, submitted_at = null, outcome = null, audit_seq = audit_seq + 1 where id = $1`,
          [id],
        );
  const triggers = (on: boolean) => pool.query(`alter table tasks ${on ? 'enable' : 'disable'} trigger tasks_report_counts_update`);
  const times = { reminderOn: [] as number[], reminderOff: [] as number[], closeOn: [] as number[], closeOff: [] as number[] };
  for (const [i, id] of ids.entries()) {
    for (const on of i % 2 ? [true, false] : [false, true]) {
      await triggers(on);
      let t0 = now();
      await reminder(id);
      times[on ? 'reminderOn' : 'reminderOff'].push(now() - t0);
      // Close and reopen, so that the next round starts from the same rows.
      t0 = now();
      await close(id, true);
      await close(id, false);
      times[on ? 'closeOn' : 'closeOff'].push((now() - t0) / 2);
    }
  }
  await triggers(true);
  console.log(`write cost: done (load ${loadAverage()})`);
  return [
    { name: 'write: a reminder (no group change), counts kept', summary: summarize(times.reminderOn) },
    { name: 'write: a reminder, triggers off', summary: summarize(times.reminderOff) },
    { name: 'write: close or reopen (group change), counts kept', summary: summarize(times.closeOn) },
    { name: 'write: close or reopen, triggers off', summary: summarize(times.closeOff) },
  ];
}

/**
 * The statements a repository call sends, in order, captured through Kysely's query log; not the
 * horizon check of the kept counts, which a process sends at most once a minute.
 */
async function sentQueries(url: string, call: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
  const sent: CompiledQuery[] = [];
  const logged = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    log: (event) => {
      if (event.level === 'query' && !event.query.sql.includes('task_report_advance')) sent.push(event.query);
    },
  });
  try {
    await call(logged);
  } finally {
    await logged.destroy();
  }
  return sent;
}

/** Writes the units and ROWS assignments in batches; returns how many units. */
async function seed(db: Kysely<Database>, asOf: Date): Promise<number> {
  const random = rng(42);
  const codes = Array.from({ length: UNITS }, (_, i) => `U${String(i + 1).padStart(3, '0')}`);
  for (const code of codes) await addUnit(db, { code, name: `Đơn vị ${code}` });
  // Zipf-like: a few departments lead many assignments, most units a handful.
  const weights = codes.map((_, i) => 1 / Math.pow(i + 1, 0.8));
  const cumulative: number[] = [];
  weights.reduce((s, w, i) => (cumulative[i] = s + w), 0);
  const totalWeight = cumulative[cumulative.length - 1];
  const unitAt = () => {
    const x = random() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return codes[lo];
  };
  const t = asOf.getTime();
  const stateJson = (id: string, launchedAt: string) => JSON.stringify(sampleState(id, 6, launchedAt));
  const BATCH = 1000;
  for (let start = 0; start < ROWS; start += BATCH) {
    const rows: NewTaskRow[] = [];
    for (let i = start; i < Math.min(ROWS, start + BATCH); i++) {
      const directive = `${String(1 + Math.floor(random() * 500)).padStart(3, '0')}-TB/TU`;
      const id = `bench.${i}`;
      const lead = unitAt();
      const recurring = random() < 0.05;
      const dueMs = t + Math.floor((random() * 905 - 540) * DAY);
      const launchedMs = dueMs - Math.floor((30 + random() * 170) * DAY);
      const r = random();
      let status: string;
      let completedMs: number | null = null;
      let cancelledMs: number | null = null;
      let outcome: string | null = null;
      if (recurring) {
        status = r < 0.9 ? 'in_progress' : 'assigned';
      } else if (dueMs < t) {
        if (r < 0.55) [status, completedMs, outcome] = ['completed', dueMs - Math.floor(random() * 20 * DAY), 'completed_on_time'];
        else if (r < 0.77)
          [status, completedMs, outcome] = [
            'completed',
            Math.min(t - DAY, dueMs + Math.floor((1 + random() * 60) * DAY)),
            'completed_late',
          ];
        else if (r < 0.95) status = ['assigned', 'acknowledged', 'in_progress', 'submitted', 'returned'][Math.floor(random() * 5)];
        else [status, cancelledMs] = ['cancelled', dueMs - Math.floor(random() * 10 * DAY)];
      } else {
        if (r < 0.2)
          [status, completedMs, outcome] = [
            'completed',
            Math.min(t - DAY, launchedMs + Math.floor(random() * (t - launchedMs))),
            'completed_on_time',
          ];
        else if (r < 0.95) status = ['assigned', 'acknowledged', 'in_progress', 'submitted'][Math.floor(random() * 4)];
        else [status, cancelledMs] = ['cancelled', Math.min(t - DAY, launchedMs + DAY)];
      }
      const due = recurring ? null : new Date(dueMs);
      const overdueOpen = !recurring && completedMs === null && cancelledMs === null && dueMs < t;
      const launchedAt = new Date(launchedMs).toISOString();
      rows.push({
        id,
        workflow_id: `task-${id}`,
        directive_number: directive,
        ref: `${i}`,
        title: 'Triển khai nền tảng số dùng chung cấp tỉnh: tích hợp dữ liệu và cung cấp dịch vụ công trực tuyến',
        lead_unit: lead,
        coordinating_units: [unitAt()],
        responsible_official: 'Giám đốc Sở',
        assigned_by: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
        decided_by: 'SKHCN',
        expected_result: 'Hệ thống được đưa vào vận hành',
        deadline_kind: recurring ? 'recurring' : 'date',
        recurrence: recurring ? JSON.stringify({ freq: 'monthly', dayOfMonth: 20 }) : null,
        status,
        original_due_at: due,
        due_at: due,
        launched_at: launchedAt,
        acknowledged_at: status === 'assigned' ? null : new Date(launchedMs + DAY),
        submitted_at: completedMs !== null ? new Date(completedMs - DAY) : status === 'submitted' ? new Date(t - DAY) : null,
        completed_at: completedMs === null ? null : new Date(completedMs),
        cancelled_at: cancelledMs === null ? null : new Date(cancelledMs),
        extension_count: random() < 0.1 ? 1 : 0,
        escalation_level: overdueOpen ? 1 + Math.floor(random() * 3) : 0,
        outcome,
        late_units: outcome === 'completed_late' || overdueOpen ? [lead] : [],
        state: stateJson(id, launchedAt),
        audit_seq: 6,
      });
    }
    await db.insertInto('tasks').values(rows).execute();
  }
  return codes.length;
}
