import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { DomainError } from '../domain/errors';

// People read these messages: zod's own reasons in Vietnamese.
z.config(z.locales.vi());

/** Stable problem types (RFC 9457 `type`), one list for the whole API. */
export const PROBLEM_TYPES = {
  validation: 'validation-error',
  missingSixClear: 'missing-six-clear',
  malformed: 'malformed-request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not-found',
  conflict: 'conflict',
  tooLarge: 'payload-too-large',
  unsupportedMediaType: 'unsupported-media-type',
  tooManyRequests: 'too-many-requests',
  unavailable: 'service-unavailable',
  internal: 'internal-error',
} as const;

/** The body of every error answer (RFC 9457, `application/problem+json`); the OpenAPI document is generated from it. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string(),
  errors: z.array(z.object({ path: z.string(), reason: z.string() })).optional(),
});
export type ProblemDocument = z.infer<typeof problemSchema>;

export interface FieldError {
  path: string;
  reason: string;
}

/** An error the API answers with a problem document instead of a 500. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? title);
  }
}

export const notFound = (detail: string) => new HttpProblem(404, PROBLEM_TYPES.notFound, 'Không tìm thấy', detail);
export const conflict = (detail: string) => new HttpProblem(409, PROBLEM_TYPES.conflict, 'Xung đột trạng thái', detail);
/** 400: the request is readable but a field of it is wrong (`errors` name the fields and why). */
export const invalid = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(400, PROBLEM_TYPES.validation, 'Dữ liệu không hợp lệ', detail, errors);

/** Every zod issue as a field path and its reason, for people and for programs. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', reason: issue.message }));
}

// An ISO date (2025-11-04) or instant (2025-11-04T00:00:00+07:00), as the schemas accept them.
const ISO_DATE = /^(\d{4})-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?))?$/;

/**
 * Dates and instants of a parsed value outside the years 0001–9998 (UTC for an instant). Zod accepts
 * 0000-01-01 and 9999-12-31T23:59:59-12:00: PostgreSQL refuses to store the first and the year 10000,
 * and a task's schedule runs working days past its deadline, beyond 9999-12-31 which the calendar
 * cannot name. Accepted, they would fail (a 500, or a workflow that never records or answers again)
 * long after the request.
 */
function datesOutOfRange(value: unknown, path: string[] = [], found: FieldError[] = []): FieldError[] {
  if (typeof value === 'string') {
    const m = ISO_DATE.exec(value);
    const year = m ? (m[2] ? new Date(value).getUTCFullYear() : Number(m[1])) : NaN;
    if (m && !Number.isNaN(year) && (year < 1 || year > 9998))
      found.push({ path: path.join('.') || '(body)', reason: 'ngày, thời điểm phải thuộc các năm 0001–9998' });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) datesOutOfRange(v, [...path, k], found);
  }
  return found;
}

// U+0000 and a lone UTF-16 surrogate: valid in a JSON string, but PostgreSQL refuses them in text and jsonb.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Strings of a parsed value that PostgreSQL cannot store. Accepted, a command carrying one is taken by
 * the workflow and its audit row then fails to insert on every retry: the Update never answers and
 * every later event of that task waits behind it.
 */
function unstorableText(value: unknown, path: string[] = [], found: FieldError[] = []): FieldError[] {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value))
      found.push({ path: path.join('.') || '(body)', reason: 'không được chứa ký tự NUL (\\u0000) hoặc nửa cặp UTF-16 đứng riêng' });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) unstorableText(v, [...path, k], found);
  }
  return found;
}

