/**
 * A world for tests of the HTTP API (the request-level fault scenarios, request-bodies.test.ts): the
 * real API (createApp, in process, driven with supertest) and a real worker on the run's shared dev
 * server and PostgreSQL, units and users of its own, and tasks brought to any state a command needs
 * through the API itself. Every command the API acknowledges through `command`/`upload`/`launch` goes
 * into the world's ledger, which test/faults/lib/request-invariants.ts holds against the audit trail.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createActivities } from '../../activities';
import { devServerEnv, testDb, testWorker, uniq } from './servers';
import { aUnit, aUserWithToken } from './users';

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
const DAY = 86_400_000;

/** The audit event each lifecycle command writes when it is accepted. */
export const AUDIT_KIND_OF: Record<string, string> = {
  acknowledge: 'acknowledged',
  progress: 'progress_reported',
  measurements: 'measurement_recorded',
  submit: 'submitted',
  approve: 'approved',
  return: 'returned',
  'extension-requests': 'extension_requested',
  reassign: 'reassigned',
  cancel: 'cancelled',
  reports: 'report_submitted',
  evidence: 'evidence_attached',
};

/** A command the API answered 2xx: its audit row must exist exactly once (`payload @> match`). */
export interface AckedCommand {
  taskId: string;
  kind: string;
  match: Record<string, unknown>;
  what: string;
}

export interface Person {
  login: string;
  auth: string;
}

export interface Fixture {
  taskId: string;
  evidenceId?: string;
  periodKey?: string;
}

export interface ApiWorld {
  db: ReturnType<typeof testDb>;
  env: TestWorkflowEnvironment;
  app: ReturnType<typeof createApp>;
  taskQueue: string;
  units: { office: string; lead: string; coordinating: string; reassignee: string };
  people: { secretariat: Person; secretariat2: Person; lead: Person; coordinating: Person };
  /** This world's directive numbers all start with it. */
  directivePrefix: string;
  ledger: AckedCommand[];
  /** Every task this world launched or touched. */
  tasks: Set<string>;
  http(): ReturnType<typeof request>;
  /** A unique marker for a text field, so the command's audit row can be found by its payload. */
  marker(what: string): string;
  launchBody(o?: { recurring?: boolean; overdue?: boolean; dueInDays?: number }): Record<string, any>;
  launch(o?: { recurring?: boolean; overdue?: boolean }): Promise<string>;
  command(taskId: string, name: string, body: Record<string, unknown>, who?: Person): Promise<request.Response>;
  upload(taskId: string, who?: Person): Promise<string>;
  /** Records a 2xx answer of a lifecycle command in the ledger (for requests sent by the scenario itself). */
  acknowledge(taskId: string, name: string, body: Record<string, unknown>, res: request.Response): void;
  fixtures: {
    launched(o?: { overdue?: boolean }): Promise<Fixture>;
    acknowledged(): Promise<Fixture>;
    withEvidence(): Promise<Fixture>;
    submitted(o?: { overdue?: boolean }): Promise<Fixture>;
    extensionPending(): Promise<Fixture>;
    recurring(): Promise<Fixture>;
    /** A notification the lead unit's officer can read in the inbox. */
    notification(): Promise<{ taskId: string; notificationId: string }>;
  };
  until<T>(what: string, read: () => Promise<T | undefined | null | false>, timeoutMs?: number): Promise<T>;
}

