import type { Kysely, Transaction } from 'kysely';
import { eventPayloads } from '../db/repositories/audit';
import { unitNames as readUnitNames } from '../db/repositories/auth';
import { insertDeliveries, type NewDelivery } from '../db/repositories/deliveries';
import { dueNotifications, markDispatched } from '../db/repositories/notifications';
import { tasksWithState } from '../db/repositories/tasks';
import type { EndpointTarget } from '../db/repositories/webhooks';
import type { Database, DeliveryChannel, DeliveryContent } from '../db/schema';
import { RECIPIENT_ROLE_LABELS_VI } from '../domain/catalog/notices';
import type { RecipientRole } from '../domain/policy';
import type { DeliveryLogger } from './dispatcher';
import { deliveryKeyFor } from './model';
import { recipientResolver, type Person } from './recipients';
import { renderNotification, type NotificationFacts, type TaskFacts, type UnitRef } from './templates';

/*
 * Step 1 of the dispatcher's tick: notifications of the outbox that are due and not yet
 * dispatched are expanded, in one transaction each batch, into one `deliveries` row per
 * (notification, channel, recipient), recipients resolved from the database now. The message is
 * rendered once into the row; the inbox delivery is complete at that moment.
 */

export interface ExpandDeps {
  db: Kysely<Database>;
  /** The channels deliveries are created on (no e-mail without SMTP). */
  channels: readonly DeliveryChannel[];
  linkFor: (taskId: string) => string;
  /** Notifications expanded per transaction. */
  batchSize: number;
  log: DeliveryLogger;
}

/** Expands due notifications into deliveries; returns how many notifications it handled. */
export async function expandDue(deps: ExpandDeps, now: Date): Promise<number> {
  let handled = 0;
  for (;;) {
    const count = await deps.db.transaction().execute((trx) => expandBatch(deps, trx, now));
    handled += count;
    if (count < deps.batchSize) return handled;
  }
}

async function expandBatch({ channels, linkFor, batchSize, log }: ExpandDeps, trx: Transaction<Database>, now: Date): Promise<number> {
  const notes = await dueNotifications(trx, now, batchSize);
  if (!notes.length) return 0;

  const tasks = await tasksWithState(trx, [...new Set(notes.map((n) => n.taskId))]);
  const events = await eventPayloads(
    trx,
    notes.map((n) => ({ taskId: n.taskId, seq: n.auditSeq })),
  );
  const resolve = await recipientResolver(trx, notes);
  const unitNames = await readUnitNames(trx);
  const unit = (code: string): UnitRef => ({ code, name: unitNames.get(code) ?? null });

  for (const n of notes) {
    const found = tasks.get(n.taskId);
    const t = found?.task;
    const task: TaskFacts | null = t
      ? {
          id: t.id,
          directiveNumber: t.directiveNumber,
          ref: t.ref,
          title: t.title,
          leadUnit: unit(t.leadUnit),
          dueAt: t.dueAt,
          expectedResult: t.expectedResult,
          launchedAt: t.launchedAt,
          outcome: t.outcome,
        }
      : null;
    const facts: NotificationFacts = {
      kind: n.kind,
      step: n.step,
      level: n.level,
      recipientRole: n.recipientRole,
      recipientUnit: n.recipientUnit ? unit(n.recipientUnit) : null,
      subject: n.subject,
      body: n.body,
      event: events.get(`${n.taskId}#${n.auditSeq}`) ?? null,
      period: periodOf(n.step, found?.state),
    };
    const link = linkFor(n.taskId);
    const render = (person: Person | null) =>
      renderNotification({ notification: facts, task, person: person && { fullName: person.fullName }, link, now, unitNames });
    const { people, endpoints } = resolve(n);

    const rows: NewDelivery[] = [];
    for (const p of people) {
      const m = render(p);
      rows.push({ channel: 'inbox', recipient: p.login, address: null, content: { subject: m.subject, text: m.text } });
      if (channels.includes('email') && p.email) rows.push({ channel: 'email', recipient: p.login, address: p.email, content: m });
    }
    if (endpoints.length) {
      const m = render(null);
      for (const e of endpoints) {
        rows.push({
          channel: 'webhook',
          recipient: e.id,
          address: e.url,
          content: webhookContent(n.key, e, m, { notification: facts, task, link, now }),
        });
      }
    }
    await insertDeliveries(trx, { sourceKey: n.key, notificationId: n.id, digestRunId: null, taskId: n.taskId, now }, rows);
    await markDispatched(trx, n.id, now, rows.length > 0);
    if (!rows.length) log.warn({ notification: n.key }, 'notification reaches nobody: no user or webhook matches its recipient');
  }
  return notes.length;
}

/** The period of a periodic-report notification: the step's prefix, its due instant from the task's state. */
function periodOf(step: string, state: unknown): NotificationFacts['period'] {
  const slash = step.indexOf('/');
  if (slash < 0) return null;
  const key = step.slice(0, slash);
  const reports = (state as { reports?: { open?: { key: string; due: string }[]; lastClosed?: { key: string; due: string }[] } } | null)
    ?.reports;
  const period = [...(reports?.open ?? []), ...(reports?.lastClosed ?? [])].find((p) => p.key === key);
  return { key, dueAt: period ? new Date(period.due) : null };
}

function webhookContent(
  notificationKey: string,
  endpoint: EndpointTarget,
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
