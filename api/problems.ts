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
    if (m && !Number.isNaN(year) && (year < 1 || year > 9998)) found.push({ path: path.join('.') || '(body)', reason: 'ngày, thời điểm phải thuộc các năm 0001–9998' });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) datesOutOfRange(v, [...path, k], found);
  }
  return found;
}

/** Parses with a zod schema or throws a 400 problem naming every bad field. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(value);
  const errors = result.success ? datesOutOfRange(result.data) : fieldErrors(result.error);
  if (result.success && !errors.length) return result.data;
  throw new HttpProblem(
    400,
    PROBLEM_TYPES.validation,
    'Dữ liệu không hợp lệ',
    `Yêu cầu có ${errors.length} trường không hợp lệ (${where}): ${errors.map((e) => `${e.path}: ${e.reason}`).join('; ')}`,
    errors,
  );
}

/** The one error middleware: problems as application/problem+json; anything unexpected is a logged 500. */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let problem: HttpProblem;
  if (err instanceof HttpProblem) problem = err;
  else if (err instanceof DomainError) {
    const [status, type, title] =
      err.kind === 'not_found' ? [404, PROBLEM_TYPES.notFound, 'Không tìm thấy'] : err.kind === 'conflict' ? [409, PROBLEM_TYPES.conflict, 'Xung đột'] : [422, PROBLEM_TYPES.validation, 'Yêu cầu không hợp lệ'];
    problem = new HttpProblem(status, type, title, err.message, err.details);
  }
  else if (err?.type === 'entity.parse.failed') problem = new HttpProblem(400, PROBLEM_TYPES.malformed, 'Yêu cầu không đọc được', 'Thân yêu cầu không phải JSON hợp lệ');
  else if (err?.type === 'entity.too.large') problem = new HttpProblem(413, PROBLEM_TYPES.tooLarge, 'Dữ liệu quá lớn', `Thân yêu cầu vượt quá giới hạn ${err.limit} byte`);
  else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported')
    problem = new HttpProblem(415, PROBLEM_TYPES.unsupportedMediaType, 'Định dạng không được hỗ trợ', String(err.message));
  else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500)
    problem = new HttpProblem(err.status, PROBLEM_TYPES.malformed, 'Yêu cầu không hợp lệ', String(err.message));
  else {
    req.log?.error({ err }, 'unhandled error');
    problem = new HttpProblem(500, PROBLEM_TYPES.internal, 'Lỗi hệ thống', 'Đã xảy ra lỗi không mong muốn; vui lòng thử lại sau');
  }
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
