/**
 * Web render — the task board and the dashboard (Tổng quan) as server-rendered pages over 10,000
 * tasks, against the JSON API answering the same question in the same run.
 *
 *   npm run bench:web -- [--rows 10000] [--units 60] [--iterations 300]
 *
 * `rows` tasks are written straight into the `tasks` read model of a throwaway PostgreSQL (as
 * bench/p3-reports.ts does, each with the workflow's ~2 KB state snapshot), over `units` units.
 * The API runs in its own process (bench.api, as `npm start` runs it); a secretariat user reads
 * with a bearer token for the API and a session cookie for the pages. Requests alternate one for
 * one, after 20 of each to warm up:
 *   board      GET /tasks (first page, 25 rows, deadline order)  vs  GET /api/v1/tasks?pageSize=25
 *   dashboard  GET /overview (four groups, overdue, due this week) vs GET /api/v1/reports/units
 * Target: the board's p95 ≤ 1.5× the API list's p95. The dashboard's ratio is context (the page
 * asks three questions where the JSON report asks one). Bytes per page, raw and gzipped, are printed.
 */
import { gzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { addUnit, addUser, issueToken } from '../db/repositories/auth';
import { createSession } from '../db/repositories/sessions';
import type { Database, NewTaskRow } from '../db/schema';
import { SESSION_COOKIE } from '../web/auth/cookies';
import { mulberry32 as rng } from '../test/helpers/random';
import { sampleState } from './lib/fixtures';
import { numberFlag } from './lib/flags';
import { printMachine, runBench } from './lib/servers';
import { latencyCheck, limitCheck, now, printFigures, reportResult, summarize, type Check, type Figure } from './lib/stats';

const ROWS = numberFlag('rows', 10_000);
const UNITS = numberFlag('units', 60);
const ITERATIONS = numberFlag('iterations', 300);
const DAY = 86_400_000;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const STATUSES = ['assigned', 'acknowledged', 'in_progress', 'submitted', 'returned', 'completed', 'cancelled'] as const;

runBench(async (bench) => {
  printMachine();
  console.log(`Web render: ${ROWS} tasks over ${UNITS} units, ${ITERATIONS} requests per page`);
  const { db, url } = await bench.postgres({ poolSize: 4 });
  await seed(db);
  await sql`VACUUM ANALYZE tasks`.execute(db);
  const { url: app } = await bench.api({ url }, null, 'unused');
  const who = await secretariat(db);

  const get = (path: string, headers: Record<string, string>) => async (): Promise<number> => {
    const res = await fetch(`${app}${path}`, { headers });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${body.toString('utf8').slice(0, 300)}`);
    return body.length;
  };
  const page = (path: string) => get(path, { cookie: who.cookie });
  const api = (path: string) => get(path, { authorization: who.auth });
  const pairs = {
    board: { page: page('/tasks'), api: api('/api/v1/tasks?pageSize=25') },
    dashboard: { page: page('/overview'), api: api('/api/v1/reports/units') },
  };

  const figures: Figure[] = [];
  const checks: Check[] = [];
  const bytes: Record<string, { raw: number; gzip: number }> = {};
  for (const [name, pair] of Object.entries(pairs)) {
    for (let i = 0; i < 20; i++) await Promise.all([pair.page(), pair.api()]);
    const times = { page: [] as number[], api: [] as number[] };
    for (let i = 0; i < ITERATIONS; i++) {
      for (const side of i % 2 ? (['api', 'page'] as const) : (['page', 'api'] as const)) {
        const t0 = now();
        await pair[side]();
        times[side].push(now() - t0);
      }
    }
    const html = await fetch(`${app}${name === 'board' ? '/tasks' : '/overview'}`, { headers: { cookie: who.cookie } }).then((r) =>
      r.text(),
    );
    bytes[name] = { raw: Buffer.byteLength(html), gzip: gzipSync(html).length };
    const pageSummary = summarize(times.page);
    const apiSummary = summarize(times.api);
    figures.push({ name: `${name}: page`, summary: pageSummary }, { name: `${name}: JSON API`, summary: apiSummary });
    checks.push(
      name === 'board'
        ? latencyCheck('web-board', 'task board p95 vs the API list p95', pageSummary.p95, apiSummary.p95, 1.5)
        : latencyCheck('web-dashboard', 'dashboard p95 vs the API per-unit report p95', pageSummary.p95, apiSummary.p95, 1.5, false),
    );
  }
  printFigures('Server render and JSON answers (ms)', figures);
  for (const [name, b] of Object.entries(bytes)) console.log(`${name}: ${kib(b.raw)} HTML, ${kib(b.gzip)} gzipped`);
  checks.push(limitCheck('web-board-bytes', 'task board page, gzipped', bytes.board.gzip, 30 * 1024, kib, false));
  reportResult('web', { checks, figures, extra: { bytes } });
});

/** A secretariat user with a bearer token and a signed-in session. */
async function secretariat(db: Kysely<Database>): Promise<{ auth: string; cookie: string }> {
  await addUnit(db, { code: 'VPTU', name: 'Văn phòng Tỉnh ủy' });
  const { user } = await addUser(db, { login: 'bench.secretariat', unitCode: 'VPTU', roles: ['secretariat'] });
  const { token } = await issueToken(db, 'bench.secretariat');
  const session = await createSession(db, user.id);
  return { auth: `Bearer ${token}`, cookie: `${SESSION_COOKIE}=${session.token}` };
}

/** ROWS tasks over UNITS units: open, submitted, returned, completed and cancelled, deadlines around now. */
async function seed(db: Kysely<Database>): Promise<void> {
  const random = rng(7);
  const codes = Array.from({ length: UNITS }, (_, i) => `U${String(i + 1).padStart(3, '0')}`);
  for (const code of codes) await addUnit(db, { code, name: `Sở, ngành ${code}` });
  const t = Date.now();
  for (let start = 0; start < ROWS; start += 1000) {
    const rows: NewTaskRow[] = [];
    for (let i = start; i < Math.min(ROWS, start + 1000); i++) {
      const id = `bench.${i}`;
      const status = STATUSES[Math.floor(random() * STATUSES.length)];
      const dueMs = t + Math.floor((random() * 240 - 120) * DAY);
      const launchedAt = new Date(dueMs - 60 * DAY).toISOString();
      const closedAt = status === 'completed' || status === 'cancelled' ? new Date(Math.min(t, dueMs + (random() - 0.7) * 20 * DAY)) : null;
      const lead = codes[Math.floor(random() * codes.length)];
      rows.push({
        id,
        workflow_id: `task-${id}`,
        directive_number: `${String(1 + Math.floor(random() * 200)).padStart(3, '0')}/TB-UBND`,
        ref: `${i}`,
        title: 'Triển khai nền tảng số dùng chung cấp tỉnh: tích hợp dữ liệu và cung cấp dịch vụ công trực tuyến',
        lead_unit: lead,
        coordinating_units: [],
        responsible_official: 'Giám đốc Sở',
        assigned_by: 'Đồng chí Chủ tịch UBND tỉnh',
        decided_by: 'VPTU',
        expected_result: 'Hệ thống được đưa vào vận hành',
        deadline_kind: 'date',
        recurrence: null,
        status,
        original_due_at: new Date(dueMs),
        due_at: new Date(dueMs),
        launched_at: launchedAt,
        acknowledged_at: status === 'assigned' ? null : new Date(Date.parse(launchedAt) + DAY),
        submitted_at: status === 'submitted' || status === 'completed' ? new Date(t - DAY) : null,
        completed_at: status === 'completed' ? closedAt : null,
        cancelled_at: status === 'cancelled' ? closedAt : null,
        extension_count: 0,
        escalation_level: 0,
        outcome: status === 'completed' ? (closedAt!.getTime() > dueMs ? 'completed_late' : 'completed_on_time') : null,
        late_units: [],
        state: JSON.stringify(sampleState(id, 6, launchedAt)),
        audit_seq: 6,
      });
    }
    await db.insertInto('tasks').values(rows).execute();
  }
}
