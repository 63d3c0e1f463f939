import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig, withServers } from '../config';
import { describeDemoUsers, seedDemo } from '../db/seed';
import { unitRegistry } from '../domain/units';
import { startApiProcess } from '../app/api-process';
import { startWorkerProcess } from '../app/worker-process';
import { consoleLogger } from '../app/console-logger';
import { onShutdownSignals } from '../app/signals';
import { Teardown } from '../app/teardown';
import { startEmbeddedPostgres, stopLeftoverPostgres } from '../infra/postgres';
import { locateTemporalCli, startDevServer } from '../infra/temporal-cli';
import { connectClient, registerSearchAttributes } from '../infra/temporal';
import { isListening, stopChild } from '../infra/processes';
import { cmdlineOf, recordedProcess, recordProcess, stopRecordedProcess } from '../infra/leftovers';
import { startWatchdog, type Watchdog } from '../infra/watchdog';

/** Thrown between start steps once a stop was asked for: what started so far is stopped, nothing more starts. */
class StopRequested extends Error {}

/**
 * `npm start`: the whole system on embedded defaults, or on TEMPORAL_ADDRESS / DATABASE_URL when
 * they are set; worker and API in this process, PostgreSQL and the dev server as its servers.
 * How it stops, and what a crash leaves: docs/architecture.md, "One process for `npm start`".
 */
