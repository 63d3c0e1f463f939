import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, expect, inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createDb } from '../../db/client';
import { migrationProvider } from '../../db/migrations';
import type { Activities } from '../../activities';

/** A pool on the run's shared PostgreSQL (already migrated by global setup). */
export function testDb() {
  return createDb(inject('databaseUrl'), 4);
}

/**
 * A database of this file's own on the shared server, for testing a migration on rows written before
 * it: `migratedTo(name)` creates it and migrates it up to that migration; it is dropped after the file.
 */
export function useScratchDatabase() {
  const admin = testDb();
  const name = `migration_${randomUUID().replace(/-/g, '')}`;
  let db: Kysely<any> | undefined;
  afterAll(async () => {
    await db?.destroy();
    await sql`drop database if exists ${sql.id(name)}`.execute(admin);
    await admin.destroy();
  });
  return {
    async migratedTo(migration: string): Promise<Kysely<any>> {
      await sql`create database ${sql.id(name)}`.execute(admin);
      const url = new URL(inject('databaseUrl'));
      url.pathname = `/${name}`;
      db = createDb(url.toString(), 2);
      const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(migration);
      expect(error).toBeUndefined();
      return db;
    },
  };
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
