import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { formatVnDateTime, VN_OFFSET_MS } from '../domain/time';

/*
 * A report as a table, written as CSV or as an Excel workbook for the Steering Committee's
 * secretariat, who open and forward them in Excel.
 */

export type CellKind = 'text' | 'int' | 'percent' | 'datetime';
export type Cell = string | number | Date | null;

export interface ReportColumn {
  header: string;
  kind: CellKind;
  /** Width in characters in the workbook. */
  width?: number;
}

/** The columns several exports share, each written once: the same header, type and width wherever it appears. */
const SHARED_COLUMNS = {
  taskId: { header: 'Mã nhiệm vụ', kind: 'text', width: 28 },
  directiveNumber: { header: 'Số văn bản', kind: 'text', width: 18 },
  directiveYear: { header: 'Năm ban hành', kind: 'int', width: 10 },
  ref: { header: 'Mục', kind: 'text', width: 10 },
  title: { header: 'Nội dung nhiệm vụ', kind: 'text', width: 60 },
  leadUnit: { header: 'Đơn vị chủ trì', kind: 'text', width: 16 },
  leadUnitName: { header: 'Tên đơn vị chủ trì', kind: 'text', width: 36 },
  dueAt: { header: 'Thời hạn', kind: 'datetime', width: 17 },
} as const satisfies Record<string, ReportColumn>;

export const sharedColumns = (...names: (keyof typeof SHARED_COLUMNS)[]): ReportColumn[] => names.map((name) => SHARED_COLUMNS[name]);

export interface ReportTable {
  /** Worksheet name (at most 31 characters). */
  sheetName: string;
  /** Printed at the head of every page of the workbook: the report, its period, its instant. */
  heading: string;
  /** File name without extension, ASCII: `bao-cao-don-vi-2026-11`. */
  fileStem: string;
  columns: ReportColumn[];
  /** One array of cells per row, in the order of `columns`; a percent is a fraction (0.5 = 50 %). */
  rows: Cell[][];
  /** A last, bold row ("Tổng cộng"), when the report has one. */
  totals?: Cell[];
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// A text cell starting with one of these is a formula to Excel, and directive items do start
// with "- ": quoting it keeps it text (and keeps a crafted title from running as a formula).
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(kind: CellKind, value: Cell): string {
  if (value === null) return '';
  if (kind === 'percent') return (Number(value) * 100).toFixed(1);
  if (kind === 'datetime') return formatVnDateTime(value as Date);
  const text = String(value);
  return kind === 'text' && FORMULA_START.test(text) ? `'${text}` : text;
}

/** CSV with a UTF-8 BOM (so Excel reads the Vietnamese as UTF-8), CRLF line ends, a header row. */
export function toCsv(table: ReportTable): Buffer {
  const records = [...table.rows, ...(table.totals ? [table.totals] : [])].map((row) =>
    row.map((v, i) => csvCell(table.columns[i].kind, v)),
  );
  return Buffer.from(stringify([table.columns.map((c) => c.header), ...records], { bom: true, record_delimiter: 'windows' }), 'utf8');
}

// Excel has no time zones: an instant is written as the wall-clock time in Vietnam.
const excelDate = (d: Date) => new Date(d.getTime() + VN_OFFSET_MS);

const NUM_FMT: Partial<Record<CellKind, string>> = { percent: '0.0%', datetime: 'dd/mm/yyyy hh:mm', int: '#,##0' };

/** One worksheet: a bold header row, frozen, filterable; percentages and dates as Excel numbers. */
export async function toXlsx(table: ReportTable): Promise<Buffer> {
  return toWorkbook([table], table.heading);
}

/** Several tables as the worksheets of one workbook (a report's views together), in order. */
export async function toWorkbook(tables: readonly ReportTable[], title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Directive engine';
  workbook.title = title;
  workbook.created = new Date();
  for (const table of tables) addSheet(workbook, table);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addSheet(workbook: ExcelJS.Workbook, table: ReportTable): void {
  const sheet = workbook.addWorksheet(table.sheetName.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
    headerFooter: { oddHeader: `&C&B${table.heading.replace(/&/g, '&&')}`, oddFooter: '&CTrang &P/&N' },
  });
  sheet.columns = table.columns.map((c) => ({
    header: c.header,
    width: c.width ?? (c.kind === 'text' ? 24 : 14),
    style: NUM_FMT[c.kind] ? { numFmt: NUM_FMT[c.kind] } : {},
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  const toExcel = (row: Cell[]) =>
    row.map((v, i) => (v instanceof Date ? excelDate(v) : table.columns[i].kind === 'percent' && v === null ? null : v));
  for (const row of table.rows) sheet.addRow(toExcel(row));
  if (table.totals) sheet.addRow(toExcel(table.totals)).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
}

/** Sends the table as an attachment in the requested format. */
export async function sendTable(res: Response, format: 'csv' | 'xlsx', table: ReportTable): Promise<void> {
  if (format === 'csv') {
    res.attachment(`${table.fileStem}.csv`).type('text/csv; charset=utf-8').send(toCsv(table));
    return;
  }
  const body = await toXlsx(table);
  res.attachment(`${table.fileStem}.xlsx`).type(XLSX_CONTENT_TYPE).send(body);
}

/** Sends several tables as one workbook, `fileStem.xlsx`. */
export async function sendWorkbook(res: Response, fileStem: string, title: string, tables: readonly ReportTable[]): Promise<void> {
  res
    .attachment(`${fileStem}.xlsx`)
    .type(XLSX_CONTENT_TYPE)
    .send(await toWorkbook(tables, title));
}
