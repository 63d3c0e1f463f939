import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import pino from 'pino';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../config';
import { createDb, migrateToLatest } from '../db/client';
import { describeDemoUsers, seedDemo } from '../db/seed';
import { unitRegistry } from '../domain/units';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { startTokenCache } from '../api/auth';
import { createMetrics, temporalClientInterceptor } from '../api/metrics';
import { listen } from '../api/server';
import { createWorker } from '../worker/create-worker';
import { startDelivery } from '../delivery';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../infra/postgres';
import { locateTemporalCli, startDevServer } from '../infra/temporal-cli';
import { connectClient, connectWorker, registerSearchAttributes } from '../infra/temporal';
import { isListening, stopChild } from '../infra/processes';

/**
 * `npm start`: the whole system on embedded defaults, or on TEMPORAL_ADDRESS / DATABASE_URL
 * when they are set. Worker and API run in this process; PostgreSQL and the Temporal dev
 * server are children that Ctrl-C stops before we exit.
 */
async function main() {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel });
  // The worker's own logs (bundling, state changes) only matter when something is wrong.
  Runtime.install({ logger: new DefaultLogger(config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN') });
  const say = (m: string) => logger.info(m);
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('Đang dừng hệ thống...');
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => logger.error({ err }, 'cleanup failed'));
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    fs.mkdirSync(config.dataDir, { recursive: true });

    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      const pg: EmbeddedPostgres = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        port: config.database.port,
        binDir: config.database.binDir,
        database: 'directives',
      });
      cleanups.push(() => pg.stop());
      databaseUrl = pg.url;
      say(`PostgreSQL: ${databaseUrl} (dữ liệu tại ${pg.dataDir})`);
    }
    const db = createDb(databaseUrl);
    cleanups.push(() => db.destroy());
    const applied = await migrateToLatest(db);
    say(`Migrations: ${applied.length ? applied.join(', ') : 'đã cập nhật'}`);
    const seeded = await seedDemo(db, unitRegistry, undefined, { passwords: !config.database.url });
    say(`Dữ liệu mẫu: ${seeded.unitsCreated.length} đơn vị, ${seeded.usersCreated.length} người dùng mới`);

    let address = config.temporal.address;
    let webUi: string | undefined;
    if (!address) {
      if (await isListening(config.temporal.devPort)) {
        throw new Error(`Cổng ${config.temporal.devPort} đã bị chiếm: hãy dừng tiến trình đó hoặc đặt TEMPORAL_DEV_PORT`);
      }
      const binary = await locateTemporalCli({ explicitPath: config.temporal.cliPath, cacheDir: config.cacheDir, log: say });
      if (binary) {
        const child: ChildProcess = await startDevServer({
          binary,
          port: config.temporal.devPort,
          uiPort: config.temporal.uiPort,
          namespace: config.temporal.namespace,
          dbFile: path.join(config.dataDir, 'temporal.sqlite'),
          logFile: path.join(config.dataDir, 'temporal.log'),
        });
        cleanups.push(() => stopChild(child));
        address = `127.0.0.1:${config.temporal.devPort}`;
        webUi = `http://127.0.0.1:${config.temporal.uiPort}`;
      } else {
        // Last resort on machines with internet: the SDK downloads the CLI itself (not persisted).
        say('Không tìm thấy Temporal CLI; thử để SDK tự tải về...');
        const env = await TestWorkflowEnvironment.createLocal({ server: { namespace: config.temporal.namespace, ui: true, uiPort: config.temporal.uiPort } });
        cleanups.push(() => env.teardown());
        address = env.address;
        webUi = `http://127.0.0.1:${config.temporal.uiPort}`;
      }
    }

    const metrics = createMetrics();
    const temporal = await connectClient(config.temporal, address, { interceptors: { workflow: [temporalClientInterceptor(metrics)] } });
    cleanups.push(() => temporal.connection.close());
    await registerSearchAttributes(temporal, config.temporal.namespace, (m) => logger.warn(m));

    const workerConnection = await connectWorker(config.temporal, address);
    const worker = await createWorker({
      connection: workerConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createActivities({ db }),
      maxCachedWorkflows: config.worker.maxCachedWorkflows,
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
      await workerConnection.close();
    });
    // Stopped before the worker (cleanups run in reverse), after the API.
    const delivery = startDelivery({ db, config, logger });
    cleanups.push(() => delivery.stop());

    // The same token cache as api/main.ts: revocations by `token:revoke` reach it through LISTEN.
    const { tokens, close: closeTokens } = await startTokenCache({ db, connectionString: databaseUrl, ttlMs: config.api.tokenCacheTtlMs, logger });
    cleanups.push(closeTokens);
    const server = await listen(createApp({ db, temporal, taskQueue: config.temporal.taskQueue, logger, evidenceMaxBytes: config.evidence.maxBytes, metrics, rateLimitPerMinute: config.api.rateLimitPerMinute, tokens }), config.api.host, config.api.port);
    cleanups.push(() => server.close());

    const lines = [
      'Hệ thống đã sẵn sàng:',
      `  API:              ${config.api.publicBaseUrl}/api/v1`,
      `  Sức khỏe:         ${config.api.publicBaseUrl}/readyz`,
      `  Tài liệu API:     ${config.api.publicBaseUrl}/docs`,
      `  Temporal:         ${address} (namespace ${config.temporal.namespace})`,
      ...(webUi ? [`  Temporal Web UI:  ${webUi}`] : []),
      '',
      describeDemoUsers(undefined, seeded.demoPassword ? { url: config.api.publicBaseUrl, password: seeded.demoPassword } : undefined),
      'Nhấn Ctrl-C để dừng.',
    ];
    console.log(lines.join('\n'));
    await running.catch(async (err) => {
      logger.error({ err }, 'worker stopped');
      await stop(1);
    });
  } catch (err) {
    logger.error({ err }, (err as Error).message);
    await stop(1);
  }
}

void main();
