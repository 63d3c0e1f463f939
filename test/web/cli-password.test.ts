import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addUser } from '../../db/repositories/auth';
import { findCredentials } from '../../db/repositories/sessions';
import { userDeactivate } from '../../cli/commands/user-deactivate';
import { userPassword } from '../../cli/commands/user-password';
import { verifyPassword } from '../../web/auth/passwords';
import { runCli } from '../helpers/cli';
import { testDb, uniq } from '../helpers/servers';
import { aUnit } from '../helpers/users';

describe('user:password and user:deactivate', () => {
  const db = testDb();
  const savedUrl = process.env.DATABASE_URL;
  beforeAll(() => {
    process.env.DATABASE_URL = inject('databaseUrl');
  });
  afterAll(async () => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
    await db.destroy();
  });

  it('prints a one-time password that must be changed at first sign-in', async () => {
    const login = `c${uniq()}`;
    await addUser(db, { login, unitCode: await aUnit(db, 'SCT'), roles: ['unit_head'] });
    const { code, stdout, stderr } = await runCli(userPassword, ['--login', login, '--one-time']);
    expect(code).toBe(0);
    expect(stderr).toContain(`Mật khẩu dùng một lần của ${login}`);
    const password = stdout.trim();
    expect(password).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    const stored = await findCredentials(db, login);
    expect(stored?.mustChange).toBe(true);
    expect(await verifyPassword(password, stored!.passwordHash!)).toBe(true);
  });

  it('refuses an unknown login and a missing flag in Vietnamese, and deactivates a user', async () => {
    expect(await runCli(userPassword, ['--login', 'khong.co.ai', '--one-time'])).toMatchObject({
      code: 1,
      stderr: 'Lỗi: Không có người dùng "khong.co.ai"\n',
    });
    expect((await runCli(userPassword, ['--one-time'])).stderr).toContain('Lỗi: Thiếu --login');
    const login = `c${uniq()}`;
    await addUser(db, { login, unitCode: await aUnit(db, 'SCT'), roles: ['unit_officer'] });
    const out = await runCli(userDeactivate, ['--login', login]);
    expect(out).toMatchObject({ code: 0, stdout: `Đã vô hiệu hóa ${login}: kết thúc 0 phiên đăng nhập web, thu hồi 0 mã truy cập\n` });
  });
});
