import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { expect, type Page } from '@playwright/test';
import { docx } from '../helpers/notice-files';
import { uniq } from '../helpers/servers';
import { addTestUnit } from '../helpers/users';
import { expectAccessible, expectNoSidewaysScroll, shoot } from './checks';
import { useWebWorld } from './web-world';

const NOTICE_004 = fs.readFileSync(path.resolve(__dirname, '../fixtures/004_2316aeaa4ca50f78.txt'), 'utf8');

const inFuture = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
};

describe('Văn bản chỉ đạo: a notice read, reviewed and launched from the pages', () => {
  const world = useWebWorld();

  const openDirectives = async (page: Page) => {
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Văn bản chỉ đạo' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Văn bản chỉ đạo' })).toBeVisible();
  };

  it('pastes notice 004, discards a non-assignment, fixes a draft, and launches it after confirming', async () => {
    const secretary = await world.person(world.units.office, ['secretariat']);
    const page = await world.signedIn(secretary);
    await expect(page).toHaveURL(/\/overview$/);
    await openDirectives(page);
    await expectAccessible(page);
    await shoot(page, 'directives-desktop');

    await page.getByLabel('Nội dung văn bản').fill(NOTICE_004);
    await page.getByRole('button', { name: 'Đọc văn bản' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Xem lại bản đọc văn bản' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Văn bản gốc' })).toContainText('Tham muu ban hanh Chién lugc');
    await expect(page.getByLabel('Số hiệu')).toHaveValue('01-TB/CQTT');
    await expectAccessible(page);
    await shoot(page, 'directive-preview-desktop');
    const number = `${uniq().toUpperCase()}-TB/CQTT`;
    await page.getByLabel('Số hiệu').fill(number);
    // 2.1 is an exhortation to everyone, not an assignment: it is not registered.
    await page.getByLabel('Mục 2.1: giữ làm nhiệm vụ').uncheck();
    await page.getByRole('button', { name: 'Đăng ký văn bản với các mục đã chọn' }).click();

    await expect(page.getByRole('heading', { level: 1, name: `Văn bản ${number}` })).toBeVisible();
    await expect(page.getByRole('status')).toContainText('Đã đăng ký văn bản');
    await expect(page.getByRole('article', { name: 'Mục 2.1' })).toHaveCount(0);
    const item = page.getByRole('article', { name: 'Mục 2.2.(1)' });
    await expect(item.getByRole('note', { name: 'Còn thiếu' })).toContainText('rõ người');
    await expect(item).toContainText('Tham muu ban hanh Chién lugc');
    await expectAccessible(page);

    await item.getByText('Sửa mục 2.2.(1)').click();
    await item.getByLabel('Đơn vị chủ trì').selectOption(world.units.lead);
    await item.getByLabel('Người chịu trách nhiệm').fill('Giám đốc Sở Công Thương');
    await item.getByLabel('Người giao nhiệm vụ').fill('Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo');
    await item.getByLabel('Cơ quan quyết định').selectOption(world.units.office);
    await item.getByLabel('Kết quả cần đạt').fill('Chiến lược dữ liệu được ban hành');
    await item.getByLabel('Thời hạn (ngày/tháng/năm)').fill('31/02/2027');
    await item.getByRole('button', { name: 'Lưu mục 2.2.(1)' }).click();
    // Refused at the field, what was typed kept.
    const refused = page.getByRole('article', { name: 'Mục 2.2.(1)' });
    await expect(refused.getByRole('alert')).toContainText('Ngày phải có dạng ngày/tháng/năm');
    await expect(refused.getByLabel('Người chịu trách nhiệm')).toHaveValue('Giám đốc Sở Công Thương');
    await expect(refused.getByLabel('Thời hạn (ngày/tháng/năm)')).toHaveValue('31/02/2027');
    await refused.getByLabel('Thời hạn (ngày/tháng/năm)').fill(inFuture(40));
    await refused.getByRole('button', { name: 'Lưu mục 2.2.(1)' }).click();
    await expect(page.getByRole('status')).toContainText('Đã lưu mục 2.2.(1).');
    const fixed = page.getByRole('article', { name: 'Mục 2.2.(1)' });
    await expect(fixed.getByText('Đủ "6 rõ"')).toBeVisible();
    await expect(fixed).toContainText(inFuture(40));
    await shoot(page, 'directive-review-desktop');

    // The launch checks every unit an item names against the registry: the coordinating units notice 004
    // names (kept by the edit, which changes only the fields it sets) must be registered, as the seed does.
    for (const code of ['DU_UBND', 'CAC_CQ_DV_LQ']) await addTestUnit(world.db, code);
    const launch = page.getByRole('region', { name: 'Giao nhiệm vụ' });
    await expect(launch.getByLabel('Mục 2.2.(1)', { exact: true })).toBeChecked();
    await expect(launch.getByLabel('Mục 2.2.(2) (còn thiếu "6 rõ")')).not.toBeChecked();
    await launch.getByRole('button', { name: 'Giao các mục đã chọn…' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Xác nhận giao nhiệm vụ' })).toBeVisible();
    await expect(page.getByRole('table')).toContainText('2.2.(1)');
    await expectAccessible(page);
    await shoot(page, 'directive-launch-confirm-desktop');
    await page.getByRole('button', { name: 'Xác nhận giao 1 nhiệm vụ' }).click();

    await expect(page.getByRole('status').first()).toContainText('Mục 2.2.(1): đã giao');
    const launched = await world.db
      .selectFrom('directive_items')
      .select(['ref', 'task_id'])
      .where('status', '=', 'launched')
      .where('directive_id', 'in', world.db.selectFrom('directives').select('id').where('number', '=', number))
      .execute();
    expect(launched.map((r) => r.ref)).toEqual(['2.2.(1)']);
    world.adopt(launched[0].task_id!);
    // The launch is recorded as the secretary's, as the API's launch would be.
    await expect
      .poll(async () => {
        const first = await world.db
          .selectFrom('audit_events')
          .select('actor_user')
          .where('task_id', '=', launched[0].task_id!)
          .orderBy('seq')
          .executeTakeFirst();
        return first?.actor_user;
      })
      .toBe(secretary.login);
    await page.getByRole('article', { name: 'Mục 2.2.(1) (đã giao)' }).getByRole('link', { name: 'Xem nhiệm vụ đã giao' }).click();
    await expect(page.getByRole('list', { name: 'Diễn biến của nhiệm vụ' })).toContainText('Giao nhiệm vụ');
  });

  it('reads an uploaded .docx notice, and refuses a file it cannot read at the field', async () => {
    const secretary = await world.person(world.units.office, ['secretariat']);
    const page = await world.signedIn(secretary, { narrow: true });
    await page.goto('/directives');
    await expectNoSidewaysScroll(page);
    await page
      .getByLabel('Hoặc tải tệp văn bản')
      .setInputFiles({ name: 'thong-bao.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await page.getByRole('button', { name: 'Đọc văn bản' }).click();
    await expect(page.getByRole('alert')).toBeVisible();

    const file = await docx([
      'ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN',
      'Số: 15/TB-UBND',
      'THÔNG BÁO',
      'Kết luận của đồng chí Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số',
      '1. Giao Sở Công Thương chủ trì rà soát hạ tầng trạm sạc xe điện tại các khu công nghiệp, hoàn thành trước ngày 30/12/2026.',
      '2. Giao Sở Tài chính bố trí kinh phí chuyển đổi số năm 2027, hoàn thành trong tháng 01/2027.',
    ]);
    await page.getByLabel('Hoặc tải tệp văn bản').setInputFiles({
      name: 'thong-bao.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      buffer: file,
    });
    await page.getByRole('button', { name: 'Đọc văn bản' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Xem lại bản đọc văn bản' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Văn bản gốc' })).toContainText('rà soát hạ tầng trạm sạc xe điện');
    await expect(page.getByLabel('Số hiệu')).toHaveValue('15/TB-UBND');
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    await shoot(page, 'directive-preview-360');
    const number = `${uniq().toUpperCase()}/TB-UBND`;
    await page.getByLabel('Số hiệu').fill(number);
    await page.getByRole('button', { name: 'Đăng ký văn bản với các mục đã chọn' }).click();
    await expect(page.getByRole('heading', { level: 1, name: `Văn bản ${number}` })).toBeVisible();
    await expect(page.getByRole('article', { name: 'Mục 1' })).toContainText('trạm sạc xe điện');
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    await shoot(page, 'directive-review-360');
  });

  it('is not there for a unit officer', async () => {
    const officer = await world.person(world.units.lead, ['unit_officer']);
    const page = await world.signedIn(officer);
    await expect(page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Văn bản chỉ đạo' })).toHaveCount(0);
    expect((await page.goto('/directives'))?.status()).toBe(404);
  });
});
