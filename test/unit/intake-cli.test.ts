import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractResultSchema } from '../../domain/intake/schema';
import { SCANNED_PDF_MESSAGE } from '../../intake/document-text';
import { docx, pdf } from '../helpers/notice-files';

const repo = path.join(__dirname, '..', '..');
const run = (...args: string[]) => spawnSync('npx', ['tsx', 'cli/main.ts', ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });

describe('directive:extract', () => {
  it.each(['002_91dd9e19e489807d.txt', '004_2316aeaa4ca50f78.txt'])(
    'prints one JSON object matching the schema for %s',
    (fixture) => {
      const out = run('directive:extract', path.join('test', 'fixtures', fixture));
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout.trim().split('\n')).toHaveLength(1);
      const parsed = extractResultSchema.parse(JSON.parse(out.stdout));
      expect(parsed.items.length).toBeGreaterThan(0);
    },
    60_000,
  );

  it('answers a missing file in Vietnamese with exit code 2 and nothing on stdout', () => {
    const out = run('directive:extract', 'test/fixtures/khong-co.txt');
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('không tìm thấy tệp');
  }, 60_000);

  it('reads a .docx, and refuses a scanned PDF (OCR first) with exit code 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'directive-extract-'));
    const word = path.join(dir, 'thong-bao.docx');
    writeFileSync(
      word,
      await docx(['Số: 12-TB/BCĐ', 'THÔNG BÁO', '1. Giao Sở Tài chính chủ trì bố trí kinh phí, hoàn thành trước ngày 31/3/2026.']),
    );
    const out = run('directive:extract', word);
    expect(out.status, out.stderr).toBe(0);
    const parsed = extractResultSchema.parse(JSON.parse(out.stdout));
    expect(parsed.document).toMatchObject({ number: '12-TB/BCĐ', sources: { number: { text: 'Số: 12-TB/BCĐ', confidence: 1 } } });
    expect(parsed.items).toMatchObject([{ ref: '1', leadUnit: 'Sở Tài chính' }]);

    const scan = path.join(dir, 'scan.pdf');
    writeFileSync(scan, pdf(null));
    const refused = run('directive:extract', scan);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(SCANNED_PDF_MESSAGE);
  }, 60_000);
});
