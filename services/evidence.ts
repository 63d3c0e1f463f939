import type { Kysely } from 'kysely';
import { HttpProblem } from '../api/problems';
import { deletePendingEvidence, insertEvidence, markEvidenceAttached } from '../db/repositories/evidence';
import type { Database } from '../db/schema';
import type { EvidenceCommand } from '../domain/schemas/task-commands';

/**
 * An evidence file attached to a task, as the API's upload and the task page's form both do it:
 * stored first, so the workflow never cites a file the database does not hold; then recorded by the
 * workflow (`record`, the attachEvidence Update as each caller sends it); then marked attached.
 * Refused by the workflow (an HttpProblem), nothing was recorded and the row is dropped. Any other
 * failure leaves it pending: the Update may still have been applied, and the download reconciles.
 */
export async function attachEvidenceFile<T>(
  db: Kysely<Database>,
  file: { taskId: string; command: EvidenceCommand; content: Buffer; uploadedBy: string; unitCode: string },
  record: () => Promise<T>,
): Promise<T> {
  const { command } = file;
  await insertEvidence(db, {
    id: command.evidenceId,
    taskId: file.taskId,
    sha256: command.sha256,
    fileName: command.fileName,
    contentType: command.contentType,
    size: command.size,
    content: file.content,
    uploadedBy: file.uploadedBy,
    unitCode: file.unitCode,
    description: command.description,
  });
  let recorded: T;
  try {
    recorded = await record();
  } catch (err) {
    if (err instanceof HttpProblem) await deletePendingEvidence(db, command.evidenceId);
    throw err;
  }
  await markEvidenceAttached(db, command.evidenceId);
  return recorded;
}
