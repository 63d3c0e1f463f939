// What every row of the lifecycle table (domain/lifecycle/commands.ts) is made of: the shape of a row,
// who may issue it, the refusals, and the one-event change most rows make.
import type * as CommandSchemaModule from '../../schemas/task-commands';
import type { Actor } from '../../schemas/task';
import { COMMAND_FAILURES, type TaskState, type TaskStatus } from '../../task';
import { copyOf, recordOn, single, type Transition } from '../state';

/** Why a command is refused; `type` is what the API maps to 409, 403 or 422. */
export interface Refusal {
  type: (typeof COMMAND_FAILURES)[keyof typeof COMMAND_FAILURES];
  message: string;
}

/** What an accepted command changes, beyond the state and its events. */
export interface CommandOutcome extends Transition {
  /** Re-plan reminders and escalations from this instant: what was due before it is history. */
  replanFrom?: string;
  /** The lead unit or the deadline changed: the search attributes follow at once. */
  searchAttributesChanged?: boolean;
}

type Issuer = 'lead' | 'leadOrCoordinating' | 'secretariat';

/** One row of the table. Checks run in order: status, issuer, then `check`. */
export interface CommandRule<C> {
  /** The zod schema in `domain/schemas/task-commands.ts` that the API and the Update validator parse it with. */
  schema: keyof typeof CommandSchemaModule & `${string}Schema`;
  /** The statuses it is allowed in (null: any), and the words for what cannot be done in another. */
  allowedIn: { statuses: readonly TaskStatus[] | null; doing: string };
  /** Who may issue it, and the words for what only they may do. */
  issuedBy: { issuer: Issuer; issuing: string };
  check?: (state: TaskState, command: C, actor: Actor, now: number) => Refusal | null;
  apply: (state: TaskState, command: C, actor: Actor, now: string, rules?: CommandRules) => CommandOutcome;
  /** What may follow once its event is written, judged on the state then: the last report completes a recurring obligation. */
  afterwards?: (state: TaskState, now: string) => Transition | null;
}

/** The rules of issue 13 a command applies behind its patch in the workflow (histories from before apply without them). */
export interface CommandRules {
  /** A periodic report sent after its due date puts the lead unit on record as late. */
  lateReports?: boolean;
}

export const WORKING: readonly TaskStatus[] = ['acknowledged', 'in_progress', 'returned'];

export const refused = (type: Refusal['type'], message: string): Refusal => ({ type, message });
export const invalid = (message: string) => refused(COMMAND_FAILURES.invalid, message);
export const invalidState = (message: string) => refused(COMMAND_FAILURES.invalidState, message);

const isOfficer = (actor: Actor) => actor.roles.includes('unit_officer') || actor.roles.includes('unit_head');
/** An officer or head of the lead (or co-lead) unit. */
export const isLeadActor = (state: TaskState, actor: Actor) =>
  (actor.unitCode === state.leadUnit || actor.unitCode === state.coLeadUnit) && isOfficer(actor);
const isCoordinatingActor = (state: TaskState, actor: Actor) => state.coordinatingUnits.includes(actor.unitCode) && isOfficer(actor);

const ISSUERS: Record<Issuer, { may: (state: TaskState, actor: Actor) => boolean; only: (state: TaskState, issuing: string) => string }> = {
  lead: { may: isLeadActor, only: (state, issuing) => `Chỉ cán bộ của đơn vị chủ trì (${state.leadUnit}) mới được ${issuing}` },
  leadOrCoordinating: {
    may: (state, actor) => isLeadActor(state, actor) || isCoordinatingActor(state, actor),
    only: (_, issuing) => `Chỉ đơn vị chủ trì hoặc phối hợp mới được ${issuing}`,
  },
  secretariat: {
    may: (_, actor) => actor.roles.includes('secretariat'),
    only: (_, issuing) => `Chỉ Cơ quan Thường trực mới được ${issuing}`,
  },
};

export function missingEvidence(state: TaskState, evidenceIds: readonly string[]): Refusal | null {
  const missing = evidenceIds.filter((id) => !state.evidence.some((e) => e.evidenceId === id));
  return missing.length ? invalid(`Minh chứng chưa được đính kèm: ${missing.join(', ')}`) : null;
}

/** The one-event change: copy, change, record with the command as payload unless `payload` says otherwise. */
export function change(
  state: TaskState,
  kind: string,
  actor: Actor,
  now: string,
  edit: (next: TaskState) => Record<string, unknown>,
): Transition {
  const next = copyOf(state);
  const payload = edit(next);
  return single(next, recordOn(next, kind, actor, payload, now));
}

/** The change into a status that stamps when it was entered: acknowledging, submitting for review. */
export const entering =
  <C extends Record<string, unknown>>(status: 'acknowledged' | 'submitted', stamp: 'acknowledgedAt' | 'submittedAt') =>
  (state: TaskState, command: C, actor: Actor, now: string): Transition =>
    change(state, status, actor, now, (next) => {
      next.status = status;
      next[stamp] = now;
      return command;
    });

/** Why this actor may not give the command of this row now, or null when it may. Checks run in order: status, issuer, then `check`. */
export function refusalByRule<C>(rule: CommandRule<C>, state: TaskState, command: C, actor: Actor, now: number): Refusal | null {
  const { statuses, doing } = rule.allowedIn;
  if (statuses && !statuses.includes(state.status))
    return invalidState(`Không thể ${doing} khi nhiệm vụ đang ở trạng thái "${state.status}"`);
  const issuer = ISSUERS[rule.issuedBy.issuer];
  if (!issuer.may(state, actor)) return refused(COMMAND_FAILURES.forbidden, issuer.only(state, rule.issuedBy.issuing));
  return rule.check?.(state, command, actor, now) ?? null;
}
