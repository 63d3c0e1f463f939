/**
 * Fault scenario: every POST of the API (the OpenAPI document's list) retried with its
 * Idempotency-Key, first N times at once (seeded N and start offsets), then again in sequence.
 * One request is processed; every other answer is that answer again (status, body, Location,
 * Content-Type, `Idempotency-Replayed: true`) or, while the first still runs, a 409
 * `idempotency-in-progress` with `Retry-After`. The effect happens once (audit rows, evidence rows,
 * directives, workflow starts, inbox reads), and the same key with another request is a 422.
 */
import { describe, expect, it } from 'vitest';
import type request from 'supertest';
import { openApiDocument } from '../../../api/openapi';
import { IDEMPOTENCY_PROBLEMS } from '../../../api/idempotency';
import { taskIdFor, workflowIdFor } from '../../../domain/task';
import { bareTaskIdFor } from '../../helpers/tasks';
import { countRows } from '../../helpers/counts';
import { uniq } from '../../helpers/servers';
import { aUserWithToken } from '../../helpers/users';
import { useApiWorld, type ApiWorld, type Fixture, type Person } from '../../helpers/api-world';
import { DAY, PDF } from '../../helpers/fixtures';
import { answerViolations, checkWorldInvariants } from '../lib/request-invariants';
import { recordScenario } from '../lib/report';
import { faultSeed, rngFor } from '../lib/seed';

const SCENARIO = 'requests/idempotent-replay';
const ROUNDS = Number(process.env.FAULTS_REPLAY_ROUNDS ?? 2);
// Module-wide: the probes' choices (overdue or not, JSON or YAML) come from the run's seed too.
const rng = rngFor(SCENARIO);

interface Probe {
  /** Extra fixture state, shared by the request and its "other request" variant. */
  fixture(
    w: ApiWorld,
  ): Promise<
    Fixture & { body?: Record<string, any>; text?: string; notificationId?: string; other?: string; directiveId?: string; who?: Person }
  >;
  send(w: ApiWorld, f: Awaited<ReturnType<Probe['fixture']>>, variant: 'same' | 'other'): request.Test;
  /** How many times the effect happened. */
  effect(w: ApiWorld, f: Awaited<ReturnType<Probe['fixture']>>): Promise<number>;
  /** The status of the processed request. */
  status: number;
  /** A lifecycle command: its accepted answer goes into the ledger. */
  command?: string;
}

const auditRows = (w: ApiWorld, taskId: string, kind: string) => countRows(w.db, 'audit_events', { task_id: taskId, kind });

async function workflowsWithId(w: ApiWorld, workflowId: string): Promise<number> {
  let n = 0;
  for await (const _ of w.env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) n++;
  return n;
}

/** A lifecycle command on a task in the state it needs; `body(f, variant)` differs between the variants by a marker. */
function commandProbe(
  name: string,
  kind: string,
  fixture: (w: ApiWorld) => Promise<Fixture>,
  body: (w: ApiWorld, f: Fixture) => Record<string, unknown>,
  who: 'lead' | 'secretariat' = 'lead',
): Probe {
  return {
    command: name,
    status: 200,
    fixture: async (w) => {
      const f = await fixture(w);
      return { ...f, body: body(w, f), who: who === 'lead' ? w.people.lead : w.people.secretariat };
    },
    send: (w, f, variant) => {
      const sent = variant === 'same' ? f.body! : { ...body(w, f) };
      return w.http().post(`/api/v1/tasks/${f.taskId}/${name}`).set('authorization', f.who!.auth).send(sent);
    },
    effect: (w, f) => auditRows(w, f.taskId, kind),
  };
}

const overdueOrNot = (w: ApiWorld) => w.fixtures.launched({ overdue: rng.chance(0.5) });

