import { afterAll, describe, expect, it } from 'vitest';
import { addUser } from '../../db/repositories/auth';
import {
  createSession,
  deactivateUser,
  lookupSession,
  recordAuthEvent,
  setPassword,
  signInBlockedUntil,
} from '../../db/repositories/sessions';
import { generateOneTimePassword, hashPassword, newPasswordSchema, verifyPassword } from '../../web/auth/passwords';
import { deadlineDistance } from '../../web/format';
import { WorkingCalendar } from '../../domain/calendar';
import { testDb, uniq } from '../helpers/servers';
import { aUnit } from '../helpers/users';

const MINUTE = 60_000;

describe('web sessions and passwords', () => {
  const db = testDb();
  afterAll(() => db.destroy());

  async function aPerson() {
    const unit = await aUnit(db, 'SCT');
    const login = `w${uniq()}`;
    const { user } = await addUser(db, { login, unitCode: unit, roles: ['unit_officer'] });
    await setPassword(db, login, await hashPassword('mat khau dai du'), { mustChange: false });
    return { login, userId: user.id };
  }

  it('hashes each password with its own salt and verifies only the right one', async () => {
    const a = await hashPassword('Mật khẩu có dấu 2025');
    const b = await hashPassword('Mật khẩu có dấu 2025');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('Mật khẩu có dấu 2025', a)).toBe(true);
    // The same words typed decomposed (NFD) are the same password.
    expect(await verifyPassword('Mật khẩu có dấu 2025'.normalize('NFD'), a)).toBe(true);
    expect(await verifyPassword('mật khẩu có dấu 2025', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
    expect(newPasswordSchema.safeParse(generateOneTimePassword()).success).toBe(true);
    expect(newPasswordSchema.safeParse('ngan').error?.issues[0].message).toBe('Mật khẩu phải có ít nhất 10 ký tự');
  });

  it('ends a session after 30 idle minutes and after 12 hours whatever the activity', async () => {
    const { userId } = await aPerson();
    const t0 = new Date('2026-03-02T01:00:00Z');
    const { token } = await createSession(db, userId, {}, { now: t0 });
    expect(await lookupSession(db, token, { now: new Date(t0.getTime() + 29 * MINUTE) })).not.toBeNull();
    // Seen at +29 min: alive until +59, not after.
    expect(await lookupSession(db, token, { now: new Date(t0.getTime() + 58 * MINUTE) })).not.toBeNull();
    expect(await lookupSession(db, token, { now: new Date(t0.getTime() + 58 * MINUTE + 31 * MINUTE) })).toBeNull();

    const other = await createSession(db, userId, {}, { now: t0 });
    let t = t0.getTime();
    while (t < t0.getTime() + 12 * 60 * MINUTE - 20 * MINUTE) {
      t += 20 * MINUTE;
      expect(await lookupSession(db, other.token, { now: new Date(t) })).not.toBeNull();
    }
    expect(await lookupSession(db, other.token, { now: new Date(t0.getTime() + 12 * 60 * MINUTE + MINUTE) })).toBeNull();
  });

  it('ends every session of a user who is deactivated, and of one whose password is reset', async () => {
    const a = await aPerson();
    const s = await createSession(db, a.userId);
    await setPassword(db, a.login, await hashPassword('mot mat khau moi'), { mustChange: true });
    expect(await lookupSession(db, s.token)).toBeNull();
    const s2 = await createSession(db, a.userId);
    expect((await lookupSession(db, s2.token))?.mustChangePassword).toBe(true);
    expect(await deactivateUser(db, a.login)).toEqual({ sessionsEnded: 1, tokensRevoked: 0 });
    const row = await db
      .selectFrom('web_sessions')
      .select('revoked_at')
      .where('user_id', '=', a.userId)
      .where('revoked_at', 'is', null)
      .execute();
    expect(row).toEqual([]);
  });

  it('counts failed sign-ins per login since its last success, and per address', async () => {
    const login = `nobody${uniq()}`;
    const address = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const limits = { perLogin: 3, perAddress: 5, windowMs: 15 * MINUTE };
    for (let i = 0; i < 2; i++) await recordAuthEvent(db, 'sign_in_failed', { login, address });
    expect(await signInBlockedUntil(db, login, address, limits)).toBeNull();
    await recordAuthEvent(db, 'sign_in', { login, address });
    await recordAuthEvent(db, 'sign_in_failed', { login, address });
    expect(await signInBlockedUntil(db, login, address, limits)).toBeNull();
    for (let i = 0; i < 2; i++) await recordAuthEvent(db, 'sign_in_failed', { login, address });
    const until = await signInBlockedUntil(db, login, address, limits);
    expect(until!.getTime()).toBeGreaterThan(Date.now() + 14 * MINUTE);
    // Another login from the same address: blocked once the address has 5 failures in the window.
    expect(await signInBlockedUntil(db, `other${uniq()}`, address, limits)).not.toBeNull();
    expect(await signInBlockedUntil(db, `other${uniq()}`, '10.250.250.250', limits)).toBeNull();
  });

  it('says how far a deadline is in working days, and how late in days', () => {
    const cal = WorkingCalendar.forYears([2025, 2026]);
    // Friday 14/11/2025 morning; due "trước ngày 20/11" (00:00 on the 20th): Mon 17, Tue 18, Wed 19 left.
    const now = new Date('2025-11-14T02:00:00Z');
    expect(deadlineDistance(new Date('2025-11-19T17:00:00Z'), 'assigned', now, cal)).toEqual({ text: 'Còn 3 ngày làm việc', tone: 'soon' });
    expect(deadlineDistance(new Date('2025-11-14T17:00:00Z'), 'in_progress', now, cal)).toEqual({
      text: 'Hạn chót hôm nay',
      tone: 'today',
    });
    expect(deadlineDistance(new Date('2025-11-09T17:00:00Z'), 'in_progress', now, cal)).toEqual({
      text: 'Quá hạn 5 ngày',
      tone: 'overdue',
    });
    expect(deadlineDistance(new Date('2025-11-09T17:00:00Z'), 'completed', now, cal)).toEqual({ text: 'Hạn 09/11/2025', tone: 'closed' });
    expect(deadlineDistance(null, 'assigned', now, cal).text).toBe('Không có thời hạn');
  });
});
