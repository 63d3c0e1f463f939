import { describe, it } from 'vitest';
import { expect } from '@playwright/test';
import { deactivateUser } from '../../db/repositories/sessions';
import { useWebWorld } from './web-world';

describe('signing in to the web app', () => {
  // A small per-address limit would lock this file's other tests out: they all come from 127.0.0.1.
  const world = useWebWorld({ signInLimits: { perLogin: 3, perAddress: 50, windowMs: 15 * 60_000 } });

  it('signs an officer in, shows their name, unit and role, and signs them out', async () => {
    const officer = await world.person(world.units.lead, ['unit_officer']);
    const page = await world.signedIn(officer);
    await expect(page).toHaveURL(/\/my-work$/);
    const header = page.getByRole('banner');
    await expect(header).toContainText(officer.fullName);
    await expect(header).toContainText('Cán bộ đơn vị');
    await expect(header).toContainText(`Đơn vị thử ${world.units.lead}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Việc của tôi' })).toBeVisible();

    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await expect(page.getByText('Bạn đã đăng xuất.')).toBeVisible();
    await page.goto('/inbox');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Finbox/);
    const events = await world.db.selectFrom('auth_events').select('kind').where('login', '=', officer.login).orderBy('id').execute();
    expect(events.map((e) => e.kind)).toEqual(['password_set', 'sign_in', 'sign_out']);
  });

  it('refuses a wrong password in Vietnamese and keeps the login typed', async () => {
    const officer = await world.person(world.units.lead, ['unit_officer']);
    const page = await world.newPage();
    await world.signIn(page, officer, 'khong-phai-mat-khau');
    await expect(page.getByRole('alert')).toContainText('Tên đăng nhập hoặc mật khẩu không đúng.');
    await expect(page.getByLabel('Tên đăng nhập')).toHaveValue(officer.login);
    await expect(page.getByLabel('Mật khẩu', { exact: true })).toHaveValue('');
  });

  it('names each missing field at the top and at the field, keeping what was typed', async () => {
    const page = await world.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Tên đăng nhập').fill('nguoi.dung');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const summary = page.getByRole('alert');
    await expect(summary).toContainText('Có lỗi cần sửa');
    await expect(summary.getByRole('link', { name: 'Hãy nhập mật khẩu' })).toBeVisible();
    await expect(page.getByLabel('Tên đăng nhập')).toHaveValue('nguoi.dung');
    await summary.getByRole('link', { name: 'Hãy nhập mật khẩu' }).click();
    await expect(page.getByLabel('Mật khẩu', { exact: true })).toBeFocused();
  });

  it('locks a login out after repeated wrong passwords, even for the right one, with a clear message', async () => {
    const officer = await world.person(world.units.lead, ['unit_officer']);
    const page = await world.newPage();
    for (let i = 0; i < 3; i++) await world.signIn(page, officer, `sai-mat-khau-${i}`);
    await world.signIn(page, officer);
    await expect(page.getByRole('alert')).toContainText(/Đã nhập sai quá nhiều lần\. Để bảo vệ tài khoản, hãy thử lại sau \d+ phút\./);
    await expect(page).toHaveURL(/\/sign-in$/);
    const limited = await world.db
      .selectFrom('auth_events')
      .select('kind')
      .where('login', '=', officer.login)
      .where('kind', '=', 'sign_in_limited')
      .execute();
    expect(limited).toHaveLength(1);
  });

  it('makes someone with a one-time password choose their own before anything else', async () => {
    const head = await world.person(world.units.lead, ['unit_head'], { oneTime: true });
    const page = await world.signedIn(head);
    await expect(page).toHaveURL(/\/password$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Đặt mật khẩu mới' })).toBeVisible();
    await page.goto('/inbox');
    await expect(page).toHaveURL(/\/password$/);

    await page.getByLabel('Mật khẩu dùng một lần').fill(head.password);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('Mot cau de nho 2025');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('Mot cau khac 2025');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect(page.getByRole('alert')).toContainText('Mật khẩu nhập lại không khớp với mật khẩu mới');
    await expect(page.getByText('Lỗi: Mật khẩu nhập lại không khớp với mật khẩu mới')).toBeVisible();

    await page.getByLabel('Mật khẩu dùng một lần').fill(head.password);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('Mot cau de nho 2025');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('Mot cau de nho 2025');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect(page).toHaveURL(/\/my-work$/);

    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await world.signIn(page, head, 'Mot cau de nho 2025');
    await expect(page).toHaveURL(/\/my-work$/);
  });

  it('refuses a POST without the CSRF token, or from another origin', async () => {
    const officer = await world.person(world.units.lead, ['unit_officer']);
    const page = await world.signedIn(officer);
    const noToken = await page.request.post('/sign-out', { form: { nothing: 'here' }, maxRedirects: 0 });
    expect(noToken.status()).toBe(403);
    expect(await noToken.text()).toContain('Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF)');
    // The page's own token (read from the session, not the DOM): only the foreign Origin is wrong.
    const { csrf_token: csrf } = await world.db
      .selectFrom('web_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select('s.csrf_token')
      .where('u.login', '=', officer.login)
      .where('s.revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    const foreign = await page.request.post('/sign-out', {
      form: { _csrf: csrf },
      headers: { origin: 'https://evil.example' },
      maxRedirects: 0,
    });
    expect(foreign.status()).toBe(403);
    await page.reload();
    await expect(page.getByRole('button', { name: 'Đăng xuất' })).toBeVisible();
  });

  it('ends the sessions of a user who is deactivated', async () => {
    const officer = await world.person(world.units.lead, ['unit_officer']);
    const page = await world.signedIn(officer);
    await expect(page.getByRole('button', { name: 'Đăng xuất' })).toBeVisible();
    await deactivateUser(world.db, officer.login);
    await page.reload();
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByRole('status')).toContainText('Phiên đăng nhập đã kết thúc');
    await world.signIn(page, officer);
    await expect(page.getByRole('alert')).toContainText('Tên đăng nhập hoặc mật khẩu không đúng.');
  });

  it('sends security headers with every page', async () => {
    const res = await fetch(`${world.url}/sign-in`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
  });
});
