import { z } from 'zod';

/** ISO-8601 instant with an explicit offset, e.g. 2025-11-15T00:00:00+07:00. */
export const instantSchema = z.iso.datetime({ offset: true });

/** Body of POST /api/v1/tasks: one directive item launched as a task (nhiệm vụ). */
export const launchTaskSchema = z.object({
  directiveNumber: z.string().trim().min(1).max(100),
  ref: z.string().trim().min(1).max(50),
  title: z.string().trim().min(1).max(2000),
  leadUnit: z.string().trim().min(1).max(100),
  coordinatingUnits: z.array(z.string().trim().min(1).max(100)).max(200).default([]),
  dueAt: instantSchema.nullable().default(null),
});
export type LaunchTask = z.infer<typeof launchTaskSchema>;

export const TASK_STATUSES = ['assigned', 'acknowledged', 'in_progress', 'submitted', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Input of the directiveTask workflow: the launch request plus the ids derived from it. */
export interface DirectiveTaskInput extends LaunchTask {
  taskId: string;
}

/** What the workflow's state query returns. */
export interface DirectiveTaskState {
  taskId: string;
  directiveNumber: string;
  ref: string;
  title: string;
  leadUnit: string;
  coordinatingUnits: string[];
  status: TaskStatus;
  launchedAt: string;
  originalDueAt: string | null;
  dueAt: string | null;
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The business id of a task: one per (directive number, item reference), so the same item
 * can never be launched twice; `01-TB/CQTT` + `2.3 (1)` -> `01-tb-cqtt.2-3-1`.
 */
export function taskIdFor(directiveNumber: string, ref: string): string {
  return `${slug(directiveNumber)}.${slug(ref)}`;
}

/** The Temporal workflow id of a task: derived, never random, so a retried launch finds the first. */
export function workflowIdFor(taskId: string): string {
  return `task-${taskId}`;
}
