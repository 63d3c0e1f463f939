import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../delivery/dispatcher';
import type { Mailer } from '../../delivery/email';
import { deliveryKeyFor, messageIdFor } from '../../delivery/model';
import { testDb } from '../helpers/servers';
import { aNamedUnit, aNotification, aPerson, aTaskRow, deliveriesOf } from '../helpers/delivery';
import { mailerFor, startMailbox, type Mailbox } from '../helpers/mailbox';

const SMTP = { user: 'engine', password: 'mat-khau-smtp' };
const NOTICES = 30;
const ROUNDS = 6;

// The cluster profile runs several workers, each with its own delivery loop and its own pool on the
// same database: claims (FOR UPDATE SKIP LOCKED) must keep two loops from sending one message twice.
describe('two workers delivering the same outbox at the same moments', () => {
  const dbs = [testDb(), testDb()];
  let mailbox: Mailbox;
  const mailers: Mailer[] = [];

  beforeAll(async () => {
    mailbox = await startMailbox(SMTP);
    for (let i = 0; i < 2; i++) {
      mailers.push(mailerFor(mailbox, SMTP, 'Hệ thống <no-reply@thainguyen.gov.vn>'));
    }
  });

  afterAll(async () => {
    for (const mailer of mailers) mailer.close();
    await mailbox.close();
    for (const db of dbs) await db.destroy();
  });

  it('sends every e-mail once and puts every notice in the inbox once, whichever worker claims it', async () => {
    const [db] = dbs;
    const unit = await aNamedUnit(db, 'SCT', 'Sở Công Thương');
    const officers = [await aPerson(db, unit, ['unit_officer']), await aPerson(db, unit, ['unit_head'])];
    const task = await aTaskRow(db, { leadUnit: unit, decidedBy: unit, dueAt: '2026-06-30T00:00:00+07:00' });
    const keys: string[] = [];
    for (let i = 0; i < NOTICES; i++) {
      keys.push(
        await aNotification(db, task.taskId, {
          kind: 'returned',
          step: `returned-${i}`,
          role: 'lead_unit',
          unit,
          scheduledAt: '2026-06-10T09:00:00+07:00',
        }),
      );
    }

    const now = new Date('2026-06-10T09:05:00+07:00');
    const workers = dbs.map((workerDb, i) =>
      createDispatcher({
        db: workerDb,
        mailer: mailers[i],
        publicBaseUrl: 'https://giaoviec.thainguyen.gov.vn',
        clock: () => now,
        sendConcurrency: 4,
        batchSize: 10,
      }),
    );
    for (let round = 0; round < ROUNDS; round++) await Promise.all(workers.map((worker) => worker.tick(now)));

    for (const key of keys) {
      const expected = officers.flatMap((officer) => [`email ${officer.login} sent`, `inbox ${officer.login} sent`]).sort();
      expect(await deliveriesOf(db, key), key).toEqual(expected);
      for (const officer of officers) {
        expect(mailbox.byMessageId(messageIdFor(deliveryKeyFor(key, 'email', officer.login))), `${key} → ${officer.login}`).toHaveLength(1);
      }
    }
  });
});
