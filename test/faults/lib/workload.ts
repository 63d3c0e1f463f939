/**
 * A mixed workload over HTTP, as the people of the province would drive it: the secretariat launches
 * tasks (deadlines already passed, falling due during the run, far away; a monthly report), lead and
 * coordinating officers acknowledge, report progress, upload evidence, submit, ask for extensions and
 * submit periodic reports; the secretariat approves or returns, decides extensions and reassigns. A
 * few commands are wrong on purpose (refused with 4xx). Every POST carries an Idempotency-Key and is
 * retried with it on 503, on "in progress" and on a lost answer, as a careful client does. Seeded.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { addUnit, addUser, issueToken } from '../../../db/repositories/auth';
import { addWebhookEndpoint } from '../../../db/repositories/webhooks';
import { nextPeriod } from '../../../domain/recurrence';
import { sendOffsetSeconds } from '../../../domain/send-time';
import { WorkingCalendar } from '../../../domain/calendar';
import { createActivities } from '../../../activities';
import { vnCivilDate } from '../../../domain/time';
import type { Rng } from './seed';
import { Ledger, type Operation } from './ledger';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver';

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

export interface Person {
  login: string;
  unitCode: string;
  auth: string;
}

export interface People {
  office: string;
  secretariat: Person;
  leads: [Person, Person];
  coordinating: Person;
}

interface TaskView {
  id: string;
  kind: 'date' | 'recurring';
  lead: 0 | 1;
  status: string;
  dueAt: string | null;
  evidence: number;
  pendingExtension: boolean;
  openPeriods: string[];
  busy: boolean;
  /** Left alone by the clients, so its planned timer must fire whatever they do. */
  handsOff: boolean;
}

/** Timers the workload arranged to fall due while it runs (asserted on afterwards from the audit trail). */
export interface PlannedTimer {
  taskId: string;
  kind: string;
  at: number;
}

export interface WorkloadOptions {
  apiUrl: string;
  db: Kysely<Database>;
  rng: Rng;
  /** Short tag in every directive number and nonce of this run. */
  tag: string;
  tasks: number;
  /** Parallel clients. */
  concurrency: number;
  /** How long a client keeps retrying one operation before calling its outcome unknown. */
  patienceMs?: number;
  /** Per-request timeout: longer than the API's own bounded wait, so a hang is told from a 503. */
  requestTimeoutMs?: number;
}

export class Workload {
  readonly ledger = new Ledger();
  readonly views = new Map<string, TaskView>();
  readonly timers: PlannedTimer[] = [];
  /** 'sent' whenever a command leaves for the API (scenarios time kills on it). */
  readonly events = new EventEmitter();
  people!: People;
  receiver!: WebhookReceiver;
  private nonce = 0;
  private stopping = false;
  private inFlight = 0;

  constructor(private readonly o: WorkloadOptions) {}

