import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createDb, migrateToLatest } from '../db/client';
import { seedDemo, describeDemoUsers } from '../db/seed';
import { unitRegistry } from '../domain/units';
import { startEmbeddedPostgres } from '../infra/postgres';
import { spawn, stopChild, waitForPort } from '../infra/processes';
import { DEFAULT_HISTORY_SHARDS, portsFrom, startClusterTemporal, startTemporalUi } from '../infra/temporal-server';

const USAGE = `npm run start:cluster -- [--workers N] [--apis M] [--shards S]
  Cụm như môi trường sản xuất: PostgreSQL, Temporal server trên PostgreSQL, Temporal Web UI,
  N tiến trình worker và M tiến trình API (mặc định 2 và 2, 4 history shard).`;

/**
 * `npm run start:cluster`: the production shape on this machine. PostgreSQL holds Temporal's two
 * databases and ours; the Temporal server runs every service in one process; workers and APIs are
 * separate Node processes of the production entry points. Ctrl-C stops them in order.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '2' },
      apis: { type: 'string', default: '2' },
      shards: { type: 'string', default: String(DEFAULT_HISTORY_SHARDS) },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  const workers = positive(values.workers, '--workers');
  const apis = positive(values.apis, '--apis');
  const shards = positive(values.shards, '--shards');
  const config = loadConfig(process.env);
  const say = (m: string) => console.log(m);
  const dataDir = path.join(config.dataDir, 'cluster');
  fs.mkdirSync(dataDir, { recursive: true });

  const stops: Array<{ what: string; stop: () => Promise<void> }> = [];
  let stopping: Promise<void> | null = null;
  const stopAll = (code: number) => {
    // A second Ctrl-C while stopping must not cut the shutdown short: the same promise is returned.
    stopping ??= (async () => {
      say('Đang dừng cụm...');
      for (const { what, stop } of stops.reverse()) {
        await stop().catch((err) => console.error(`Không dừng được ${what}: ${(err as Error).message}`));
      }
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const pgPort = Number(process.env.CLUSTER_PG_PORT ?? 54339);
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: pgPort,
      binDir: config.database.binDir,
      database: 'directives',
    });
    stops.push({ what: 'PostgreSQL', stop: () => pg.stop() });
    say(`PostgreSQL: 127.0.0.1:${pgPort} (dữ liệu tại ${pg.dataDir})`);

    const persistence = { host: '127.0.0.1', port: pgPort, user: 'postgres', password: '' };
    const ports = portsFrom(Number(process.env.CLUSTER_TEMPORAL_PORT ?? 7633), Number(process.env.CLUSTER_UI_PORT ?? 8633));
    const temporal = await startClusterTemporal({
      cacheDir: config.cacheDir,
      dataDir,
      db: persistence,
      ports,
      shards,
      namespace: config.temporal.namespace,
      log: say,
    });
    stops.push({ what: 'Temporal server', stop: () => temporal.stop() });
    const { address, bin } = temporal;
    say(`Temporal server: ${address} (${shards} history shard, nhật ký tại ${path.join(dataDir, 'temporal-server.log')})`);

    let uiUrl: string | null = null;
    if (bin.ui) {
      const ui = await startTemporalUi({
        binary: bin.ui,
        rootDir: dataDir,
        frontendPort: ports.frontend,
        uiPort: ports.ui,
        logFile: path.join(dataDir, 'temporal-ui.log'),
      });
      stops.push({ what: 'Temporal Web UI', stop: () => stopChild(ui) });
      uiUrl = `http://127.0.0.1:${ports.ui}`;
    }

    // Migrations and demo data once, as the tables' owner, before any process that would race to
    // apply them; workers and APIs connect as directive_app.
    const db = createDb(pg.url, 2);
    await migrateToLatest(db);
    await seedDemo(db, unitRegistry);
    await db.destroy();

    const env = { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: config.temporal.namespace, DATABASE_URL: pg.appUrl };
    const entry = (file: string) => ['--import', 'tsx', path.join(__dirname, '..', file)];
    const children: ChildProcess[] = [];
    for (let i = 0; i < workers; i++) {
      const child = spawn(process.execPath, entry('worker/main.ts'), {
        env,
        stdio: ['ignore', logTo(dataDir, `worker-${i + 1}.log`), logTo(dataDir, `worker-${i + 1}.log`)],
      });
      children.push(child);
      stops.push({ what: `worker ${i + 1}`, stop: () => stopChild(child, 30_000) });
    }
    const apiUrls: string[] = [];
    for (let i = 0; i < apis; i++) {
      const port = config.api.port + i;
      const child = spawn(process.execPath, entry('api/main.ts'), {
        env: { ...env, API_PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` },
        stdio: ['ignore', logTo(dataDir, `api-${i + 1}.log`), logTo(dataDir, `api-${i + 1}.log`)],
      });
      children.push(child);
      stops.push({ what: `API ${i + 1}`, stop: () => stopChild(child, 15_000) });
      await waitForPort(port, `API ${i + 1}`, 120_000, child);
      apiUrls.push(`http://127.0.0.1:${port}`);
    }
    for (const child of children) {
      child.once('exit', (code, signal) => {
        if (!stopping) {
          console.error(`Một tiến trình của cụm đã dừng (mã ${code ?? signal}); xem nhật ký trong ${dataDir}`);
        }
      });
    }

    say(
      [
        'Cụm đã sẵn sàng:',
        ...apiUrls.map((url, i) => `  API ${i + 1}:            ${url}/api/v1`),
        `  Temporal:         ${address} (namespace ${config.temporal.namespace})`,
        ...(uiUrl ? [`  Temporal Web UI:  ${uiUrl}`] : []),
        `  Worker:           ${workers} tiến trình (nhật ký worker-*.log trong ${dataDir})`,
        `  PostgreSQL:       ${pg.url.replace(/\/directives$/, '/{directives,temporal,temporal_visibility}')}`,
        '',
        describeDemoUsers(),
        'Nhấn Ctrl-C để dừng (API, worker, UI, Temporal, PostgreSQL theo thứ tự).',
      ].join('\n'),
    );
  } catch (err) {
    console.error((err as Error).message);
    await stopAll(1);
  }
}

function positive(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 32) {
    console.error(`${flag} phải là số nguyên từ 1 đến 32\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

function logTo(dir: string, name: string): number {
  return fs.openSync(path.join(dir, name), 'a');
}

void main();
