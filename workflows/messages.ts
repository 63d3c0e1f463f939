import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CommandName, TaskCommands } from '../domain/lifecycle/commands';
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

/** The Update of a command of the lifecycle table, by the command's name. */
const commandUpdate = <K extends CommandName>(name: K) => defineUpdate<TaskState, [Envelope<TaskCommands[K]>]>(name);

export const acknowledgeUpdate = commandUpdate('acknowledge');
export const reportProgressUpdate = commandUpdate('reportProgress');
export const recordMeasurementUpdate = commandUpdate('recordMeasurement');
export const attachEvidenceUpdate = commandUpdate('attachEvidence');
export const submitUpdate = commandUpdate('submit');
export const approveUpdate = commandUpdate('approve');
export const returnUpdate = commandUpdate('return');
export const requestExtensionUpdate = commandUpdate('requestExtension');
export const decideExtensionUpdate = commandUpdate('decideExtension');
export const reassignUpdate = commandUpdate('reassign');
export const cancelUpdate = commandUpdate('cancel');
export const submitReportUpdate = commandUpdate('submitReport');

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
