import ExcelJS from 'exceljs';
import { describe, it } from 'vitest';
import { expect, type Page } from '@playwright/test';
import { PDF, sha256 } from '../helpers/fixtures';
import { expectAccessible, expectNoSidewaysScroll, shoot } from './checks';
import { useWebWorld } from './web-world';

/** A download started by clicking a link, its bytes and file name. */
async function download(page: Page, link: ReturnType<Page['getByRole']>): Promise<{ name: string; body: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const chunks: Buffer[] = [];
  for await (const chunk of await file.createReadStream()) chunks.push(chunk as Buffer);
  return { name: file.suggestedFilename(), body: Buffer.concat(chunks) };
}

/** A workbook's sheets as rows of cell texts. */
async function sheets(body: Buffer): Promise<Map<string, string[][]>> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as unknown as ArrayBuffer);
  const out = new Map<string, string[][]>();
  book.eachSheet((sheet) => {
    const rows: string[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    out.set(sheet.name, rows);
  });
  return out;
}

describe('reports, exports and the inspection dossier in the browser', () => {
  const world = useWebWorld();

  it('reports per unit as of a day, each figure opening its tasks, with the late list and an Excel workbook', async () => {
    const first = 'Số hóa hồ sơ thủ tục hành chính cấp tỉnh';
    const second = 'Triển khai thanh toán không dùng tiền mặt tại bệnh viện';
    await world.launchTask(world.units.lead, first);
    await world.launchTask(world.units.lead, second);
    const secretary = await world.person(world.units.office, ['secretariat']);
    const office = await world.signedIn(secretary);
    await office.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Báo cáo' }).click();
    await office.getByLabel('Đơn vị chủ trì').selectOption(world.units.lead);
    await office.getByRole('button', { name: 'Xem báo cáo' }).click();
    await expect(office).toHaveURL(new RegExp(`unit=${world.units.lead}`));
    const table = office.getByRole('table', { name: 'Kết quả theo đơn vị' });
    const row = table.getByRole('row', { name: new RegExp(world.units.lead) }).first();
    await expect(row.getByRole('cell').nth(1)).toHaveText('2');
    await expectAccessible(office);
    await shoot(office, 'reports-desktop');

    await row.getByRole('link', { name: '2' }).nth(1).click();
    await expect(office.getByRole('heading', { level: 1 })).toHaveText('Đang thực hiện trong hạn: 2 nhiệm vụ');
    const tasks = office.getByRole('table', { name: /Nhiệm vụ – đang thực hiện trong hạn/ });
    await expect(tasks.getByRole('link', { name: first })).toBeVisible();
    await expect(tasks.getByRole('link', { name: second })).toBeVisible();
    await expectAccessible(office);

    await office.getByRole('link', { name: '‹ Quay lại báo cáo' }).click();
    await office.getByRole('link', { name: 'Danh sách nhiệm vụ chậm, quá hạn' }).click();
    await expect(office.getByRole('heading', { level: 1 })).toHaveText('Danh sách nhiệm vụ chậm, quá hạn');
    await expect(office.getByText('Không có nhiệm vụ chậm hay quá hạn.')).toBeVisible();
    await expectAccessible(office);

    await office.getByRole('link', { name: '‹ Quay lại báo cáo' }).click();
    const file = await download(office, office.getByRole('link', { name: 'Tải về Excel (.xlsx)' }));
    expect(file.name).toMatch(/^bao-cao-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const book = await sheets(file.body);
    expect([...book.keys()]).toEqual(['Theo đơn vị', 'Theo văn bản', 'Nhiệm vụ chậm']);
    expect(book.get('Theo đơn vị')![1].slice(0, 3)).toEqual([world.units.lead, `Đơn vị thử ${world.units.lead}`, '2']);

    // A day typed wrong is answered at the field, the input kept.
    await office.getByLabel('Tính đến ngày').fill('31/02/2026');
    await office.getByRole('button', { name: 'Xem báo cáo' }).click();
    await expect(office.getByRole('alert')).toContainText('Ngày phải có dạng ngày/tháng/năm');
    await expect(office.getByLabel('Tính đến ngày')).toHaveValue('31/02/2026');
  });

  it("shows a unit only its own report and answers 404 for another unit's report, dossier or file typed by hand", async () => {
    const theirs = await world.launchTask(world.units.other, 'Lắp đặt camera giám sát giao thông nội thị');
    await world.launchTask(world.units.lead, 'Cập nhật cơ sở dữ liệu doanh nghiệp công nghiệp');
    const officer = await world.person(world.units.lead, ['unit_officer']);
    const unit = await world.signedIn(officer, { narrow: true });
    await unit.goto('/reports');
    await expect(unit.getByLabel('Đơn vị chủ trì')).toHaveCount(0);
    await expect(unit.getByRole('table', { name: 'Kết quả theo đơn vị' })).toContainText(world.units.lead);
    await expect(unit.getByRole('table', { name: 'Kết quả theo đơn vị' })).not.toContainText(world.units.other);
    await expectAccessible(unit);
    await expectNoSidewaysScroll(unit);
    await unit.goto('/reports?view=directive');
    await shoot(unit, 'reports-directives-360');
    for (const url of [
      `/reports?unit=${world.units.other}`,
      `/reports/tasks?unit=${world.units.other}&figure=total`,
      `/reports/export?unit=${world.units.other}`,
      `/tasks/${theirs}/dossier`,
      `/tasks/${theirs}/evidence/ev_khongcotepnay`,
      `/exports/unit-history.xlsx?unit=${world.units.other}`,
    ]) {
      const response = await unit.request.get(url);
      expect(response.status(), url).toBe(404);
    }
  });

  it('exports exactly the filtered task board as CSV and Excel', async () => {
    const tag = `Thí điểm ${Date.now().toString(36)}`;
    await world.launchTask(world.units.lead, `${tag} chữ ký số cho cán bộ`);
    await world.launchTask(world.units.other, `${tag} hóa đơn điện tử`);
    await world.launchTask(world.units.lead, 'Nhiệm vụ khác không khớp bộ lọc');
    const secretary = await world.person(world.units.office, ['secretariat']);
    const office = await world.signedIn(secretary);
    await office.goto('/tasks');
    await office.getByLabel('Từ khóa').fill(tag);
    await office.getByLabel('Đơn vị chủ trì').selectOption(world.units.lead);
    await office.getByRole('button', { name: 'Lọc' }).click();
    await expect(office.getByText('Tìm thấy 1 nhiệm vụ.')).toBeVisible();

    const csv = await download(office, office.getByRole('link', { name: 'Tải danh sách (CSV)' }));
    const lines = csv.body
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${tag} chữ ký số cho cán bộ`);
    const xlsx = await download(office, office.getByRole('link', { name: 'Tải danh sách (Excel)' }));
    const rows = (await sheets(xlsx.body)).get('Nhiệm vụ')!;
    expect(rows.map((r) => r[3])).toEqual(['Nội dung nhiệm vụ', `${tag} chữ ký số cho cán bộ`]);
  });

  it('gives the inspection committee the evidence with its hash, a printable dossier and a unit history workbook', async () => {
    const title = 'Xây dựng kho dữ liệu dùng chung của tỉnh';
    const id = await world.launchTask(world.units.lead, title);
    const officer = await world.person(world.units.lead, ['unit_officer']);
    const inspector = await world.person(world.units.inspection, ['inspector']);
    const unit = await world.signedIn(officer);
    await unit.goto(`/tasks/${id}`);
    const upload = unit.getByRole('region', { name: 'Tải lên minh chứng' });
    await upload
      .getByLabel('Tệp minh chứng')
      .setInputFiles([{ name: 'bien-ban-nghiem-thu.pdf', mimeType: 'application/pdf', buffer: PDF }]);
    await upload.getByRole('button', { name: 'Tải lên minh chứng' }).click();
    await expect(unit.getByRole('status')).toContainText(sha256(PDF));

    const audit = await world.signedIn(inspector);
    await audit.goto(`/tasks/${id}`);
    const timeline = audit.getByRole('list', { name: 'Diễn biến của nhiệm vụ' });
    await expect(timeline).toContainText(sha256(PDF));
    const file = await download(audit, timeline.getByRole('link', { name: 'bien-ban-nghiem-thu.pdf' }));
    expect(sha256(file.body)).toBe(sha256(PDF));

    await audit.getByRole('link', { name: /Hồ sơ đầy đủ của nhiệm vụ/ }).click();
    await expect(audit.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(audit.getByText(/Đã kiểm chứng: \d+ sự kiện, chuỗi mã băm nguyên vẹn/)).toBeVisible();
    await expect(audit.getByRole('table', { name: 'Danh sách minh chứng và mã băm' })).toContainText(sha256(PDF));
    await expect(audit.getByRole('table', { name: 'Sự kiện của nhiệm vụ theo thứ tự' })).toContainText('Bổ sung minh chứng');
    await expectAccessible(audit);
    await shoot(audit, 'dossier-desktop');
    await audit.emulateMedia({ media: 'print' });
    await expect(audit.getByRole('navigation', { name: 'Điều hướng chính' })).toBeHidden();
    await audit.emulateMedia({ media: 'screen' });

    await audit.goto(`/tasks?unit=${world.units.lead}`);
    const history = await download(audit, audit.getByRole('link', { name: /Hồ sơ nhiệm vụ và diễn biến của đơn vị/ }));
    const book = await sheets(history.body);
    expect([...book.keys()]).toEqual(['Nhiệm vụ', 'Diễn biến']);
    expect(book.get('Nhiệm vụ')!.some((r) => r[0] === id)).toBe(true);
    const events = book.get('Diễn biến')!.filter((r) => r[0] === id);
    expect(events[0][4]).toBe('Giao nhiệm vụ');
    expect(events.map((r) => r[4])).toContain('Bổ sung minh chứng');
    expect(events.every((r) => /^[0-9a-f]{64}$/.test(r[7]))).toBe(true);
  });
});
