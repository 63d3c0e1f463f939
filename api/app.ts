import express from 'express';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import pinoHttp from 'pino-http';
import pino, { type Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { pingDatabase } from '../db/client';
import type { Database } from '../db/schema';
import { problemHandler, notFound } from './problems';
import { tasksRouter } from './routes/tasks';
import { taskCommandsRouter } from './routes/task-commands';
import { directivesRouter } from './routes/directives';
import { authenticate, type TokenCache } from './auth';
import { idempotency } from './idempotency';
import { documentedContentTypes, verifyUtf8Body } from './request-body';
import { DEFAULT_EVIDENCE_MAX_BYTES, evidenceRouter } from './routes/evidence';
import { createMetrics, httpMetrics, metricsHandler, type Metrics } from './metrics';
import { DEFAULT_RATE_LIMIT_PER_MINUTE, rateLimitPerUser } from './rate-limit';
import { DOCS_PATH, OPENAPI_JSON_PATH, openApiDocument } from './openapi';
import { docsPage } from './docs-page';
import { reportsRouter } from './routes/reports';
import { inboxRouter } from './routes/inbox';
import { webRouter, type WebDeps } from '../web/router';

export interface AppDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** Where `/metrics` reads from; pass the one whose `temporalClientInterceptor` the client uses. A fresh one when absent. */
  metrics?: Metrics;
  /** Requests a minute per user on /api/v1 (`API_RATE_LIMIT_PER_MINUTE`); 0 turns the limit off. */
  rateLimitPerMinute?: number;
  /** Largest evidence file accepted (`EVIDENCE_MAX_BYTES`); 20 MiB when absent. */
  evidenceMaxBytes?: number;
  /**
   * Authenticated tokens kept in memory (`API_TOKEN_CACHE_TTL_SECONDS`), with its revocation
   * listener owned by the caller; absent, every request reads its token from the database.
   */
  tokens?: TokenCache;
  /** The web app's session lifetimes, sign-in limits, cookie security and clock (web/router.ts); defaults when absent. */
  web?: Omit<WebDeps, 'db' | 'logger'>;
}

/**
 * Where the API's logs go (stdout by default): written in batches of 4 KiB, or every second,
 * instead of one write(2) per line, which cost as much as the rest of the request logging (P1).
 * pino flushes it synchronously when the process exits; only a process killed outright (SIGKILL,
 * out of memory) loses up to the last second of lines.
 */
export function apiLogDestination(dest: string | number = 1) {
  return pino.destination({ dest, sync: false, minLength: 4096, periodicFlush: 1000 });
}

// A client's own request id is kept when it is a plain token; anything else is replaced.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The HTTP application, without listen(): tests drive it with supertest. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const metrics = deps.metrics ?? createMetrics();
  // Generated once, here, so that a schema the generator cannot handle stops the start, not a request.
  const openapi = openApiDocument();
  app.use(httpMetrics(metrics));
  app.use(
    pinoHttp({
      // Bearer tokens must never reach the logs.
      logger: deps.logger.child({}, { redact: ['req.headers.authorization'] }),
      // What an operator matches a report against (README, Request logs), not every header: serializing
      // and redacting the headers of each request was most of the logging's cost per launch (P1).
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
    }),
  );
  app.use(express.json({ limit: '1mb', verify: verifyUtf8Body }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.allSettled([pingDatabase(deps.db), deps.temporal.connection.workflowService.getSystemInfo({})]);
    const [database, temporal] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    const ready = database === 'ok' && temporal === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', database, temporal });
  });

  // Unauthenticated, like /healthz: scrape /metrics from inside the network only (see README, Operations).
  app.get('/metrics', metricsHandler(metrics));
  app.get(OPENAPI_JSON_PATH, (_req, res) => {
    res.json(openapi);
  });
  app.get(DOCS_PATH, docsPage(OPENAPI_JSON_PATH));

  app.use('/api/v1', authenticate(deps.tokens ?? deps.db), rateLimitPerUser(deps.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE));
  app.use('/api/v1', documentedContentTypes(openapi));
  app.use('/api/v1', idempotency(deps.db));
  app.use('/api/v1/tasks', evidenceRouter({ ...deps, maxBytes: deps.evidenceMaxBytes ?? DEFAULT_EVIDENCE_MAX_BYTES }));
  app.use('/api/v1/tasks', tasksRouter(deps), taskCommandsRouter(deps));
  app.use('/api/v1/directives', directivesRouter(deps));
  app.use('/api/v1/reports', reportsRouter(deps));
  app.use('/api/v1/inbox', inboxRouter(deps));
  // The pages for people (sign-in, inbox, tasks); everything under /api stays with the API's 404.
  // Their commands go through the same Updates as the API's (web/commands.ts).
  app.use(
    webRouter({
      db: deps.db,
      logger: deps.logger,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      evidenceMaxBytes: deps.evidenceMaxBytes ?? DEFAULT_EVIDENCE_MAX_BYTES,
      ...deps.web,
    }),
  );
  app.use((req, _res, next) => next(notFound(`Không có đường dẫn ${req.method} ${req.path}`)));
  app.use(problemHandler);
  return app;
}
