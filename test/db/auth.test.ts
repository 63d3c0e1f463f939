import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { addUnit, addUser, authenticate, issueToken, RegistryError, revokeToken, revokeUserTokens } from '../../db/repositories/auth';
import { DEMO_USERS, seedDemo, type SeedUnit } from '../../db/seed';
import type { Role } from '../../domain/roles';
import { testDb, uniq } from '../helpers/servers';

const DAY_MS = 86_400_000;

describe('units, users and their API tokens', () => {
  const db = testDb();

  afterAll(async () => {
    await db.destroy();
  });

  /** A unit of its own and one user in it, so tests never share rows. */
  async function aUser(roles: Role[] = ['unit_officer']) {
    const unitCode = `SO_${uniq().toUpperCase()}`;
    await addUnit(db, { code: unitCode, name: `Sở thử nghiệm ${unitCode}` });
    const login = `can.bo.${uniq()}`;
    await addUser(db, { login, unitCode, roles, fullName: 'Nguyễn Văn An' });
    return { login, unitCode };
  }

  it('lets a freshly issued token act as its user, with their unit and roles, and notes when it was used', async () => {
    const { login, unitCode } = await aUser(['unit_officer', 'unit_head']);
    const { token, tokenId, expiresAt } = await issueToken(db, login);
    expect(token).toMatch(/^dtk_[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(89 * DAY_MS);

    const actor = await authenticate(db, token);
    expect(actor).toEqual({ userId: expect.any(String), login, fullName: 'Nguyễn Văn An', unitCode, roles: ['unit_officer', 'unit_head'] });
    const row = await db.selectFrom('api_tokens').select('last_used_at').where('id', '=', tokenId).executeTakeFirstOrThrow();
    expect(row.last_used_at).toBeInstanceOf(Date);
  });

  it('refuses a token issued 91 days ago for 90 days, and accepts it until its last second', async () => {
    const { login } = await aUser();
    const issuedAt = new Date(Date.now() - 91 * DAY_MS);
    const { token, expiresAt } = await issueToken(db, login, 90, { now: issuedAt });
    expect(await authenticate(db, token)).toBeNull();
    expect(await authenticate(db, token, new Date(expiresAt.getTime() - 1000))).toMatchObject({ login });
    expect(await authenticate(db, token, expiresAt)).toBeNull();
  });

  it('refuses a revoked token, while the same user’s other tokens keep working until they too are revoked', async () => {
    const { login } = await aUser();
    const first = await issueToken(db, login);
    const second = await issueToken(db, login);
    expect(await revokeToken(db, first.token)).toBe(true);
    expect(await revokeToken(db, first.token)).toBe(false);
    expect(await authenticate(db, first.token)).toBeNull();
    expect(await authenticate(db, second.token)).toMatchObject({ login });

    expect(await revokeUserTokens(db, login)).toBe(1);
    expect(await authenticate(db, second.token)).toBeNull();
  });

  it('refuses an unknown token, a malformed one, and the tokens of a deactivated user', async () => {
    const { login } = await aUser();
    const { token } = await issueToken(db, login);
    expect(await authenticate(db, `dtk_${'A'.repeat(43)}`)).toBeNull();
    expect(await authenticate(db, 'không phải mã')).toBeNull();
    expect(await authenticate(db, `${token}x`)).toBeNull();

    await db.updateTable('users').set({ active: false }).where('login', '=', login).execute();
    expect(await authenticate(db, token)).toBeNull();
    await expect(issueToken(db, login)).rejects.toThrow(`Người dùng "${login}" đã bị vô hiệu hóa`);
  });

  it('keeps only the SHA-256 of a token, never its plaintext', async () => {
    const { login } = await aUser();
    const { token, tokenId } = await issueToken(db, login, 30, { label: 'máy trạm văn phòng' });
    const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', tokenId).executeTakeFirstOrThrow();
    expect(row.token_hash).toEqual(createHash('sha256').update(token).digest());
    const secret = token.slice('dtk_'.length);
    for (const value of Object.values(row)) {
      const text = Buffer.isBuffer(value)
        ? [value.toString('utf8'), value.toString('base64url'), value.toString('hex')].join(' ')
        : String(value);
      expect(text).not.toContain(secret);
    }
  });

  it('refuses to add a user to a unit that does not exist, naming the unit in Vietnamese', async () => {
    const error = await addUser(db, { login: `nguoi.moi.${uniq()}`, unitCode: 'SO_KHONG_CO', roles: ['unit_officer'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ code: 'unknown_unit', message: 'Không có đơn vị mã "SO_KHONG_CO": hãy thêm đơn vị trước (unit:add)' });
  });

  it('adds the same user twice as one, and refuses to move a login to another unit silently', async () => {
    const { login, unitCode } = await aUser();
    const again = await addUser(db, { login, unitCode, roles: ['unit_officer'] });
    expect(again).toMatchObject({ created: false, user: { login, unitCode, fullName: 'Nguyễn Văn An' } });

    const other = `SO_${uniq().toUpperCase()}`;
    await addUnit(db, { code: other, name: `Sở khác ${other}` });
    await expect(addUser(db, { login, unitCode: other, roles: ['unit_officer'] })).rejects.toThrow(
      `Người dùng ${login} đã tồn tại với đơn vị ${unitCode}`,
    );
    await expect(addUser(db, { login: 'An.Nguyen', unitCode, roles: ['unit_officer'] })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('adds a unit once, renames it when added again under its code, and refuses a name another unit holds', async () => {
    const code = `SO_${uniq().toUpperCase()}`;
    expect(await addUnit(db, { code, name: `Sở ${code}`, aliases: ['Sở cũ'], kind: 'so' })).toMatchObject({ created: true });
    expect(await addUnit(db, { code, name: `Sở ${code} (tên mới)` })).toEqual({
      created: false,
      unit: { code, name: `Sở ${code} (tên mới)`, aliases: ['Sở cũ'], kind: 'so' },
    });
    await expect(addUnit(db, { code: `${code}_2`, name: `Sở ${code} (tên mới)` })).rejects.toThrow(`đã thuộc về đơn vị mã ${code}`);
  });

  it('seeds the real units and one demo user per role; seeding again creates nothing new', async () => {
    const units: SeedUnit[] = [
      { code: 'SKHCN', name: 'Sở Khoa học và Công nghệ', aliases: ['Sở KH&CN'], kind: 'so' },
      { code: 'SCT', name: 'Sở Công Thương', aliases: [], kind: 'so' },
      { code: 'UBKT_TU', name: 'Ủy ban Kiểm tra Tỉnh ủy', aliases: [], kind: 'co_quan_dang' },
    ];
    await seedDemo(db, units);
    const count = async (table: 'units' | 'users' | 'api_tokens') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = { units: await count('units'), users: await count('users'), tokens: await count('api_tokens') };

    expect(await seedDemo(db, units)).toEqual({ unitsCreated: [], usersCreated: [] });
    expect({ units: await count('units'), users: await count('users'), tokens: await count('api_tokens') }).toEqual(before);

    const demo = await db
      .selectFrom('users')
      .select(['login', 'unit_code', 'roles'])
      .where('login', 'like', 'demo.%')
      .orderBy('login')
      .execute();
    expect(demo.map((u) => u.roles[0]).sort()).toEqual(['admin', 'inspector', 'secretariat', 'unit_head', 'unit_officer']);
    expect(demo.find((u) => u.login === 'demo.secretariat')?.unit_code).toBe('SKHCN');
    expect(demo.find((u) => u.login === 'demo.inspector')?.unit_code).toBe('UBKT_TU');
    expect(demo).toHaveLength(DEMO_USERS.length);
  });

  it('refuses to seed demo users into units the list does not have', async () => {
    await expect(seedDemo(db, [{ code: 'SKHCN', name: 'Sở Khoa học và Công nghệ', aliases: [], kind: 'so' }])).rejects.toThrow(
      'không có mã SCT, UBKT_TU',
    );
  });
});
