import path from 'node:path';
import { bundleWorkflowCode, type Logger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/**
 * Every workflow the worker runs is exported from here. A path, not require.resolve: vitest's
 * module runner cannot resolve a .ts file by its bare name.
 */
export const WORKFLOWS_PATH = path.resolve(__dirname, '../workflows/index.ts');

/**
 * Modules evaluated once per worker instead of once per workflow. With `reuseV8Context` (the
 * SDK's default) each workflow gets its own webpack module cache, so every cached workflow
 * evaluated, and kept, its own copy of zod: a large share of the ~1.6 MiB and ~20 ms of CPU each
 * workflow cost (bench/RESULTS.md, P5). Preloaded modules land in a shared cache before any
 * workflow exists and are then deep-frozen by the SDK, so only libraries that keep no
 * per-workflow state and never mutate their own module objects after load qualify:
 * - zod: its module-level state is the global config (set only by the API, never in workflows),
 *   registries (WeakMap/Map, unaffected by freezing) and `Cached` values computed at load;
 * - the lunar calendar library and the shipped calendar overrides: pure functions and data.
 * Our own `domain/` modules do NOT qualify: zod schemas patch themselves on first parse (the
 * memoizer, JIT-compiled object parsers), which throws on a frozen schema inside a workflow
 * ("Cannot assign to read only property 'parse'"); they stay per workflow.
 * test/temporal/replay.test.ts and every time-skipping test run this same bundle.
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
