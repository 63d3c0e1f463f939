import pino, { type Logger } from 'pino';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import { createDb, migrateDatabase } from '../db/client';
import type { Database } from '../db/schema';
import { apiLogDestination, createApp } from '../api/app';
import { startTokenCache } from '../api/auth';
import { createMetrics, temporalClientInterceptor } from '../api/metrics';
import { listen } from '../api/server';
import { connectClient, temporalAddress } from '../infra/temporal';
import { Teardown } from './teardown';

/** A running API: its own pool and Temporal client, listening. */
export interface ApiProcess {
  url: string;
  db: Kysely<Database>;
  temporal: Client;
  /**
   * No new connections, in-flight requests finish (cut after `closeGraceMs`), then the token
   * listener, the Temporal connection and the pool close. Idempotent; never rejects (a failing
   * step is logged and the next one still runs).
   */
  stop(): Promise<void>;
}

export interface ApiProcessOptions {
  /** Default: JSON lines at LOG_LEVEL on stdout through the batched destination (`apiLogDestination`). */
  logger?: Logger;
  /** Connect to Temporal on first use instead of at start (a reports-only benchmark has no server). */
  lazyTemporal?: boolean;
  /** How long `stop()` lets in-flight requests finish; 10 s as `RunningServer.close`. */
  closeGraceMs?: number;
}

/**
 * The API process's composition root (`api/main.ts`, `npm start`, the benchmarks): a pool on
 * DATABASE_URL (migrated), a Temporal client counting its starts and Updates in the metrics, the
 * token cache with its revocation listener, `createApp` listening on API_HOST:API_PORT.
 */
export async function startApiProcess(config: Config, o: ApiProcessOptions = {}): Promise<ApiProcess> {
  const databaseUrl = config.database.url;
  if (!databaseUrl) throw new Error('DATABASE_URL là bắt buộc khi chạy API');
  const logger = o.logger ?? pino({ level: config.logLevel }, apiLogDestination());
  const teardown = new Teardown((what, err) => logger.error({ err }, `Không dừng được ${what}: ${(err as Error)?.message ?? err}`));
  try {
    const db = createDb(databaseUrl);
    teardown.add('pool PostgreSQL của API', () => db.destroy());
    await migrateDatabase(db, config.database);
    const metrics = createMetrics();
    const interceptors = { workflow: [temporalClientInterceptor(metrics)] };
    const temporal = o.lazyTemporal
      ? new Client({
          connection: Connection.lazy({ address: temporalAddress(config.temporal) }),
          namespace: config.temporal.namespace,
          interceptors,
        })
      : await connectClient(config.temporal, undefined, { interceptors });
    teardown.add('kết nối Temporal của API', () => temporal.connection.close());
    const { tokens, close: closeTokens } = await startTokenCache({
      db,
      connectionString: databaseUrl,
      ttlMs: config.api.tokenCacheTtlMs,
      logger,
    });
    teardown.add('bộ đệm token', closeTokens);
    const app = createApp({
      db,
      temporal,
      taskQueue: config.temporal.taskQueue,
      logger,
      evidenceMaxBytes: config.evidence.maxBytes,
      metrics,
      rateLimitPerMinute: config.api.rateLimitPerMinute,
      tokens,
    });
    const server = await listen(app, config.api.host, config.api.port);
    teardown.add('máy chủ HTTP', () => server.close(o.closeGraceMs));
    return { url: server.url, db, temporal, stop: () => teardown.run() };
  } catch (err) {
    await teardown.run();
    throw err;
  }
}
