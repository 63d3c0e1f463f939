import { proxyActivities, setHandler, condition } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { DirectiveTaskInput, DirectiveTaskState } from '../domain/task';
import { getStateQuery } from './messages';

const { recordTaskLaunched } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** One directive item carried from launch to done. */
export async function directiveTask(input: DirectiveTaskInput): Promise<DirectiveTaskState> {
  const state: DirectiveTaskState = {
    taskId: input.taskId,
    directiveNumber: input.directiveNumber,
    ref: input.ref,
    title: input.title,
    leadUnit: input.leadUnit,
    coordinatingUnits: input.coordinatingUnits,
    status: 'assigned',
    // The sandbox's Date is the workflow task's time: deterministic on replay.
    launchedAt: new Date().toISOString(),
    originalDueAt: input.dueAt,
    dueAt: input.dueAt,
  };
  setHandler(getStateQuery, () => state);
  await recordTaskLaunched(state);
  await condition(() => state.status === 'completed' || state.status === 'cancelled');
  return state;
}
