// The commands of a task's life, as one table: where each is allowed, who may give it, what else it
// checks, and what it changes. Zod-free: the workflow registers its Update handlers from this table.
import type { Actor, CompleteLaunch } from '../schemas/task';
import type {
  AcknowledgeCommand,
  ApproveCommand,
  CancelCommand,
  DecideExtensionCommand,
  EvidenceCommand,
  ReassignCommand,
  RecordMeasurementCommand,
  ReopenCommand,
  ReportProgressCommand,
  RequestExtensionCommand,
  ReturnCommand,
  SubmitCommand,
  SubmitReportCommand,
} from '../schemas/task-commands';
import { sendOffsetSeconds } from '../send-time';
import type { TaskState } from '../task';
import { EXTENSION_COMMANDS } from './commands/extension';
import { OWNERSHIP_COMMANDS } from './commands/ownership';
import { REOPEN } from './commands/reopen';
import { REPORTING_COMMANDS } from './commands/reporting';
import { REVIEW_COMMANDS } from './commands/review';
import { refusalByRule, type CommandOutcome, type CommandRule, type CommandRules, type Refusal } from './commands/rules';
import { WORK_COMMANDS } from './commands/work';
import { outboxFor } from './outbox';
import { copyOf, policyFor, recordOn, single, type Transition } from './state';

export { isLeadActor, type CommandOutcome, type CommandRule, type CommandRules, type Refusal } from './commands/rules';
export { REOPEN } from './commands/reopen';

/** Every command a task takes, by the name of its Update. */
export interface TaskCommands {
  acknowledge: AcknowledgeCommand;
  reportProgress: ReportProgressCommand;
  recordMeasurement: RecordMeasurementCommand;
  attachEvidence: EvidenceCommand;
  submit: SubmitCommand;
  approve: ApproveCommand;
  return: ReturnCommand;
  requestExtension: RequestExtensionCommand;
  decideExtension: DecideExtensionCommand;
  reassign: ReassignCommand;
  cancel: CancelCommand;
  submitReport: SubmitReportCommand;
}
export type CommandName = keyof TaskCommands;

type Table = { [K in CommandName]: CommandRule<TaskCommands[K]> };

/** The table of commands, one row per command, kept by group in `commands/`. */
export const TASK_COMMANDS: Table = {
  ...WORK_COMMANDS,
  ...REVIEW_COMMANDS,
  ...EXTENSION_COMMANDS,
  ...OWNERSHIP_COMMANDS,
  ...REPORTING_COMMANDS,
};

/** Why this actor may not reopen this task now, or null when it may. */
export const reopenRefusal = (state: TaskState, command: ReopenCommand, actor: Actor, now: number) =>
  refusalByRule(REOPEN, state, command, actor, now);

/**
 * The launch, the first event of every task: the lead and coordinating units hear of their assignment.
 * The official who launched it is its actor (histories started before the API passed one name the workflow).
 * With `spread` (issue 16) the task's send offset is fixed here and put on record with the launch.
 */
export function recordLaunch(
  state: TaskState,
  launch: CompleteLaunch,
  now: string,
  launchedBy?: Actor | null,
  o: { spread?: boolean } = {},
): Transition {
  const next = copyOf(state);
  if (o.spread) next.sendOffsetSeconds = sendOffsetSeconds(next.taskId, policyFor(launch).spreadMinutes);
  const notes = outboxFor(next, 'assigned', 'assigned', ['lead_unit', 'coordinating_units'], { level: null, event: {} }, now);
  const payload = o.spread ? { launch, sendOffsetSeconds: next.sendOffsetSeconds } : { launch };
  return single(next, recordOn(next, 'launched', launchedBy ?? null, payload, now, notes));
}

/** The command names, in the table's order. */
export const COMMAND_NAMES = Object.keys(TASK_COMMANDS) as CommandName[];

/** Why this actor may not give this command to a task in this state now, or null when it may. */
export function refusalOf<K extends CommandName>(
  name: K,
  state: TaskState,
  command: TaskCommands[K],
  actor: Actor,
  now: number,
): Refusal | null {
  return refusalByRule<TaskCommands[K]>(TASK_COMMANDS[name], state, command, actor, now);
}

/** The accepted command's change: the new state, its events and outbox rows, and what the workflow must redo. */
export function applyCommand<K extends CommandName>(
  name: K,
  state: TaskState,
  command: TaskCommands[K],
  actor: Actor,
  now: string,
  rules: CommandRules = {},
): CommandOutcome {
  const rule: CommandRule<TaskCommands[K]> = TASK_COMMANDS[name];
  return rule.apply(state, command, actor, now, rules);
}
