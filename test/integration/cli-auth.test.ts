import { describe, expect, it } from 'vitest';
import { authenticate } from '../../db/repositories/auth';
import { tokenIssue } from '../../cli/commands/token-issue';
import { tokenRevoke } from '../../cli/commands/token-revoke';
import { unitAdd } from '../../cli/commands/unit-add';
import { userAdd } from '../../cli/commands/user-add';
import { uniq } from '../helpers/servers';
import { runCli, useCliDatabase } from '../helpers/cli';

const run = runCli;

describe('operator commands for units, users and tokens (the scripted forms)', () => {
  const db = useCliDatabase();

  it('adds a unit and an officer in it, then token:issue prints exactly one line: a token that authenticates them', async () => {
    expect(await run(unitAdd, ['--code', 'SKHCN', '--name', 'Sở Khoa học và Công nghệ'])).toMatchObject({ code: 0 });
    expect(await run(userAdd, ['--login', 'an.nguyen', '--unit', 'SKHCN', '--role', 'unit_officer'])).toMatchObject({ code: 0 });

    const issued = await run(tokenIssue, ['--login', 'an.nguyen']);
    expect(issued.code).toBe(0);
    const lines = issued.stdout.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    expect(await authenticate(db, lines[0])).toMatchObject({ login: 'an.nguyen', unitCode: 'SKHCN', roles: ['unit_officer'] });
    expect(issued.stderr).not.toContain(lines[0]);
  });

  it('adds a user with several roles, a name and an email, and issues a token for the days asked', async () => {
    const login = `lanh.dao.${uniq()}`;
    const added = await run(userAdd, [
      '--login',
      login,
      '--unit',
      'SKHCN',
      '--role',
      'unit_officer',
      '--role',
      'unit_head',
      '--name',
      'Trần Thị Bình',
      '--email',
      'binh@example.vn',
    ]);
    expect(added).toMatchObject({ code: 0 });
    const user = await db.selectFrom('users').select(['roles', 'full_name', 'email']).where('login', '=', login).executeTakeFirstOrThrow();
    expect(user).toEqual({ roles: ['unit_officer', 'unit_head'], full_name: 'Trần Thị Bình', email: 'binh@example.vn' });

    const issued = await run(tokenIssue, ['--login', login, '--days', '7']);
    const row = await db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select('expires_at')
      .where('login', '=', login)
      .executeTakeFirstOrThrow();
    expect(Math.round((row.expires_at.getTime() - Date.now()) / 86_400_000)).toBe(7);
    expect(issued.code).toBe(0);
  });

  it('token:revoke stops a token from authenticating, and says so when it is already revoked', async () => {
    const login = `chi.tran.${uniq()}`;
    await run(userAdd, ['--login', login, '--unit', 'SKHCN', '--role', 'secretariat']);
    const token = (await run(tokenIssue, ['--login', login])).stdout.trim();
    expect(await run(tokenRevoke, ['--token', token])).toMatchObject({ code: 0 });
    expect(await authenticate(db, token)).toBeNull();
    expect(await run(tokenRevoke, ['--token', token])).toMatchObject({ code: 1, stderr: expect.stringContaining('đã bị thu hồi') });

    const another = (await run(tokenIssue, ['--login', login])).stdout.trim();
    expect(await run(tokenRevoke, ['--login', login])).toMatchObject({ code: 0, stdout: `Đã thu hồi 1 mã truy cập của ${login}\n` });
    expect(await authenticate(db, another)).toBeNull();
  });

  it('answers bad usage with exit 2 and the usage in Vietnamese on stderr, printing nothing on stdout', async () => {
    const cases: Array<[(args: string[]) => Promise<number>, string[], string]> = [
      [tokenIssue, [], 'Thiếu --login'],
      [tokenIssue, ['--login', 'an.nguyen', '--days', '0'], '--days phải là số nguyên'],
      [tokenIssue, ['--login', 'an.nguyen', '--ngay', '3'], 'Tùy chọn không được hỗ trợ: --ngay'],
      [userAdd, ['--login', 'x.y', '--unit', 'SKHCN', '--role', 'truong_phong'], 'Vai trò không tồn tại: truong_phong'],
      [userAdd, ['--login', 'x.y', '--unit', 'SKHCN'], 'Thiếu --role'],
      [userAdd, ['--login', 'X Y', '--unit', 'SKHCN', '--role', 'inspector'], 'tên đăng nhập chỉ gồm'],
      [unitAdd, ['--code', 'SKHCN'], 'Thiếu --name'],
      [tokenRevoke, ['--token', 'a', '--login', 'b'], 'Cần đúng một trong hai'],
    ];
    for (const [command, args, message] of cases) {
      const result = await run(command, args);
      expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining(message) });
    }
  });

  it('fails with exit 1 and a Vietnamese message naming what is missing', async () => {
    const noUnit = await run(userAdd, ['--login', `nguoi.${uniq()}`, '--unit', 'SO_KHONG_CO', '--role', 'inspector']);
    expect(noUnit).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('Không có đơn vị mã "SO_KHONG_CO"') });
    const noUser = await run(tokenIssue, ['--login', 'khong.ai']);
    expect(noUser).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('Không có người dùng "khong.ai"') });
  });
});
