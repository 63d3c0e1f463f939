import { createHash } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { directiveImportSchema, discardDraftSchema, itemPatchSchema, launchItemsSchema } from '../../domain/directive';
import { extractDirective } from '../../domain/intake/extract';
import { cleanText } from '../../domain/intake/normalize';
import { listDirectives } from '../../db/repositories/directives';
import { DocumentTextError, documentText } from '../../intake/document-text';
import {
  createDirective,
  createDirectiveFromText,
  discardDraft,
  getDirective,
  launchItems,
  patchItem,
  SOURCE_TEXT_MAX,
  type DirectiveDeps,
} from '../../services/directives';
import { recordedActorOf, requireRole } from '../auth';
import { HttpProblem, invalid, parseOr400, PROBLEM_TYPES } from '../problems';
import { claimIdempotencyKey } from '../idempotency';
import { receiveUpload } from '../multipart';
import { verifyUtf8Body } from '../request-body';

const idParams = z.object({ id: z.string().regex(/^[a-z0-9.-]{1,160}$/, 'mã văn bản không hợp lệ') });
const itemParams = idParams.extend({ ref: z.string().min(1).max(50) });
const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

// YAML and plain text arrive as text; JSON is parsed by the app-wide parser.
const textBody = express.text({
  type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'],
  limit: '2mb',
  verify: verifyUtf8Body,
});

/** A notice's file, uploaded in the multipart field `file`: .docx, PDF with a text layer, or UTF-8 text. */
export const NOTICE_FILE_MAX_BYTES = 20 * 1024 * 1024;

const noticeUpload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: NOTICE_FILE_MAX_BYTES, files: 1, fields: 8, fieldSize: 16 * 1024, parts: 9 },
  defParamCharset: 'utf8',
}).single('file');

const refSchema = z.string().trim().min(1).max(50);

/**
 * `POST /directives/from-text`: the notice's text and the header the secretariat confirms. An
 * absent `number`, `issuer` or `issuedOn` takes the text's own reading; `number` is required when
 * the text's header gives none (422). `items` keeps only these refs of the proposal.
 */
export const directiveFromTextSchema = z.strictObject({
  text: z.string().trim().min(1).max(SOURCE_TEXT_MAX),
  number: directiveImportSchema.shape.number.optional(),
  issuer: directiveImportSchema.shape.issuer,
  issuedOn: directiveImportSchema.shape.issuedOn,
  items: z.array(refSchema).min(1).max(500).optional(),
});
/** The same as multipart form fields, the text coming from the file; `items` may repeat. */
const fromTextFields = directiveFromTextSchema.omit({ text: true }).extend({
  items: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(refSchema).min(1).max(500)).optional(),
});

const receive = (req: Request, res: Response) =>
  receiveUpload(noticeUpload, req, res, {
    tooLarge: `Tệp văn bản vượt quá giới hạn ${NOTICE_FILE_MAX_BYTES} byte`,
    tooManyFields: 'Biểu mẫu có quá nhiều trường hoặc trường quá dài',
  });

/**
 * The text of an uploaded notice (`documentText`): a wrong file type is 415, a scanned PDF (no
 * text layer: OCR first) or an unreadable file 422, with the message for the secretariat.
 */
async function uploadedText(file: Express.Multer.File): Promise<string> {
  try {
    const text = await documentText(file.buffer, file.originalname);
    if (!text.trim()) throw new DocumentTextError('Tệp không có nội dung văn bản.', 'unreadable');
    return text;
  } catch (err) {
    if (!(err instanceof DocumentTextError)) throw err;
    if (err.code === 'unsupported')
      throw new HttpProblem(415, PROBLEM_TYPES.unsupportedMediaType, 'Định dạng tệp không được chấp nhận', err.message, [
        { path: 'file', reason: err.message },
      ]);
    throw new HttpProblem(422, PROBLEM_TYPES.validation, 'Không đọc được văn bản', err.message, [{ path: 'file', reason: err.message }]);
  }
}

/**
 * A notice as the request carries it: multipart (`file`, plus the form's fields) or the route's
 * own body type. Claims the Idempotency-Key with what was read (a file by its SHA-256); null when
 * the request was a replay, already answered.
 */
