import { extendZodWithOpenApi, type OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { problemSchema } from './problems';
import { taskIdParams } from './routes/params';

/* What every part of the OpenAPI document is written with: tags, error answers, JSON bodies, the POST's Idempotency-Key. */

// `.openapi()` on zod's prototype. It never changes parsing, and every `.openapi()` call returns a
// copy, so the schemas in domain/ stay untouched: they are registered here, from the outside.
extendZodWithOpenApi(z);

/**
 * A copy of a schema built elsewhere. Zod 4 copies prototype methods onto each instance when it is
 * created, so schemas built before `extendZodWithOpenApi` ran (domain/, routes) lack `.openapi()`;
 * their clones have it, and share every field schema with the original.
 */
export const fromOutside = <T extends z.ZodType>(schema: T): T => schema.clone() as T;

export const TAGS = {
  tasks: 'Nhiệm vụ',
  commands: 'Lệnh xử lý nhiệm vụ',
  evidence: 'Minh chứng',
  directives: 'Văn bản chỉ đạo',
  reports: 'Báo cáo tổng hợp',
  inbox: 'Hộp thư',
  operations: 'Vận hành',
} as const;

export const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
export const looseObject = (description: string) => z.object({}).catchall(z.unknown()).openapi({ description });
/** One page of a paginated list, registered as `name`: its `items`, the page asked for, and the number of matches (plus `extra` fields). */
export const pageOf = (name: string, items: z.ZodType, extra: Record<string, z.ZodType> = {}) =>
  z.object({ items: z.array(items), page: z.number().int(), pageSize: z.number().int(), total: z.number().int(), ...extra }).openapi(name);

/** The helpers of one registry: `operations(tag)` registers operations (a POST gets the Idempotency-Key), `errors(...)` the error answers an operation may give. */
export function createKit(registry: OpenAPIRegistry) {
  const Problem = registry.register(
    'Problem',
    fromOutside(problemSchema).openapi({
      description:
        'Tài liệu lỗi theo RFC 9457: `type` ổn định cho chương trình, `title`/`detail` tiếng Việt cho người đọc, `errors` nêu từng trường sai.',
    }),
  );
  const problem = (description: string): ResponseConfig => ({ description, content: { 'application/problem+json': { schema: Problem } } });
  const ERRORS = {
    400: problem('Dữ liệu không hợp lệ: mỗi trường sai được nêu trong `errors`'),
    401: problem('Thiếu mã truy cập, hoặc mã không hợp lệ, đã hết hạn, đã bị thu hồi'),
    403: problem('Không có quyền thực hiện thao tác này'),
    404: problem('Không tìm thấy'),
    409: problem('Xung đột trạng thái (trạng thái hiện tại không cho phép thao tác)'),
    413: problem('Dữ liệu gửi lên quá lớn'),
    415: problem('Định dạng dữ liệu không được hỗ trợ'),
    422: problem('Yêu cầu đúng cú pháp nhưng không thực hiện được'),
    429: {
      ...problem('Quá nhiều yêu cầu trong một phút với cùng một người dùng'),
      headers: z.object({ 'Retry-After': z.string().openapi({ description: 'Số giây cần chờ trước khi gửi lại' }) }),
    },
    500: problem('Lỗi hệ thống'),
  } satisfies Record<number, ResponseConfig>;
  type ErrorStatus = keyof typeof ERRORS;
  /** The error answers of an authenticated operation: always 401, 429 and 500, plus its own. */
  const errors = (...statuses: ErrorStatus[]) =>
    Object.fromEntries(([...statuses, 401, 429, 500] as ErrorStatus[]).sort().map((s) => [s, ERRORS[s]])) as Record<string, ResponseConfig>;
  const json = (schema: z.ZodType, description: string): ResponseConfig => ({ description, content: { 'application/json': { schema } } });
  const jsonBody = (schema: z.ZodType, description?: string) => ({
    required: true,
    description,
    content: { 'application/json': { schema } },
  });
  // Every POST under /api/v1 may carry an Idempotency-Key: a retry with the same key and body gets the first answer again.
  const idempotencyKey = z.object({
    'Idempotency-Key': z
      .string()
      .regex(/^[\x21-\x7e]{1,200}$/)
      .optional()
      .openapi({
        description:
          'Khóa chống gửi trùng (1–200 ký tự ASCII nhìn thấy được, ví dụ một UUID): gửi lại cùng khóa và cùng nội dung thì nhận lại kết quả lần đầu, không thực hiện lần nữa',
      }),
  });
  // ...and may then be answered 409 (the first one is still running) or 422 (the key was used for another request).
  const withIdempotency = (config: RouteConfig): RouteConfig => ({
    ...config,
    request: { ...config.request, headers: idempotencyKey },
    responses: Object.fromEntries(Object.entries({ ...errors(409, 422), ...config.responses }).sort(([a], [b]) => a.localeCompare(b))),
  });
  const route = (config: RouteConfig) => registry.registerPath(config.method === 'post' ? withIdempotency(config) : config);
  type Details = Omit<RouteConfig, 'method' | 'path' | 'operationId' | 'tags' | 'summary'>;
  /**
   * The operations under one tag: `get(path, operationId, summary, details)` and likewise `post`,
   * `patch`. Public operations (no token) carry no security requirement.
   */
  const operations = (tag: (typeof TAGS)[keyof typeof TAGS], access: 'token' | 'public' = 'token') => {
    const register = (method: 'get' | 'post' | 'patch') => (path: string, operationId: string, summary: string, details: Details) => {
      const config: RouteConfig = { method, path, operationId, tags: [tag], summary, ...details };
      if (access === 'public') registry.registerPath({ ...config, security: [] });
      else route(config);
    };
    return { get: register('get'), post: register('post'), patch: register('patch') };
  };

  const taskPath = z.object({
    id: fromOutside(taskIdParams.shape.id).openapi({ description: 'Mã nhiệm vụ, ví dụ `01-tb-cqtt.2-3-1`', example: '01-tb-cqtt.2-3-1' }),
  });
  const taskState = looseObject('Trạng thái sống của nhiệm vụ, đọc từ workflow (query `getState`)');

  return { registry, operations, errors, json, jsonBody, taskPath, taskState };
}

export type OpenApiKit = ReturnType<typeof createKit>;
