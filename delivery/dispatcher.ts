import type { Kysely } from 'kysely';
import { createActivities } from '../activities';
import type { Database, DeliveryChannel } from '../db/schema';
import { WorkingCalendar } from '../domain/calendar';
import { vnCivilDate } from '../domain/time';
import { createDigests, DIGEST_DUE_SOON_WORKING_DAYS } from './digest';
import type { Mailer } from './email';
import { expandDue, type ExpandDeps } from './expand';
import { DEFAULT_RETRY_POLICY, isWorkingTime, type RetryPolicy } from './model';
import { sendDue, type SendDeps } from './send';
import { createWebhookPoster, type WebhookPoster } from './webhook';

/*
 * The delivery dispatcher: a loop in the worker process, not a workflow, because it is a queue
 * drain and PostgreSQL gives it what it needs. Its tick: docs/architecture.md, "Delivery and the inbox".
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
  const log = deps.logger ?? silent;
  const base = deps.publicBaseUrl.replace(/\/+$/, '');
  const linkFor = (taskId: string) => `${base}/api/v1/tasks/${encodeURIComponent(taskId)}`;
  const channels: DeliveryChannel[] = mailer ? ['inbox', 'email', 'webhook'] : ['inbox', 'webhook'];

  const expandDeps: ExpandDeps = { db, channels, linkFor, batchSize: deps.batchSize ?? 50, log };
  const sendDeps: SendDeps = { db, mailer, postWebhook, clock, retry, sendConcurrency: deps.sendConcurrency ?? 10, log };
  const dispatchDue = (now: Date = clock()) => expandDue(expandDeps, now);
  const sendDueNow = (now: Date = clock()) => sendDue(sendDeps, now);

  async function calendarAround(now: Date): Promise<WorkingCalendar> {
    const { year } = vnCivilDate(now);
    // The same calendar the workflows use: computed holidays, shipped overrides, the overrides table.
    return new WorkingCalendar(await createActivities({ db }).loadCalendar({ years: [year - 1, year, year + 1] }));
  }

  /** One pass: dispatch, digests, send, inside working hours only; outside them nothing moves. */
  async function tick(now: Date = clock()): Promise<TickResult> {
    const calendar = await calendarAround(now);
    if (!isWorkingTime(calendar, now)) return { working: false, dispatched: 0, digests: 0, sent: 0, failed: 0, dead: 0 };
    const dispatched = await dispatchDue(now);
    const digests = await createDigests({
      db,
      now,
      calendar,
      linkFor,
      email: channels.includes('email'),
      dueSoonWorkingDays: DIGEST_DUE_SOON_WORKING_DAYS,
    });
    const sent = await sendDueNow(now);
    return { working: true, dispatched, digests, ...sent };
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;

  return {
    dispatchDue,
    sendDue: sendDueNow,
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