async function main() {
  const config = loadConfig(process.env);
  const logger = consoleLogger(config.logLevel);
  // The SDK must not react to signals itself: it would start the worker's shutdown behind our back.
  // The worker's own logs (bundling, state changes) only matter when something is wrong.
  Runtime.install({
    logger: new DefaultLogger(config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN'),
    shutdownSignals: [],
  });
  const say = (m: string) => logger.info(m);
  const teardown = new Teardown((what, err) => logger.error({ err }, `Không dừng được ${what}: ${(err as Error)?.message ?? err}`));

  let stopRequested = false;
  let starting: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | null = null;
  const stop = (code: number, why = 'Đang dừng hệ thống...') => {
    stopRequested = true;
    stopping ??= (async () => {
      if (code === 0) say(why);
      else logger.error(why);
      // A start under way runs to its next step first, so whatever it started is stopped too.
      await starting.catch(() => undefined);
      await teardown.run();
      say('Đã dừng.');
      process.exit(code);
    })();
    return stopping;
  };
  onShutdownSignals(
    ['SIGINT', 'SIGTERM', 'SIGHUP'],
    () => void stop(0),
    () => say('Đang dừng, xin chờ: các tiến trình được dừng lần lượt, không cần nhấn Ctrl-C thêm.'),
  );
  // npm killed, the terminal gone: nobody is left to press Ctrl-C, so stop rather than run on unseen.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(0, 'Tiến trình cha đã dừng: đang dừng hệ thống...');
  }, 1_000).unref();

  const step = () => {
    if (stopRequested) throw new StopRequested();
  };

  const start = async () => {
    const dataDir = config.dataDir;
    fs.mkdirSync(dataDir, { recursive: true });
    const instanceFile = path.join(dataDir, 'npm-start.pid');
    const devServerFile = path.join(dataDir, 'temporal.pid');
    const pgDir = path.join(dataDir, 'postgres');

    const other = recordedProcess(instanceFile);
    if (other)
      throw new Error(
        `npm start đang chạy (pid ${other.pid}) trên thư mục dữ liệu ${dataDir}: hãy dừng nó trước (Ctrl-C trong cửa sổ của nó, hoặc kill ${other.pid}).`,
      );
    recordProcess(instanceFile, process.pid);
    teardown.add('tệp pid của npm start', () => fs.rmSync(instanceFile, { force: true }));

    // What a previous run that did not stop left on this data directory.
    const leftovers: string[] = [];
    if (!config.database.url) {
      const pid = await stopLeftoverPostgres({ dataDir: pgDir, binDir: config.database.binDir });
      if (pid) leftovers.push(`PostgreSQL (pid ${pid})`);
    }
    if (!config.temporal.address) {
      const pid = await stopRecordedProcess(devServerFile);
      if (pid) leftovers.push(`Temporal dev server (pid ${pid})`);
    }
    if (leftovers.length) say(`Lần chạy trước chưa dừng hẳn: đã dừng ${leftovers.join(' và ')} còn chạy trên ${dataDir}; khởi động lại.`);
    step();

    let watchdog: Watchdog | undefined;
    const guard = (pid: number, signal: 'SIGTERM' | 'SIGINT') => {
      if (!watchdog) {
        const w = (watchdog = startWatchdog(dataDir));
        teardown.add('watchdog', () => w.release());
      }
      watchdog.guard(pid, signal);
    };

    let databaseUrl = config.database.url;
    let migrationDatabaseUrl = config.database.migrationUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({
        dataDir: pgDir,
        port: config.database.port,
        binDir: config.database.binDir,
        database: 'directives',
      });
      guard(pg.pid, 'SIGINT');
      teardown.add('PostgreSQL', async () => {
        await pg.stop();
        watchdog?.unguard(pg.pid);
      });
      // The tables' owner migrates; the worker and the API connect as directive_app, which cannot
      // change the audit trail or disable its triggers.
      databaseUrl = pg.appUrl;
      migrationDatabaseUrl = pg.url;
      say(`PostgreSQL: ${pg.url} (dữ liệu tại ${pg.dataDir}); worker và API kết nối với vai trò directive_app`);
      setInterval(() => {
        if (!stopRequested && cmdlineOf(pg.pid) === undefined)
          void stop(
            1,
            `PostgreSQL (pid ${pg.pid}) đã dừng bất ngờ: đang dừng hệ thống. Xem ${path.join(pg.dataDir, 'server.log')}, rồi chạy lại npm start.`,
          );
      }, 1_000).unref();
    }
    step();

    let address = config.temporal.address;
    let webUi: string | undefined;
    if (!address) {
      if (await isListening(config.temporal.devPort)) {
        throw new Error(`Cổng ${config.temporal.devPort} đã bị chiếm: hãy dừng tiến trình đó hoặc đặt TEMPORAL_DEV_PORT`);
      }
      const binary = await locateTemporalCli({ explicitPath: config.temporal.cliPath, cacheDir: config.cacheDir, log: say });
      step();
      if (binary) {
        const logFile = path.join(dataDir, 'temporal.log');
        await startDevServer({
          binary,
          port: config.temporal.devPort,
          uiPort: config.temporal.uiPort,
          namespace: config.temporal.namespace,
          dbFile: path.join(dataDir, 'temporal.sqlite'),
          logFile,
          detached: true,
          onSpawn: (child: ChildProcess) => {
            const pid = child.pid!;
            recordProcess(devServerFile, pid);
            guard(pid, 'SIGTERM');
            teardown.add('Temporal dev server', async () => {
              await stopChild(child);
              watchdog?.unguard(pid);
              fs.rmSync(devServerFile, { force: true });
            });
            child.once('exit', (code, signal) => {
              if (!stopRequested)
                void stop(
                  1,
                  `Temporal dev server (pid ${pid}) đã dừng bất ngờ (${code ?? signal}): đang dừng hệ thống. Xem ${logFile}, rồi chạy lại npm start.`,
                );
            });
          },
        });
        address = `127.0.0.1:${config.temporal.devPort}`;
        webUi = `http://127.0.0.1:${config.temporal.uiPort}`;
      } else {
        // Last resort on machines with internet: the SDK downloads the CLI itself (not persisted).
        say('Không tìm thấy Temporal CLI; thử để SDK tự tải về...');
        const env = await TestWorkflowEnvironment.createLocal({
          server: { namespace: config.temporal.namespace, ui: true, uiPort: config.temporal.uiPort },
        });
        teardown.add('Temporal dev server', () => env.teardown());
        address = env.address;
        webUi = `http://127.0.0.1:${config.temporal.uiPort}`;
      }
    }
    step();

    const registrar = await connectClient(config.temporal, address);
    try {
      await registerSearchAttributes(registrar, config.temporal.namespace, (m) => logger.warn(m));
    } finally {
      await registrar.connection.close();
    }
    step();

    const servers = withServers(config, { databaseUrl, migrationDatabaseUrl, temporalAddress: address });
    const worker = await startWorkerProcess(servers, { logger });
    teardown.add('worker', () => worker.stop());
    worker.running.then(
      () => {
        if (!stopRequested) void stop(1, 'Worker đã dừng bất ngờ: đang dừng hệ thống.');
      },
      (err: Error) => {
        if (!stopRequested) void stop(1, `Worker đã dừng vì lỗi: ${err.message}`);
      },
    );
    say(`Migrations: ${worker.migrations.length ? worker.migrations.join(', ') : 'đã cập nhật'}`);
    const seeded = await seedDemo(worker.db, unitRegistry, undefined, { passwords: !config.database.url });
    say(`Dữ liệu mẫu: ${seeded.unitsCreated.length} đơn vị, ${seeded.usersCreated.length} người dùng mới`);
    step();

    // The same process root as api/main.ts: token cache with LISTEN, metrics, request logs.
    const api = await startApiProcess(servers, { logger });
    teardown.add('API', () => api.stop());

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
  };

  starting = start();
  starting.catch((err) => {
    if (err instanceof StopRequested) return;
    logger.error({ err }, (err as Error).message);
    void stop(1, 'Khởi động không thành công: đang dừng những gì đã chạy...');
  });
}

void main();
