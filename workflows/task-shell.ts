import { ApplicationFailure, upsertSearchAttributes } from '@temporalio/workflow';
import type { z } from 'zod';
import { COMMAND_FAILURES, type TaskState } from '../domain/task';
import { AssignmentStatus, DirectiveNumber, DueAt, LeadUnit } from './search-attributes';

/*
 * What the task workflow's shell needs besides the lifecycle table: refusals as failures, the
 * command schemas loaded lazily, and the search attributes it keeps. Workflow code: deterministic.
 */

export function fail(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

export type CommandSchemas = typeof import('../domain/schemas/task-commands');

/**
 * The command schemas (the API's), loaded on a workflow's first command: webpack evaluates a
 * `require` inside a function when it is first called, into this workflow's own module cache, and
 * answers later calls from that cache. So only workflows that receive commands build the schemas,
 * and an idle cached workflow holds none. Loading sends nothing to the server: replays are unaffected.
 */
export function commandSchemas(): CommandSchemas {
  return require('../domain/schemas/task-commands');
}

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    fail(
      COMMAND_FAILURES.invalid,
      `Lệnh không hợp lệ: ${result.error.issues.map((issue) => `${issue.path.join('.') || '(lệnh)'}: ${issue.message}`).join('; ')}`,
    );
  }
  return result.data;
}

/** The task's search attributes as its state has them (async, as the shell awaits it: the turn is load-bearing). */
export async function upsertTaskSearchAttributes(state: TaskState): Promise<void> {
  upsertSearchAttributes([
    { key: LeadUnit, value: state.leadUnit },
    { key: AssignmentStatus, value: state.status },
    { key: DirectiveNumber, value: state.directiveNumber },
    ...(state.dueAt ? [{ key: DueAt, value: new Date(state.dueAt) }] : []),
  ]);
}
