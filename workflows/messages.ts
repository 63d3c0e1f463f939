import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CommandName, TaskCommands } from '../domain/lifecycle/commands';
import type {
  AcknowledgeCommand,
  ApproveCommand,
  CancelCommand,
  DecideExtensionCommand,
  EvidenceCommand,
  ReassignCommand,
  RecordMeasurementCommand,
  ReportProgressCommand,
  RequestExtensionCommand,
  ReturnCommand,
  SubmitCommand,
  SubmitReportCommand,
} from '../domain/schemas/task-commands';
import type { Envelope, TaskState } from '../domain/task';

// Message definitions live apart from workflow code so the API can import them without
// pulling the workflow itself into its bundle. Every command is an Update with a validator:
// a rejected command never enters history, an accepted one answers after its audit row is written.

/** The full current state of a task. */
export const getStateQuery = defineQuery<TaskState>('getState');

/**
 * The decided working days changed (`services/calendar.ts`): the task reloads its calendar and re-plans.
 * A Signal, not an Update: the sender waits for no task, and a repeated signal only reloads once more.
 */
export const calendarChangedSignal = defineSignal('calendarChanged');

export const acknowledgeUpdate = defineUpdate<TaskState, [Envelope<AcknowledgeCommand>]>('acknowledge');
export const reportProgressUpdate = defineUpdate<TaskState, [Envelope<ReportProgressCommand>]>('reportProgress');
export const recordMeasurementUpdate = defineUpdate<TaskState, [Envelope<RecordMeasurementCommand>]>('recordMeasurement');
export const attachEvidenceUpdate = defineUpdate<TaskState, [Envelope<EvidenceCommand>]>('attachEvidence');
export const submitUpdate = defineUpdate<TaskState, [Envelope<SubmitCommand>]>('submit');
export const approveUpdate = defineUpdate<TaskState, [Envelope<ApproveCommand>]>('approve');
export const returnUpdate = defineUpdate<TaskState, [Envelope<ReturnCommand>]>('return');
export const requestExtensionUpdate = defineUpdate<TaskState, [Envelope<RequestExtensionCommand>]>('requestExtension');
export const decideExtensionUpdate = defineUpdate<TaskState, [Envelope<DecideExtensionCommand>]>('decideExtension');
export const reassignUpdate = defineUpdate<TaskState, [Envelope<ReassignCommand>]>('reassign');
export const cancelUpdate = defineUpdate<TaskState, [Envelope<CancelCommand>]>('cancel');
export const submitReportUpdate = defineUpdate<TaskState, [Envelope<SubmitReportCommand>]>('submitReport');

/** The Update of each command of the lifecycle table (`domain/lifecycle/commands.ts`), by the same name. */
export const commandUpdates: { [K in CommandName]: UpdateDefinition<TaskState, [Envelope<TaskCommands[K]>]> } = {
  acknowledge: acknowledgeUpdate,
  reportProgress: reportProgressUpdate,
  recordMeasurement: recordMeasurementUpdate,
  attachEvidence: attachEvidenceUpdate,
  submit: submitUpdate,
  approve: approveUpdate,
  return: returnUpdate,
  requestExtension: requestExtensionUpdate,
  decideExtension: decideExtensionUpdate,
  reassign: reassignUpdate,
  cancel: cancelUpdate,
  submitReport: submitReportUpdate,
};
