import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createSession } from '../../db/repositories/sessions';
import type { NewTaskRow } from '../../db/schema';
import { SESSION_COOKIE } from '../../web/auth/cookies';
import { STATUS_GROUP_LABELS_VI } from '../../domain/status';
import { useApiWorld } from '../helpers/api-world';
import { asBytes as binary } from '../helpers/fixtures';
import { uniq } from '../helpers/servers';

async function readWorkbook(body: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own global `Buffer`, narrower than Node's.
  await workbook.xlsx.load(body as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  return workbook;
}

describe('reports over HTTP: JSON, CSV and Excel, each unit seeing its own', () => {
  // The rows are written here, as the workflow would leave them: no worker is needed.
  const w = useApiWorld({ worker: false });
  const { db, http } = w;
  const { lead: unitA, coordinating: unitB } = w.units;
  const { secretariat, lead: officerA } = w.people;
  const inspector = w.person(w.unit('UBKT'), ['inspector']);
  const directive = `01-TB/CQTT-${uniq()}`;

  const row = (ref: string, o: Partial<NewTaskRow> & { lead_unit: string }): NewTaskRow => ({
    id: `r-${uniq()}.${ref.replace(/[^0-9a-z]+/gi, '-')}`,
    workflow_id: `task-r-${uniq()}`,
    directive_number: directive,
    ref,
    title: `Nhiệm vụ ${ref}`,
    status: 'in_progress',
    launched_at: '2025-11-04T08:00:00+07:00',
    ...o,
  });

  /** A report as JSON, asked for by `who`: 200 expected. */
  const report = (path: string, query: Record<string, unknown>, who: { auth: string }) =>
    http().get(path).query(query).set('authorization', who.auth).expect(200);

  /** A report of November 2025 as the secretariat downloads it, bytes as they came over the wire. */
  const exported = (path: string, format: 'csv' | 'xlsx') =>
    http()
      .get(path)
      .query({ directive, period: '2025-11', format })
      .set('authorization', secretariat.auth)
      .buffer(true)
      .parse(binary)
      .expect(200);

  beforeAll(async () => {
    const due = '2025-11-15T00:00:00+07:00';
    await db
      .insertInto('tasks')
      .values([
        row('2.2 (1)', {
          lead_unit: unitA,
          status: 'completed',
          due_at: due,
          submitted_at: '2025-11-12T10:00:00+07:00',
          completed_at: '2025-11-12T10:00:00+07:00',
          outcome: 'completed_on_time',
        }),
        row('2.2 (2)', {
          lead_unit: unitA,
          status: 'completed',
          due_at: due,
          submitted_at: '2025-11-17T10:00:00+07:00',
          completed_at: '2025-11-18T10:00:00+07:00',
          outcome: 'completed_late',
          late_units: [unitA],
        }),
        row('2.2 (3)', { lead_unit: unitA, due_at: '2025-11-30T23:59:59+07:00' }),
        row('- Tiếp tục triển khai', {
          lead_unit: unitB,
          due_at: '2025-11-10T00:00:00+07:00',
          title: '- Tiếp tục triển khai hạ tầng 5G',
          late_units: [unitB],
          escalation_level: 2,
        }),
        row('2.4', { lead_unit: unitB, status: 'cancelled', due_at: due, cancelled_at: '2025-11-05T00:00:00+07:00' }),
      ])
      .execute();
  });

  it('gives the secretariat every unit of a directive, as of the instant asked, in JSON', async () => {
    const res = await report('/api/v1/reports/units', { directive, asOf: '2025-11-20T00:00:00+07:00' }, secretariat);
    expect(res.body).toMatchObject({ asOf: '2025-11-20T00:00:00+07:00', period: null, directive, unit: null, aheadMarginDays: 1 });
    expect(res.body.rows.map((r: { unit: string }) => r.unit)).toEqual([unitA, unitB].sort());
    expect(res.body.rows.find((r: { unit: string }) => r.unit === unitA)).toMatchObject({
      unitName: `Đơn vị thử ${unitA}`,
      total: 3,
      completedOnTime: 1,
      aheadOfSchedule: 1,
      completedLate: 1,
      inProgressOnTime: 1,
      inProgressOverdue: 0,
      cameDue: 2,
      completionRate: 0.5,
    });
    expect(res.body.rows.find((r: { unit: string }) => r.unit === unitB)).toMatchObject({
      total: 2,
      inProgressOverdue: 1,
      cancelled: 1,
      cameDue: 1,
      completionRate: 0,
    });
    expect(res.body.totals).toMatchObject({ total: 5, cameDue: 3, cameDueCompletedOnTime: 1 });

    const byDirective = await report('/api/v1/reports/directives', { directive, asOf: '2025-11-20T00:00:00+07:00' }, inspector);
    expect(byDirective.body.rows).toEqual([expect.objectContaining({ directiveNumber: directive, total: 5 })]);
  });

  it('reads November 2025 as of its last instant, over the assignments due in it', async () => {
    const res = await report('/api/v1/reports/units', { directive, period: '2025-11' }, secretariat);
    expect(res.body).toMatchObject({
      asOf: '2025-11-30T23:59:59.999+07:00',
      period: { key: '2025-11', label: 'Tháng 11/2025', from: '2025-11-01T00:00:00+07:00', to: '2025-11-30T23:59:59.999+07:00' },
      dueFrom: '2025-11-01T00:00:00+07:00',
      dueTo: '2025-11-30T23:59:59.999+07:00',
    });
    // By the month's last instant, 2.2 (3), due 23:59:59 on 30/11 and still open, is past its deadline.
    expect(res.body.totals).toMatchObject({
      total: 5,
      completedOnTime: 1,
      completedLate: 1,
      inProgressOverdue: 2,
      inProgressOnTime: 0,
      cancelled: 1,
      cameDue: 4,
    });
    const december = await report('/api/v1/reports/units', { directive, period: '2025-12' }, secretariat);
    expect(december.body.rows).toEqual([]);
  });

  it('shows a unit officer their own unit only, and refuses another unit’s report with 403', async () => {
    const own = await report('/api/v1/reports/units', { directive, asOf: '2025-11-20T00:00:00+07:00' }, officerA);
    expect(own.body.unit).toBe(unitA);
    expect(own.body.rows.map((r: { unit: string }) => r.unit)).toEqual([unitA]);
    const late = await report('/api/v1/reports/late', { directive, asOf: '2025-11-20T00:00:00+07:00' }, officerA);
    expect(late.body.items.map((i: { leadUnit: string }) => i.leadUnit)).toEqual([unitA]);
    const byDirective = await http().get('/api/v1/reports/directives').query({ directive }).set('authorization', officerA.auth).expect(200);
    expect(byDirective.body.rows[0].total).toBe(3);

    for (const path of ['units', 'directives', 'late']) {
      const refused = await http().get(`/api/v1/reports/${path}`).query({ unit: unitB }).set('authorization', officerA.auth).expect(403);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body).toMatchObject({ type: 'forbidden', detail: expect.stringContaining(unitB) });
    }
    await http().get('/api/v1/reports/units').query({ unit: unitA }).set('authorization', officerA.auth).expect(200);
    await http().get('/api/v1/reports/units').expect(401);
  });

  it('names the late assignments with their days overdue and escalation level', async () => {
    const res = await report('/api/v1/reports/late', { directive, asOf: '2025-11-20T08:00:00+07:00', pageSize: 1 }, secretariat);
    expect(res.body).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(res.body.items).toEqual([
      expect.objectContaining({
        directiveNumber: directive,
        ref: '- Tiếp tục triển khai',
        leadUnit: unitB,
        lateUnits: [unitB],
        group: 'in_progress_overdue',
        dueAt: '2025-11-10T00:00:00+07:00',
        daysOverdue: 11,
        escalationLevel: 2,
      }),
    ]);
    const second = await report(
      '/api/v1/reports/late',
      { directive, asOf: '2025-11-20T08:00:00+07:00', pageSize: 1, page: 2 },
      secretariat,
    );
    expect(second.body.items).toEqual([
      expect.objectContaining({ ref: '2.2 (2)', group: 'completed_late', daysOverdue: 3, completedAt: '2025-11-18T10:00:00+07:00' }),
    ]);
  });

  it('exports CSV with a UTF-8 BOM and the Vietnamese group names as headers', async () => {
    const res = await exported('/api/v1/reports/units', 'csv');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename=bao-cao-don-vi-2025-11.csv');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).split('\r\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 3)).toEqual(['Mã đơn vị', 'Tên đơn vị', 'Tổng số nhiệm vụ']);
    for (const g of ['completed_on_time', 'completed_late', 'in_progress_on_time', 'in_progress_overdue'] as const)
      expect(header).toContain(STATUS_GROUP_LABELS_VI[g]);
    expect(header.at(-1)).toBe('Tỷ lệ hoàn thành đúng hạn (%)');
    const rowA = lines.find((l) => l.startsWith(`${unitA},`))!.split(',');
    expect(rowA[header.indexOf(STATUS_GROUP_LABELS_VI.completed_on_time)]).toBe('1');
    expect(rowA.at(-1)).toBe('33.3');
    expect(lines.find((l) => l.startsWith('Tổng cộng,'))).toBeDefined();

    // A text starting with "-" would be a formula to Excel: it is quoted.
    const late = await exported('/api/v1/reports/late', 'csv');
    expect(late.headers['content-disposition']).toBe('attachment; filename=danh-sach-cham-2025-11.csv');
    expect((late.body as Buffer).toString('utf8')).toContain(",'- Tiếp tục triển khai hạ tầng 5G,");
  });

  it('exports an Excel workbook: one sheet, a bold Vietnamese header row, percentages and dates as Excel formats', async () => {
    const res = await exported('/api/v1/reports/units', 'xlsx');
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename=bao-cao-don-vi-2025-11.xlsx');
    const workbook = await readWorkbook(res.body);
    expect(workbook.worksheets).toHaveLength(1);
    const sheet = workbook.worksheets[0];
    const header = sheet.getRow(1);
    const headers = (header.values as unknown[]).slice(1);
    expect(headers.slice(0, 3)).toEqual(['Mã đơn vị', 'Tên đơn vị', 'Tổng số nhiệm vụ']);
    expect(headers).toContain(STATUS_GROUP_LABELS_VI.in_progress_overdue);
    expect(header.getCell(1).font?.bold).toBe(true);
    const rateColumn = headers.indexOf('Tỷ lệ hoàn thành đúng hạn (%)') + 1;
    const rowA = sheet.getRow(2);
    expect(rowA.getCell(1).value).toBe(unitA);
    expect(rowA.getCell(2).value).toBe(`Đơn vị thử ${unitA}`);
    expect(rowA.getCell(3).value).toBe(3);
    expect(rowA.getCell(rateColumn).value).toBeCloseTo(1 / 3);
    expect(rowA.getCell(rateColumn).numFmt).toBe('0.0%');
    const totals = sheet.getRow(4);
    expect(totals.getCell(1).value).toBe('Tổng cộng');
    expect(totals.getCell(3).value).toBe(5);
    expect(totals.font?.bold).toBe(true);

    const late = await exported('/api/v1/reports/late', 'xlsx');
    const lateBook = await readWorkbook(late.body);
    const lateSheet = lateBook.worksheets[0];
    const lateHeaders = (lateSheet.getRow(1).values as unknown[]).slice(1);
    const dueCell = lateSheet.getRow(2).getCell(lateHeaders.indexOf('Thời hạn') + 1);
    // Excel has no time zone: the deadline reads as Vietnam's wall clock, 00:00 10/11/2025.
    expect((dueCell.value as Date).toISOString()).toBe('2025-11-10T00:00:00.000Z');
    expect(dueCell.numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(lateSheet.getRow(2).getCell(lateHeaders.indexOf('Tình trạng') + 1).value).toBe(STATUS_GROUP_LABELS_VI.in_progress_overdue);
    expect(lateSheet.getRow(2).getCell(lateHeaders.indexOf('Mức đôn đốc') + 1).value).toBe(2);
  });

  it('refuses bad parameters with 400, naming each bad field', async () => {
    const bad = async (query: Record<string, string>, path = 'units') => {
      const res = await http().get(`/api/v1/reports/${path}`).query(query).set('authorization', secretariat.auth).expect(400);
      expect(res.body.type).toBe('validation-error');
      return res.body.errors.map((e: { path: string }) => e.path).sort();
    };
    expect(await bad({ period: '2025-13', format: 'pdf', aheadMarginDays: '-1' })).toEqual(['aheadMarginDays', 'format', 'period']);
    expect(await bad({ period: '2025-Q5' })).toEqual(['period']);
    expect(await bad({ from: '2025-11-01', asOf: 'hôm nay' })).toEqual(['asOf', 'from']);
    expect(await bad({ period: '2025-11', from: '2025-11-01T00:00:00+07:00' })).toEqual(['period']);
    expect(await bad({ from: '2025-12-01T00:00:00+07:00', to: '2025-11-01T00:00:00+07:00' })).toEqual(['to']);
    expect(await bad({ unit: 'không hợp lệ' }, 'directives')).toEqual(['unit']);
    expect(await bad({ pageSize: '5000' }, 'late')).toEqual(['pageSize']);
  });
});

