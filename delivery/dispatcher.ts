import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { DeliveryChannel, DeliveryContent } from '../db/schema';
import { createActivities } from '../activities';
import { WorkingCalendar } from '../domain/calendar';
import { RECIPIENT_ROLE_LABELS_VI, type RecipientRole } from '../domain/policy';
import { vnCivilDate } from '../domain/time';
import { createDigests, DIGEST_DUE_SOON_WORKING_DAYS } from './digest';
import type { Mailer } from './email';
import { DEFAULT_RETRY_POLICY, deliveryKeyFor, isWorkingTime, retryDelayMs, type RetryPolicy } from './model';
import { insertDeliveries, type NewDelivery } from './store';
import { recipientResolver, type Person, type Endpoint } from './recipients';
import { renderNotification, type NotificationFacts, type TaskFacts, type UnitRef } from './templates';
import { createWebhookPoster, type WebhookPoster } from './webhook';

/*
 * The delivery dispatcher: a loop in the worker process (not a workflow: it is a queue drain,
 * and PostgreSQL already gives it what it needs, `FOR UPDATE SKIP LOCKED` for several
 * processes and a unique key for idempotency).
 *
 * Each tick, inside working hours only (08:00-17:00 of a working day, Vietnam time):
 * 1. dispatch: notifications of the outbox that are due and not yet dispatched are expanded,
 *    in one transaction each batch, into one `deliveries` row per (notification, channel,
 *    recipient), recipients resolved from the database now. The row's `delivery_key` is
 *    derived from the notification key, and the message is rendered once into the row. The
 *    inbox delivery is complete at that moment; e-mail and webhook rows wait to be sent.
 * 2. digests: once per working day per unit (delivery/digest.ts).
 * 3. send: due rows are claimed (state 'sending', an attempt row opened, a lease in
 *    `next_attempt_at`) and committed BEFORE the message leaves; then the outcome is
 *    recorded. A process killed in between leaves the row 'sending'; when the lease runs out
 *    another tick takes it over, marks the lost attempt 'interrupted' and sends again with
 *    the same Message-ID / X-Delivery-Id: at-least-once underneath, one message as people see it.
 * Failures back off exponentially; after the last attempt the row is 'dead' (the dead letter).
 */

export interface DeliveryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DispatcherDeps {
  db: Kysely<Database>;
  /** Null when SMTP is not configured: no e-mail deliveries are created (the inbox still works). */
  mailer: Mailer | null;
  postWebhook?: WebhookPoster;
  /** Base of links in messages (`PUBLIC_BASE_URL`). */
  publicBaseUrl: string;
  /** "Now"; injected so tests can put the dispatcher on a Saturday or in Tết. */
  clock?: () => Date;
  retry?: Partial<RetryPolicy>;
  /** Notifications expanded per transaction. */
  batchSize?: number;
  /** Messages claimed and sent at once; small, so every claimed one is sent well within its lease. */
  sendConcurrency?: number;
  logger?: DeliveryLogger;
}

export interface TickResult {
  working: boolean;
  dispatched: number;
  digests: number;
  sent: number;
  failed: number;
  dead: number;
}

