import { describe, it } from 'vitest';
import { expect, type Page } from '@playwright/test';
import { expectAccessible, expectNoSidewaysScroll, shoot } from './checks';
import { useWebWorld } from './web-world';

const TARGET = { id: 'phu-song-5g', metric: 'Tỷ lệ phủ sóng 5G', comparator: '>=', value: 62, unit: '%' };

/** The review entry of one task on Chờ duyệt (the list is shared with other files' tasks). */
const reviewEntry = (page: Page, title: string) => page.getByRole('article', { name: title });

describe('working on a task in the browser', () => {
  const world = useWebWorld();

  it('asks for an extension and has the secretariat grant a new date from Chờ duyệt', async () => {
    const title = 'Thuê dịch vụ trung tâm dữ liệu (DC) lưu trữ dữ liệu đám mây';
    const id = await world.launchTask(world.units.lead, title);
    const head = await world.person(world.units.lead, ['unit_head']);
    const secretary = await world.person(world.units.office, ['secretariat']);
    const unit = await world.newPage();
    await world.signIn(unit, head);
    await unit.goto(`/tasks/${id}`);
    const extension = () => unit.getByRole('region', { name: 'Xin gia hạn' });
    await extension().getByLabel('Đề nghị gia hạn đến hết ngày').fill('31/02/2026');
    await extension().getByLabel('Lý do xin gia hạn').fill('Chờ kết quả đấu thầu');
    await extension().getByRole('button', { name: 'Gửi đề nghị gia hạn' }).click();
    await expect(unit.getByRole('alert').first()).toContainText('Ngày phải có dạng ngày/tháng/năm');
    await expect(extension().getByLabel('Lý do xin gia hạn')).toHaveValue('Chờ kết quả đấu thầu');
    // A date before the current deadline: the workflow's validator refuses it (422), shown at the form, the input kept.
    await extension().getByLabel('Đề nghị gia hạn đến hết ngày').fill('01/01/2020');
    await extension().getByRole('button', { name: 'Gửi đề nghị gia hạn' }).click();
    await expect(extension().getByRole('alert')).toContainText('Thời hạn đề nghị phải ở tương lai');
    await expect(extension().getByLabel('Lý do xin gia hạn')).toHaveValue('Chờ kết quả đấu thầu');
    await expect(extension().getByLabel('Đề nghị gia hạn đến hết ngày')).toHaveValue('01/01/2020');
    const requested = new Date(Date.now() + 60 * 86_400_000);
    const typed = `${String(requested.getUTCDate()).padStart(2, '0')}/${String(requested.getUTCMonth() + 1).padStart(2, '0')}/${requested.getUTCFullYear()}`;
    await extension().getByLabel('Đề nghị gia hạn đến hết ngày').fill(typed);
    await extension().getByRole('button', { name: 'Gửi đề nghị gia hạn' }).click();
    await expect(unit.getByRole('status').first()).toContainText('Đã gửi đề nghị gia hạn');
    await expect(unit.getByText(`Đang chờ quyết định gia hạn đến hết ngày ${typed}: Chờ kết quả đấu thầu`)).toBeVisible();
    // One request at a time: the lifecycle no longer offers the form.
    await expect(unit.getByRole('region', { name: 'Xin gia hạn' })).toHaveCount(0);

    const office = await world.newPage();
    await world.signIn(office, secretary);
    await office.goto('/review');
    const entry = reviewEntry(office, title);
    await entry.getByLabel('Không đồng ý gia hạn').check();
    await entry.getByRole('button', { name: 'Ghi quyết định gia hạn' }).click();
    await expect(office.getByRole('alert').first()).toContainText('Không đồng ý gia hạn phải nêu lý do');
    await office.goto('/review');
    await reviewEntry(office, title).getByLabel('Đồng ý gia hạn', { exact: true }).check();
    await reviewEntry(office, title).getByRole('button', { name: 'Ghi quyết định gia hạn' }).click();
    await expect(office).toHaveURL(/\/review$/);
    await expect(reviewEntry(office, title)).toHaveCount(0);
    await unit.goto(`/tasks/${id}`);
    await expect(unit.getByText(new RegExp(`^${typed.replace(/\//g, '\\/')} \\(đã gia hạn 1 lần`))).toBeVisible();
  });

  it('has no serious accessibility violation on the new pages, at 360 px and on a desktop', async () => {
    const title = 'Xây dựng Chiến lược dữ liệu và Chiến lược chuyển đổi số của tỉnh';
    const id = await world.launchTask(world.units.lead, title, { targets: [TARGET] });
    const officer = await world.person(world.units.lead, ['unit_officer']);
    const secretary = await world.person(world.units.office, ['secretariat']);
    for (const narrow of [true, false]) {
      const suffix = narrow ? '360' : 'desktop';
      const unit = await world.newPage({ narrow });
      await world.signIn(unit, officer);
      await unit.goto(`/tasks/${id}`);
      await expectAccessible(unit);
      await shoot(unit, `task-actions-${suffix}`);
      if (narrow) await expectNoSidewaysScroll(unit);
      if (narrow) {
        await unit.getByRole('button', { name: 'Xác nhận tiếp nhận' }).click();
        await expect(unit.getByRole('status')).toContainText('Đã xác nhận tiếp nhận');
      }
      await unit.getByRole('region', { name: 'Đề nghị công nhận hoàn thành' }).getByRole('button', { name: 'Đề nghị hoàn thành' }).click();
      await expect(unit.getByRole('alert').first()).toBeVisible();
      await expectAccessible(unit);
      await shoot(unit, `task-form-error-${suffix}`);
      if (narrow) await expectNoSidewaysScroll(unit);
      await unit.goto('/my-work');
      await expectAccessible(unit);
      await shoot(unit, `my-work-${suffix}`);
      if (narrow) await expectNoSidewaysScroll(unit);

      const office = await world.newPage({ narrow });
      await world.signIn(office, secretary);
      for (const [url, name] of [
        ['/review', 'review'],
        ['/overview', 'overview'],
      ] as const) {
        await office.goto(url);
        await expectAccessible(office);
        if (narrow || name === 'overview') await shoot(office, `${name}-${suffix}`);
        if (narrow) await expectNoSidewaysScroll(office);
      }
      await expect(office.getByRole('list', { name: 'Bốn nhóm báo cáo' }).getByRole('link')).toHaveCount(4);
      const onTime = office.getByRole('link', { name: /Đang thực hiện trong hạn/ });
      const figure = (await onTime.textContent())!.match(/\d+/)![0];
      await onTime.click();
      await expect(office).toHaveURL(/group=in_progress_on_time/);
      await expect(office.getByText(`Tìm thấy ${figure} nhiệm vụ.`)).toBeVisible();
    }
  });
});
