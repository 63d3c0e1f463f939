import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

/*
 * Evidence files (`evidence`): stored before the workflow records them ('pending'), marked
 * 'attached' once it has. A pending row is either a refused upload being removed or an Update
 * that outlived its request (the download reconciles it).
 */

/** An evidence file with its bytes, as a download serves it. */
export interface EvidenceFile {
  id: string;
  sha256: string;
  fileName: string;
  contentType: string;
  size: number;
  content: Buffer;
  status: 'pending' | 'attached';
}

export interface NewEvidence extends Omit<EvidenceFile, 'status'> {
  taskId: string;
  uploadedBy: string;
  unitCode: string;
  description: string;
}

// Aliased to the names of `EvidenceFile`, so that rows come back as files.
const fileColumns = ['id', 'sha256', 'file_name as fileName', 'content_type as contentType', 'size', 'content', 'status'] as const;

/** Stores a file as pending; a retry of an upload whose first try stored it (then timed out) finds it there and writes nothing. */
export async function insertEvidence(db: Kysely<Database>, evidence: NewEvidence): Promise<void> {
  await db
    .insertInto('evidence')
    .values({
      id: evidence.id,
      task_id: evidence.taskId,
      sha256: evidence.sha256,
      file_name: evidence.fileName,
      content_type: evidence.contentType,
      size: evidence.size,
      content: evidence.content,
      uploaded_by: evidence.uploadedBy,
      unit_code: evidence.unitCode,
      description: evidence.description,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Removes a file the workflow refused; an attached one is never removed. */
export async function deletePendingEvidence(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('evidence').where('id', '=', id).where('status', '=', 'pending').execute();
}

/** Marks a file recorded by the workflow. */
export async function markEvidenceAttached(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('evidence')
    .set({ status: 'attached', attached_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** One file of a task, pending or attached. */
export async function findEvidence(db: Kysely<Database>, taskId: string, id: string): Promise<EvidenceFile | undefined> {
  const row = await db.selectFrom('evidence').select(fileColumns).where('id', '=', id).where('task_id', '=', taskId).executeTakeFirst();
  return row;
}
