import { Router } from 'express';
import type { Kysely } from 'kysely';
import { h } from 'preact';
import { sendEvidenceFile } from '../../api/evidence-content';
import { seesAll } from '../../api/visibility';
import { verifyAuditChain } from '../../db/repositories/audit';
import { findEvidence } from '../../db/repositories/evidence';
import type { SessionUser } from '../../db/repositories/sessions';
import { taskTrails } from '../../db/repositories/task-trails';
import { findTaskDetail, taskStateSnapshot } from '../../db/repositories/task-views';
import { taskUnits } from '../../db/repositories/tasks';
import type { Database } from '../../db/schema';
import { actorOfUser, requireSignIn, webUserOf } from '../auth/session';
import { WebError } from '../errors';
import { DossierPage } from '../pages/dossier-page';
import { sendPage } from '../render';
import { unreadCountOf } from './page-context';

export interface InspectionDeps {
  db: Kysely<Database>;
  now?: () => Date;
}

/** Whether the person may read the task: as the API's reads (api/visibility.ts), but 404 either way. */
async function assertVisible(db: Kysely<Database>, user: SessionUser, id: string): Promise<void> {
  // A unit that has nothing to do with a task is told it does not exist: an id typed by hand reveals nothing.
  const units = /^[a-z0-9][a-z0-9.-]{0,200}$/.test(id) ? await taskUnits(db, id) : null;
  if (!units || (!seesAll(actorOfUser(user)) && !units.includes(user.unitCode)))
    throw new WebError(404, 'Không tìm thấy nhiệm vụ', `Không có nhiệm vụ "${id}", hoặc nhiệm vụ này không thuộc phạm vi của đơn vị bạn.`);
}

/** The inspection committee's reading of one task: its evidence files and its dossier for print. */
export function inspectionRouter({ db, now = () => new Date() }: InspectionDeps): Router {
  const router = Router();

  // The file as the API serves it (same repository, same headers); one not yet attached is not offered.
  router.get('/tasks/:id/evidence/:evidenceId', requireSignIn(), async (req, res) => {
    const id = String(req.params.id);
    const evidenceId = String(req.params.evidenceId);
    await assertVisible(db, webUserOf(req), id);
    const row = /^[A-Za-z0-9_-]{1,64}$/.test(evidenceId) ? await findEvidence(db, id, evidenceId) : undefined;
    if (!row || row.status !== 'attached')
      throw new WebError(404, 'Không tìm thấy minh chứng', `Nhiệm vụ "${id}" không có minh chứng "${evidenceId}".`);
    sendEvidenceFile(res, row);
  });

  router.get('/tasks/:id/dossier', requireSignIn(), async (req, res) => {
    const user = webUserOf(req);
    const id = String(req.params.id);
    await assertVisible(db, user, id);
    const task = await findTaskDetail(db, id);
    if (!task) throw new WebError(404, 'Không tìm thấy nhiệm vụ', `Không có nhiệm vụ "${id}".`);
    const [events, chain, state, unreadCount] = await Promise.all([
      taskTrails(db, [id]),
      verifyAuditChain(db, id),
      taskStateSnapshot(db, id),
      unreadCountOf(db, user),
    ]);
    sendPage(res, 200, h(DossierPage, { user, unreadCount, task, events, chain, state, printedAt: now() }));
  });

  return router;
}
