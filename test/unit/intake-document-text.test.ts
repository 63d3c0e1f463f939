import { describe, expect, it } from 'vitest';
import { DocumentTextError, SCANNED_PDF_MESSAGE, documentText } from '../../intake/document-text';
import { docx, pdf } from '../helpers/notice-files';

describe('documentText', () => {
  it('reads a .docx, diacritics and all', async () => {
    const file = await docx(['Số: 12-TB/BCĐ', '1. Giao Sở Khoa học và Công nghệ chủ trì; hoàn thành trước ngày 31/3/2026.']);
    expect(file.length).toBeLessThan(4096);
    const text = await documentText(file, 'thong-bao.docx');
    expect(text).toContain('Số: 12-TB/BCĐ');
    expect(text).toContain('Giao Sở Khoa học và Công nghệ chủ trì');
  });

  it('reads a PDF with a text layer', async () => {
    const text = await documentText(
      pdf(['So: 35/KH-UBND', '1. Giao So Tai chinh chu tri, hoan thanh truoc ngay 15/3/2026.']),
      'ke-hoach.pdf',
    );
    expect(text).toContain('35/KH-UBND');
    expect(text).toContain('hoan thanh truoc ngay 15/3/2026');
  });

  it('refuses a scanned PDF with no text layer, saying it needs OCR first', async () => {
    const scan = documentText(pdf(null), 'scan.pdf');
    await expect(scan).rejects.toBeInstanceOf(DocumentTextError);
    await expect(scan).rejects.toThrow(SCANNED_PDF_MESSAGE);
    expect(SCANNED_PDF_MESSAGE).toMatch(/OCR/);
  });

  it('passes UTF-8 text through and refuses text that is not UTF-8', async () => {
    expect(await documentText(Buffer.from('\uFEFFSố: 80 /TB-UBND', 'utf8'), 'tb.txt')).toBe('Số: 80 /TB-UBND');
    await expect(documentText(Buffer.from([0x53, 0xf6, 0x3a]), 'tb.txt')).rejects.toThrow(/UTF-8/);
  });
});

describe('documentText refuses what is not a notice', () => {
  it('refuses an image or a spreadsheet by its name as unsupported', async () => {
    for (const name of ['anh.png', 'bang.xlsx', 'thong-bao.doc']) {
      const refused = documentText(Buffer.from('not a notice'), name);
      await expect(refused).rejects.toMatchObject({ code: 'unsupported' });
    }
    expect(await documentText(Buffer.from('Số: 1-TB/X'), 'thong-bao')).toBe('Số: 1-TB/X');
  });
});
