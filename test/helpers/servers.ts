import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createDb } from '../../db/client';
import type { Activities } from '../../activities';

/** A pool on the run's shared PostgreSQL (already migrated by global setup). */
export function testDb() {
  return createDb(inject('databaseUrl'), 4);
}

type CreateEnv = (opts: object) => Promise<TestWorkflowEnvironment>;

/**
 * An environment on the run's shared time-skipping server. The SDK only offers time skipping
 * for a server it spawns itself (one per call); its internal `create` connects to an existing
 * one with time skipping on, which lets every file share a single server.
 */
export function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const create = (TestWorkflowEnvironment as unknown as { create: CreateEnv }).create.bind(TestWorkflowEnvironment);
  return create({ server: { type: 'existing' }, address: inject('timeSkippingAddress'), namespace: 'default', supportsTimeSkipping: true });
}

/** An environment on the run's shared dev server (real clock). */
export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: inject('devServerAddress'), namespace: 'default' });
}

/** A worker on its own task queue, running the pre-built workflow bundle. */
export async function testWorker(connection: NativeConnection, activities: Partial<Activities>, taskQueue = `test-${randomUUID()}`) {
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities,
  });
  return { worker, taskQueue };
}

export { uniq } from './ids';