const PROBES: Record<string, Probe> = {
  launchTask: {
    status: 202,
    fixture: async (w) => {
      const body = w.launchBody({ overdue: rng.chance(0.3) });
      return { taskId: bareTaskIdFor(body.directiveNumber, body.ref), body };
    },
    send: (w, f, variant) =>
      w
        .http()
        .post('/api/v1/tasks')
        .set('authorization', w.people.secretariat.auth)
        .send(variant === 'same' ? f.body! : { ...f.body, title: `${f.body!.title} (bản khác)` }),
    effect: async (w, f) => {
      w.tasks.add(f.taskId);
      // Visibility and the first record lag the answer by a moment; both must reach exactly one.
      await w.until(
        `the launch of ${f.taskId} to show`,
        async () => (await workflowsWithId(w, workflowIdFor(f.taskId))) > 0 && (await auditRows(w, f.taskId, 'launched')) > 0,
      );
      return Math.max(await workflowsWithId(w, workflowIdFor(f.taskId)), await auditRows(w, f.taskId, 'launched'));
    },
  },
  acknowledge: commandProbe('acknowledge', 'acknowledged', overdueOrNot, (w) => ({ note: w.marker('Đã tiếp nhận') })),
  reportProgress: commandProbe(
    'progress',
    'progress_reported',
    (w) => w.fixtures.acknowledged(),
    (w) => ({ text: w.marker('Đã khảo sát 12 khu công nghiệp'), percent: 40 }),
  ),
  recordMeasurement: commandProbe(
    'measurements',
    'measurement_recorded',
    (w) => w.fixtures.withEvidence(),
    (w, f) => ({
      targetId: 'phu-song-5g',
      value: 58.4,
      measuredOn: '2025-11-30',
      evidenceIds: [f.evidenceId],
      note: w.marker('Số liệu tháng 11'),
    }),
  ),
  submit: commandProbe(
    'submit',
    'submitted',
    (w) => w.fixtures.withEvidence(),
    (w, f) => ({ summary: w.marker('Đề nghị hoàn thành'), evidenceIds: [f.evidenceId] }),
  ),
  approve: commandProbe(
    'approve',
    'approved',
    (w) => w.fixtures.submitted({ overdue: rng.chance(0.5) }),
    (w) => ({ note: w.marker('Đạt yêu cầu') }),
    'secretariat',
  ),
  return: commandProbe(
    'return',
    'returned',
    (w) => w.fixtures.submitted(),
    (w) => ({ reason: w.marker('Bổ sung biên bản nghiệm thu') }),
    'secretariat',
  ),
  requestExtension: commandProbe('extension-requests', 'extension_requested', overdueOrNot, (w) => ({
    requestedDueAt: new Date(Date.now() + 150 * DAY).toISOString(),
    reason: w.marker('Chờ bố trí kinh phí'),
  })),
  decideExtension: commandProbe(
    'extension-decision',
    'extension_denied',
    (w) => w.fixtures.extensionPending(),
    (w) => ({ approve: false, reason: w.marker('Không đủ căn cứ gia hạn') }),
    'secretariat',
  ),
  reassign: commandProbe(
    'reassign',
    'reassigned',
    overdueOrNot,
    (w) => ({ newLeadUnit: w.units.reassignee, responsibleOfficial: 'Giám đốc Công an tỉnh', reason: w.marker('Điều chỉnh chức năng') }),
    'secretariat',
  ),
  cancel: commandProbe('cancel', 'cancelled', overdueOrNot, (w) => ({ reason: w.marker('Nội dung đã được thay thế') }), 'secretariat'),
  reopenTask: commandProbe(
    'reopen',
    'reopened',
    (w) => w.fixtures.cancelled(),
    (w) => ({ reason: w.marker('Kết quả kiểm tra chưa đạt'), newDueAt: new Date(Date.now() + 60 * DAY).toISOString() }),
    'secretariat',
  ),
  submitReport: commandProbe(
    'reports',
    'report_submitted',
    (w) => w.fixtures.recurring(),
    (w, f) => ({ periodKey: f.periodKey, summary: w.marker('Báo cáo quý') }),
  ),
  uploadEvidence: {
    status: 201,
    fixture: async (w) => ({ ...(await w.fixtures.launched()), text: w.marker('bien-ban') }),
    send: (w, f, variant) =>
      w
        .http()
        .post(`/api/v1/tasks/${f.taskId}/evidence`)
        .set('authorization', w.people.lead.auth)
        .field('description', 'Biên bản nghiệm thu')
        // The other request: the same form with other bytes (the key's hash covers the file's SHA-256).
        .attach('file', Buffer.concat([PDF, Buffer.from(`%${f.text}${variant === 'same' ? '' : ' khac'}\n`)]), {
          filename: 'bien-ban.pdf',
          contentType: 'application/pdf',
        }),
    effect: async (w, f) =>
      Math.max(await countRows(w.db, 'evidence', { task_id: f.taskId }), await auditRows(w, f.taskId, 'evidence_attached')),
  },
  importDirective: {
    status: 201,
    fixture: async (w) => ({
      taskId: '',
      body: {
        number: `${w.directivePrefix}-${uniq()}/KH`,
        issuedOn: '2025-11-04',
        items: [{ ref: '1', title: 'Rà soát hạ tầng mạng viễn thông', leadUnit: w.units.lead }],
      },
      text: rng.chance(0.5) ? 'yaml' : 'json',
    }),
    send: (w, f, variant) => {
      const body = variant === 'same' ? f.body! : { ...f.body, title: 'Kế hoạch (bản khác)' };
      const req = w.http().post('/api/v1/directives').set('authorization', w.people.secretariat.auth);
      // YAML is read by the route itself, so its key is claimed there: both paths are exercised.
      return f.text === 'yaml'
        ? req
            .set('content-type', 'application/yaml')
            .send(
              `number: "${body.number}"\nissuedOn: "2025-11-04"\n${body.title ? `title: "${body.title}"\n` : ''}items:\n  - ref: "1"\n    title: "Rà soát hạ tầng mạng viễn thông"\n    leadUnit: "${w.units.lead}"\n`,
            )
        : req.send(body);
    },
    effect: async (w, f) => countRows(w.db, 'directives', { number: f.body!.number }),
  },
  extractDirective: {
    status: 200,
    // A user of its own, so that what the preview leaves behind is counted by its login.
    fixture: async (w) => ({
      taskId: '',
      who: await aUserWithToken(w.db, w.units.office, ['secretariat']),
      text: `Số: ${rng.int(10_000, 99_999)}/TB-CQTT\nThái Nguyên, ngày 04 tháng 11 năm 2025\nTHÔNG BÁO\n1. Giao Công an tỉnh xây dựng trung tâm an ninh mạng.\n`,
    }),
    send: (w, f, variant) =>
      w
        .http()
        .post('/api/v1/directives/extract')
        .set('authorization', f.who!.auth)
        .set('content-type', 'text/plain; charset=utf-8')
        .send(variant === 'same' ? f.text! : `${f.text}2. Giao Sở Tài chính bố trí kinh phí.\n`),
    // A preview writes no directive: what happens once is the answer kept for its key.
    effect: async (w, f) => {
      const directives = await countRows(w.db, 'directives', { created_by: f.who!.login });
      const kept = await countRows(w.db, 'idempotency_keys', { login: f.who!.login });
      return directives === 0 ? kept : -directives;
    },
  },
  registerDirectiveFromText: {
    status: 201,
    // A user of its own: the directives registered from text are counted by who registered them.
    fixture: async (w) => ({
      taskId: '',
      who: await aUserWithToken(w.db, w.units.office, ['secretariat']),
      text: 'THÔNG BÁO\n1. Giao Công an tỉnh xây dựng trung tâm an ninh mạng.\n',
      other: `${w.directivePrefix}-${uniq()}/TB`,
    }),
    send: (w, f, variant) =>
      w
        .http()
        .post('/api/v1/directives/from-text')
        .set('authorization', f.who!.auth)
        .send({ text: variant === 'same' ? f.text! : `${f.text}2. Giao Sở Tài chính bố trí kinh phí.\n`, number: f.other! }),
    effect: async (w, f) => countRows(w.db, 'directives', { created_by: f.who!.login }),
  },
  launchDirectiveItems: {
    status: 200,
    fixture: async (w) => {
      const number = `${w.directivePrefix}-${uniq()}/TB`;
      const d = await w
        .http()
        .post('/api/v1/directives')
        .set('authorization', w.people.secretariat.auth)
        .send({
          number,
          issuedOn: '2025-11-04',
          assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
          decidedBy: w.units.office,
          items: ['1', '2'].map((ref) => ({
            ref,
            title: 'Xây dựng Trung tâm an ninh mạng cấp tỉnh',
            leadUnit: w.units.lead,
            responsibleOfficial: 'Giám đốc Công an tỉnh',
            deadline: { kind: 'date', dueAt: new Date(Date.now() + 90 * DAY).toISOString() },
            expectedResult: 'Trung tâm an ninh mạng đi vào hoạt động',
          })),
        });
      if (d.status !== 201) throw new Error(`directive import answered ${d.status}: ${d.text}`);
      return {
        taskId: taskIdFor({ directiveNumber: number, directiveYear: d.body.issueYear, directiveIssuer: d.body.issuer }, '1'),
        directiveId: d.body.id,
      };
    },
    send: (w, f, variant) =>
      w
        .http()
        .post(`/api/v1/directives/${f.directiveId}/launch`)
        .set('authorization', w.people.secretariat.auth)
        .send(variant === 'same' ? { refs: ['1'] } : { refs: ['1', '2'] }),
    effect: async (w, f) => {
      w.tasks.add(f.taskId);
      await w.until(`the launch of ${f.taskId} to show`, async () => (await auditRows(w, f.taskId, 'launched')) > 0);
      return Math.max(await workflowsWithId(w, workflowIdFor(f.taskId)), await auditRows(w, f.taskId, 'launched'));
    },
  },
  discardDirectiveItem: {
    status: 200,
    fixture: async (w) => {
      const d = await w
        .http()
        .post('/api/v1/directives')
        .set('authorization', w.people.secretariat.auth)
        .send({ number: `${w.directivePrefix}-${uniq()}/TB`, items: [{ ref: '1', title: 'Mục đọc nhầm' }] });
      if (d.status !== 201) throw new Error(`directive import answered ${d.status}: ${d.text}`);
      return { taskId: '', directiveId: d.body.id };
    },
    send: (w, f, variant) =>
      w
        .http()
        .post(`/api/v1/directives/${f.directiveId}/items/1/discard`)
        .set('authorization', w.people.secretariat.auth)
        .send({ reason: variant === 'same' ? 'Mục không giao việc cho ai' : 'Lý do khác' }),
    // Each discard the record keeps: one, however often the request is replayed.
    effect: async (w, f) =>
      Number(
        (
          await w.db
            .selectFrom('directive_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('directive_id', '=', f.directiveId!)
            .where('kind', '=', 'discarded')
            .executeTakeFirstOrThrow()
        ).n,
      ),
  },
  markInboxRead: {
    status: 200,
    fixture: async (w) => {
      const first = await w.fixtures.notification();
      const other = await w.fixtures.notification();
      return { taskId: first.taskId, notificationId: first.notificationId, other: other.notificationId };
    },
    // The other request: another notification (another path) under the same key.
    send: (w, f, variant) =>
      w
        .http()
        .post(`/api/v1/inbox/${variant === 'same' ? f.notificationId : f.other}/read`)
        .set('authorization', w.people.lead.auth),
    effect: async (w, f) => countRows(w.db, 'notification_reads', { notification_id: f.notificationId!, login: w.people.lead.login }),
  },
};

const sameAnswer = (a: request.Response, b: request.Response) =>
  a.status === b.status &&
  a.text === b.text &&
  a.headers.location === b.headers.location &&
  a.headers['content-type'] === b.headers['content-type'];

describe('fault scenario: every POST replayed with its Idempotency-Key, at once and in sequence', () => {
  const w = useApiWorld();

  it('covers every POST operation of the OpenAPI document', () => {
    const posts = Object.values(openApiDocument().paths ?? {}).flatMap((methods) =>
      (methods as Record<string, { operationId?: string }>).post?.operationId
        ? [(methods as Record<string, { operationId: string }>).post.operationId]
        : [],
    );
    expect(Object.keys(PROBES).sort()).toEqual(posts.sort());
  });

  it('processes each request once, answers every duplicate with that answer or 409 in progress, and refuses the key for another request', async () => {
    const violations: string[] = [];
    const notes: string[] = [];
    let faults = 0;
    let acknowledged = 0;
    let inProgress = 0;
    let ownInLedger = 0;

    for (let round = 1; round <= ROUNDS; round++) {
      const order = Object.keys(PROBES).sort(() => rng.next() - 0.5);
      for (const op of order) {
        const probe = PROBES[op];
        const f = await probe.fixture(w);
        if (f.taskId) w.tasks.add(f.taskId);
        const key = `${op}-${round}-${uniq()}`;
        const concurrency = rng.int(2, 8);
        const offsets = Array.from({ length: concurrency }, () => (rng.chance(0.5) ? 0 : rng.int(1, 25)));
        const fire = () => probe.send(w, f, 'same').set('Idempotency-Key', key);
        const at = (ms: number) => new Promise<request.Response>((resolve, reject) => setTimeout(() => fire().then(resolve, reject), ms));
        const burst = await Promise.all(offsets.map(at));
        faults += concurrency - 1;
        const label = (i: number, phase: string) => `${op} round ${round} ${phase} #${i + 1} (key ${key}, ${concurrency} at once)`;
        burst.forEach((res, i) => violations.push(...answerViolations(label(i, 'burst'), res)));

        const processed = burst.filter(
          (r) => r.headers['idempotency-replayed'] === undefined && !(r.status === 409 && r.body?.type === IDEMPOTENCY_PROBLEMS.inProgress),
        );
        if (processed.length !== 1) {
          violations.push(
            `${op}: ${processed.length} of ${concurrency} concurrent duplicates were processed (1 expected): ${burst.map((r) => r.status).join(' ')}`,
          );
          continue;
        }
        const first = processed[0];
        if (first.status !== probe.status)
          violations.push(`${op}: the processed request answered ${first.status} (${probe.status} expected): ${first.text.slice(0, 300)}`);
        else acknowledged++;
        if (probe.command && f.body) {
          w.acknowledge(f.taskId, probe.command, f.body, first);
          ownInLedger++;
        }
        for (const [i, res] of burst.entries()) {
          if (res === first) continue;
          if (res.status === 409 && res.body?.type === IDEMPOTENCY_PROBLEMS.inProgress) {
            inProgress++;
            if (res.headers['retry-after'] !== '1') violations.push(`${label(i, 'burst')}: 409 in progress without Retry-After: 1`);
          } else if (res.headers['idempotency-replayed'] !== 'true' || !sameAnswer(res, first)) {
            violations.push(
              `${label(i, 'burst')}: not the first answer: ${res.status} ${res.text.slice(0, 200)} vs ${first.status} ${first.text.slice(0, 200)}`,
            );
          } else acknowledged++;
        }

        const retries = rng.int(1, 3);
        for (let i = 0; i < retries; i++) {
          const res = await fire();
          faults++;
          violations.push(...answerViolations(label(i, 'sequence'), res));
          if (res.headers['idempotency-replayed'] !== 'true' || !sameAnswer(res, first))
            violations.push(`${label(i, 'sequence')}: not the first answer: ${res.status} ${res.text.slice(0, 200)}`);
          else acknowledged++;
        }

        const reused = await probe.send(w, f, 'other').set('Idempotency-Key', key);
        faults++;
        violations.push(...answerViolations(`${op} round ${round}: the key with another request`, reused));
        if (reused.status !== 422 || reused.body?.type !== IDEMPOTENCY_PROBLEMS.reused)
          violations.push(
            `${op}: the same key with another request answered ${reused.status} ${reused.text.slice(0, 200)} (422 idempotency-key-reused expected)`,
          );

        const effects = await probe.effect(w, f);
        if (effects !== 1) violations.push(`${op} round ${round}: the effect happened ${effects} times (once expected)`);
      }
    }

    const invariants = await checkWorldInvariants(w);
    violations.push(...invariants);
    notes.push(
      `${inProgress} concurrent duplicates answered 409 in progress; ${w.tasks.size} tasks, ${w.ledger.length} acknowledged commands checked against the audit trail`,
    );
    recordScenario({
      scenario: SCENARIO,
      seed: faultSeed(),
      runs: ROUNDS,
      faultsInjected: faults,
      operationsAcknowledged: acknowledged + w.ledger.length - ownInLedger,
      invariantViolations: violations.length,
      notes: [...notes, ...violations.slice(0, 20)],
    });
    expect(violations).toEqual([]);
  });
});
