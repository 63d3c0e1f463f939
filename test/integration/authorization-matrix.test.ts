/**
 * Every authenticated endpoint × every role × (lead unit, coordinating unit, unrelated unit),
 * against an explicit table of who may do what, with real servers (dev server + PostgreSQL).
 *
 * The endpoints are read from the OpenAPI document the app serves (test/integration/openapi.test.ts
 * proves it lists exactly the routes the app has), so a new endpoint without a row in EXPECTED
 * and a probe in PROBES fails this file instead of escaping the matrix.
 *
 * Each cell is sent by a user holding that one role in that unit, against a task in the state the
 * request needs (so a refusal can only come from authorization, never from the state):
 * - allowed: 2xx;
 * - refused: 403 problem document, and nothing changed (row counts and the tasks' digest are equal
 *   before and after every refusal);
 * - hidden: 404, as for something that does not exist (someone else's notification).
 * Without a token every endpoint answers 401. After the matrix, every list and report of every user
 * is checked for tasks of units it has nothing to do with, and every task, trail and file of the
 * matrix is read by each user of the unrelated unit: zero leaks, reads included.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type request from 'supertest';
import { openApiDocument } from '../../api/openapi';
import { ROLES, type Role } from '../../domain/roles';
import { useApiWorld, type Fixture as TaskFixture, type Person } from '../helpers/api-world';
import { DAY, PDF } from '../helpers/fixtures';
import { tableSnapshot } from '../helpers/counts';
import { uniq } from '../helpers/servers';

// ---------------------------------------------------------------------------------------------
// The expectation table, written from the rules (README "A task's life", docs/architecture.md
// "Authentication and authorization", domain/roles.ts):
// - secretariat: launches, reviews (approve/return), decides extensions, reassigns, cancels;
//   registers, edits and launches directives; sees every task, trail, file, directive and report;
// - unit_officer: acts on assignments its unit leads (acknowledge, submit, extension request,
//   periodic report); contributes progress, measurements and evidence where it leads or
//   coordinates; reads the tasks of its unit (lead or coordinating) and its own unit's reports;
//   cannot read directive drafts;
// - unit_head: as an officer;
// - inspector: reads everything (tasks, history, audit verification, evidence, directives,
//   reports), writes nothing;
// - admin: manages users and units (CLI, not this API). Decided and documented here: an
//   administrator may READ what the secretariat and the inspection committee read (tasks,
//   trails, evidence, directives, reports; `seesAll` in api/visibility.ts, for support), and may
//   WRITE nothing through this API; its inbox is empty (administrators receive nothing).
// The relation (lead / coordinating / unrelated) is that of the user's unit to the task. For the
// secretariat, the inspector and the administrator it changes nothing: their access is by role.
// Everyone has an inbox of their own; someone else's notification is answered 404 (hidden).
// ---------------------------------------------------------------------------------------------

type Relation = 'lead' | 'coordinating' | 'unrelated';
const RELATIONS: readonly Relation[] = ['lead', 'coordinating', 'unrelated'];
type Verdict = 'allowed' | 'refused' | 'hidden';
type Rule = (role: Role, relation: Relation) => Verdict;

const UNIT_ROLES: readonly Role[] = ['unit_officer', 'unit_head'];
const SEES_ALL: readonly Role[] = ['secretariat', 'inspector', 'admin'];
const allowedIf = (ok: boolean): Verdict => (ok ? 'allowed' : 'refused');

const secretariatOnly: Rule = (role) => allowedIf(role === 'secretariat');
const leadUnitOnly: Rule = (role, rel) => allowedIf(UNIT_ROLES.includes(role) && rel === 'lead');
const leadOrCoordinating: Rule = (role, rel) => allowedIf(UNIT_ROLES.includes(role) && rel !== 'unrelated');
const readsTask: Rule = (role, rel) => allowedIf(SEES_ALL.includes(role) || rel !== 'unrelated');
const readsDirectives: Rule = (role) => allowedIf(SEES_ALL.includes(role));
/** Reports asked for the lead unit (`unit=<lead>`): every unit for those who see all, their own unit for the others. */
const readsLeadUnitReport: Rule = (role, rel) => allowedIf(SEES_ALL.includes(role) || (UNIT_ROLES.includes(role) && rel === 'lead'));
const everyone: Rule = () => 'allowed';
/**
 * A lifecycle command: checked before the workflow is asked (issue 12, item 11), so a unit that cannot
 * see the task gets 404 as for a task that does not exist (before: 403 from the workflow's validator).
 */