/** Parses with a zod schema or throws a 400 problem naming every bad field. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(value);
  const errors = result.success ? [...datesOutOfRange(result.data), ...unstorableText(result.data)] : fieldErrors(result.error);
  if (result.success && !errors.length) return result.data;
  throw invalid(
    `Yêu cầu có ${errors.length} trường không hợp lệ (${where}): ${errors.map((e) => `${e.path}: ${e.reason}`).join('; ')}`,
    errors,
  );
}

// PostgreSQL unreachable or going away: refused or cut connections, the pool giving up, and the
// server's own "shutting down / starting up / connection exception" codes (57P01-57P03, class 08).
const PG_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
]);
const PG_UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)/i;
// gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4): the Temporal frontend is down or not answering.
const GRPC_UNAVAILABLE = new Set([14, 4]);

/** Which dependency an error says is out of reach (walking `cause`), or null when it is not an outage. */
export function unavailableDependency(err: unknown): 'database' | 'temporal' | null {
  for (
    let e = err as Record<string, unknown> | undefined, depth = 0;
    e && typeof e === 'object' && depth < 8;
    e = e.cause as Record<string, unknown> | undefined, depth++
  ) {
    const code = e.code;
    const message = typeof e.message === 'string' ? e.message : '';
    const grpc = typeof e.details === 'string' && typeof e.metadata === 'object';
    if (grpc && typeof code === 'number' && GRPC_UNAVAILABLE.has(code)) return 'temporal';
    if (e.name === 'ServiceError' && /UNAVAILABLE|DEADLINE_EXCEEDED|No connection established|failed to connect/i.test(message))
      return 'temporal';
    if (typeof code === 'string' && (PG_UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return 'database';
    if (PG_UNAVAILABLE_MESSAGES.test(message)) return 'database';
  }
  return null;
}

/** Seconds a client should wait before retrying during an outage (the `Retry-After` of a 503). */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

/** A 503 `service-unavailable` naming what is out of reach; the client retries, with the same Idempotency-Key for a POST. */
export function serviceUnavailable(what: 'database' | 'temporal' | 'pending', detail?: string): HttpProblem {
  const named = { database: 'Cơ sở dữ liệu', temporal: 'Máy chủ điều phối quy trình (Temporal)', pending: 'Hệ thống' }[what];
  return new HttpProblem(
    503,
    PROBLEM_TYPES.unavailable,
    'Dịch vụ tạm thời gián đoạn',
    detail ??
      `${named} tạm thời không truy cập được; yêu cầu chưa được thực hiện. Vui lòng thử lại sau ${UNAVAILABLE_RETRY_AFTER_S} giây (với lệnh POST, gửi lại cùng tiêu đề Idempotency-Key để không bị thực hiện hai lần)`,
  );
}

/** The one error middleware: problems as application/problem+json; outages a 503; anything unexpected is a logged 500. */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let problem: HttpProblem;
  if (err instanceof HttpProblem) problem = err;
  else if (err instanceof DomainError) {
    const [status, type, title] =
      err.kind === 'not_found'
        ? [404, PROBLEM_TYPES.notFound, 'Không tìm thấy']
        : err.kind === 'conflict'
          ? [409, PROBLEM_TYPES.conflict, 'Xung đột']
          : [422, PROBLEM_TYPES.validation, 'Yêu cầu không hợp lệ'];
    problem = new HttpProblem(status, type, title, err.message, err.details);
  } else if (err?.type === 'entity.parse.failed')
    problem = new HttpProblem(400, PROBLEM_TYPES.malformed, 'Yêu cầu không đọc được', 'Thân yêu cầu không phải JSON hợp lệ');
  else if (err?.type === 'entity.too.large')
    problem = new HttpProblem(413, PROBLEM_TYPES.tooLarge, 'Dữ liệu quá lớn', `Thân yêu cầu vượt quá giới hạn ${err.limit} byte`);
  else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported')
    problem = new HttpProblem(415, PROBLEM_TYPES.unsupportedMediaType, 'Định dạng không được hỗ trợ', String(err.message));
  else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500)
    problem = new HttpProblem(err.status, PROBLEM_TYPES.malformed, 'Yêu cầu không hợp lệ', String(err.message));
  else if (unavailableDependency(err)) {
    req.log?.warn({ err }, 'dependency unavailable');
    problem = serviceUnavailable(unavailableDependency(err)!);
  } else {
    req.log?.error({ err }, 'unhandled error');
    problem = new HttpProblem(500, PROBLEM_TYPES.internal, 'Lỗi hệ thống', 'Đã xảy ra lỗi không mong muốn; vui lòng thử lại sau');
  }
  if (problem.status === 503 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: req.originalUrl,
      ...(problem.errors ? { errors: problem.errors } : {}),
    } satisfies ProblemDocument);
};