  /** Units, users with tokens, and a webhook endpoint for each lead unit (a real receiver on loopback). */
  async setup(): Promise<void> {
    const { db, tag } = this.o;
    const unit = async (prefix: string) => {
      const code = `${prefix}_${tag}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
      await addUnit(db, { code, name: `Đơn vị ${code}` });
      return code;
    };
    const person = async (unitCode: string, roles: ('secretariat' | 'unit_officer')[], name: string): Promise<Person> => {
      const login = `${name}.${tag}`.toLowerCase();
      await addUser(db, { login, unitCode, roles, fullName: name });
      const { token } = await issueToken(db, login);
      return { login, unitCode, auth: `Bearer ${token}` };
    };
    const office = await unit('VP');
    const leadA = await unit('SO_A');
    const leadB = await unit('SO_B');
    const coord = await unit('SO_C');
    this.people = {
      office,
      secretariat: await person(office, ['secretariat'], 'thu.ky'),
      leads: [await person(leadA, ['unit_officer'], 'an.nguyen'), await person(leadB, ['unit_officer'], 'binh.tran')],
      coordinating: await person(coord, ['unit_officer'], 'cuc.le'),
    };
    const secret = randomUUID().replace(/-/g, '');
    this.receiver = await startWebhookReceiver({ secret });
    for (const u of [leadA, leadB])
      await addWebhookEndpoint(db, { unitCode: u, url: this.receiver.url(`/hook/${u}`), secret, description: 'Cầu nối OTT thử nghiệm' });
  }

  async close(): Promise<void> {
    await this.receiver?.close();
  }

  private marker(): string {
    return `[fx:${this.o.tag}:${++this.nonce}]`;
  }

  // ---------- HTTP ----------

  private async request(
    who: Person,
    method: string,
    path: string,
    body: unknown,
    key?: string,
  ): Promise<{ status: number; body: any; type: string }> {
    const headers: Record<string, string> = { authorization: who.auth };
    if (key) headers['idempotency-key'] = key;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${this.o.apiUrl}${path}`, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 60_000),
    });
    const type = res.headers.get('content-type') ?? '';
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the report
    }
    return { status: res.status, body: parsed, type };
  }

  /**
   * One operation to its definitive answer: retried with the same Idempotency-Key while the answer
   * says "try again" (503, 409 in progress, 429) or was lost, until the client's patience runs out.
   */
  private async perform(
    what: { op: string; taskId: string; auditKinds: string[]; marker: string; who: Person },
    path: string,
    body: () => unknown,
  ): Promise<{ operation: Operation; body: any }> {
    const key = randomUUID();
    const started = Date.now();
    const patience = this.o.patienceMs ?? 240_000;
    const retried: number[] = [];
    let attempts = 0;
    for (;;) {
      attempts++;
      this.events.emit('sent', what.op);
      this.inFlight++;
      let answer: { status: number; body: any; type: string } | null = null;
      try {
        answer = await this.request(what.who, 'POST', path, body(), key);
      } catch (err) {
        const timedOut = (err as Error).name === 'TimeoutError';
        if (timedOut)
          this.ledger.badAnswers.push({
            op: what.op,
            status: 0,
            detail: `no answer within ${this.o.requestTimeoutMs ?? 60_000} ms (the API hung)`,
          });
      } finally {
        this.inFlight--;
      }
      const status = answer?.status ?? 0;
      const finish = (outcome: Operation['outcome']) => ({
        operation: this.ledger.add({
          op: what.op,
          taskId: what.taskId,
          auditKinds: what.auditKinds,
          marker: what.marker,
          actor: what.who.login,
          idempotencyKey: key,
          outcome,
          status: answer?.status ?? null,
          attempts,
          retried,
          ms: Date.now() - started,
        }),
        body: answer?.body,
      });
      if (answer && status >= 200 && status < 300) return finish('acknowledged');
      const problemType = answer && typeof answer.body === 'object' && answer.body ? answer.body.type : undefined;
      const again = !answer || status === 503 || status === 429 || (status === 409 && problemType === 'idempotency-in-progress');
      if (answer && status >= 500) {
        if (status === 503) {
          this.ledger.unavailable++;
          const b = answer.body;
          const clear =
            answer.type.startsWith('application/problem+json') &&
            b?.type === 'service-unavailable' &&
            VIETNAMESE.test(String(b?.title)) &&
            VIETNAMESE.test(String(b?.detail));
          if (!clear)
            this.ledger.badAnswers.push({
              op: what.op,
              status,
              detail: `503 without a clear Vietnamese problem document: ${JSON.stringify(b).slice(0, 300)}`,
            });
        } else {
          this.ledger.badAnswers.push({ op: what.op, status, detail: JSON.stringify(answer.body).slice(0, 300) });
        }
      }
      if (!again && !(answer && status >= 500)) return finish('refused');
      retried.push(status);
      if (this.stopping && Date.now() - started > patience) return finish('unknown');
      if (Date.now() - started > patience) return finish('unknown');
      await sleep(status === 503 ? 1_000 + this.o.rng.int(0, 1_000) : 500 + this.o.rng.int(0, 500));
    }
  }

  // ---------- launches ----------

  /**
   * Launches `tasks` tasks with deadlines that make timers fire during the run on any day: already
   * overdue (the first wake-up records `overdue`), due within the next minutes (a durable timer to
   * the deadline), far away, and a monthly report whose period is open now. `extraTimers` adds a
   * level-1 escalation at the next full hour when that falls inside the run on a working day.
   */
  async launchAll(runUntil: number): Promise<void> {
    const now = Date.now();
    const kinds = ['overdue', 'due-soon', 'far', 'monthly'] as const;
    const launches: Promise<void>[] = [];
    for (let i = 0; i < this.o.tasks; i++) {
      const kind = i < kinds.length ? kinds[i]! : this.o.rng.pick(kinds);
      launches.push(this.launch(i, kind, now));
    }
    const offsetMs = sendOffsetSeconds(await this.taskIdOf(...this.identity(this.o.tasks))) * 1000;
    const hourly = await this.escalationWithinRun(now, runUntil, offsetMs);
    if (hourly) launches.push(this.launch(this.o.tasks, 'next-hour', now, hourly, offsetMs));
    await Promise.all(launches);
  }

  /**
   * The full hour (Vietnam time) on a working day whose send time for the task (the hour plus the task's
   * own offset, issue 16) is the next one at least a minute away, when that falls inside the run; null otherwise.
   */
  private async escalationWithinRun(now: number, runUntil: number, offsetMs: number): Promise<number | null> {
    const next = Math.ceil((now + 60_000 - offsetMs) / 3_600_000) * 3_600_000;
    if (next + offsetMs > runUntil - 60_000) return null;
    const { year } = vnCivilDate(new Date(next));
    const calendar = new WorkingCalendar(await createActivities({ db: this.o.db }).loadCalendar({ years: [year - 1, year, year + 1] }));
    return calendar.isWorkingDay(vnCivilDate(new Date(next))) ? next : null;
  }

  private async launch(
    i: number,
    kind: 'overdue' | 'due-soon' | 'far' | 'monthly' | 'next-hour',
    now: number,
    hourAt?: number,
    offsetMs = 0,
  ): Promise<void> {
    const { rng } = this.o;
    const lead = (i % 2) as 0 | 1;
    const [directiveNumber, ref] = this.identity(i);
    let deadline: Record<string, unknown>;
    let policy: Record<string, unknown> | undefined;
    if (kind === 'overdue') deadline = { kind: 'date', dueAt: new Date(now - rng.int(1, 3) * DAY).toISOString() };
    else if (kind === 'due-soon') deadline = { kind: 'date', dueAt: new Date(now + rng.int(40, 150) * 1000).toISOString() };
    else if (kind === 'far') deadline = { kind: 'date', dueAt: new Date(now + rng.int(10, 40) * DAY).toISOString() };
    else if (kind === 'monthly') deadline = { kind: 'recurring', rule: { freq: 'monthly', dayOfMonth: 31 }, until: null };
    else {
      // Due half a minute before the hour; the ladder's level 1 goes out at that hour plus the task's offset (same working day).
      deadline = { kind: 'date', dueAt: new Date(hourAt! - 30_000).toISOString() };
      policy = {
        sendAtHour: new Date(hourAt! + 7 * 3_600_000).getUTCHours(),
        escalationLadder: [{ level: 1, afterWorkingDays: 0, recipients: ['lead_unit_head'] }],
      };
    }
    const body = {
      directiveNumber,
      ref,
      title: `Nhiệm vụ thử chịu lỗi số ${i + 1}: chuyển đổi số hồ sơ hành chính`,
      leadUnit: this.people.leads[lead].unitCode,
      responsibleOfficial: 'Giám đốc Sở',
      coordinatingUnits: [this.people.coordinating.unitCode],
      deadline,
      assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
      decidedBy: this.people.office,
      expectedResult: 'Hoàn thành và báo cáo kết quả bằng văn bản',
      ...(policy ? { policy } : {}),
    };
    const taskId = await this.taskIdOf(directiveNumber, ref);
    const { operation, body: answer } = await this.perform(
      { op: 'launch', taskId, auditKinds: ['launched'], marker: JSON.stringify(directiveNumber), who: this.people.secretariat },
      '/api/v1/tasks',
      () => body,
    );
    if (operation.outcome !== 'acknowledged') return;
    const id = answer.id as string;
    const view: TaskView = {
      id,
      kind: kind === 'monthly' ? 'recurring' : 'date',
      lead,
      status: 'assigned',
      dueAt: deadline.kind === 'date' ? String(deadline.dueAt) : null,
      evidence: 0,
      pendingExtension: false,
      openPeriods: kind === 'monthly' ? [nextPeriod({ freq: 'monthly', dayOfMonth: 31 }, new Date(now)).key] : [],
      busy: false,
      handsOff: kind === 'next-hour',
    };
    this.views.set(id, view);
    if (kind === 'due-soon') this.timers.push({ taskId: id, kind: 'overdue', at: Date.parse(String(deadline.dueAt)) });
    if (kind === 'overdue') this.timers.push({ taskId: id, kind: 'overdue', at: now });
    if (kind === 'monthly') this.timers.push({ taskId: id, kind: 'report_period_opened', at: now });
    if (kind === 'next-hour') this.timers.push({ taskId: id, kind: 'escalation', at: hourAt! + offsetMs });
  }

  /** Launch `i`'s directive number and item ref. */
  private identity(i: number): [string, string] {
    return [`FX/${this.o.tag}-${i}`, `${i + 1}`];
  }

  private async taskIdOf(directiveNumber: string, ref: string): Promise<string> {
    const { taskIdFor } = await import('../../../domain/task');
    const { vnCivilDate } = await import('../../../domain/time');
    // A bare launch of a number no directive registers: the year of the launch, no issuer.
    return taskIdFor({ directiveNumber, directiveYear: vnCivilDate(new Date()).year, directiveIssuer: null }, ref);
  }

  // ---------- the mixed commands ----------

  /** Runs `concurrency` clients until `until`, then lets the operations in flight finish. */
  async run(until: number): Promise<void> {
    const client = async () => {
      while (Date.now() < until) {
        const open = [...this.views.values()].filter((v) => !v.busy && !v.handsOff && v.status !== 'completed' && v.status !== 'cancelled');
        if (!open.length) {
          await sleep(200);
          continue;
        }
        const view = this.o.rng.pick(open);
        view.busy = true;
        try {
          await this.step(view);
        } finally {
          view.busy = false;
        }
        await sleep(this.o.rng.int(50, 400));
      }
    };
    await Promise.all(Array.from({ length: this.o.concurrency }, client));
  }

  private apply(view: TaskView, state: any) {
    if (!state || typeof state !== 'object') return;
    view.status = state.status;
    view.dueAt = state.dueAt;
    view.evidence = state.evidence?.length ?? view.evidence;
    view.pendingExtension = !!state.pendingExtension;
    view.openPeriods = (state.reports?.open ?? []).map((p: { key: string }) => p.key);
    const leadUnit = state.leadUnit;
    view.lead = leadUnit === this.people.leads[1].unitCode ? 1 : 0;
  }

  private async command(
    view: TaskView,
    name: string,
    who: Person,
    auditKinds: string[],
    body: (marker: string) => Record<string, unknown>,
  ): Promise<void> {
    const marker = this.marker();
    const payload = body(marker);
    const { operation, body: answer } = await this.perform(
      { op: name, taskId: view.id, auditKinds, marker, who },
      `/api/v1/tasks/${encodeURIComponent(view.id)}/${name}`,
      () => payload,
    );
    if (operation.outcome === 'acknowledged') this.apply(view, answer?.state);
  }

  private async upload(view: TaskView, who: Person): Promise<void> {
    const marker = this.marker();
    const content = Buffer.from(`Báo cáo kết quả thực hiện nhiệm vụ ${view.id}\nMinh chứng ${marker}\n`, 'utf8');
    const sha256 = createHash('sha256').update(content).digest('hex');
    const form = () => {
      const f = new FormData();
      f.append('description', `Minh chứng kèm theo ${marker}`);
      f.append('file', new Blob([content], { type: 'text/plain' }), 'bao-cao-ket-qua.txt');
      return f;
    };
    const { operation, body: answer } = await this.perform(
      { op: 'evidence', taskId: view.id, auditKinds: ['evidence_attached'], marker: sha256, who },
      `/api/v1/tasks/${encodeURIComponent(view.id)}/evidence`,
      form,
    );
    if (operation.outcome === 'acknowledged') this.apply(view, answer?.state);
  }

  /** One plausible next command for the task as this client last saw it (sometimes a wrong one). */
  private async step(view: TaskView): Promise<void> {
    const { rng } = this.o;
    const lead = this.people.leads[view.lead];
    const other = this.people.leads[1 - view.lead]!;
    const sec = this.people.secretariat;
    const coord = this.people.coordinating;
    const working = ['acknowledged', 'in_progress', 'returned'].includes(view.status);
    const r = rng.next();

    if (r < 0.06) {
      // Wrong on purpose: a coordinating unit may not claim completion, whatever the state.
      return this.command(view, 'submit', coord, ['submitted'], (m) => ({ summary: `Đơn vị phối hợp tự đề nghị hoàn thành ${m}` }));
    }
    if (r < 0.09) {
      // Wrong on purpose: the unit that does not lead the task acknowledges it.
      return this.command(view, 'acknowledge', other, ['acknowledged'], (m) => ({ note: `Nhầm đơn vị ${m}` }));
    }
    if (view.pendingExtension && view.status !== 'submitted' && rng.chance(0.7)) {
      const approve = rng.chance(0.6);
      return this.command(view, 'extension-decision', sec, ['extension_approved', 'extension_denied'], (m) => ({
        approve,
        reason: approve ? `Đồng ý gia hạn ${m}` : `Không đủ căn cứ gia hạn ${m}`,
      }));
    }
    if (view.status === 'submitted') {
      // Mostly returned: approved tasks leave the workload, and later faults should still meet open ones.
      return rng.chance(0.25)
        ? this.command(view, 'approve', sec, ['approved'], (m) => ({ note: `Đạt yêu cầu ${m}` }))
        : this.command(view, 'return', sec, ['returned'], (m) => ({ reason: `Minh chứng chưa đầy đủ, đề nghị bổ sung ${m}` }));
    }
    if (rng.chance(0.05)) {
      return this.command(view, 'reassign', sec, ['reassigned'], (m) => ({
        newLeadUnit: other.unitCode,
        responsibleOfficial: 'Giám đốc Sở',
        reason: `Điều chỉnh đơn vị chủ trì ${m}`,
      }));
    }
    if (view.status === 'assigned' && rng.chance(0.6))
      return this.command(view, 'acknowledge', lead, ['acknowledged'], (m) => ({ note: `Đã tiếp nhận ${m}` }));
    if (view.kind === 'recurring' && view.openPeriods.length && rng.chance(0.3)) {
      const periodKey = view.openPeriods[0]!;
      return this.command(view, 'reports', lead, ['report_submitted'], (m) => ({
        periodKey,
        summary: `Báo cáo định kỳ kỳ ${periodKey} ${m}`,
      }));
    }
    if (view.kind === 'date' && !view.pendingExtension && rng.chance(0.1)) {
      const base = Math.max(Date.now(), view.dueAt ? Date.parse(view.dueAt) : 0);
      const requestedDueAt = new Date(base + rng.int(60, 300) * 1000).toISOString();
      return this.command(view, 'extension-requests', lead, ['extension_requested'], (m) => ({
        requestedDueAt,
        reason: `Cần thêm thời gian thẩm định ${m}`,
      }));
    }
    if (working && view.kind === 'date' && view.evidence > 0 && rng.chance(0.3)) {
      return this.command(view, 'submit', lead, ['submitted'], (m) => ({ summary: `Đã hoàn thành, đề nghị xem xét ${m}` }));
    }
    if (rng.chance(0.45)) return this.upload(view, rng.chance(0.75) ? lead : coord);
    return this.command(view, 'progress', rng.chance(0.7) ? lead : coord, ['progress_reported'], (m) => ({
      text: `Đang triển khai ${m}`,
      percent: rng.int(0, 100),
    }));
  }

  /** Stops starting new operations; operations in flight keep retrying until answered. */
  stop(): void {
    this.stopping = true;
  }

  get busy(): number {
    return this.inFlight;
  }
}
