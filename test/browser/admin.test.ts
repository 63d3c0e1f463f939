import { describe, it } from 'vitest';
import { expect } from '@playwright/test';
import { uniq } from '../helpers/servers';
import { expectAccessible, expectNoSidewaysScroll, shoot } from './checks';
import { useWebWorld } from './web-world';

describe('Quản trị: units, users, webhooks and swap days from the pages', () => {
  const world = useWebWorld();

  it('adds a user who signs in with the one-time password shown once, then deactivates them, ending their session', async () => {
    const admin = await world.person(world.units.office, ['admin']);
    const page = await world.signedIn(admin);
    await expect(page).toHaveURL(/\/admin$/);
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await expect(nav.getByRole('link', { name: 'Quản trị' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Văn bản chỉ đạo' })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Chờ duyệt' })).toHaveCount(0);
    await expectAccessible(page);
    await shoot(page, 'admin-desktop');

    await page.getByRole('link', { name: 'Người dùng' }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'Người dùng' })).toBeVisible();
    const login = `moi${uniq()}`;
    await page.getByLabel('Tên đăng nhập').fill(login);
    await page.getByRole('button', { name: 'Thêm người dùng và cấp mật khẩu dùng một lần' }).click();
    await expect(page.getByRole('alert')).toContainText('Hãy nhập họ và tên');
    await expect(page.getByRole('alert')).toContainText('Hãy chọn ít nhất một vai trò');
    await expect(page.getByLabel('Tên đăng nhập')).toHaveValue(login);
    await expectAccessible(page);

    await page.getByLabel('Họ và tên').fill('Trần Văn Mới');
    await page.getByLabel('Đơn vị', { exact: true }).selectOption(world.units.lead);
    await page.getByLabel('Cán bộ đơn vị').check();
    await page.getByRole('button', { name: 'Thêm người dùng và cấp mật khẩu dùng một lần' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Đã thêm người dùng' })).toContainText(`Đã thêm người dùng ${login}.`);
    const password = (await page.getByTestId('one-time-password').textContent())!.trim();
    expect(password.length).toBeGreaterThanOrEqual(10);
    await expect(page.getByRole('link', { name: login, exact: true })).toBeVisible();
    await shoot(page, 'admin-users-desktop');
    // Nowhere else: not on the list when opened again.
    await page.goto('/admin/users');
    await expect(page.getByTestId('one-time-password')).toHaveCount(0);

    const newcomer = await world.newPage();
    await world.signIn(newcomer, { login, password, fullName: 'Trần Văn Mới', unitCode: world.units.lead });
    await expect(newcomer).toHaveURL(/\/password$/);
    await newcomer.getByLabel('Mật khẩu dùng một lần').fill(password);
    await newcomer.getByLabel('Mật khẩu mới', { exact: true }).fill('Cau mat khau moi 2026');
    await newcomer.getByLabel('Nhập lại mật khẩu mới').fill('Cau mat khau moi 2026');
    await newcomer.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect(newcomer).toHaveURL(/\/my-work$/);

    await page.getByRole('link', { name: login, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: `Người dùng ${login}` })).toBeVisible();
    await page.getByLabel('Lãnh đạo đơn vị').check();
    await page.getByRole('button', { name: 'Lưu vai trò' }).click();
    await expect(page.getByRole('status')).toContainText('Đã lưu vai trò');
    const roles = await world.db.selectFrom('users').select('roles').where('login', '=', login).executeTakeFirstOrThrow();
    expect([...roles.roles].sort()).toEqual(['unit_head', 'unit_officer']);
    await expectAccessible(page);
    await shoot(page, 'admin-user-desktop');
    await page.getByRole('button', { name: 'Vô hiệu hóa người dùng' }).click();
    await expect(page.getByRole('status')).toContainText('Đã vô hiệu hóa người dùng');
    await newcomer.reload();
    await expect(newcomer).toHaveURL(/\/sign-in/);
    await expect(newcomer.getByRole('status')).toContainText('Phiên đăng nhập đã kết thúc');
  });

  it('adds a decided swap day, a unit and a webhook, and stops them', async () => {
    const admin = await world.person(world.units.office, ['admin']);
    const page = await world.signedIn(admin, { narrow: true });
    // A day far from any deadline the other files count, removed afterwards.
    const day = '2099-01-03';
    try {
      await page.goto('/admin/calendar');
      await page.getByLabel('Ngày (ngày/tháng/năm)').fill('03/01/2099');
      await page.getByRole('button', { name: 'Thêm quyết định' }).click();
      await expect(page.getByRole('alert')).toContainText('Hãy chọn ngày nghỉ hoặc ngày làm việc bù');
      await expect(page.getByLabel('Ngày (ngày/tháng/năm)')).toHaveValue('03/01/2099');
      await page.getByLabel('Loại ngày').selectOption('working_day');
      await page.getByLabel('Căn cứ quyết định').fill('Thông báo 6150/TB-BLĐTBXH ngày 26/11/2098 về hoán đổi ngày làm việc');
      await page.getByRole('button', { name: 'Thêm quyết định' }).click();
      await expect(page.getByRole('status')).toContainText('Đã thêm quyết định');
      const row = page.getByRole('row', { name: /03\/01\/2099/ });
      await expect(row).toContainText('Ngày làm việc bù');
      await expect(row).toContainText('6150/TB-BLĐTBXH');
      const stored = await world.db.selectFrom('calendar_overrides').selectAll().where('day', '=', day).executeTakeFirst();
      expect(stored).toMatchObject({ kind: 'working_day' });
      await expectAccessible(page);
      await expectNoSidewaysScroll(page);
      await shoot(page, 'admin-calendar-360');
    } finally {
      await world.db.deleteFrom('calendar_overrides').where('day', '=', day).execute();
    }

    await page.goto('/admin/units');
    const code = `DV_${uniq().toUpperCase()}`;
    await page.getByLabel('Mã đơn vị').fill(code);
    await page.getByLabel('Tên đơn vị').fill(`Ban thử nghiệm ${code}`);
    await page.getByRole('button', { name: 'Thêm đơn vị' }).click();
    await expect(page.getByRole('status')).toContainText('Đã lưu đơn vị.');
    await page.getByRole('button', { name: `Ngừng giao việc cho Ban thử nghiệm ${code}` }).click();
    await expect(page.getByRole('status')).toContainText('ngừng nhận việc mới');
    const unit = await world.db.selectFrom('units').select('active').where('code', '=', code).executeTakeFirstOrThrow();
    expect(unit.active).toBe(false);
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    await shoot(page, 'admin-units-360');

    await page.goto('/admin/webhooks');
    const url = `https://ott.example/hook/${uniq()}`;
    await page.getByLabel('Đơn vị').selectOption(world.units.lead);
    await page.getByLabel('Địa chỉ nhận (https://…)').fill(url);
    await page.getByRole('button', { name: 'Thêm webhook' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Khóa bí mật' })).toContainText(`Khóa bí mật của ${url}`);
    await expectAccessible(page);
    await page.getByRole('button', { name: `Tắt webhook ${url}` }).click();
    await expect(page.getByRole('status')).toContainText('Đã tắt webhook.');
    const hook = await world.db.selectFrom('webhook_endpoints').select('active').where('url', '=', url).executeTakeFirstOrThrow();
    expect(hook.active).toBe(false);
  });

  it('answers 404 on every administration page to anyone but an administrator', async () => {
    const secretary = await world.person(world.units.office, ['secretariat']);
    const page = await world.signedIn(secretary);
    await expect(page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Quản trị' })).toHaveCount(0);
    for (const url of ['/admin', '/admin/users', '/admin/units', '/admin/webhooks', '/admin/calendar']) {
      expect((await page.goto(url))?.status()).toBe(404);
    }
    const token = await page.locator('input[name=_csrf]').first().inputValue();
    const post = await page.request.post('/admin/users', { form: { _csrf: token, login: 'xam-nhap', fullName: 'X', roles: 'admin' } });
    expect(post.status()).toBe(404);
    const none = await world.db.selectFrom('users').select('login').where('login', '=', 'xam-nhap').execute();
    expect(none).toEqual([]);
  });
});