/** The hooks and helpers of one scenario file (call at the top of its `describe`). */
export function useApiWorld(o: { evidenceMaxBytes?: number } = {}): ApiWorld {
  const world = { db: testDb(), ledger: [], tasks: new Set<string>(), directivePrefix: `FAULT-${uniq().toUpperCase()}` } as unknown as ApiWorld;
  let worker: Worker;
  let running: Promise<void>;
  let nextRef = 1;

  beforeAll(async () => {
    world.env = await devServerEnv();
    const w = await testWorker(world.env.nativeConnection, createActivities({ db: world.db }));
    worker = w.worker;
    world.taskQueue = w.taskQueue;
    running = worker.run();
    // The rate limit would answer 429 to the bursts and hide what is behind it; it has its own tests.
    world.app = createApp({ db: world.db, temporal: world.env.client, taskQueue: w.taskQueue, logger: pino({ level: 'silent' }), rateLimitPerMinute: 0, evidenceMaxBytes: o.evidenceMaxBytes });
    world.units = { office: await aUnit(world.db, 'VPTU'), lead: await aUnit(world.db, 'SKHCN'), coordinating: await aUnit(world.db, 'STC'), reassignee: await aUnit(world.db, 'CAT') };
    world.people = {
      secretariat: await aUserWithToken(world.db, world.units.office, ['secretariat']),
      secretariat2: await aUserWithToken(world.db, world.units.office, ['secretariat']),
      lead: await aUserWithToken(world.db, world.units.lead, ['unit_officer']),
      coordinating: await aUserWithToken(world.db, world.units.coordinating, ['unit_officer']),
    };
  });

  afterAll(async () => {
    // Tasks left running on the shared dev server would keep timers (and this file's queue) alive.
    for (const taskId of world.tasks) {
      const handle = world.env.client.workflow.getHandle(`task-${taskId}`);
      const { status } = await handle.describe().catch(() => ({ status: { name: 'UNKNOWN' } }));
      if (status.name === 'RUNNING') await handle.terminate('fault scenario finished').catch(() => undefined);
    }
    worker.shutdown();
    await running;
    await world.env.teardown();
    await world.db.destroy();
  });

  world.http = () => request(world.app);
  world.marker = (what) => `${what} #${randomUUID().slice(0, 12)}`;

  world.until = async (what, read, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  world.launchBody = ({ recurring = false, overdue = false, dueInDays = 60 } = {}) => ({
    directiveNumber: `${world.directivePrefix}/TB`,
    ref: String(nextRef++),
    title: 'Thuê hạ tầng Data Center (DC) để lưu trữ dữ liệu trên nền tảng điện toán đám mây',
    leadUnit: world.units.lead,
    coordinatingUnits: [world.units.coordinating],
    responsibleOfficial: 'Giám đốc Sở Khoa học và Công nghệ',
    // An overdue task fires its deadline, escalation and urging timers at once, while the commands arrive.
    deadline: recurring
      ? { kind: 'recurring', rule: { freq: 'quarterly', dueOffsetDays: 0 }, until: null }
      : { kind: 'date', dueAt: new Date(Date.now() + (overdue ? -20 : dueInDays) * DAY).toISOString() },
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
    decidedBy: world.units.office,
    expectedResult: 'Hạ tầng DC được thuê để lưu trữ dữ liệu đám mây',
    targets: [{ id: 'phu-song-5g', metric: 'Tỷ lệ phủ sóng 5G', comparator: '>=', value: 62, unit: '%' }],
  });

  const launchedRow = (taskId: string) => world.db.selectFrom('audit_events').select('seq').where('task_id', '=', taskId).where('kind', '=', 'launched').executeTakeFirst();

  world.launch = async (opts) => {
    const res = await world.http().post('/api/v1/tasks').set('authorization', world.people.secretariat.auth).send(world.launchBody(opts));
    if (res.status !== 202) throw new Error(`launch answered ${res.status}: ${res.text}`);
    world.tasks.add(res.body.id);
    world.ledger.push({ taskId: res.body.id, kind: 'launched', match: {}, what: `launch ${res.body.id}` });
    await world.until(`the first row of ${res.body.id}`, () => launchedRow(res.body.id));
    return res.body.id as string;
  };

  world.acknowledge = (taskId, name, body, res) => {
    world.tasks.add(taskId);
    if (res.status < 200 || res.status >= 300) return;
    if (name === 'extension-decision') {
      world.ledger.push({ taskId, kind: body.approve ? 'extension_approved' : 'extension_denied', match: body.reason ? { reason: body.reason } : {}, what: `${name} ${taskId}` });
      return;
    }
    const kind = AUDIT_KIND_OF[name];
    if (!kind) throw new Error(`no audit kind known for ${name}`);
    // The text fields carry the scenario's markers; payloads hold the parsed (trimmed) command.
    const match = Object.fromEntries(Object.entries(body).filter(([k, v]) => typeof v === 'string' && ['note', 'text', 'summary', 'reason', 'evidenceId'].includes(k)).map(([k, v]) => [k, (v as string).trim()]));
    world.ledger.push({ taskId, kind, match, what: `${name} ${taskId} ${JSON.stringify(match)}` });
  };

  world.command = async (taskId, name, body, who = world.people.lead) => {
    const res = await world.http().post(`/api/v1/tasks/${taskId}/${name}`).set('authorization', who.auth).send(body);
    if (res.status !== 200) throw new Error(`${name} on ${taskId} answered ${res.status}: ${res.text}`);
    world.acknowledge(taskId, name, body, res);
    return res;
  };

  world.upload = async (taskId, who = world.people.lead) => {
    const res = await world
      .http()
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .set('authorization', who.auth)
      .field('description', 'Biên bản nghiệm thu')
      .attach('file', PDF, { filename: 'bien-ban.pdf', contentType: 'application/pdf' });
    if (res.status !== 201) throw new Error(`evidence upload on ${taskId} answered ${res.status}: ${res.text}`);
    world.acknowledge(taskId, 'evidence', { evidenceId: res.body.evidence.id }, res);
    return res.body.evidence.id as string;
  };

  world.fixtures = {
    launched: async (opts) => ({ taskId: await world.launch(opts) }),
    acknowledged: async () => {
      const taskId = await world.launch();
      await world.command(taskId, 'acknowledge', { note: world.marker('Đã tiếp nhận') });
      return { taskId };
    },
    withEvidence: async () => {
      const { taskId } = await world.fixtures.acknowledged();
      return { taskId, evidenceId: await world.upload(taskId) };
    },
    submitted: async (opts) => {
      const taskId = await world.launch(opts);
      await world.command(taskId, 'acknowledge', { note: world.marker('Đã tiếp nhận') });
      const evidenceId = await world.upload(taskId);
      await world.command(taskId, 'submit', { summary: world.marker('Đề nghị hoàn thành'), evidenceIds: [evidenceId] });
      return { taskId, evidenceId };
    },
    extensionPending: async () => {
      const taskId = await world.launch();
      await world.command(taskId, 'extension-requests', { requestedDueAt: new Date(Date.now() + 120 * DAY).toISOString(), reason: world.marker('Chờ bố trí kinh phí') });
      return { taskId };
    },
    recurring: async () => {
      const taskId = await world.launch({ recurring: true });
      const opened = await world.until(`a report period of ${taskId}`, () =>
        world.db.selectFrom('audit_events').select('payload').where('task_id', '=', taskId).where('kind', '=', 'report_period_opened').executeTakeFirst(),
      );
      return { taskId, periodKey: (opened.payload as { periodKey: string }).periodKey };
    },
    notification: async () => {
      const taskId = await world.launch();
      const n = await world.until(`the assignment notice of ${taskId}`, () =>
        world.db.selectFrom('notifications').select('id').where('task_id', '=', taskId).where('recipient_role', '=', 'lead_unit').executeTakeFirst(),
      );
      return { taskId, notificationId: String(n.id) };
    },
  };
  return world;
}