const command =
  (rule: Rule): Rule =>
  (role, rel) =>
    UNIT_ROLES.includes(role) && rel === 'unrelated' ? 'hidden' : rule(role, rel);
/** The lead unit's "assigned" notification: it reaches the lead unit's officers and head; for anyone else it does not exist. */
const leadUnitNotification: Rule = (role, rel) => (UNIT_ROLES.includes(role) && rel === 'lead' ? 'allowed' : 'hidden');

/** One row per operation of the OpenAPI document that needs a token. */
const EXPECTED: Record<string, Rule> = {
  // tasks: launch and read
  launchTask: secretariatOnly,
  listTasks: everyone, // filtered: see "zero leaks" below
  getTask: readsTask,
  getTaskHistory: readsTask,
  verifyTaskAudit: readsTask,
  // lifecycle commands (COMMAND_ROUTES)
  acknowledge: command(leadUnitOnly),
  reportProgress: command(leadOrCoordinating),
  recordMeasurement: command(leadOrCoordinating),
  submit: command(leadUnitOnly),
  approve: command(secretariatOnly),
  return: command(secretariatOnly),
  requestExtension: command(leadUnitOnly),
  decideExtension: command(secretariatOnly),
  reassign: command(secretariatOnly),
  cancel: command(secretariatOnly),
  reopenTask: secretariatOnly, // requireRole before the task is read: a unit gets 403
  submitReport: command(leadUnitOnly),
  // evidence
  uploadEvidence: leadOrCoordinating,
  downloadEvidence: readsTask,
  // directives
  importDirective: secretariatOnly,
  listDirectives: readsDirectives,
  extractDirective: secretariatOnly,
  registerDirectiveFromText: secretariatOnly,
  getDirective: readsDirectives,
  patchDirectiveItem: secretariatOnly,
  discardDirectiveItem: secretariatOnly,
  launchDirectiveItems: secretariatOnly,
  // reports
  reportByUnit: readsLeadUnitReport,
  reportByDirective: readsLeadUnitReport,
  reportLate: readsLeadUnitReport,
  // inbox
  listInbox: everyone, // filtered: see "zero leaks" below
  markInboxRead: leadUnitNotification,
};

/** The operations that need no token; anything else must be in EXPECTED. */
const PUBLIC_OPERATIONS = ['health', 'readiness', 'metrics', 'openApiDocument', 'apiDocsPage'];

interface Fixture extends TaskFixture {
  directiveId?: string;
  notificationId?: string;
}

interface Probe {
  /** The state the request needs. */
  fixture: () => Promise<Fixture>;
  /** The request changes the task for good (it closes, moves or consumes what it acts on): each allowed cell gets a fixture of its own. */
  fresh?: boolean;
  send: (auth: string | null, f: Fixture) => request.Test;
  /** Waits for what an allowed request started in the background (a launched workflow writes its first row a moment later). */
  settle?: (responses: request.Response[]) => Promise<void>;
}

interface Cell extends Person {
  role: Role;
  relation: Relation;
  unitCode: string;
}

