import type { Response } from 'express';
import type { EvidenceFile } from '../db/repositories/evidence';
import { fileTypeFromBuffer } from 'file-type';
import { HttpProblem, PROBLEM_TYPES } from './problems';

/** The evidence formats accepted, by the MIME type they are stored and served as. */
export const EVIDENCE_TYPES: Readonly<Record<string, string>> = Object.freeze({
  'application/pdf': 'PDF',
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
  'application/zip': 'ZIP',
  'text/plain': 'TXT',
  'text/csv': 'CSV',
});

const TEXT_TYPES = new Set(['text/plain', 'text/csv']);

// Names browsers and office software send for the same formats.
const ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'application/x-pdf': 'application/pdf',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
};

export type ContentCheck = { ok: true; contentType: string } | { ok: false; declared: string; detected: string; reason: string };

const normalize = (mime: string) => {
  const bare = mime.split(';')[0].trim().toLowerCase();
  return ALIASES[bare] ?? bare;
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text is accepted only as UTF-8 with no control bytes but tab, CR, LF and form feed. */
function isPlainUtf8(bytes: Buffer): boolean {
  try {
    utf8.decode(bytes);
  } catch {
    return false;
  }
  for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) || b === 0x7f) return false;
  return true;
}

/**
 * Compares the declared type of an upload with what its bytes are. Binary formats must carry the
 * signature of the declared one; text must have no signature at all and be plain UTF-8.
 */
export async function checkEvidenceContent(declaredType: string, bytes: Buffer): Promise<ContentCheck> {
  const declared = normalize(declaredType || 'application/octet-stream');
  const signature = await fileTypeFromBuffer(bytes);
  let detected: string;
  if (signature) detected = signature.mime;
  else if (isPlainUtf8(bytes)) detected = TEXT_TYPES.has(declared) ? declared : 'text/plain';
  else detected = 'application/octet-stream';

  if (!(declared in EVIDENCE_TYPES)) {
    return { ok: false, declared, detected, reason: `loại tệp ${declared} không được nhận` };
  }
  if (declared !== detected) {
    return { ok: false, declared, detected, reason: `tệp khai báo là ${declared} nhưng nội dung thực tế là ${detected}` };
  }
  return { ok: true, contentType: declared };
}

/** The type an upload is stored as; 415 naming both types when its bytes are not what it declares. */
export async function acceptedContentType(file: { originalname: string; mimetype: string; buffer: Buffer }): Promise<string> {
  const checked = await checkEvidenceContent(file.mimetype, file.buffer);
  if (checked.ok) return checked.contentType;
  throw new HttpProblem(
    415,
    PROBLEM_TYPES.unsupportedMediaType,
    'Định dạng tệp không được chấp nhận',
    `Không nhận tệp "${cleanFileName(file.originalname)}": ${checked.reason} (khai báo: ${checked.declared}; nhận diện: ${checked.detected}). Chỉ nhận ${EVIDENCE_TYPES_VI}`,
    [{ path: 'file', reason: `khai báo ${checked.declared}, nội dung ${checked.detected}` }],
  );
}

/** The accepted formats, for messages. */
export const EVIDENCE_TYPES_VI = `${Object.values(EVIDENCE_TYPES).join(', ')} (văn bản TXT/CSV phải mã hóa UTF-8)`;

// C0, DEL and C1 controls; bidi marks, embeddings, overrides and isolates (a name shown as "fdp.exe"
// can be "exe.pdf" with U+202E); zero-width characters and the BOM. None belongs in a file name.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const MAX_NAME = 255;

/** Without invisible and control characters, cut to 255 UTF-16 units on a code point (never inside a surrogate pair). */
function visibleName(name: string): string {
  const visible = name.replace(INVISIBLE, '').replace(LONE_SURROGATE, '').trim();
  if (visible.length <= MAX_NAME) return visible;
  let cut = '';
  for (const point of visible) {
    if (cut.length + point.length > MAX_NAME) break;
    cut += point;
  }
  return cut.trim();
}

/** The last path segment of an uploaded name, NFC, without control or invisible characters, at most 255 units; never empty. */
export function cleanFileName(raw: string): string {
  const base = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  return visibleName(base) || 'minh-chung';
}

/**
 * `Content-Disposition: attachment` with an ASCII fallback (Vietnamese diacritics dropped) and the
 * exact UTF-8 name as RFC 5987 `filename*`, which every current browser prefers.
 */
export function contentDisposition(stored: string): string {
  // Names stored before the cleaning above may still hold invisible characters: never send them.
  const fileName = visibleName(stored) || 'minh-chung';
  const fallback = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Serves an evidence file as stored: its type, its name, its SHA-256 (the API's and the web pages' downloads). */
export function sendEvidenceFile(res: Response, row: EvidenceFile): void {
  res.set({
    'Content-Type': row.contentType.startsWith('text/') ? `${row.contentType}; charset=utf-8` : row.contentType,
    'Content-Disposition': contentDisposition(row.fileName),
    ETag: `"${row.sha256}"`,
    'X-Content-SHA256': row.sha256,
    // Served as stored, never reinterpreted by the browser.
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-cache',
  });
  // res.send sets Content-Length and answers 304 to a matching If-None-Match.
  res.send(row.content);
}