const silent: DeliveryLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Delivery of the outbox over the inbox, e-mail and webhooks; see the comment above. */
export function createDispatcher(deps: DispatcherDeps) {
  const { db, mailer } = deps;
  const postWebhook = deps.postWebhook ?? createWebhookPoster();
  const clock = deps.clock ?? (() => new Date());
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  const batchSize = deps.batchSize ?? 50;
  const sendConcurrency = deps.sendConcurrency ?? 10;
  const log = deps.logger ?? silent;
  const base = deps.publicBaseUrl.replace(/\/+$/, '');
  const linkFor = (taskId: string) => `${base}/api/v1/tasks/${encodeURIComponent(taskId)}`;
  const channels: DeliveryChannel[] = mailer ? ['inbox', 'email', 'webhook'] : ['inbox', 'webhook'];

  async function calendarAround(now: Date): Promise<WorkingCalendar> {
    const { year } = vnCivilDate(now);
    // The same calendar the workflows use: computed holidays, shipped overrides, the overrides table.
    return new WorkingCalendar(await createActivities({ db }).loadCalendar({ years: [year - 1, year, year + 1] }));
  }

  /** Expands due notifications into deliveries; returns how many notifications it handled. */
  async function dispatchDue(now: Date = clock()): Promise<number> {
    let handled = 0;
    for (;;) {
      const count = await db.transaction().execute((trx) => dispatchBatch(trx, now));
      handled += count;
      if (count < batchSize) return handled;
    }
  }

  async function dispatchBatch(trx: Transaction<Database>, now: Date): Promise<number> {
    const notes = await trx
      .selectFrom('notifications')
      .select(['id', 'key', 'task_id', 'audit_seq', 'kind', 'step', 'level', 'recipient_role', 'recipient_unit', 'subject', 'body'])
      .where('dispatched_at', 'is', null)
      .where('scheduled_at', '<=', now)
      .orderBy('scheduled_at')
      .orderBy('id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    if (!notes.length) return 0;

    const taskIds = [...new Set(notes.map((n) => n.task_id))];
    const tasks = new Map(
      (
        await trx
          .selectFrom('tasks')
          .select(['id', 'directive_number', 'ref', 'title', 'lead_unit', 'due_at', 'expected_result', 'launched_at', 'outcome', 'state'])
          .where('id', 'in', taskIds)
          .execute()
      ).map((t) => [t.id, t]),
    );
    const events = new Map(
      (
        await trx
          .selectFrom('audit_events')
          .select(['task_id', 'seq', 'payload'])
          .where((eb) => eb.or(notes.map((n) => eb.and([eb('task_id', '=', n.task_id), eb('seq', '=', n.audit_seq)]))))
          .execute()
      ).map((e) => [`${e.task_id}#${e.seq}`, e.payload]),
    );
    const resolve = await recipientResolver(trx, notes.map((n) => ({ recipientRole: n.recipient_role, recipientUnit: n.recipient_unit })));
    const unitNames = new Map((await trx.selectFrom('units').select(['code', 'name']).execute()).map((u) => [u.code, u.name]));
    const unit = (code: string): UnitRef => ({ code, name: unitNames.get(code) ?? null });

    for (const n of notes) {
      const t = tasks.get(n.task_id);
      const task: TaskFacts | null = t
        ? {
            id: t.id,
            directiveNumber: t.directive_number,
            ref: t.ref,
            title: t.title,
            leadUnit: unit(t.lead_unit),
            dueAt: t.due_at,
            expectedResult: t.expected_result,
            launchedAt: t.launched_at,
            outcome: t.outcome,
          }
        : null;
      const facts: NotificationFacts = {
        kind: n.kind,
        step: n.step,
        level: n.level,
        recipientRole: n.recipient_role,
        recipientUnit: n.recipient_unit ? unit(n.recipient_unit) : null,
        subject: n.subject,
        body: n.body,
        event: (events.get(`${n.task_id}#${n.audit_seq}`) as Record<string, unknown> | undefined) ?? null,
        period: periodOf(n.step, t?.state),
      };
      const render = (person: Person | null) =>
        renderNotification({ notification: facts, task, person: person && { fullName: person.fullName }, link: linkFor(n.task_id), now, unitNames });
      const { people, endpoints } = resolve({ recipientRole: n.recipient_role, recipientUnit: n.recipient_unit });

      const rows: NewDelivery[] = [];
      for (const p of people) {
        const m = render(p);
        rows.push({ channel: 'inbox', recipient: p.login, address: null, content: { subject: m.subject, text: m.text } });
        if (channels.includes('email') && p.email) rows.push({ channel: 'email', recipient: p.login, address: p.email, content: m });
      }
      if (endpoints.length) {
        const m = render(null);
        for (const e of endpoints) {
          rows.push({ channel: 'webhook', recipient: e.id, address: e.url, content: webhookContent(n.key, e, m, { notification: facts, task, link: linkFor(n.task_id), now }) });
        }
      }
      await insertDeliveries(trx, { sourceKey: n.key, notificationId: n.id, digestRunId: null, taskId: n.task_id, now }, rows);
      await trx
        .updateTable('notifications')
        .set({ dispatched_at: now, status: rows.length ? 'dispatched' : 'unrouted' })
        .where('id', '=', n.id)
        .execute();
      if (!rows.length) log.warn({ notification: n.key }, 'notification reaches nobody: no user or webhook matches its recipient');
    }
    return notes.length;
  }

  /** Sends what is due until nothing is; returns the outcomes. */
  async function sendDue(now: Date = clock()): Promise<{ sent: number; failed: number; dead: number }> {
    const totals = { sent: 0, failed: 0, dead: 0 };
    for (;;) {
      const { picked, claimed } = await claim(now);
      const outcomes = await Promise.all(claimed.map((d) => attempt(d)));
      for (const o of outcomes) totals[o]++;
      totals.dead += picked - claimed.length;
      if (picked < sendConcurrency) return totals;
    }
  }

  interface Claimed {
    id: string;
    delivery_key: string;
    channel: DeliveryChannel;
    recipient: string;
    address: string | null;
    content: DeliveryContent;
    attempts: number;
    created_at: Date;
  }

  /** Claims up to `sendConcurrency` due rows; `picked` counts those given up at once (interrupted on their last attempt) too. */
  async function claim(now: Date): Promise<{ picked: number; claimed: Claimed[] }> {
    return db.transaction().execute(async (trx) => {
      const picked = await trx
        .selectFrom('deliveries')
        .select(['id', 'state', 'attempts'])
        .where('state', 'in', ['pending', 'retrying', 'sending'])
        .where('next_attempt_at', '<=', now)
        .where('channel', '<>', 'inbox')
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(sendConcurrency)
        .forUpdate()
        .skipLocked()
        .execute();
      if (!picked.length) return { picked: 0, claimed: [] };
      const ids = picked.map((p) => p.id);
      // Whoever held these before us died mid-attempt (their lease ran out): that attempt's outcome is unknown.
      await trx
        .updateTable('delivery_attempts')
        .set({ outcome: 'interrupted', finished_at: now, detail: 'tiến trình gửi dừng trước khi ghi nhận kết quả' })
        .where('delivery_id', 'in', ids)
        .where('outcome', 'is', null)
        .execute();
      const exhausted = picked.filter((p) => p.state === 'sending' && p.attempts >= retry.maxAttempts).map((p) => p.id);
      if (exhausted.length) {
        await trx
          .updateTable('deliveries')
          .set({ state: 'dead', last_error: 'lần gửi cuối bị gián đoạn, không rõ kết quả' })
          .where('id', 'in', exhausted)
          .execute();
      }
      const live = ids.filter((id) => !exhausted.includes(id));
      if (!live.length) return { picked: picked.length, claimed: [] };
      const rows = await trx
        .updateTable('deliveries')
        .set((eb) => ({ state: 'sending', attempts: eb('attempts', '+', 1), next_attempt_at: new Date(now.getTime() + retry.leaseMs) }))
        .where('id', 'in', live)
        .returning(['id', 'delivery_key', 'channel', 'recipient', 'address', 'content', 'attempts', 'created_at'])
        .execute();
      await trx
        .insertInto('delivery_attempts')
        .values(rows.map((r) => ({ delivery_id: r.id, attempt: r.attempts, started_at: now, finished_at: null, outcome: null, detail: null })))
        .execute();
      return { picked: picked.length, claimed: rows };
    });
  }

  async function attempt(d: Claimed): Promise<'sent' | 'failed' | 'dead'> {
    let detail: string;
    try {
      detail = await send(d);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const at = clock();
      const dead = d.attempts >= retry.maxAttempts || err instanceof PermanentDeliveryError;
      await db.transaction().execute(async (trx) => {
        await finishAttempt(trx, d, at, 'failed', message);
        await trx
          .updateTable('deliveries')
          .set(dead ? { state: 'dead', last_error: message } : { state: 'retrying', last_error: message, next_attempt_at: new Date(at.getTime() + retryDelayMs(d.attempts, retry)) })
          .where('id', '=', d.id)
          .where('state', '=', 'sending')
          .where('attempts', '=', d.attempts)
          .execute();
      });
      const context = { delivery: d.delivery_key, channel: d.channel, attempt: d.attempts, err: message };
      if (dead) log.error(context, 'delivery dead after its last attempt');
      else log.warn(context, 'delivery attempt failed; will retry');
      return dead ? 'dead' : 'failed';
    }
    const at = clock();
    await db.transaction().execute(async (trx) => {
      await finishAttempt(trx, d, at, 'sent', detail);
      // Only if the row is still ours: had our lease run out, another process owns the state now.
      await trx
        .updateTable('deliveries')
        .set({ state: 'sent', sent_at: at, last_error: null })
        .where('id', '=', d.id)
        .where('state', '=', 'sending')
        .where('attempts', '=', d.attempts)
        .execute();
    });
    return 'sent';
  }

  async function send(d: Claimed): Promise<string> {
    if (d.channel === 'email') {
      if (!mailer) throw new PermanentDeliveryError('chưa cấu hình máy chủ thư (SMTP_HOST)');
      if (!d.address) throw new PermanentDeliveryError('người nhận không có địa chỉ thư');
      const { response } = await mailer.send({ deliveryKey: d.delivery_key, to: d.address, subject: d.content.subject, text: d.content.text, html: d.content.html ?? '', date: d.created_at });
      return response;
    }
    const endpoint = await db.selectFrom('webhook_endpoints').select(['url', 'secret', 'active']).where('id', '=', d.recipient).executeTakeFirst();
    if (!endpoint || !endpoint.active) throw new PermanentDeliveryError('điểm nhận webhook đã bị gỡ hoặc tạm dừng');
    const { status } = await postWebhook({ url: endpoint.url, secret: endpoint.secret, deliveryKey: d.delivery_key, body: d.content.json ?? '{}', now: clock() });
    return `HTTP ${status}`;
  }

  async function finishAttempt(trx: Transaction<Database>, d: Claimed, at: Date, outcome: 'sent' | 'failed', detail: string) {
    await trx
      .updateTable('delivery_attempts')
      .set({ outcome, finished_at: at, detail: detail.slice(0, 2000) })
      .where('delivery_id', '=', d.id)
      .where('attempt', '=', d.attempts)
      .where('outcome', 'is', null)
      .execute();
  }

  /** One pass: dispatch, digests, send, inside working hours only; outside them nothing moves. */
  async function tick(now: Date = clock()): Promise<TickResult> {
    const calendar = await calendarAround(now);
    if (!isWorkingTime(calendar, now)) return { working: false, dispatched: 0, digests: 0, sent: 0, failed: 0, dead: 0 };
    const dispatched = await dispatchDue(now);
    const digests = await createDigests({ db, now, calendar, linkFor, email: channels.includes('email'), dueSoonWorkingDays: DIGEST_DUE_SOON_WORKING_DAYS });
    const sent = await sendDue(now);
    return { working: true, dispatched, digests, ...sent };
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;

  return {
    dispatchDue,
    sendDue,
    tick,

    /** Ticks every `pollMs` until `stop()`; a failing tick is logged and the loop goes on. */
    start(pollMs: number) {
      if (!stopped) return;
      stopped = false;
      const loop = () => {
        running = tick()
          .then((r) => {
            if (r.dispatched || r.digests || r.sent || r.failed || r.dead) log.info(r, 'delivery tick');
          })
          .catch((err) => log.error({ err }, 'delivery tick failed'))
          .finally(() => {
            running = null;
            if (!stopped) timer = setTimeout(loop, pollMs);
          });
      };
      loop();
    },

    /** Stops the loop and waits for the tick in progress. */
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

/** A failure no retry can fix (no address, endpoint removed): the delivery goes dead at once. */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

/** The period of a periodic-report notification: the step's prefix, its due instant from the task's state. */
function periodOf(step: string, state: unknown): NotificationFacts['period'] {
  const slash = step.indexOf('/');
  if (slash < 0) return null;
  const key = step.slice(0, slash);
  const reports = (state as { reports?: { open?: { key: string; due: string }[]; lastClosed?: { key: string; due: string }[] } } | null)?.reports;
  const period = [...(reports?.open ?? []), ...(reports?.lastClosed ?? [])].find((p) => p.key === key);
  return { key, dueAt: period ? new Date(period.due) : null };
}

function webhookContent(
  notificationKey: string,
  endpoint: Endpoint,
  m: { subject: string; text: string },
  ctx: { notification: NotificationFacts; task: TaskFacts | null; link: string; now: Date },
): DeliveryContent {
  const { notification: n, task } = ctx;
  const body = {
    type: 'notification',
    deliveryId: deliveryKeyFor(notificationKey, 'webhook', endpoint.id),
    notificationKey,
    kind: n.kind,
    step: n.step,
    level: n.level,
    recipient: {
      role: n.recipientRole,
      roleLabel: RECIPIENT_ROLE_LABELS_VI[n.recipientRole as RecipientRole] ?? n.recipientRole,
      unit: n.recipientUnit,
      endpointUnit: endpoint.unitCode,
    },
    task: task && {
      id: task.id,
      directiveNumber: task.directiveNumber,
      ref: task.ref,
      title: task.title,
      leadUnit: task.leadUnit,
      dueAt: task.dueAt?.toISOString() ?? null,
      link: ctx.link,
    },
    period: n.period && { key: n.period.key, dueAt: n.period.dueAt?.toISOString() ?? null },
    subject: m.subject,
    text: m.text,
    createdAt: ctx.now.toISOString(),
  };
  return { subject: m.subject, text: m.text, json: JSON.stringify(body) };
}
