import type { Kysely } from 'kysely';
import { calendarOverridesInForce } from '../db/repositories/calendar';
import { AuditAppender, type AlongsideWrite } from '../db/repositories/audit';
import { outboxWrite } from '../db/repositories/notifications';
import { readModelWrite } from '../db/repositories/tasks';
import type { Database } from '../db/schema';
import { buildCalendarData, type CalendarData } from '../domain/calendar';
import type { AuditEvent, OutboxNotification, TaskState } from '../domain/task';

export interface ActivityDeps {
  db: Kysely<Database>;
}

export interface RecordEventInput {
  taskId: string;
  event: AuditEvent;
  snapshot: TaskState;
  notifications: OutboxNotification[];
}

/** Activities over injected dependencies, built once per worker. */
export function createActivities({ db }: ActivityDeps) {
  // One per worker: its chain heads spare each event the look-up of its predecessor.
  const audit = new AuditAppender(db);
  return {
    /**
     * Appends one event to the task's audit chain, brings the read model up to that event and
     * puts its notifications in the outbox, in one statement (so one transaction, one round
     * trip). Keyed by (task, seq) and by notification key: a retried activity writes nothing new.
     */
    async recordEvent({ taskId, event, snapshot, notifications }: RecordEventInput): Promise<{ hash: string }> {
      return audit.append(taskId, event, eventWrites({ taskId, event, snapshot, notifications }));
    },

    /** The working calendar for the given years: computed holidays plus the decided overrides (shipped file, then the database table). */
    async loadCalendar({ years }: { years: number[] }): Promise<CalendarData> {
      return buildCalendarData(years, await calendarOverridesInForce(db));
    },
  };
}

/** What goes with an event in the same statement: the read model and the outbox (exported for bench P6's baseline). */
export function eventWrites({ taskId, event, snapshot, notifications }: RecordEventInput): Record<string, AlongsideWrite> {
  return {
    model: (db) => readModelWrite(db, snapshot, event.occurredAt),
    outbox: (db) => outboxWrite(db, taskId, event.seq, notifications),
  };
}

export type Activities = ReturnType<typeof createActivities>;
