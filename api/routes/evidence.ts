import { createHash, randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { findEvidence, markEvidenceAttached } from '../../db/repositories/evidence';
import type { Database } from '../../db/schema';
import { evidenceSchema, type EvidenceCommand } from '../../domain/schemas/task-commands';
import { workflowIdFor } from '../../domain/task';
import * as messages from '../../workflows/messages';
import { actorOf, requireRole } from '../auth';
import { acceptedContentType, cleanFileName, sendEvidenceFile } from '../evidence-content';
import { claimIdempotencyKey } from '../idempotency';
import { receiveUpload } from '../multipart';
import { HttpProblem, invalid, notFound, parseOr400, PROBLEM_TYPES } from '../problems';
import { assertCanRead } from '../visibility';
import { route, sendUpdate } from './task-commands';
import { taskIdParams } from './params';
import { attachEvidenceFile } from '../../services/evidence';

export const DEFAULT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024;

export interface EvidenceRouterDeps {
  db: Kysely<Database>;
  temporal: Client;
  maxBytes: number;
}

const attachEvidence = route(messages.attachEvidenceUpdate, evidenceSchema);

const evidenceParams = taskIdParams.extend({ evidenceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'mã minh chứng không hợp lệ') });
const uploadFields = z.object({ description: z.string().trim().max(2000).default('') });

/** `ev_` and 12 random bytes: unguessable, and valid wherever the workflow expects an evidence id. */
const newEvidenceId = () => `ev_${randomBytes(12).toString('base64url')}`;

/** The evidence id of an upload sent with an Idempotency-Key: stable across its retries. */
export const evidenceIdFor = (login: string, taskId: string, idempotencyKey: string) =>
  `ev_${createHash('sha256').update(`${login}\n${taskId}\n${idempotencyKey}`).digest('base64url').slice(0, 24)}`;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MiB`;

/**
 * Evidence files (minh chứng): `POST /:id/evidence` takes one multipart file, stores its bytes and
 * SHA-256 in PostgreSQL, then has the workflow record it; `GET /:id/evidence/:evidenceId` gives the
 * same bytes back to whoever may read the task.
 */
export function evidenceRouter({ db, temporal, maxBytes }: EvidenceRouterDeps): Router {
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 16 * 1024, parts: 5 },
    // curl and browsers send UTF-8 file names; busboy would read them as latin1.
    defParamCharset: 'utf8',
  }).single('file');

  const receive = (req: Request, res: Response) =>
    receiveUpload(upload, req, res, {
      tooLarge: `Tệp minh chứng vượt quá giới hạn ${mib(maxBytes)} (${maxBytes} byte)`,
      tooManyFields: 'Biểu mẫu có quá nhiều trường hoặc trường quá dài; chỉ gửi "file" và "description"',
    });

  // The role and the task are checked before the upload is read: an unrelated unit never gets to send the bytes.
  router.post('/:id/evidence', requireRole('unit_officer'), async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params, 'path');
    const actor = actorOf(req);
    await assertCanRead(db, actor, id);
    if (!req.is('multipart/form-data')) {
      throw new HttpProblem(
        415,
        PROBLEM_TYPES.unsupportedMediaType,
        'Định dạng không được hỗ trợ',
        'Minh chứng được gửi dưới dạng multipart/form-data, tệp trong trường "file"',
      );
    }
    await receive(req, res);
    const file = req.file;
    const sha256 = file ? createHash('sha256').update(file.buffer).digest('hex') : null;
    const fields = { ...req.body };
    if (!(await claimIdempotencyKey(db, req, res, { fields, file: file && { name: file.originalname, type: file.mimetype, sha256 } })))
      return;

    const { description } = parseOr400(uploadFields, fields);
    if (!file || !sha256) {
      throw invalid('Thiếu tệp minh chứng trong trường "file"', [{ path: 'file', reason: 'bắt buộc' }]);
    }
    if (file.size === 0) {
      throw invalid('Tệp minh chứng rỗng', [{ path: 'file', reason: 'tệp rỗng' }]);
    }
    const contentType = await acceptedContentType(file);

    // With an Idempotency-Key the id is derived from it: a retry after a 503 or a lost answer is the
    // same file and the same Update (its id), never a second attachment of the same bytes.
    const key = req.get('idempotency-key');
    const command: EvidenceCommand = {
      evidenceId: key ? evidenceIdFor(actor.login, id, key) : newEvidenceId(),
      fileName: cleanFileName(file.originalname),
      sha256,
      contentType,
      size: file.size,
      description,
    };
    const state = await attachEvidenceFile(
      db,
      { taskId: id, command, content: file.buffer, uploadedBy: actor.login, unitCode: actor.unitCode },
      () => sendUpdate(temporal, req, attachEvidence, id, command, command.evidenceId),
    );

    const location = `${req.baseUrl}/${id}/evidence/${command.evidenceId}`;
    res
      .status(201)
      .location(location)
      .json({
        evidence: { id: command.evidenceId, sha256, size: command.size, contentType: command.contentType, fileName: command.fileName },
        state,
      });
  });

  /** True when the workflow has recorded a pending file (its Update outlived the upload request); marks it attached. */
  async function reconcile(taskId: string, evidenceId: string, sha256: string): Promise<boolean> {
    let state;
    try {
      state = await temporal.workflow.getHandle(workflowIdFor(taskId)).query(messages.getStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
    if (!state.evidence.some((e) => e.evidenceId === evidenceId && e.sha256 === sha256)) return false;
    await markEvidenceAttached(db, evidenceId);
    return true;
  }

  router.get('/:id/evidence/:evidenceId', async (req, res) => {
    const { id, evidenceId } = parseOr400(evidenceParams, req.params, 'path');
    await assertCanRead(db, actorOf(req), id);
    const row = await findEvidence(db, id, evidenceId);
    if (!row || (row.status === 'pending' && !(await reconcile(id, row.id, row.sha256)))) {
      throw notFound(`Nhiệm vụ ${id} không có minh chứng ${evidenceId}`);
    }
    sendEvidenceFile(res, row);
  });

  return router;
}
