import path from 'node:path';
import { bundleWorkflowCode, type Logger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/**
 * Every workflow the worker runs is exported from here. A path, not require.resolve: vitest's
 * module runner cannot resolve a .ts file by its bare name.
 */
export const WORKFLOWS_PATH = path.resolve(__dirname, '../workflows/index.ts');

/**
 * Modules evaluated once per worker instead of once per workflow; only libraries that survive the
 * SDK's deep freeze qualify, never our own `domain/` modules. See docs/architecture.md,
 * "Preloaded once per worker". Every worker, replay and time-skipping test runs this same bundle.
 */
export const PRELOADED_MODULES = [
  'zod',
  'vietnamese-lunar-calendar/build/solar-lunar',
  path.resolve(__dirname, '../domain/calendar-overrides.json'),
];

/** The options every worker (and every pre-built bundle) uses, so tests run what production runs. */
export const BUNDLER_OPTIONS = { preloadModules: PRELOADED_MODULES };

/** Bundles the workflows once, for workers that share a pre-built bundle (tests, replay). */
export function bundleWorkflows(logger?: Logger): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...BUNDLER_OPTIONS, logger });
}
