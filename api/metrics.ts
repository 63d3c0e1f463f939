import type { Request, RequestHandler } from 'express';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus metrics, on a registry of their own rather than prom-client's global
 * one, so that several apps (tests) never register the same metric twice.
 */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  workflowStarts: Counter<'workflow_type' | 'outcome'>;
  workflowUpdates: Counter<'update' | 'outcome' | 'failure_type'>;
  temporalDuration: Histogram<'operation' | 'outcome'>;
}

/** A fresh registry with Node's default metrics, the HTTP histogram and the Temporal client counters. */
export function createMetrics({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, Express route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    workflowStarts: new Counter({
      name: 'temporal_workflow_starts_total',
      help: 'Workflow starts by workflow type and outcome (started, already_started, failed)',
      labelNames: ['workflow_type', 'outcome'],
      registers: [registry],
    }),
    workflowUpdates: new Counter({
      name: 'temporal_workflow_updates_total',
      help: 'Workflow Updates by name and outcome (completed, accepted, rejected, failed); failure_type is the ApplicationFailure type or the error name',
      labelNames: ['update', 'outcome', 'failure_type'],
      registers: [registry],
    }),
    temporalDuration: new Histogram({
      name: 'temporal_client_request_duration_seconds',
      help: 'Temporal client calls made by the API (start, update, query) by outcome',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}

/**
 * Follows assignments to `req.route` to keep the full route pattern (mount path + route path).
 * Express restores `req.baseUrl` when an error leaves a router, so reading both at `finish`
 * would lose the mount path of every failed request.
 */
function trackRoutePattern(req: Request): () => string | undefined {
  let route: unknown = req.route;
  let pattern: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      if (value?.path !== undefined) pattern = `${req.baseUrl}${String(value.path)}`;
    },
  });
  return () => pattern;
}

/**
 * Times every request into `http_request_duration_seconds`. The label is the route pattern
 * (`/api/v1/tasks/:id`), never the raw URL, so ids and scanners cannot grow the series; a request
 * that matched no route (404, or refused before routing, e.g. 401) counts as `(unmatched)`.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    const pattern = trackRoutePattern(req);
    res.once('finish', () => end({ method: req.method, route: pattern() ?? '(unmatched)', status: String(res.statusCode) }));
    next();
  };
}

/** `GET /metrics` in the Prometheus text format. */
export function metricsHandler(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}

const errorName = (err: unknown) => (err instanceof Error ? err.name : 'unknown');

/**
 * Counts the API's workflow starts and Updates, passed to `new Client({ interceptors: { workflow: [...] } })`.
 * A rejected Update (validator or handler failure) is not an exception at this level: the
 * server answers with an outcome carrying the failure, which `handle.result()` throws later.
 */
export function temporalClientInterceptor(metrics: Metrics): WorkflowClientInterceptor {
  const timed = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    const end = metrics.temporalDuration.startTimer({ operation });
    try {
      const result = await call();
      end({ outcome: 'ok' });
      return result;
    } catch (err) {
      end({ outcome: 'error' });
      throw err;
    }
  };
  return {
    async startWithDetails(input, next) {
      try {
        const output = await timed('start', () => next(input));
        metrics.workflowStarts.inc({ workflow_type: input.workflowType, outcome: 'started' });
        return output;
      } catch (err) {
        const outcome = errorName(err) === 'WorkflowExecutionAlreadyStartedError' ? 'already_started' : 'failed';
        metrics.workflowStarts.inc({ workflow_type: input.workflowType, outcome });
        throw err;
      }
    },
    async startUpdate(input, next) {
      try {
        const output = await timed('update', () => next(input));
        const failure = output.outcome?.failure;
        if (failure) {
          metrics.workflowUpdates.inc({
            update: input.updateName,
            outcome: 'rejected',
            failure_type: failure.applicationFailureInfo?.type || 'unknown',
          });
        } else {
          metrics.workflowUpdates.inc({ update: input.updateName, outcome: output.outcome ? 'completed' : 'accepted', failure_type: '' });
        }
        return output;
      } catch (err) {
        metrics.workflowUpdates.inc({ update: input.updateName, outcome: 'failed', failure_type: errorName(err) });
        throw err;
      }
    },
    query(input, next) {
      return timed('query', () => next(input));
    },
  };
}
