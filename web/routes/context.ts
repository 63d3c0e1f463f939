import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type multer from 'multer';
import { calendarOverridesInForce } from '../../db/repositories/calendar';
import { listInbox } from '../../db/repositories/inbox';
import {
  DEFAULT_SESSION_LIFETIME,
  DEFAULT_SIGN_IN_LIMITS,
  type SessionLifetime,
  type SessionUser,
  type SignInLimits,
} from '../../db/repositories/sessions';
import type { Database } from '../../db/schema';
import { WorkingCalendar } from '../../domain/calendar';
import { vnCivilDate } from '../../domain/time';
import { actorOfUser } from '../auth/session';
import { WebError } from '../errors';

export interface WebDeps {
  db: Kysely<Database>;
  logger: Logger;
  /** Session lifetimes; 30 minutes idle, 12 hours at most when absent. */
  sessionLifetime?: SessionLifetime;
  /** Failed sign-ins allowed per login and per address in a window. */
  signInLimits?: SignInLimits;
  /** Cookies marked `Secure` whatever the request; absent, when the request came over HTTPS. */
  secureCookies?: boolean;
  /** The clock the pages judge deadlines by. */
  now?: () => Date;
  /** Where the task pages send their commands (Workflow Updates); without it, pages only read. */
  temporal?: Client;
  /** Largest evidence file accepted, as the API's (`EVIDENCE_MAX_BYTES`). */
  evidenceMaxBytes?: number;
  /** The task queue launches start their workflows on (a directive's items launched from its page). */
  taskQueue?: string;
}

/** What every area's routes share: the dependencies with their defaults, and the reads each page needs. */
export interface WebContext {
  db: Kysely<Database>;
  logger: Logger;
  temporal: Client | undefined;
  taskQueue: string | undefined;
  lifetime: SessionLifetime;
  limits: SignInLimits;
  secure: boolean | undefined;
  evidenceMaxBytes: number;
  now: () => Date;
  /** Working days as the calendar (with its decided swap days) has them, kept a few minutes. */
  workingCalendar(): Promise<WorkingCalendar>;
  /** Forgets the kept calendar, after a swap day is added. */
  forgetCalendar(): void;
  unreadCount(user: SessionUser): Promise<number>;
  origin(req: Request): { address: string | null; userAgent: string | null };
  /** A multipart body refused by its limits before the CSRF check, for the route to say why. */
  uploadErrors: WeakMap<Request, InstanceType<typeof multer.MulterError>>;
  /** The Temporal client, or a 503 page when the app was built without one. */
  commandSender(): Client;
}

const CALENDAR_TTL_MS = 10 * 60_000;

export function webContext(deps: WebDeps): WebContext {
  const { db, logger, temporal, taskQueue } = deps;
  const now = deps.now ?? (() => new Date());
  let calendar: { value: WorkingCalendar; at: number } | null = null;
  return {
    db,
    logger,
    temporal,
    taskQueue,
    lifetime: deps.sessionLifetime ?? DEFAULT_SESSION_LIFETIME,
    limits: deps.signInLimits ?? DEFAULT_SIGN_IN_LIMITS,
    secure: deps.secureCookies,
    evidenceMaxBytes: deps.evidenceMaxBytes ?? 20 * 1024 * 1024,
    now,
    async workingCalendar() {
      if (calendar && Date.now() - calendar.at < CALENDAR_TTL_MS) return calendar.value;
      const year = vnCivilDate(now()).year;
      calendar = { value: WorkingCalendar.forYears([year - 1, year, year + 1], await calendarOverridesInForce(db)), at: Date.now() };
      return calendar.value;
    },
    forgetCalendar() {
      calendar = null;
    },
    unreadCount: async (user) => (await listInbox(db, actorOfUser(user), { limit: 0, offset: 0 })).unreadCount,
    origin: (req) => ({ address: req.ip ?? null, userAgent: req.get('user-agent') ?? null }),
    uploadErrors: new WeakMap(),
    commandSender() {
      if (!temporal) throw new WebError(503, 'Chưa thể gửi lệnh', 'Trang này chưa được nối với máy chủ điều phối quy trình.');
      return temporal;
    },
  };
}
