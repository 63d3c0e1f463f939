import { defineQuery } from '@temporalio/workflow';
import type { DirectiveTaskState } from '../domain/task';

// Message definitions live apart from workflow code so the API can import them without
// pulling the workflow itself into its bundle.

/** The full current state of a task. */
export const getStateQuery = defineQuery<DirectiveTaskState>('getState');
