/**
 * Test data every HTTP test shares: the files units upload and the "6 rõ" launch the secretariat
 * sends. Defined once so a file's setup says what it needs ("a PDF", "a complete launch"), not how.
 */
import { createHash } from 'node:crypto';
import type request from 'supertest';
import type { CompleteLaunch } from '../../domain/schemas/task';
import { uniq } from './ids';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The complete launch the pure lifecycle tests start from: item 2.4 of notice 01, due at the end of 14/11/2025. */
export function completeLaunch(overrides: Partial<CompleteLaunch> = {}): CompleteLaunch {
  return {
    directiveNumber: '01-TB/CQTT',
    ref: '2.4',
    title: 'Xây dựng Trung tâm giám sát an ninh mạng',
    description: '',
    leadUnit: 'CA_TINH',
    coLeadUnit: null,
    responsibleOfficial: 'Giám đốc Công an tỉnh',
    coordinatingUnits: ['SO_TC', 'SNV'],
    deadline: { kind: 'date', dueAt: '2025-11-15T00:00:00+07:00' },
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy',
    decidedBy: 'VP_TU',
    expectedResult: 'Trung tâm hoạt động',
    targets: [],
    ...overrides,
  };
}

/** A tiny PDF: a catalog and one empty page. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' +
    '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n' +
    'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n' +
    'trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n188\n%%EOF\n',
  'latin1',
);

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A supertest parser that reads a download as raw bytes whatever its type (superagent hands it the response stream). */
export function asBytes(res: request.Response | NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

export interface LaunchOptions {
  directiveNumber?: string;
  ref?: string;
  /** A quarterly report obligation instead of a dated task. */
  recurring?: boolean;
  /** Due 20 days ago: the deadline, escalation and urging timers fire at once. */
  overdue?: boolean;
  dueInDays?: number;
}

/** The body of `POST /api/v1/tasks` with all "6 rõ", led by `units.lead`, decided by `units.office`. */
export function launchBody(units: { office: string; lead: string; coordinating?: string }, o: LaunchOptions = {}): Record<string, any> {
  const { directiveNumber = `01-TB/CQTT-${uniq()}`, ref = '2.3 (1)', recurring = false, overdue = false, dueInDays = 60 } = o;
  return {
    directiveNumber,
    ref,
    title: 'Thuê hạ tầng Data Center (DC) để lưu trữ dữ liệu trên nền tảng điện toán đám mây',
    leadUnit: units.lead,
    coordinatingUnits: units.coordinating ? [units.coordinating] : [],
    responsibleOfficial: 'Giám đốc Sở Khoa học và Công nghệ',
    deadline: recurring
      ? { kind: 'recurring', rule: { freq: 'quarterly', dueOffsetDays: 0 }, until: null }
      : { kind: 'date', dueAt: new Date(Date.now() + (overdue ? -20 : dueInDays) * DAY).toISOString() },
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
    decidedBy: units.office,
    standingOffice: units.office,
    expectedResult: 'Hạ tầng DC được thuê để lưu trữ dữ liệu đám mây',
    targets: [{ id: 'phu-song-5g', metric: 'Tỷ lệ phủ sóng 5G', comparator: '>=', value: 62, unit: '%' }],
  };
}