describe('authorization matrix: every endpoint × role × (lead, coordinating, unrelated unit)', () => {
  // The world of this file: fresh units, so lists and reports hold only what this file made. Its own
  // secretariat and lead officer prepare the fixtures and take no part in the matrix; every task of the
  // matrix belongs to its one directive number (refs 1, 2, 3 ...). The rate limit is off: fixtures take
  // a few hundred requests.
  const w = useApiWorld({ directivePrefix: 'MATRIX' });
  const { db, http, directiveNumber } = w;
  const { office, reassignee } = w.units;
  const units: Record<Relation, string> = { lead: w.units.lead, coordinating: w.units.coordinating, unrelated: w.unit('OTHER') };
  const cells: Cell[] = ROLES.flatMap((role) =>
    RELATIONS.map((relation) => Object.assign(w.person(units[relation], [role]), { role, relation, unitCode: units[relation] })),
  );

  afterAll(async () => {
    // The directives this file registered (some numbered by the text intake) would collide with later files' imports.
    const logins = [...cells.map((c) => c.login), w.people.secretariat.login];
    await db.deleteFrom('directives').where('created_by', 'in', logins).execute();
  });

  // ---- fixtures: tasks in the state a request needs, made over HTTP by the world's own secretariat and lead officer ----

  const { launched, acknowledged: working, withEvidence, submitted, extensionPending, recurring } = w.fixtures;
  /** The task every read probes: acknowledged, with a file, and its "assigned" notification to the lead unit. */
  let readFixture: Promise<Fixture> | undefined;
  const readable = () =>
    (readFixture ??= (async () => {
      const f = await withEvidence();
      const n = await db
        .selectFrom('notifications')
        .select('id')
        .where('task_id', '=', f.taskId)
        .where('recipient_role', '=', 'lead_unit')
        .where('kind', '=', 'assigned')
        .executeTakeFirstOrThrow();
      return { ...f, notificationId: String(n.id) };
    })());
  /** A registered directive of this file with one draft that lacks most of the "6 rõ" (launching it starts nothing). */
  let directiveFixture: Promise<Fixture> | undefined;
  const aDirective = () =>
    (directiveFixture ??= (async () => {
      const res = await http()
        .post('/api/v1/directives')
        .set('authorization', w.people.secretariat.auth)
        .send({
          number: `${directiveNumber}-VB`,
          decidedBy: office,
          items: [{ ref: '2.4', title: 'Xây dựng Trung tâm an ninh mạng cấp tỉnh', leadUnit: units.lead }],
        })
        .expect(201);
      return { taskId: (await readable()).taskId, directiveId: res.body.id };
    })());

  // ---- one probe per operation ----

  const withAuth = (test: request.Test, auth: string | null) => (auth ? test.set('authorization', auth) : test);
  const command = (name: string, body: (f: Fixture) => object) => (auth: string | null, f: Fixture) =>
    withAuth(http().post(`/api/v1/tasks/${f.taskId}/${name}`), auth).send(body(f));
  const get = (path: (f: Fixture) => string) => (auth: string | null, f: Fixture) => withAuth(http().get(path(f)), auth);
  const reportQuery = () => ({ unit: units.lead, directive: directiveNumber });

  const PROBES: Record<string, Probe> = {
    launchTask: {
      fixture: readable,
      send: (auth) => withAuth(http().post('/api/v1/tasks'), auth).send(w.launchBody({ dueInDays: 90 })),
      settle: async (responses) => {
        for (const r of responses) await w.untilLaunched(r.body.id);
      },
    },
    listTasks: { fixture: readable, send: get(() => `/api/v1/tasks?directive=${encodeURIComponent(directiveNumber)}`) },
    getTask: { fixture: readable, send: get((f) => `/api/v1/tasks/${f.taskId}`) },
    getTaskHistory: { fixture: readable, send: get((f) => `/api/v1/tasks/${f.taskId}/history`) },
    verifyTaskAudit: { fixture: readable, send: get((f) => `/api/v1/tasks/${f.taskId}/audit/verify`) },
    acknowledge: { fixture: launched, fresh: true, send: command('acknowledge', () => ({ note: 'Đã tiếp nhận' })) },
    reportProgress: { fixture: working, send: command('progress', () => ({ text: 'Đã khảo sát nhà cung cấp', percent: 30 })) },
    recordMeasurement: {
      fixture: working,
      send: command('measurements', () => ({ targetId: 'phu-song-5g', value: 58.4, measuredOn: '2025-11-30' })),
    },
    submit: {
      fixture: withEvidence,
      fresh: true,
      send: command('submit', (f) => ({ summary: 'Đề nghị hoàn thành', evidenceIds: [f.evidenceId] })),
    },
    approve: { fixture: submitted, fresh: true, send: command('approve', () => ({ note: 'Đạt yêu cầu' })) },
    return: { fixture: submitted, fresh: true, send: command('return', () => ({ reason: 'Bổ sung biên bản nghiệm thu' })) },
    requestExtension: {
      fixture: launched,
      fresh: true,
      send: command('extension-requests', () => ({
        requestedDueAt: new Date(Date.now() + 150 * DAY).toISOString(),
        reason: 'Chờ bố trí kinh phí',
      })),
    },
    decideExtension: { fixture: extensionPending, fresh: true, send: command('extension-decision', () => ({ approve: true })) },
    reassign: {
      fixture: launched,
      fresh: true,
      send: command('reassign', () => ({
        newLeadUnit: reassignee,
        responsibleOfficial: 'Giám đốc Sở mới',
        reason: 'Điều chỉnh chức năng',
      })),
    },
    cancel: { fixture: launched, fresh: true, send: command('cancel', () => ({ reason: 'Nội dung đã được thay thế' })) },
    reopenTask: {
      fixture: async () => {
        const f = await launched();
        await w.command(f.taskId, 'cancel', { reason: 'Thu hồi để làm lại' }, w.people.secretariat);
        return f;
      },
      fresh: true,
      send: command('reopen', () => ({ reason: 'Thực hiện lại', newDueAt: new Date(Date.now() + 60 * DAY).toISOString() })),
    },
    submitReport: {
      fixture: recurring,
      fresh: true,
      send: command('reports', (f) => ({ periodKey: f.periodKey, summary: 'Báo cáo quý' })),
    },
    uploadEvidence: {
      fixture: launched,
      send: (auth, f) =>
        withAuth(http().post(`/api/v1/tasks/${f.taskId}/evidence`), auth).attach('file', PDF, {
          filename: 'minh-chung.pdf',
          contentType: 'application/pdf',
        }),
    },
    downloadEvidence: { fixture: readable, send: get((f) => `/api/v1/tasks/${f.taskId}/evidence/${f.evidenceId}`) },
    importDirective: {
      fixture: readable,
      send: (auth) =>
        withAuth(http().post('/api/v1/directives'), auth).send({
          number: `${directiveNumber}-${uniq()}`,
          items: [{ ref: '1', title: 'Rà soát hạ tầng mạng viễn thông' }],
        }),
    },
    listDirectives: { fixture: readable, send: get(() => '/api/v1/directives') },
    extractDirective: {
      fixture: readable,
      send: (auth) =>
        withAuth(http().post('/api/v1/directives/extract'), auth)
          .set('content-type', 'text/plain; charset=utf-8')
          // A number the text intake reads whole (it would keep only the last digits of a longer one), unlikely to be taken.
          .send(
            `Số: ${10_000 + Math.floor(Math.random() * 90_000)}/TB-CQTT\nThái Nguyên, ngày 04 tháng 11 năm 2025\nTHÔNG BÁO\n1. Giao Công an tỉnh xây dựng trung tâm an ninh mạng.\n`,
          ),
    },
    registerDirectiveFromText: {
      fixture: readable,
      send: (auth) =>
        withAuth(http().post('/api/v1/directives/from-text'), auth).send({
          text: 'THÔNG BÁO\n1. Giao Công an tỉnh xây dựng trung tâm an ninh mạng.\n',
          number: `${directiveNumber}-${uniq()}`,
        }),
    },
    getDirective: { fixture: aDirective, send: get((f) => `/api/v1/directives/${f.directiveId}`) },
    patchDirectiveItem: {
      fixture: aDirective,
      send: (auth, f) =>
        withAuth(http().patch(`/api/v1/directives/${f.directiveId}/items/2.4`), auth).send({
          responsibleOfficial: 'Giám đốc Công an tỉnh',
        }),
    },
    discardDirectiveItem: {
      // Discarding consumes the draft: every allowed cell discards one of its own.
      fresh: true,
      fixture: async () => {
        const res = await http()
          .post('/api/v1/directives')
          .set('authorization', w.people.secretariat.auth)
          .send({ number: `${directiveNumber}-LOAI-${uniq()}`, items: [{ ref: '2.4', title: 'Mục đọc nhầm' }] })
          .expect(201);
        return { taskId: (await readable()).taskId, directiveId: res.body.id };
      },
      send: (auth, f) =>
        withAuth(http().post(`/api/v1/directives/${f.directiveId}/items/2.4/discard`), auth).send({ reason: 'Mục không giao việc cho ai' }),
    },
    launchDirectiveItems: {
      fixture: aDirective,
      send: (auth, f) => withAuth(http().post(`/api/v1/directives/${f.directiveId}/launch`), auth).send({ refs: ['2.4'] }),
    },
    reportByUnit: { fixture: readable, send: (auth) => withAuth(http().get('/api/v1/reports/units').query(reportQuery()), auth) },
    reportByDirective: { fixture: readable, send: (auth) => withAuth(http().get('/api/v1/reports/directives').query(reportQuery()), auth) },
    reportLate: { fixture: readable, send: (auth) => withAuth(http().get('/api/v1/reports/late').query(reportQuery()), auth) },
    listInbox: { fixture: readable, send: get(() => '/api/v1/inbox') },
    markInboxRead: { fixture: readable, send: (auth, f) => withAuth(http().post(`/api/v1/inbox/${f.notificationId}/read`), auth) },
  };

  // ---- what a refusal must leave untouched ----

  const snapshot = () => tableSnapshot(db, { tasksOfDirective: directiveNumber });

  const verdictOf = (res: request.Response): Verdict | number =>
    res.status >= 200 && res.status < 300 ? 'allowed' : res.status === 403 ? 'refused' : res.status === 404 ? 'hidden' : res.status;

  it('covers every authenticated operation of the API, and nothing else', () => {
    const operations: string[] = [];
    const open: string[] = [];
    for (const methods of Object.values(openApiDocument().paths ?? {})) {
      for (const op of Object.values(methods as Record<string, { operationId?: string; security?: unknown[] }>)) {
        if (!op?.operationId) continue;
        (Array.isArray(op.security) && op.security.length === 0 ? open : operations).push(op.operationId);
      }
    }
    expect(open.sort()).toEqual([...PUBLIC_OPERATIONS].sort());
    expect(operations.sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(Object.keys(PROBES).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('answers each cell as the expectation table says; a refusal changes nothing; no token is always 401', async () => {
    const mismatches: string[] = [];
    const grid: Record<string, Record<string, string>> = {};
    const symbol: Record<Verdict, string> = { allowed: '✓', refused: '✗', hidden: '·' };

    for (const [operationId, rule] of Object.entries(EXPECTED)) {
      const probe = PROBES[operationId];
      const shared = await probe.fixture();
      grid[operationId] = {};
      const record = (cell: Cell, res: request.Response) => {
        const got = verdictOf(res);
        const want = rule(cell.role, cell.relation);
        grid[operationId][`${cell.role}/${cell.relation}`] = typeof got === 'number' ? String(got) : symbol[got];
        if (got !== want)
          mismatches.push(
            `${operationId} ${cell.role}@${cell.relation}: expected ${want}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
          );
        if (res.status >= 400) {
          if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? ''))
            mismatches.push(`${operationId} ${cell.role}@${cell.relation}: ${res.status} without a problem document`);
          else if (res.body?.status !== res.status)
            mismatches.push(`${operationId} ${cell.role}@${cell.relation}: problem status ${res.body?.status} ≠ ${res.status}`);
        }
      };

      // Refusals (and hidden cells) first, on the shared fixture: nothing may change.
      const before = await snapshot();
      const anonymous = await probe.send(null, shared);
      if (
        anonymous.status !== 401 ||
        !/^Bearer/.test(anonymous.headers['www-authenticate'] ?? '') ||
        anonymous.body?.type !== 'unauthorized'
      ) {
        mismatches.push(`${operationId} without a token: expected 401 unauthorized, got ${anonymous.status}`);
      }
      const denied = cells.filter((c) => rule(c.role, c.relation) !== 'allowed');
      for (const cell of denied) record(cell, await probe.send(cell.auth, shared));
      const after = await snapshot();
      if (JSON.stringify(after) !== JSON.stringify(before))
        mismatches.push(`${operationId}: refused requests changed state: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);

      // Then the allowed cells: each on a fixture of its own when the request uses it up.
      const allowed = cells.filter((c) => rule(c.role, c.relation) === 'allowed');
      const fixtures = probe.fresh ? await Promise.all(allowed.map(() => probe.fixture())) : allowed.map(() => shared);
      const responses: request.Response[] = [];
      for (const [i, cell] of allowed.entries()) {
        const res = await probe.send(cell.auth, fixtures[i]);
        record(cell, res);
        responses.push(res);
      }
      await probe.settle?.(responses.filter((r) => r.status < 300));
    }

    const columns = cells.map((c) => `${c.role}/${c.relation}`);
    const short = (c: string) =>
      c
        .replace('secretariat', 'sec')
        .replace('unit_officer', 'off')
        .replace('unit_head', 'head')
        .replace('inspector', 'insp')
        .replace('/lead', ':L')
        .replace('/coordinating', ':C')
        .replace('/unrelated', ':U');
    const lines = [`${'operation'.padEnd(22)} ${columns.map((c) => short(c).padEnd(8)).join('')}`];
    for (const [op, row] of Object.entries(grid)) lines.push(`${op.padEnd(22)} ${columns.map((c) => (row[c] ?? '?').padEnd(8)).join('')}`);
    console.log(`authorization matrix (✓ allowed, ✗ 403, · 404; L lead, C coordinating, U unrelated unit)\n${lines.join('\n')}`);

    expect(mismatches).toEqual([]);
  });

  it('never lists, reports or routes a task to a unit that has nothing to do with it (zero leaks in reads)', async () => {
    const tasks = await db
      .selectFrom('tasks')
      .select(['id', 'lead_unit', 'co_lead_unit', 'coordinating_units'])
      .where('directive_number', '=', directiveNumber)
      .execute();
    expect(tasks.length).toBeGreaterThan(30);
    const involves = (t: (typeof tasks)[number], unit: string) =>
      t.lead_unit === unit || t.co_lead_unit === unit || t.coordinating_units.includes(unit);
    const matrixIds = new Set(tasks.map((t) => t.id));

    for (const cell of cells) {
      const who = `${cell.role}@${cell.relation}`;
      const seesAll = SEES_ALL.includes(cell.role);

      // The task list: everything for those who see all, exactly their unit's tasks for the others, whatever the filter asks.
      const list = await http()
        .get('/api/v1/tasks')
        .query({ directive: directiveNumber, pageSize: 200 })
        .set('authorization', cell.auth)
        .expect(200);
      const listed = (list.body.items as { id: string }[]).map((t) => t.id).sort();
      const expected = tasks
        .filter((t) => seesAll || involves(t, cell.unitCode))
        .map((t) => t.id)
        .sort();
      expect(listed, who).toEqual(expected);
      expect(list.body.total, who).toBe(expected.length);
      if (!seesAll && cell.relation === 'unrelated') expect(listed, who).toEqual([]);
      const asked = await http()
        .get('/api/v1/tasks')
        .query({ directive: directiveNumber, unit: units.lead, pageSize: 200 })
        .set('authorization', cell.auth)
        .expect(200);
      if (!seesAll)
        expect(
          (asked.body.items as { id: string }[]).every((t) =>
            involves(
              tasks.find((x) => x.id === t.id)!,
              cell.unitCode,
            ),
          ),
          who,
        ).toBe(true);

      // Reports: those who do not see all get their own unit's rows only.
      const byUnit = await http()
        .get('/api/v1/reports/units')
        .query({ directive: directiveNumber })
        .set('authorization', cell.auth)
        .expect(200);
      const late = await http()
        .get('/api/v1/reports/late')
        .query({ directive: directiveNumber })
        .set('authorization', cell.auth)
        .expect(200);
      const byDirective = await http()
        .get('/api/v1/reports/directives')
        .query({ directive: directiveNumber })
        .set('authorization', cell.auth)
        .expect(200);
      const led = tasks.filter((t) => seesAll || t.lead_unit === cell.unitCode || t.co_lead_unit === cell.unitCode).length;
      if (!seesAll) {
        expect(
          (byUnit.body.rows as { unit: string }[]).every((r) => r.unit === cell.unitCode),
          who,
        ).toBe(true);
        expect(
          (late.body.items as { leadUnit: string }[]).every((i) => i.leadUnit === cell.unitCode),
          who,
        ).toBe(true);
      }
      expect(byDirective.body.totals.total, who).toBe(led);
      if (!seesAll && cell.relation === 'unrelated') {
        expect(byUnit.body.totals.total, who).toBe(0);
        expect(late.body.items, who).toEqual([]);
      }

      // The inbox: only notifications addressed to the user's own unit (or, for the inspection committee, to it).
      const inbox: { taskId: string; recipientUnit: string | null; recipientRole: string }[] = [];
      for (let page = 1; ; page++) {
        const res = await http().get('/api/v1/inbox').query({ page, pageSize: 100 }).set('authorization', cell.auth).expect(200);
        inbox.push(...res.body.items);
        if (inbox.length >= res.body.total || res.body.items.length === 0) break;
      }
      const mine = inbox.filter((n) => matrixIds.has(n.taskId));
      if (cell.role === 'admin') expect(inbox, who).toEqual([]);
      if (UNIT_ROLES.includes(cell.role)) {
        expect(
          mine.every((n) => n.recipientUnit === cell.unitCode),
          who,
        ).toBe(true);
        if (cell.relation === 'unrelated') expect(mine, who).toEqual([]);
        else expect(mine.length, who).toBeGreaterThan(0);
      }
      if (cell.role === 'inspector')
        expect(
          mine.every((n) => n.recipientRole === 'inspection_committee'),
          who,
        ).toBe(true);
      if (cell.role === 'secretariat')
        expect(
          mine.every((n) => ['standing_office', 'steering_committee'].includes(n.recipientRole)),
          who,
        ).toBe(true);
      if (!seesAll) await http().get('/api/v1/directives').set('authorization', cell.auth).expect(403);
    }
  });

  it('refuses every task, trail, verification and file of the matrix to every user of the unrelated unit who does not see all', async () => {
    const tasks = await db.selectFrom('tasks').select('id').where('directive_number', '=', directiveNumber).execute();
    const files = await db
      .selectFrom('evidence')
      .select(['id', 'task_id'])
      .where(
        'task_id',
        'in',
        tasks.map((t) => t.id),
      )
      .execute();
    expect(files.length).toBeGreaterThan(10);
    const strangers = cells.filter((c) => c.relation === 'unrelated' && !SEES_ALL.includes(c.role));
    expect(strangers.map((c) => c.role).sort()).toEqual(['unit_head', 'unit_officer']);
    const leaks: string[] = [];
    for (const stranger of strangers) {
      const paths = [
        ...tasks.flatMap((t) => [`/api/v1/tasks/${t.id}`, `/api/v1/tasks/${t.id}/history`, `/api/v1/tasks/${t.id}/audit/verify`]),
        ...files.map((f) => `/api/v1/tasks/${f.task_id}/evidence/${f.id}`),
      ];
      for (let i = 0; i < paths.length; i += 20) {
        const answers = await Promise.all(paths.slice(i, i + 20).map((p) => http().get(p).set('authorization', stranger.auth)));
        answers.forEach((res, j) => {
          if (res.status !== 403 || res.body?.type !== 'forbidden') leaks.push(`${stranger.role} GET ${paths[i + j]}: ${res.status}`);
        });
      }
    }
    expect(leaks).toEqual([]);
    // A reassigned task stays readable to the unit that led it before (its history stays its own).
    const reassigned = await db
      .selectFrom('tasks')
      .select('id')
      .where('directive_number', '=', directiveNumber)
      .where('lead_unit', '=', reassignee)
      .execute();
    expect(reassigned.length).toBe(3);
    for (const t of reassigned) await http().get(`/api/v1/tasks/${t.id}/history`).set('authorization', w.people.lead.auth).expect(200);
  });
});
