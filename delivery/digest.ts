import type { Kysely } from 'kysely';
import { unitHeads, unitName } from '../db/repositories/auth';
import { insertDeliveries, insertDigestRun, unitsWithDigest, type NewDelivery } from '../db/repositories/deliveries';
import { tasksDueBy } from '../db/repositories/tasks';
import { activeEndpoints } from '../db/repositories/webhooks';
import type { Database } from '../db/schema';
import type { WorkingCalendar } from '../domain/calendar';
import { endOfVnDay, formatCivilDate, vnCivilDate } from '../domain/time';
import { deliveryKeyFor, isWorkingTime } from './model';
import { renderDigest, type DigestItem, type UnitRef } from './templates';

/** "Due soon" in the digest: the deadline falls within this many working days from today. */
export const DIGEST_DUE_SOON_WORKING_DAYS = 3;

/**
 * Statuses whose lateness is the unit's: an item awaiting review ('submitted') is in the
 * secretariat's hands, and the workflow stops reminding the unit about it too.
 */
const UNIT_OWES_WORK = ['assigned', 'acknowledged', 'in_progress', 'returned'];

export interface DigestDeps {
  db: Kysely<Database>;
  now: Date;
  calendar: WorkingCalendar;
  linkFor: (taskId: string) => string;
  /** Whether e-mail deliveries are created (SMTP configured). */
  email: boolean;
  dueSoonWorkingDays?: number;
}

export interface UnitDigest {
  unitCode: string;
  day: string;
  overdue: DigestItem[];
  dueSoon: DigestItem[];
}

/**
 * What each unit's digest lists on the day of `now`: open items it leads (or co-leads) that
 * are past their deadline, and those due by the end of the `dueSoonWorkingDays`-th working day.
 * Units with neither get no digest.
 */
export async function digestsFor(
  db: Kysely<Database>,
  now: Date,
  calendar: WorkingCalendar,
  linkFor: (taskId: string) => string,
  dueSoonWorkingDays = DIGEST_DUE_SOON_WORKING_DAYS,
): Promise<UnitDigest[]> {
  const today = vnCivilDate(now);
  const day = formatCivilDate(today);
  const horizon = endOfVnDay(calendar.addWorkingDays(today, dueSoonWorkingDays));
  const rows = await tasksDueBy(db, UNIT_OWES_WORK, horizon);
  const byUnit = new Map<string, UnitDigest>();
  for (const r of rows) {
    const item: DigestItem = {
      taskId: r.id,
      directiveNumber: r.directiveNumber,
      ref: r.ref,
      title: r.title,
      dueAt: r.dueAt!,
      link: linkFor(r.id),
    };
    for (const unitCode of new Set([r.leadUnit, r.coLeadUnit].filter((u): u is string => !!u))) {
      let d = byUnit.get(unitCode);
      if (!d) byUnit.set(unitCode, (d = { unitCode, day, overdue: [], dueSoon: [] }));
      (item.dueAt.getTime() < now.getTime() ? d.overdue : d.dueSoon).push(item);
    }
  }
  return [...byUnit.values()].sort((a, b) => (a.unitCode < b.unitCode ? -1 : 1));
}

/**
 * Once per working day per unit, from the start of working hours: the unit heads' digest by
 * e-mail, and the unit's webhooks. A `digest_runs` row per (unit, day) makes it idempotent:
 * a second tick, or a second worker, finds the row and writes nothing.
 */
export async function createDigests({
  db,
  now,
  calendar,
  linkFor,
  email,
  dueSoonWorkingDays = DIGEST_DUE_SOON_WORKING_DAYS,
}: DigestDeps): Promise<number> {
  if (!isWorkingTime(calendar, now)) return 0;
  const digests = await digestsFor(db, now, calendar, linkFor, dueSoonWorkingDays);
  if (!digests.length) return 0;
  const done = await unitsWithDigest(
    db,
    digests[0].day,
    digests.map((d) => d.unitCode),
  );
  let created = 0;
  for (const d of digests.filter((x) => !done.has(x.unitCode))) {
    const wrote = await db.transaction().execute(async (trx) => {
      const items = { overdue: d.overdue.map((i) => i.taskId), dueSoon: d.dueSoon.map((i) => i.taskId) };
      const runId = await insertDigestRun(trx, { unitCode: d.unitCode, day: d.day, items, now });
      if (!runId) return false;
      const unit: UnitRef = { code: d.unitCode, name: await unitName(trx, d.unitCode) };
      const input = { unit, day: d.day, overdue: d.overdue, dueSoon: d.dueSoon, dueSoonWorkingDays, now };
      const sourceKey = `digest/${d.unitCode}/${d.day}`;
      const rows: NewDelivery[] = [];
      if (email) {
        for (const head of await unitHeads(trx, d.unitCode)) {
          if (head.email)
            rows.push({
              channel: 'email',
              recipient: head.login,
              address: head.email,
              content: renderDigest({ ...input, person: { fullName: head.fullName } }),
            });
        }
      }
      const endpoints = await activeEndpoints(trx, [d.unitCode]);
      if (endpoints.length) {
        const m = renderDigest({ ...input, person: null });
        const item = (i: DigestItem) => ({
          taskId: i.taskId,
          directiveNumber: i.directiveNumber,
          ref: i.ref,
          title: i.title,
          dueAt: i.dueAt.toISOString(),
          link: i.link,
        });
        for (const e of endpoints) {
          const json = JSON.stringify({
            type: 'digest',
            deliveryId: deliveryKeyFor(sourceKey, 'webhook', e.id),
            digestKey: sourceKey,
            unit,
            day: d.day,
            overdue: d.overdue.map(item),
            dueSoon: d.dueSoon.map(item),
            subject: m.subject,
            text: m.text,
            createdAt: now.toISOString(),
          });
          rows.push({ channel: 'webhook', recipient: e.id, address: e.url, content: { subject: m.subject, text: m.text, json } });
        }
      }
      await insertDeliveries(trx, { sourceKey, notificationId: null, digestRunId: runId, taskId: null, now }, rows);
      return true;
    });
    if (wrote) created++;
  }
  return created;
}
