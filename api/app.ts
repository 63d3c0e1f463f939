import express from 'express';
import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/schema';
import { problemHandler, notFound } from './problems';
import { tasksRouter } from './routes/tasks';
import { taskCommandsRouter } from './routes/task-commands';
import { directivesRouter } from './routes/directives';
import { authenticate } from './auth';

export interface AppDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

/** The HTTP application, without listen(): tests drive it with supertest. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      // Bearer tokens must never reach the logs.
      logger: deps.logger.child({}, { redact: ['req.headers.authorization'] }),
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
    }),
  );
  app.use(express.json({ limit: '1mb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.allSettled([
      sql`select 1`.execute(deps.db),
      deps.temporal.connection.workflowService.getSystemInfo({}),
    ]);
    const [database, temporal] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    const ready = database === 'ok' && temporal === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', database, temporal });
  });

  app.use('/api/v1', authenticate(deps.db));
  app.use('/api/v1/tasks', tasksRouter(deps), taskCommandsRouter(deps));
  app.use('/api/v1/directives', directivesRouter(deps));
  app.use((req, _res, next) => next(notFound(`Không có đường dẫn ${req.method} ${req.path}`)));
  app.use(problemHandler);
  return app;
}
