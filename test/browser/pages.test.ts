import { describe, it } from 'vitest';
import { expect } from '@playwright/test';
import { expectAccessible, shoot } from './checks';
import { useWebWorld } from './web-world';

describe('the pages of the web app', () => {
  const world = useWebWorld();

  it("shows a unit its own task with its timeline, and answers 404 for another unit's task typed by hand", async () => {
    const mine = await world.launchTask(world.units.lead, 'Rà soát hạ tầng trạm sạc xe điện tại các khu công nghiệp');
    const theirs = await world.launchTask(world.units.other, 'Bố trí kinh phí chuyển đổi số năm 2026');
    const officer = await world.person(world.units.lead, ['unit_officer']);
    const page = await world.signedIn(officer);
    await expect(page).toHaveURL(/\/my-work$/);
    await page.goto('/tasks');

    const results = page.getByRole('region', { name: 'Kết quả tra cứu' });
    await expect(results.getByRole('link', { name: 'Rà soát hạ tầng trạm sạc xe điện tại các khu công nghiệp' })).toBeVisible();
    await expect(results.getByRole('link', { name: 'Bố trí kinh phí chuyển đổi số năm 2026' })).toHaveCount(0);

    await results.getByRole('link', { name: 'Rà soát hạ tầng trạm sạc xe điện tại các khu công nghiệp' }).click();
    await expect(page).toHaveURL(new RegExp(`/tasks/${mine.replace(/\./g, '\\.')}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rà soát hạ tầng trạm sạc xe điện tại các khu công nghiệp');
    await expect(page.getByText('Đã giao', { exact: true })).toBeVisible();
    await expect(page.getByText(/Còn \d+ ngày làm việc/)).toBeVisible();
    await expect(page.getByRole('list', { name: 'Diễn biến của nhiệm vụ' }).getByRole('heading', { name: 'Giao nhiệm vụ' })).toBeVisible();
    await expect(page.getByText(/chuỗi kiểm chứng nguyên vẹn/)).toBeVisible();

    const response = await page.goto(`/tasks/${theirs}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Không tìm thấy nhiệm vụ');
    const missing = await page.goto('/tasks/khong-co-nhiem-vu-nay');
    expect(missing?.status()).toBe(404);
  });

  it("lets the inspection committee search every unit's tasks and read a timeline", async () => {
    const id = await world.launchTask(world.units.other, 'Kiểm tra việc thuê dịch vụ giám sát an ninh mạng');
    const inspector = await world.person(world.units.inspection, ['inspector']);
    const page = await world.signedIn(inspector);
    await expect(page.getByRole('heading', { level: 1, name: 'Tra cứu nhiệm vụ' })).toBeVisible();
    await page.getByLabel('Từ khóa').fill('giám sát an ninh mạng');
    await page.getByLabel('Đơn vị chủ trì').selectOption({ label: `Đơn vị thử ${world.units.other}` });
    await page.getByRole('button', { name: 'Lọc' }).click();
    await expect(page).toHaveURL(/q=gi%C3%A1m/);
    const results = page.getByRole('region', { name: 'Kết quả tra cứu' });
    await expect(results.getByText('Tìm thấy 1 nhiệm vụ.')).toBeVisible();
    await results.getByRole('link', { name: 'Kiểm tra việc thuê dịch vụ giám sát an ninh mạng' }).click();
    await expect(page).toHaveURL(new RegExp(`/tasks/${id.replace(/\./g, '\\.')}$`));
    await expect(page.getByRole('list', { name: 'Diễn biến của nhiệm vụ' })).toContainText('Giao nhiệm vụ');
  });

  it('answers a filter that is not valid with 400 and the reason, not a 500', async () => {
    const inspector = await world.person(world.units.inspection, ['inspector']);
    const page = await world.signedIn(inspector);
    const res = await page.goto('/tasks?status=khong-ro&page=0');
    expect(res?.status()).toBe(400);
    await expect(page.getByRole('alert')).toContainText('Trạng thái không hợp lệ');
  });

  it('lists the notifications of a unit in Thông báo and marks one read in place', async () => {
    await world.launchTask(world.units.lead, 'Báo cáo tiến độ hạ tầng 5G tại khu công nghiệp Yên Bình');
    const head = await world.person(world.units.lead, ['unit_head']);
    const page = await world.signedIn(head);
    await page
      .getByRole('navigation', { name: 'Điều hướng chính' })
      .getByRole('link', { name: /Thông báo/ })
      .click();
    await expect(page.getByRole('heading', { level: 1, name: 'Thông báo' })).toBeVisible();
    const unreadBefore = Number((await page.getByText(/^Bạn có \d+ thông báo chưa đọc\.$/).textContent())!.match(/\d+/)![0]);
    expect(unreadBefore).toBeGreaterThan(0);
    const first = page.getByRole('button', { name: /^Đánh dấu đã đọc/ }).first();
    await first.click();
    await expect(page.getByRole('button', { name: /^Đánh dấu đã đọc/ })).toHaveCount(unreadBefore - 1);
    await expect(page.getByText(/Đã đọc lúc \d\d:\d\d \d\d\/\d\d\/\d{4}/).first()).toBeVisible();
    await page.getByLabel('Chỉ hiện thông báo chưa đọc').check();
    await page.getByRole('button', { name: 'Lọc' }).click();
    await expect(page).toHaveURL(/unread=true/);
    await expect(page.getByText(/Đã đọc lúc/)).toHaveCount(0);
  });

  it('has no serious accessibility violation on any page, at 360 px and on a desktop', async () => {
    const taskId = await world.launchTask(
      world.units.lead,
      'Xây dựng Trung tâm giám sát an toàn thông tin mạng (SOC) của tỉnh, bảo đảm hoạt động ổn định',
    );
    const officer = await world.person(world.units.lead, ['unit_officer'], { fullName: 'Hoàng Thị Thu Hường' });
    const newcomer = await world.person(world.units.lead, ['unit_head'], { oneTime: true, fullName: 'Nguyễn Văn Trưởng' });
    for (const narrow of [true, false]) {
      const suffix = narrow ? '360' : 'desktop';
      const page = await world.newPage({ narrow });
      await page.goto('/sign-in');
      await expectAccessible(page);
      await shoot(page, `sign-in-${suffix}`);
      await page.getByLabel('Tên đăng nhập').fill(officer.login);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await expectAccessible(page);
      await shoot(page, `sign-in-error-${suffix}`);

      await world.signIn(page, officer);
      await page.goto('/tasks');
      await expectAccessible(page);
      await shoot(page, `tasks-${suffix}`);
      await page.goto(`/tasks/${taskId}`);
      await expectAccessible(page);
      await shoot(page, `task-timeline-${suffix}`);
      await page.goto('/inbox');
      await expectAccessible(page);
      await shoot(page, `inbox-${suffix}`);
      await page.goto('/password');
      await expectAccessible(page);
      await page.goto('/khong-co-trang-nay');
      await expectAccessible(page);
      await shoot(page, `not-found-${suffix}`);
      if (narrow) {
        // Nothing wider than the screen: no sideways scrolling at 360 px.
        for (const url of ['/tasks', `/tasks/${taskId}`, '/inbox']) {
          await page.goto(url);
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
        }
      }
      await page.getByRole('button', { name: 'Đăng xuất' }).click();

      if (narrow) {
        await world.signIn(page, newcomer);
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
        await expectAccessible(page);
        await shoot(page, `change-password-error-${suffix}`);
      }
    }
  });
});