describe('a directive in the reports is its number, issue year and issuer', () => {
  const w = useApiWorld({ worker: false });
  const { db, http } = w;
  const { lead: unitA } = w.units;
  const { secretariat } = w.people;
  // Two notices "80/TB-UBND" of the same committee, one of 2025 and one of 2026 (unique to this file).
  const number = `80/TB-UBND-${uniq()}`;
  const issuer = 'Ủy ban nhân dân tỉnh Thái Nguyên';
  const issuerKey = 'uy-ban-nhan-dan-tinh-thai-nguyen';
  const asOf = '2026-06-01T00:00:00+07:00';

  const row = (year: number, ref: string, o: Partial<NewTaskRow> = {}): NewTaskRow => ({
    id: `${year}-r-${uniq()}.${ref}`,
    workflow_id: `task-${year}-r-${uniq()}`,
    directive_number: number,
    directive_year: year,
    directive_issuer_key: issuerKey,
    ref,
    title: `Nhiệm vụ ${ref} của thông báo năm ${year}`,
    lead_unit: unitA,
    status: 'in_progress',
    launched_at: `${year}-02-01T08:00:00+07:00`,
    ...o,
  });

  beforeAll(async () => {
    await db
      .insertInto('directives')
      .values(
        [2025, 2026].map((year) => ({
          id: `${year}-${uniq()}`,
          number,
          issue_year: year,
          issuer,
          issuer_key: issuerKey,
          title: `Kết luận năm ${year}`,
        })),
      )
      .execute();
    await db
      .insertInto('tasks')
      .values([
        // 2025: one overdue since 2025, one completed on time.
        row(2025, '1', { due_at: '2025-03-01T00:00:00+07:00' }),
        row(2025, '2', {
          status: 'completed',
          due_at: '2025-04-01T00:00:00+07:00',
          submitted_at: '2025-03-20T10:00:00+07:00',
          completed_at: '2025-03-20T10:00:00+07:00',
          outcome: 'completed_on_time',
        }),
        // 2026: three open, one of them overdue.
        row(2026, '1', { due_at: '2026-05-01T00:00:00+07:00' }),
        row(2026, '2', { due_at: '2026-07-01T00:00:00+07:00' }),
        row(2026, '3', { due_at: '2026-08-01T00:00:00+07:00' }),
      ])
      .execute();
  });

  const directives = (query: Record<string, string | number>) =>
    http()
      .get('/api/v1/reports/directives')
      .query({ asOf, ...query })
      .set('authorization', secretariat.auth)
      .expect(200);
  const ofNumber = (rows: { directiveNumber: string }[]) => rows.filter((r) => r.directiveNumber === number);

  it('gives the two notices of one number two rows with their own counts, by number and over every directive', async () => {
    const expected = [
      expect.objectContaining({
        directiveNumber: number,
        directiveYear: 2025,
        directiveIssuer: issuer,
        directiveIssuerKey: issuerKey,
        directiveTitle: 'Kết luận năm 2025',
        total: 2,
        completedOnTime: 1,
        inProgressOverdue: 1,
      }),
      expect.objectContaining({
        directiveNumber: number,
        directiveYear: 2026,
        directiveTitle: 'Kết luận năm 2026',
        total: 3,
        completedOnTime: 0,
        inProgressOnTime: 2,
        inProgressOverdue: 1,
      }),
    ];
    expect((await directives({ directive: number })).body.rows).toEqual(expected);
    // Without a filter the kept counts answer: the same two rows.
    expect(ofNumber((await directives({})).body.rows)).toEqual(expected);
  });

  it('selects exactly one notice by its number, year and issuer, in every report', async () => {
    const only2026 = await directives({ directive: number, directiveYear: 2026, directiveIssuer: issuer });
    expect(only2026.body).toMatchObject({ directive: number, directiveYear: 2026, directiveIssuerKey: issuerKey });
    expect(only2026.body.rows).toEqual([expect.objectContaining({ directiveYear: 2026, total: 3 })]);
    // The row's issuer key selects the same as the issuer's name.
    expect((await directives({ directive: number, directiveYear: 2025, directiveIssuer: issuerKey })).body.rows).toEqual([
      expect.objectContaining({ directiveYear: 2025, total: 2 }),
    ]);
    // No notice of that number names no issuer.
    expect((await directives({ directive: number, directiveIssuer: '' })).body.rows).toEqual([]);

    const late = await http()
      .get('/api/v1/reports/late')
      .query({ asOf, directive: number, directiveYear: 2025, directiveIssuer: issuerKey })
      .set('authorization', secretariat.auth)
      .expect(200);
    expect(late.body.items.map((i: { title: string; directiveYear: number }) => [i.title, i.directiveYear])).toEqual([
      ['Nhiệm vụ 1 của thông báo năm 2025', 2025],
    ]);
    const units = await http()
      .get('/api/v1/reports/units')
      .query({ asOf, directive: number, directiveYear: 2026, directiveIssuer: issuerKey })
      .set('authorization', secretariat.auth)
      .expect(200);
    expect(units.body.totals).toMatchObject({ total: 3 });
  });

  it('refuses a year or an issuer without the number, and a year that is not one, naming the field', async () => {
    const bad = async (query: Record<string, string>) => {
      const res = await http().get('/api/v1/reports/directives').query(query).set('authorization', secretariat.auth).expect(400);
      return res.body.errors.map((e: { path: string; reason: string }) => [e.path, e.reason]);
    };
    expect(await bad({ directiveYear: '2026' })).toEqual([
      ['directive', 'năm ban hành (directiveYear) và cơ quan ban hành (directiveIssuer) chỉ dùng cùng với số văn bản (directive)'],
    ]);
    expect(await bad({ directive: number, directiveYear: 'năm nay' })).toEqual([
      ['directiveYear', 'năm ban hành (directiveYear) phải là số'],
    ]);
    expect(await bad({ directive: number, directiveYear: '1800' })).toEqual([
      ['directiveYear', 'năm ban hành (directiveYear) không trước 1945'],
    ]);
  });

  it('shows both notices on the web report, each row opening only its own tasks', async () => {
    const { id } = await db.selectFrom('users').select('id').where('login', '=', secretariat.login).executeTakeFirstOrThrow();
    const { token } = await createSession(db, id);
    const cookie = `${SESSION_COOKIE}=${token}`;
    const page = await http()
      .get('/reports')
      .query({ view: 'directive', directive: number, asOf: '01/06/2026' })
      .set('cookie', cookie)
      .expect(200);
    expect(page.text).toContain(`${number} (năm 2025, ${issuer}) – Kết luận năm 2025`);
    expect(page.text).toContain(`${number} (năm 2026, ${issuer}) – Kết luận năm 2026`);
    const totals = [...page.text.matchAll(/href="(\/reports\/tasks\?[^"]*figure=total[^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    // The two rows' totals, then the totals row's.
    expect(totals).toHaveLength(3);
    for (const [href, year, refs] of [
      [totals[0], 2025, ['1', '2']],
      [totals[1], 2026, ['1', '2', '3']],
    ] as const) {
      expect(new URL(href, 'http://x').searchParams.get('directiveYear')).toBe(String(year));
      const tasks = await http().get(href).set('cookie', cookie).expect(200);
      const titles = [...tasks.text.matchAll(/Nhiệm vụ (\d) của thông báo năm (\d{4})/g)].map((m) => [m[1], Number(m[2])]);
      expect(titles.sort()).toEqual(refs.map((ref) => [ref, year]));
    }
  });
});
