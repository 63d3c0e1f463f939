import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { DefaultLogger } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config';
import { createDb, migrateToLatest } from '../db/client';
import { startEmbeddedPostgres, makeThrowawayDir } from '../infra/postgres';
import { locateTemporalCli, startDevServer, SEARCH_ATTRIBUTES } from '../infra/temporal-cli';
import { provisionTestServer } from '../infra/temporal-test-server';
import { freePort, spawn, stopChild, waitForPort } from '../infra/processes';
import { Client, Connection } from '@temporalio/client';
import { registerSearchAttributes } from '../infra/temporal';
import { bundleWorkflows } from '../worker/bundle';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    timeSkippingAddress: string;
    devServerAddress: string;
    workflowBundlePath: string;
  }
}

/**
 * One set of real servers for the whole run: a throwaway PostgreSQL, Temporal's time-skipping
 * test server and a Temporal dev server (in memory). Provisioned the same way `npm start` does;
 * a missing server fails the run rather than skipping tests.
 */
export default async function setup(project: TestProject) {
  const config = loadConfig(process.env);
  const log = (m: string) => console.log(`[global-setup] ${m}`);
  const stops: Array<() => Promise<void>> = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => console.error(err));
  };
  try {
    await startServers(project, config, log, stops);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}

async function startServers(
  project: TestProject,
  config: ReturnType<typeof loadConfig>,
  log: (m: string) => void,
  stops: Array<() => Promise<void>>,
) {
  const pgDir = makeThrowawayDir('directive-engine-test-');
  const pg = await startEmbeddedPostgres({
    dataDir: pgDir,
    port: await freePort(),
    binDir: config.database.binDir,
    database: 'directives_test',
  });
  stops.push(async () => {
    await pg.stop();
    fs.rmSync(path.dirname(pgDir), { recursive: true, force: true });
  });
  const db = createDb(pg.url, 2);
  await migrateToLatest(db);
  await db.destroy();

  const testServer = await provisionTestServer(config.cacheDir, log);
  const tsPort = await freePort();
  const tsChild: ChildProcess = spawn(testServer, [String(tsPort)], { stdio: 'ignore' });
  stops.push(() => stopChild(tsChild));
  await waitForPort(tsPort, 'Temporal time-skipping test server', 60_000, tsChild);

  const cli = await locateTemporalCli({ explicitPath: config.temporal.cliPath, cacheDir: config.cacheDir, log });
  if (!cli) throw new Error('Temporal CLI not found and could not be built (is Go installed?)');
  const devPort = await freePort();
  const devChild = await startDevServer({ binary: cli, port: devPort, uiPort: null, namespace: 'default', dbFile: null });
  stops.push(() => stopChild(devChild));

  for (const address of [`127.0.0.1:${tsPort}`, `127.0.0.1:${devPort}`]) {
    const connection = await Connection.connect({ address });
    await registerSearchAttributes(new Client({ connection }), 'default', (m) => {
      throw new Error(`${address}: ${m}`);
    });
    await connection.close();
  }

  // Bundling once saves every test file a webpack run.
  const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'directive-engine-bundle-'));
  const bundlePath = path.join(bundleDir, 'workflows.js');
  const { code } = await bundleWorkflows(new DefaultLogger('WARN'));
  fs.writeFileSync(bundlePath, code);
  stops.push(async () => fs.rmSync(bundleDir, { recursive: true, force: true }));

  project.provide('databaseUrl', pg.url);
  project.provide('timeSkippingAddress', `127.0.0.1:${tsPort}`);
  project.provide('devServerAddress', `127.0.0.1:${devPort}`);
  project.provide('workflowBundlePath', bundlePath);
  log(
    `PostgreSQL ${pg.url}; time-skipping server :${tsPort}; dev server :${devPort}; search attributes ${Object.keys(SEARCH_ATTRIBUTES).join(',')}`,
  );
}
