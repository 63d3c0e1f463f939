/**
 * A world for tests of the HTTP API (the integration files, the request-level fault scenarios): the
 * real API (createApp, in process, driven with supertest) and a real worker on the run's shared dev
 * server and PostgreSQL, units and people with tokens of its own, and tasks brought to any state a
 * command needs through the API itself. Every command the API acknowledges through
 * `command`/`upload`/`launch` goes into the world's ledger, which test/faults/lib/request-invariants.ts
 * holds against the audit trail.
 *
 * Units and people are declared at the top of the `describe` (`unit`, `registeredUnit`, `person`):
 * their codes and logins are known at once, and they exist, tokens issued, before the first test.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp, type AppDeps } from '../../api/app';
import type { Metrics } from '../../api/metrics';
import { addUnit } from '../../db/repositories/auth';
import type { Role } from '../../domain/roles';
import { unitByCode } from '../../domain/units';
import { DAY, PDF, launchBody } from './fixtures';
import { useDevServerWorker } from './harness';
import { uniq } from './ids';
import { addTestUnit, addUserWithToken, loginFor, unitCodeFor, type Person } from './users';

export type { Person } from './users';

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
  reopen: 'reopened',
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

export interface Fixture {
  taskId: string;
  evidenceId?: string;
  periodKey?: string;
}

export interface ApiWorldOptions {
  /** Largest evidence file the app accepts (20 MiB when absent). */
  evidenceMaxBytes?: number;
  /** Requests a minute per user; off unless given: the limit would answer 429 to bursts and hide what is behind it (operations.test.ts tests it). */
  rateLimitPerMinute?: number;
  /** Whether a worker polls the app's task queue; a file that only reads rows it wrote itself says false. */
  worker?: boolean;
  /** The start of this world's directive numbers (`<prefix>-<id>`). */
  directivePrefix?: string;
  /** Where `/metrics` reads from. */
  metrics?: Metrics;
  /** Interceptors of the app's Temporal client, as api/main.ts installs them. */
  workflowInterceptors?: WorkflowClientInterceptor[];
}

export interface ApiWorld {
  db: ReturnType<typeof useDevServerWorker>['db'];
  env: TestWorkflowEnvironment;
  app: ReturnType<typeof createApp>;
  taskQueue: string;
  units: { office: string; lead: string; coordinating: string; reassignee: string };
  people: { secretariat: Person; secretariat2: Person; lead: Person; coordinating: Person };
  /** This world's directive numbers all start with it. */
  directivePrefix: string;
  /** The directive number of every task `launch` starts (refs 1, 2, 3 ...). */
  directiveNumber: string;
  ledger: AckedCommand[];
  /** Every task this world launched or touched; those still running are terminated after the file. */
  tasks: Set<string>;
  /** Declares a unit of this world's own (code `<prefix>_<id>`). */
  unit(prefix: string): string;
  /** Declares a unit of the registry (domain/units.ts) under its real code and name. */
  registeredUnit(code: string): string;
  /** Declares a person of a unit holding `roles`, with a token. */
  person(unitCode: string, roles: Role[]): Person;
  http(): ReturnType<typeof request>;
  /** Requests signed in as `who` (their bearer token set), to this world's app. */
  by(who: Person): { get(path: string): request.Test; post(path: string): request.Test; patch(path: string): request.Test };
  /** Another app on this world's servers, with some dependencies replaced. */
  appWith(deps: Partial<AppDeps>): ReturnType<typeof createApp>;
  /** A unique marker for a text field, so the command's audit row can be found by its payload. */
  marker(what: string): string;
  launchBody(o?: { recurring?: boolean; overdue?: boolean; dueInDays?: number }): Record<string, any>;
  launch(o?: { recurring?: boolean; overdue?: boolean }): Promise<string>;
  /** Waits until a launched task's workflow has written its first audit row. */
  untilLaunched(taskId: string, what?: string): Promise<unknown>;
  command(taskId: string, name: string, body: Record<string, unknown>, who?: Person): Promise<request.Response>;
  upload(taskId: string, who?: Person): Promise<string>;
  /** Records a 2xx answer of a lifecycle command in the ledger (for requests sent by the scenario itself). */
  acknowledge(taskId: string, name: string, body: Record<string, unknown>, res: request.Response): void;
  fixtures: {
    launched(o?: { overdue?: boolean }): Promise<Fixture>;
    acknowledged(): Promise<Fixture>;
    withEvidence(): Promise<Fixture & { evidenceId: string }>;
    submitted(o?: { overdue?: boolean }): Promise<Fixture & { evidenceId: string }>;
    extensionPending(): Promise<Fixture>;
    /** A task the secretariat cancelled: what `reopen` takes. */
    cancelled(): Promise<Fixture>;
    recurring(): Promise<Fixture & { periodKey: string }>;
    /** A notification the lead unit's officer can read in the inbox. */
    notification(): Promise<{ taskId: string; notificationId: string }>;
  };
  until<T>(what: string, read: () => Promise<T | undefined | null | false>, timeoutMs?: number): Promise<T>;
}