async function noticeOf(
  req: Request,
  res: Response,
  db: DirectiveDeps['db'],
  own: () => { text: string; fields: unknown },
): Promise<{ text: string; fields: unknown } | null> {
  if (!req.is('multipart/form-data')) {
    const notice = own();
    return (await claimIdempotencyKey(db, req, res, req.body)) ? notice : null;
  }
  await receive(req, res);
  const file = req.file;
  const fields = { ...req.body };
  const sha256 = file ? createHash('sha256').update(file.buffer).digest('hex') : null;
  if (!(await claimIdempotencyKey(db, req, res, { fields, file: file && { name: file.originalname, sha256 } }))) return null;
  if (!file || file.size === 0)
    throw invalid('Thiếu tệp văn bản trong trường "file"', [{ path: 'file', reason: file ? 'tệp rỗng' : 'bắt buộc' }]);
  return { text: await uploadedText(file), fields };
}

const notText = () =>
  new HttpProblem(
    415,
    PROBLEM_TYPES.unsupportedMediaType,
    'Định dạng không được hỗ trợ',
    'Gửi nội dung văn bản với Content-Type: text/plain; charset=utf-8, hoặc tệp .docx/.pdf trong trường "file" của multipart/form-data',
  );

function bodyOf(req: express.Request): unknown {
  if (typeof req.body !== 'string') return req.body;
  try {
    return parseYaml(req.body);
  } catch (err) {
    throw new HttpProblem(400, PROBLEM_TYPES.malformed, 'Yêu cầu không đọc được', `YAML không hợp lệ: ${(err as Error).message}`);
  }
}

/** Directives: structured import (JSON or YAML), text intake, review of drafts, launch one or many items. */
export function directivesRouter(deps: DirectiveDeps): Router {
  const router = Router();
  const secretariat = requireRole('secretariat');

  router.post('/', secretariat, textBody, async (req, res) => {
    // A YAML body is only read here, so the Idempotency-Key is checked here too.
    if (typeof req.body === 'string' && !(await claimIdempotencyKey(deps.db, req, res, req.body))) return;
    const input = parseOr400(directiveImportSchema, bodyOf(req));
    const view = await createDirective(deps.db, input, recordedActorOf(req));
    res.status(201).location(`${req.baseUrl}/${view.id}`).json(view);
  });

  // Preview: the text of a notice (diacritics or OCR), or its .docx/.pdf -> the proposal, with where
  // each field was read. Writes nothing; `text` is the cleaned text the offsets refer to.
  router.post('/extract', secretariat, textBody, async (req, res) => {
    const notice = await noticeOf(req, res, deps.db, () => {
      if (typeof req.body !== 'string' || !req.body.trim()) throw notText();
      return { text: req.body, fields: {} };
    });
    if (!notice) return;
    res.json({ extract: extractDirective(notice.text), text: cleanText(notice.text) });
  });

  // Register: the text again (JSON, or the file as multipart) with the header the secretariat confirms.
  router.post('/from-text', secretariat, async (req, res) => {
    const notice = await noticeOf(req, res, deps.db, () => ({ text: '', fields: req.body }));
    if (!notice) return;
    const { text, ...confirmed } = req.is('multipart/form-data')
      ? { text: notice.text, ...parseOr400(fromTextFields, notice.fields) }
      : parseOr400(directiveFromTextSchema, notice.fields);
    const { extract, directive } = await createDirectiveFromText(deps.db, text, confirmed, recordedActorOf(req));
    res.status(201).location(`${req.baseUrl}/${directive.id}`).json({ extract, directive });
  });

  router.get('/', requireRole('secretariat', 'inspector', 'admin'), async (req, res) => {
    const { page, pageSize } = parseOr400(pageQuery, req.query, 'query');
    res.json({ items: await listDirectives(deps.db, page, pageSize), page, pageSize });
  });

  router.get('/:id', requireRole('secretariat', 'inspector', 'admin'), async (req, res) => {
    const { id } = parseOr400(idParams, req.params, 'path');
    res.json(await getDirective(deps.db, id));
  });

  router.patch('/:id/items/:ref', secretariat, async (req, res) => {
    const { id, ref } = parseOr400(itemParams, req.params, 'path');
    res.json(await patchItem(deps.db, id, ref, parseOr400(itemPatchSchema, req.body), recordedActorOf(req)));
  });

  // A draft that gives no one work (read by mistake) is discarded, not deleted: the record keeps who and why.
  router.post('/:id/items/:ref/discard', secretariat, async (req, res) => {
    const { id, ref } = parseOr400(itemParams, req.params, 'path');
    const { reason } = parseOr400(discardDraftSchema, req.body ?? {});
    res.json(await discardDraft(deps.db, id, ref, reason, recordedActorOf(req)));
  });

  router.post('/:id/launch', secretariat, async (req, res) => {
    const { id } = parseOr400(idParams, req.params, 'path');
    const { refs } = parseOr400(launchItemsSchema, req.body ?? {});
    const results = await launchItems(deps, id, refs, recordedActorOf(req));
    res.json({ id, results });
  });

  return router;
}
