import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { refusalOf, type CommandName as LifecycleCommand, type TaskCommands } from '../domain/lifecycle/commands';
import type { Actor } from '../domain/roles';
import { evidenceSchema, type EvidenceCommand } from '../domain/schemas/task-commands';
import { COMMAND_FAILURES, type TaskState } from '../domain/task';
import { acceptedContentType, cleanFileName } from '../api/evidence-content';
import { HttpProblem, invalid, PROBLEM_TYPES } from '../api/problems';
import { COMMAND_ROUTES, COMMAND_WAIT_MS, executeCommand, route, type CommandName, type CommandRoute } from '../api/routes/task-commands';
import * as messages from '../workflows/messages';
import { attachEvidenceFile } from '../services/evidence';

export type { CommandName };

/** The actor as the workflow's envelope carries it (what the API's `sendUpdate` sends). */
export const envelopeActor = (actor: Actor) => ({ userId: actor.login, unitCode: actor.unitCode, roles: actor.roles });

/**
 * Sends one command from a page as the API does (`api/routes/task-commands.ts`'s `sendUpdate`, which
 * reads the actor and the Idempotency-Key from an API request): the same Update, the same envelope,
 * the same bounded wait and the same mapping of refusals to 409/403/422 problems. `updateId`, when
 * given, makes a resent form the same Update.
 */
export function sendTaskCommand<C>(
  temporal: Client,
  actor: Actor,
  commandRoute: CommandRoute<C>,
  taskId: string,
  body: unknown,
  updateId?: string,
): Promise<TaskState> {
  return executeCommand(temporal, actor, commandRoute, taskId, body, {
    updateId,
    pending: () =>
      new HttpProblem(
        503,
        PROBLEM_TYPES.unavailable,
        'Dịch vụ tạm thời gián đoạn',
        `Lệnh chưa được ghi nhận xong sau ${COMMAND_WAIT_MS / 1000} giây; lệnh có thể đã được tiếp nhận. Hãy tải lại trang nhiệm vụ để xem diễn biến trước khi gửi lại.`,
      ),
  });
}

/** Sends one of the API's named commands (`COMMAND_ROUTES`). */
export function sendNamedCommand(temporal: Client, actor: Actor, name: CommandName, taskId: string, body: unknown): Promise<TaskState> {
  return sendTaskCommand(temporal, actor, COMMAND_ROUTES[name] as CommandRoute<unknown>, taskId, body);
}

const attachEvidence = route(messages.attachEvidenceUpdate, evidenceSchema);

export interface UploadedFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

export interface StoredEvidence {
  id: string;
  fileName: string;
  sha256: string;
  size: number;
  contentType: string;
}

/**
 * One evidence file from a page, stored as the API's evidence route stores it: content checked
 * against its declared type, bytes and SHA-256 in PostgreSQL first (the workflow never cites a file
 * the database lacks), then `attachEvidence`; refused by the workflow, the pending row goes.
 */
export async function uploadEvidence(
  db: Kysely<Database>,
  temporal: Client,
  actor: Actor,
  taskId: string,
  file: UploadedFile,
  description: string,
): Promise<StoredEvidence> {
  const name = cleanFileName(file.originalname);
  if (file.size === 0) throw invalid(`Tệp "${name}" rỗng`);
  const contentType = await acceptedContentType(file);
  const sha256 = createHash('sha256').update(file.buffer).digest('hex');
  const command: EvidenceCommand = {
    evidenceId: `ev_${randomBytes(12).toString('base64url')}`,
    fileName: name,
    sha256,
    contentType,
    size: file.size,
    description,
  };
  await attachEvidenceFile(db, { taskId, command, content: file.buffer, uploadedBy: actor.login, unitCode: actor.unitCode }, () =>
    sendTaskCommand(temporal, actor, attachEvidence, taskId, command, command.evidenceId),
  );
  return { id: command.evidenceId, fileName: command.fileName, sha256, size: command.size, contentType: command.contentType };
}

// A stand-in of each command for asking the lifecycle table whether the command is open at all: its
// content checks (a date in the past, an empty reason) answer `invalid`, which still means "offered".
const PROBES: { [K in LifecycleCommand]: TaskCommands[K] } = {
  acknowledge: { note: '' },
  reportProgress: { text: '-', percent: null },
  recordMeasurement: { targetId: '', value: 0, measuredOn: '2000-01-01', evidenceIds: [], note: '' },
  attachEvidence: { evidenceId: '~probe~', fileName: '-', sha256: '0'.repeat(64), contentType: 'text/plain', size: 1, description: '' },
  submit: { summary: '-', evidenceIds: ['~probe~'] },
  approve: { note: '' },
  return: { reason: '-' },
  requestExtension: { requestedDueAt: '2000-01-01T00:00:00+07:00', reason: '-' },
  decideExtension: { approve: false, newDueAt: null, reason: '' },
  reassign: { newLeadUnit: '~', responsibleOfficial: '-', reason: '-' },
  cancel: { reason: '-' },
  submitReport: { periodKey: '~probe~', summary: '-', evidenceIds: [] },
};

/**
 * The commands this person may give this task now, by the lifecycle's own table (`refusalOf`): a
 * command is offered unless its status or its issuer rule refuses it (or a state check such as "an
 * extension is already pending"); a refusal of the probe's content alone still offers the form.
 */
export function availableCommands(state: TaskState, actor: Actor, now: Date): Set<LifecycleCommand> {
  const open = new Set<LifecycleCommand>();
  for (const name of Object.keys(PROBES) as LifecycleCommand[]) {
    const refusal = refusalOf(name, state, PROBES[name] as never, envelopeActor(actor), now.getTime());
    if (!refusal || refusal.type === COMMAND_FAILURES.invalid) open.add(name);
  }
  return open;
}