/** The hooks and helpers of one file of HTTP tests (call at the top of its `describe`). */
export function useApiWorld(o: ApiWorldOptions = {}): ApiWorld {
  const servers = useDevServerWorker({ worker: o.worker });
  const directivePrefix = `${o.directivePrefix ?? 'API'}-${uniq().toUpperCase()}`;
  const world = {
    db: servers.db,
    ledger: [],
    tasks: new Set<string>(),
    directivePrefix,
    directiveNumber: `${directivePrefix}/TB`,
  } as unknown as ApiWorld;
  // Created in this order before the first test: units first, since people belong to them.
  const units: Array<() => Promise<unknown>> = [];
  const people: Array<() => Promise<void>> = [];
  let declaring = true;
  let baseDeps: AppDeps;
  let nextRef = 1;

  const declared = (what: string) => {
    if (!declaring) throw new Error(`declare ${what} at the top of the describe block; in a test, use aUnit/aUserWithToken`);
  };
  world.unit = (prefix) => {
    declared('units');
    const code = unitCodeFor(prefix);
    units.push(() => addTestUnit(world.db, code));
    return code;
  };
  world.registeredUnit = (code) => {
    declared('units');
    const unit = unitByCode(code);
    if (!unit) throw new Error(`no unit ${code} in the registry`);
    units.push(() => addUnit(world.db, { code, name: unit.name, aliases: unit.aliases, kind: unit.kind }));
    return code;
  };
  world.person = (unitCode, roles) => {
    declared('people');
    const person: Person = { login: loginFor(), auth: '' };
    people.push(async () => {
      person.auth = await addUserWithToken(world.db, person.login, unitCode, roles);
    });
    return person;
  };

  world.units = { office: world.unit('VPTU'), lead: world.unit('SKHCN'), coordinating: world.unit('STC'), reassignee: world.unit('CAT') };
  world.people = {
    secretariat: world.person(world.units.office, ['secretariat']),
    secretariat2: world.person(world.units.office, ['secretariat']),
    lead: world.person(world.units.lead, ['unit_officer']),
    coordinating: world.person(world.units.coordinating, ['unit_officer']),
  };

  beforeAll(async () => {
    declaring = false;
    world.env = servers.env;
    world.taskQueue = servers.taskQueue;
    const temporal = o.workflowInterceptors
      ? new Client({ connection: servers.env.connection, namespace: 'default', interceptors: { workflow: o.workflowInterceptors } })
      : servers.env.client;
    baseDeps = {
      db: world.db,
      temporal,
      taskQueue: servers.taskQueue,
      logger: pino({ level: 'silent' }),
      rateLimitPerMinute: o.rateLimitPerMinute ?? 0,
      evidenceMaxBytes: o.evidenceMaxBytes,
      metrics: o.metrics,
    };
    world.app = createApp(baseDeps);
    for (const create of units) await create();
    for (const create of people) await create();
  });

  afterAll(async () => {
    // Tasks left running on the shared dev server would keep timers (and this file's queue) alive.
    for (const taskId of world.tasks) {
      const handle = world.env.client.workflow.getHandle(`task-${taskId}`);
      const { status } = await handle.describe().catch(() => ({ status: { name: 'UNKNOWN' } }));
      if (status.name === 'RUNNING') await handle.terminate('test file finished').catch(() => undefined);
    }
  });

  world.appWith = (deps) => createApp({ ...baseDeps, metrics: undefined, ...deps });
  world.http = () => request(world.app);
  world.by = (who) => ({
    get: (path) => world.http().get(path).set('authorization', who.auth),
    post: (path) => world.http().post(path).set('authorization', who.auth),
    patch: (path) => world.http().patch(path).set('authorization', who.auth),
  });
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

  // An overdue task fires its deadline, escalation and urging timers at once, while the commands arrive.
  world.launchBody = (opts) => launchBody(world.units, { directiveNumber: world.directiveNumber, ref: String(nextRef++), ...opts });

  world.untilLaunched = (taskId, what = `the first row of ${taskId}`) =>
    world.until(what, () =>
      world.db.selectFrom('audit_events').select('seq').where('task_id', '=', taskId).where('kind', '=', 'launched').executeTakeFirst(),
    );

  world.launch = async (opts) => {
    const res = await world.http().post('/api/v1/tasks').set('authorization', world.people.secretariat.auth).send(world.launchBody(opts));
    if (res.status !== 202) throw new Error(`launch answered ${res.status}: ${res.text}`);
    world.tasks.add(res.body.id);
    world.ledger.push({ taskId: res.body.id, kind: 'launched', match: {}, what: `launch ${res.body.id}` });
    await world.untilLaunched(res.body.id);
    return res.body.id as string;
  };

  world.acknowledge = (taskId, name, body, res) => {
    world.tasks.add(taskId);
    if (res.status < 200 || res.status >= 300) return;
    if (name === 'extension-decision') {
      world.ledger.push({
        taskId,
        kind: body.approve ? 'extension_approved' : 'extension_denied',
        match: body.reason ? { reason: body.reason } : {},
        what: `${name} ${taskId}`,
      });
      return;
    }
    const kind = AUDIT_KIND_OF[name];
    if (!kind) throw new Error(`no audit kind known for ${name}`);
    // The text fields carry the scenario's markers; payloads hold the parsed (trimmed) command.
    const match = Object.fromEntries(
      Object.entries(body)
        .filter(([k, v]) => typeof v === 'string' && ['note', 'text', 'summary', 'reason', 'evidenceId'].includes(k))
        .map(([k, v]) => [k, (v as string).trim()]),
    );
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
      await world.command(taskId, 'extension-requests', {
        requestedDueAt: new Date(Date.now() + 120 * DAY).toISOString(),
        reason: world.marker('Chờ bố trí kinh phí'),
      });
      return { taskId };
    },
    cancelled: async () => {
      const taskId = await world.launch();
      await world.command(taskId, 'cancel', { reason: world.marker('Thu hồi để làm lại') }, world.people.secretariat);
      return { taskId };
    },
    recurring: async () => {
      const taskId = await world.launch({ recurring: true });
      const opened = await world.until(`a report period of ${taskId}`, () =>
        world.db
          .selectFrom('audit_events')
          .select('payload')
          .where('task_id', '=', taskId)
          .where('kind', '=', 'report_period_opened')
          .executeTakeFirst(),
      );
      return { taskId, periodKey: (opened.payload as { periodKey: string }).periodKey };
    },
    notification: async () => {
      const taskId = await world.launch();
      const n = await world.until(`the assignment notice of ${taskId}`, () =>
        world.db
          .selectFrom('notifications')
          .select('id')
          .where('task_id', '=', taskId)
          .where('recipient_role', '=', 'lead_unit')
          .executeTakeFirst(),
      );
      return { taskId, notificationId: String(n.id) };
    },
  };
  return world;
}
