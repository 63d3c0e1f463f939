import express, { Router } from 'express';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { directiveFromExtract, directiveImportSchema, itemPatchSchema, launchItemsSchema } from '../../domain/directive';
import { extractDirective } from '../../domain/intake/extract';
import { listDirectives } from '../../db/repositories/directives';
import { createDirective, getDirective, launchItems, patchItem, type DirectiveDeps } from '../../services/directives';
import { actorOf, recordedActorOf, requireRole } from '../auth';
import { HttpProblem, parseOr400, PROBLEM_TYPES } from '../problems';
import { claimIdempotencyKey } from '../idempotency';
import { verifyUtf8Body } from '../request-body';

const idParams = z.object({ id: z.string().regex(/^[a-z0-9-]{1,120}$/, 'mã văn bản không hợp lệ') });
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
    const view = await createDirective(deps.db, input, actorOf(req).login);
    res.status(201).location(`${req.baseUrl}/${view.id}`).json(view);
  });

  // The text of a notice (diacritics or OCR) -> a directive of drafts for the secretariat to review.
  router.post('/extract', secretariat, textBody, async (req, res) => {
    if (typeof req.body !== 'string' || !req.body.trim()) {
      throw new HttpProblem(
        415,
        PROBLEM_TYPES.unsupportedMediaType,
        'Định dạng không được hỗ trợ',
        'Gửi nội dung văn bản với Content-Type: text/plain; charset=utf-8',
      );
    }
    if (!(await claimIdempotencyKey(deps.db, req, res, req.body))) return;
    const extract = extractDirective(req.body);
    const view = await createDirective(deps.db, directiveFromExtract(extract, req.body), actorOf(req).login);
    res.status(201).location(`${req.baseUrl}/${view.id}`).json({ extract, directive: view });
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
    res.json(await patchItem(deps.db, id, ref, parseOr400(itemPatchSchema, req.body)));
  });

  router.post('/:id/launch', secretariat, async (req, res) => {
    const { id } = parseOr400(idParams, req.params, 'path');
    const { refs } = parseOr400(launchItemsSchema, req.body ?? {});
    const results = await launchItems(deps, id, refs, recordedActorOf(req));
    res.json({ id, results });
  });

  return router;
}
