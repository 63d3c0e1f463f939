import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { directiveImportSchema, itemPatchSchema, launchItemsSchema } from '../domain/directive';
import { evidenceSchema } from '../domain/schemas/task-commands';
import { launchTaskSchema } from '../domain/schemas/task';
import { EVIDENCE_TYPES_VI } from './evidence-content';
import { problemSchema } from './problems';
import { taskIdParams } from './routes/params';
import { COMMAND_ROUTES, type CommandName } from './routes/task-commands';
import { inboxQuerySchema } from './routes/inbox';
import { lateListQuerySchema, reportQuerySchema } from './routes/reports';
import { taskListQuerySchema } from './routes/tasks';

// `.openapi()` on zod's prototype. It never changes parsing, and every `.openapi()` call returns a
// copy, so the schemas in domain/ stay untouched: they are registered here, from the outside.
extendZodWithOpenApi(z);

/**
 * A copy of a schema built elsewhere. Zod 4 copies prototype methods onto each instance when it is
 * created, so schemas built before `extendZodWithOpenApi` ran (domain/, routes) lack `.openapi()`;
 * their clones have it, and share every field schema with the original.
 */
const fromOutside = <T extends z.ZodType>(schema: T): T => schema.clone() as T;

export const OPENAPI_JSON_PATH = '/api/v1/openapi.json';
export const DOCS_PATH = '/docs';

const TAGS = {
  tasks: 'Nhiệm vụ',
  commands: 'Lệnh xử lý nhiệm vụ',
  evidence: 'Minh chứng',
  directives: 'Văn bản chỉ đạo',
  reports: 'Báo cáo tổng hợp',
  inbox: 'Hộp thư',
  operations: 'Vận hành',
} as const;

/** People's names and explanations of the commands; a command missing here is still documented, with a generic text. */
const COMMAND_TEXTS: Partial<Record<CommandName, { summary: string; description: string }>> = {
  acknowledge: { summary: 'Xác nhận tiếp nhận nhiệm vụ', description: 'Cán bộ đơn vị chủ trì xác nhận đã nhận nhiệm vụ.' },
  progress: { summary: 'Báo cáo tiến độ', description: 'Đơn vị chủ trì hoặc phối hợp báo cáo tiến độ thực hiện (kèm tỷ lệ phần trăm nếu có).' },
  measurements: { summary: 'Ghi nhận số liệu chỉ tiêu', description: 'Đơn vị chủ trì hoặc phối hợp ghi nhận giá trị đo được của một chỉ tiêu, kèm minh chứng.' },
  submit: { summary: 'Đề nghị hoàn thành', description: 'Đơn vị chủ trì gửi kết quả để Cơ quan Thường trực duyệt.' },
  approve: { summary: 'Duyệt hoàn thành', description: 'Cơ quan Thường trực duyệt đề nghị hoàn thành; nhiệm vụ kết thúc (đúng hạn hoặc trễ hạn).' },
  return: { summary: 'Trả lại đề nghị hoàn thành', description: 'Cơ quan Thường trực trả lại, yêu cầu bổ sung, kèm lý do.' },
  'extension-requests': { summary: 'Xin gia hạn', description: 'Đơn vị chủ trì đề nghị lùi thời hạn, kèm lý do.' },
  'extension-decision': { summary: 'Quyết định gia hạn', description: 'Cơ quan Thường trực chấp thuận (với thời hạn mới) hoặc từ chối đề nghị gia hạn.' },
  reassign: { summary: 'Giao lại nhiệm vụ', description: 'Cơ quan Thường trực giao nhiệm vụ cho đơn vị chủ trì khác; việc trễ hạn vẫn được tính cho đơn vị đã chủ trì khi quá hạn.' },
  cancel: { summary: 'Hủy nhiệm vụ', description: 'Cơ quan Thường trực hủy nhiệm vụ, kèm lý do.' },
  reports: { summary: 'Nộp báo cáo định kỳ', description: 'Đơn vị chủ trì nộp báo cáo cho một kỳ của nhiệm vụ định kỳ hoặc thường xuyên.' },
};

/** Explanations of the launch fields for people, added to the generated schema (the fields themselves come from zod). */
export const LAUNCH_FIELD_DESCRIPTIONS: Readonly<Record<string, string>> = {
  directiveNumber: 'Số hiệu văn bản chỉ đạo, ví dụ 01-TB/CQTT',
  ref: 'Số thứ tự của mục trong văn bản, ví dụ 2.3 (1); cùng số hiệu và mục thì là cùng một nhiệm vụ',
  title: 'Rõ việc: tên nhiệm vụ',
  description: 'Nội dung chi tiết',
  leadUnit: 'Rõ người: mã đơn vị chủ trì',
  coLeadUnit: 'Mã đơn vị đồng chủ trì (nếu có)',
  responsibleOfficial: 'Rõ người: người chịu trách nhiệm',
  coordinatingUnits: 'Mã các đơn vị phối hợp',
  deadline: 'Rõ thời gian: một thời hạn (date), định kỳ (recurring) hoặc thường xuyên (ongoing)',
  assignedBy: 'Rõ trách nhiệm: người/cơ quan giao nhiệm vụ',
  decidedBy: 'Rõ thẩm quyền: mã cơ quan quyết định',
  expectedResult: 'Rõ kết quả: kết quả, sản phẩm dự kiến',
  targets: 'Các chỉ tiêu định lượng (nếu có)',
  policy: 'Điều chỉnh lịch nhắc việc và leo thang (nếu cần khác mặc định)',
};

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const looseObject = (description: string) => z.object({}).catchall(z.unknown()).openapi({ description });

function buildRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'Mã truy cập cấp bằng `npm run -s cli -- token:issue --login <tên đăng nhập>`, gửi trong tiêu đề `Authorization: Bearer <mã>`.',
  });

  const Problem = registry.register(
    'Problem',
    fromOutside(problemSchema).openapi({ description: 'Tài liệu lỗi theo RFC 9457: `type` ổn định cho chương trình, `title`/`detail` tiếng Việt cho người đọc, `errors` nêu từng trường sai.' }),
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
  const jsonBody = (schema: z.ZodType, description?: string) => ({ required: true, description, content: { 'application/json': { schema } } });
  // Every POST under /api/v1 may carry an Idempotency-Key: a retry with the same key and body gets the first answer again.
  const idempotencyKey = z.object({
    'Idempotency-Key': z
      .string()
      .regex(/^[\x21-\x7e]{1,200}$/)
      .optional()
      .openapi({ description: 'Khóa chống gửi trùng (1–200 ký tự ASCII nhìn thấy được, ví dụ một UUID): gửi lại cùng khóa và cùng nội dung thì nhận lại kết quả lần đầu, không thực hiện lần nữa' }),
  });
  // ...and may then be answered 409 (the first one is still running) or 422 (the key was used for another request).
  const withIdempotency = (config: RouteConfig): RouteConfig => ({
    ...config,
    request: { ...config.request, headers: idempotencyKey },
    responses: Object.fromEntries(Object.entries({ ...errors(409, 422), ...config.responses }).sort(([a], [b]) => a.localeCompare(b))),
  });
  const route = (config: RouteConfig) => registry.registerPath(config.method === 'post' ? withIdempotency(config) : config);
  const publicRoute = (config: RouteConfig) => registry.registerPath({ ...config, security: [] });

  const taskPath = z.object({ id: fromOutside(taskIdParams.shape.id).openapi({ description: 'Mã nhiệm vụ, ví dụ `01-tb-cqtt.2-3-1`', example: '01-tb-cqtt.2-3-1' }) });
  const taskState = looseObject('Trạng thái sống của nhiệm vụ, đọc từ workflow (query `getState`)');

  // ---- Tasks ----
  const LaunchTask = registry.register(
    'LaunchTask',
    fromOutside(launchTaskSchema).openapi({
      description:
        'Một mục của văn bản chỉ đạo được giao thành nhiệm vụ. Thiếu bất kỳ "rõ" nào trong "6 rõ" (người, việc, thời gian, trách nhiệm, thẩm quyền, kết quả) thì bị từ chối với 422 `missing-six-clear`.',
    }),
  );
  const LaunchResult = registry.register('LaunchResult', launchResultSchema());
  route({
    method: 'post',
    path: '/api/v1/tasks',
    operationId: 'launchTask',
    tags: [TAGS.tasks],
    summary: 'Giao nhiệm vụ',
    description:
      'Khởi chạy một nhiệm vụ (một workflow) cho một mục của văn bản chỉ đạo. Dành cho Cơ quan Thường trực. Gửi lại cùng số hiệu và mục thì nhận về nhiệm vụ đã có (200, `created: false`).',
    request: { body: jsonBody(LaunchTask) },
    responses: {
      200: json(LaunchResult, 'Nhiệm vụ đã được giao từ trước; trả về nhiệm vụ đó'),
      202: {
        ...json(LaunchResult, 'Đã nhận, nhiệm vụ đang được khởi chạy'),
        headers: z.object({ Location: z.string().openapi({ description: 'Đường dẫn của nhiệm vụ' }) }),
      },
      ...errors(400, 403, 422),
    },
  });
  route({
    method: 'get',
    path: '/api/v1/tasks',
    operationId: 'listTasks',
    tags: [TAGS.tasks],
    summary: 'Danh sách nhiệm vụ',
    description: 'Lọc theo đơn vị, văn bản, nhóm trạng thái, quá hạn và khoảng thời hạn; phân trang. Cán bộ đơn vị chỉ thấy nhiệm vụ đơn vị mình chủ trì hoặc phối hợp.',
    request: { query: fromOutside(taskListQuerySchema) },
    responses: {
      200: json(
        z.object({ items: z.array(looseObject('Một nhiệm vụ (bản ghi đọc)')), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() }).openapi('TaskList'),
        'Một trang nhiệm vụ',
      ),
      ...errors(400),
    },
  });
  route({
    method: 'get',
    path: '/api/v1/tasks/{id}',
    operationId: 'getTask',
    tags: [TAGS.tasks],
    summary: 'Xem một nhiệm vụ',
    description: 'Trạng thái sống từ workflow và bản ghi trong cơ sở dữ liệu.',
    request: { params: taskPath },
    responses: {
      200: json(z.object({ id: z.string(), state: taskState, record: looseObject('Bản ghi đọc của nhiệm vụ') }).openapi('TaskDetail'), 'Nhiệm vụ'),
      ...errors(400, 403, 404),
    },
  });
  route({
    method: 'get',
    path: '/api/v1/tasks/{id}/history',
    operationId: 'getTaskHistory',
    tags: [TAGS.tasks],
    summary: 'Lịch sử và thông báo của nhiệm vụ',
    description: 'Nhật ký kiểm toán (chuỗi băm) và các thông báo đã lên lịch của nhiệm vụ.',
    request: { params: taskPath },
    responses: {
      200: json(
        z.object({ id: z.string(), events: z.array(looseObject('Một sự kiện kiểm toán')), notifications: z.array(looseObject('Một thông báo')) }).openapi('TaskHistory'),
        'Lịch sử nhiệm vụ',
      ),
      ...errors(400, 403, 404),
    },
  });
  route({
    method: 'get',
    path: '/api/v1/tasks/{id}/audit/verify',
    operationId: 'verifyTaskAudit',
    tags: [TAGS.tasks],
    summary: 'Kiểm tra tính toàn vẹn nhật ký kiểm toán',
    description: 'Tính lại chuỗi băm của nhật ký; `ok: false` nêu sự kiện đầu tiên bị sai lệch.',
    request: { params: taskPath },
    responses: {
      200: json(
        z
          .object({
            taskId: z.string(),
            ok: z.boolean(),
            events: z.number().int(),
            problem: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
          })
          .openapi('AuditVerdict'),
        'Kết quả kiểm tra',
      ),
      ...errors(400, 403, 404),
    },
  });

  // ---- Task commands: one operation per COMMAND_ROUTES entry, so a new command is documented with it. ----
  const CommandResult = registry.register('CommandResult', z.object({ id: z.string(), state: taskState }));
  for (const [name, { update, schema }] of Object.entries(COMMAND_ROUTES) as [CommandName, (typeof COMMAND_ROUTES)[CommandName]][]) {
    const text = COMMAND_TEXTS[name] ?? { summary: `Lệnh ${name}`, description: `Gửi lệnh \`${update.name}\` tới workflow của nhiệm vụ.` };
    route({
      method: 'post',
      path: `/api/v1/tasks/{id}/${name}`,
      operationId: update.name,
      tags: [TAGS.commands],
      summary: text.summary,
      description: `${text.description} Workflow kiểm tra quyền và trạng thái trước khi ghi nhận; lệnh bị từ chối không để lại dấu vết trong lịch sử.`,
      request: { params: taskPath, body: jsonBody(registry.register(`${pascal(update.name)}Command`, fromOutside(schema as z.ZodType))) },
      responses: { 200: json(CommandResult, 'Lệnh đã được ghi nhận; trả về trạng thái mới'), ...errors(400, 403, 404, 409, 422) },
    });
  }

  // ---- Evidence files ----
  const evidencePath = taskPath.extend({ evidenceId: fromOutside(evidenceSchema.shape.evidenceId).openapi({ description: 'Mã minh chứng (trong `Location` của lần tải lên)' }) });
  route({
    method: 'post',
    path: '/api/v1/tasks/{id}/evidence',
    operationId: 'uploadEvidence',
    tags: [TAGS.evidence],
    summary: 'Tải lên tệp minh chứng',
    description: `Một tệp trong trường \`file\` của \`multipart/form-data\` (kèm \`description\` nếu cần). Máy chủ kiểm tra nội dung tệp khớp loại khai báo, tính SHA-256, lưu tệp rồi ghi minh chứng vào nhiệm vụ. Chỉ nhận ${EVIDENCE_TYPES_VI}; dung lượng tối đa theo \`EVIDENCE_MAX_BYTES\` (mặc định 20 MiB).`,
    request: {
      params: taskPath,
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['file'],
              properties: {
                file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'Tệp minh chứng' },
                description: { type: 'string', maxLength: 2000, description: 'Mô tả minh chứng' },
              },
            },
          },
        },
      },
    },
    responses: {
      201: {
        ...json(
          z
            .object({
              evidence: z.object({ id: z.string(), sha256: z.string(), size: z.number().int(), contentType: z.string(), fileName: z.string() }),
              state: taskState,
            })
            .openapi('EvidenceUploaded'),
          'Đã lưu tệp và ghi minh chứng vào nhiệm vụ',
        ),
        headers: z.object({ Location: z.string().openapi({ description: 'Đường dẫn tải về tệp minh chứng' }) }),
      },
      ...errors(400, 403, 404, 409, 413, 415, 422),
    },
  });
  route({
    method: 'get',
    path: '/api/v1/tasks/{id}/evidence/{evidenceId}',
    operationId: 'downloadEvidence',
    tags: [TAGS.evidence],
    summary: 'Tải về tệp minh chứng',
    request: { params: evidencePath },
    responses: {
      200: {
        description: 'Nội dung tệp đúng như đã lưu, với Content-Type và tên tệp gốc (Content-Disposition)',
        headers: z.object({ 'X-Content-SHA256': z.string().openapi({ description: 'Mã băm SHA-256 của tệp' }), ETag: z.string() }),
        content: { 'application/octet-stream': {} },
      },
      304: { description: 'Tệp không đổi so với ETag đã gửi trong If-None-Match' },
      ...errors(400, 403, 404),
    },
  });

  // ---- Directives ----
  const directivePath = z.object({ id: z.string().openapi({ description: 'Mã văn bản chỉ đạo', example: '01-tb-cqtt' }) });
  const DirectiveImport = registry.register('DirectiveImport', fromOutside(directiveImportSchema));
  const directiveView = looseObject('Văn bản chỉ đạo và các mục (nháp hoặc đã giao)');
  route({
    method: 'post',
    path: '/api/v1/directives',
    operationId: 'importDirective',
    tags: [TAGS.directives],
    summary: 'Nhập văn bản chỉ đạo có cấu trúc',
    description: 'Nhập một văn bản và các mục của nó (JSON hoặc YAML cùng cấu trúc) dưới dạng bản nháp để rà soát trước khi giao. Dành cho Cơ quan Thường trực.',
    request: { body: { required: true, content: { 'application/json': { schema: DirectiveImport }, 'application/yaml': { schema: DirectiveImport } } } },
    responses: { 201: json(directiveView, 'Đã nhập văn bản'), ...errors(400, 403, 409, 415) },
  });
  route({
    method: 'post',
    path: '/api/v1/directives/extract',
    operationId: 'extractDirective',
    tags: [TAGS.directives],
    summary: 'Trích xuất văn bản chỉ đạo từ nội dung văn bản',
    description: 'Gửi toàn văn thông báo (có dấu hoặc từ OCR) dạng `text/plain`; hệ thống tách các mục thành bản nháp để rà soát.',
    request: { body: { required: true, content: { 'text/plain': { schema: z.string() } } } },
    responses: { 201: json(z.object({ extract: looseObject('Kết quả trích xuất'), directive: directiveView }), 'Đã tạo văn bản nháp'), ...errors(400, 403, 415) },
  });
  route({
    method: 'get',
    path: '/api/v1/directives',
    operationId: 'listDirectives',
    tags: [TAGS.directives],
    summary: 'Danh sách văn bản chỉ đạo',
    request: { query: z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }) },
    responses: { 200: json(z.object({ items: z.array(directiveView), page: z.number().int(), pageSize: z.number().int() }), 'Một trang văn bản'), ...errors(400, 403) },
  });
  route({
    method: 'get',
    path: '/api/v1/directives/{id}',
    operationId: 'getDirective',
    tags: [TAGS.directives],
    summary: 'Xem một văn bản chỉ đạo và các mục',
    request: { params: directivePath },
    responses: { 200: json(directiveView, 'Văn bản chỉ đạo'), ...errors(400, 403, 404) },
  });
  route({
    method: 'patch',
    path: '/api/v1/directives/{id}/items/{ref}',
    operationId: 'patchDirectiveItem',
    tags: [TAGS.directives],
    summary: 'Sửa một mục nháp',
    description: 'Bổ sung hoặc sửa các trường của một mục chưa giao (ví dụ để đủ "6 rõ").',
    request: {
      params: directivePath.extend({ ref: z.string().openapi({ description: 'Số thứ tự của mục trong văn bản' }) }),
      body: jsonBody(registry.register('DirectiveItemPatch', fromOutside(itemPatchSchema))),
    },
    responses: { 200: json(looseObject('Mục sau khi sửa'), 'Đã sửa'), ...errors(400, 403, 404, 409) },
  });
  route({
    method: 'post',
    path: '/api/v1/directives/{id}/launch',
    operationId: 'launchDirectiveItems',
    tags: [TAGS.directives],
    summary: 'Giao các mục của văn bản thành nhiệm vụ',
    description: 'Giao các mục được chọn (hoặc mọi mục khi không nêu `refs`); kết quả nêu từng mục đã giao hay còn thiếu gì.',
    request: { params: directivePath, body: jsonBody(registry.register('LaunchDirectiveItems', fromOutside(launchItemsSchema))) },
    responses: { 200: json(z.object({ id: z.string(), results: z.array(looseObject('Kết quả giao một mục')) }), 'Kết quả giao'), ...errors(400, 403, 404) },
  });

  // ---- Reports: the filters are the routes' own query schemas ----
  const reportRows = (rows: string) =>
    looseObject(`Phạm vi báo cáo (asOf, period, dueFrom, dueTo, unit, directive) và ${rows}`);
  const reportContent = (json: z.ZodType) => ({
    'application/json': { schema: json },
    'text/csv': { schema: z.string().openapi({ description: 'Bảng CSV (UTF-8), tải về dạng tệp đính kèm' }) },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {},
  });
  const REPORTS = [
    ['units', 'reportByUnit', reportQuerySchema, 'Báo cáo theo đơn vị', 'Số nhiệm vụ của từng đơn vị theo nhóm trạng thái (hoàn thành đúng hạn, trễ hạn, đang thực hiện, quá hạn, đã hủy) và tỷ lệ hoàn thành đúng hạn.', 'các dòng theo đơn vị (`rows`) cùng dòng tổng (`totals`)'],
    ['directives', 'reportByDirective', reportQuerySchema, 'Báo cáo theo văn bản chỉ đạo', 'Tình hình thực hiện các mục của từng văn bản chỉ đạo, theo nhóm trạng thái.', 'các dòng theo văn bản (`rows`) cùng dòng tổng (`totals`)'],
    ['late', 'reportLate', lateListQuerySchema, 'Danh sách nhiệm vụ chậm, quá hạn', 'Các nhiệm vụ quá hạn hoặc hoàn thành trễ, kèm đơn vị để chậm; JSON được phân trang, CSV và Excel chứa toàn bộ danh sách.', 'một trang nhiệm vụ (`items`, `page`, `pageSize`, `total`)'],
  ] as const;
  for (const [kind, operationId, query, summary, description, rows] of REPORTS) {
    route({
      method: 'get',
      path: `/api/v1/reports/${kind}`,
      operationId,
      tags: [TAGS.reports],
      summary,
      description: `${description} Chọn kỳ báo cáo (\`period\`, ví dụ 2026-11, 2026-Q4, 2026-H2, 2026) hoặc khoảng thời hạn (\`from\`/\`to\`); \`format\` là json, csv hoặc xlsx (Excel). Cán bộ đơn vị chỉ xem được báo cáo của đơn vị mình.`,
      request: { query: fromOutside(query) },
      responses: { 200: { description: 'Báo cáo theo định dạng yêu cầu', content: reportContent(reportRows(rows)) }, ...errors(400, 403) },
    });
  }

  // ---- Inbox ----
  const notification = z
    .object({
      id: z.string(),
      taskId: z.string(),
      task: z.string().openapi({ description: 'Đường dẫn của nhiệm vụ' }),
      kind: z.string().openapi({ description: 'Loại thông báo: nhắc việc, leo thang, kết quả xử lý…' }),
      step: z.string(),
      level: z.number().int().nullable().openapi({ description: 'Mức leo thang (nếu có)' }),
      recipientRole: z.string(),
      recipientUnit: z.string().nullable(),
      scheduledAt: z.string().openapi({ description: 'Thời điểm gửi (giờ Việt Nam, ISO 8601)' }),
      subject: z.string(),
      body: z.string(),
      read: z.boolean(),
      readAt: z.string().nullable(),
    })
    .openapi('InboxNotification');
  route({
    method: 'get',
    path: '/api/v1/inbox',
    operationId: 'listInbox',
    tags: [TAGS.inbox],
    summary: 'Hộp thư của người dùng',
    description: 'Các thông báo (nhắc việc, leo thang, kết quả xử lý) gửi tới đơn vị và vai trò của người dùng, mới nhất trước; `unread=true` chỉ lấy thư chưa đọc.',
    request: { query: fromOutside(inboxQuerySchema) },
    responses: {
      200: json(
        z.object({ items: z.array(notification), page: z.number().int(), pageSize: z.number().int(), total: z.number().int(), unreadCount: z.number().int() }).openapi('Inbox'),
        'Một trang thông báo',
      ),
      ...errors(400),
    },
  });
  route({
    method: 'post',
    path: '/api/v1/inbox/{id}/read',
    operationId: 'markInboxRead',
    tags: [TAGS.inbox],
    summary: 'Đánh dấu thông báo đã đọc',
    description: 'Thông báo không thuộc hộp thư của người dùng được trả lời như không tồn tại (404).',
    request: { params: z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/).openapi({ description: 'Mã thông báo' }) }) },
    responses: { 200: json(z.object({ id: z.string(), read: z.literal(true), readAt: z.string() }), 'Đã đánh dấu'), ...errors(400, 404) },
  });

  // ---- Operations (no token) ----
  const readiness = z
    .object({ status: z.enum(['ready', 'unavailable']), database: z.enum(['ok', 'unavailable']), temporal: z.enum(['ok', 'unavailable']) })
    .openapi('Readiness');
  publicRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tags: [TAGS.operations],
    summary: 'Tiến trình còn chạy',
    description: 'Luôn trả lời 200 khi tiến trình còn chạy (liveness); không kiểm tra phụ thuộc.',
    responses: { 200: json(z.object({ status: z.literal('ok') }), 'Đang chạy') },
  });
  publicRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    tags: [TAGS.operations],
    summary: 'Sẵn sàng phục vụ',
    description: 'Kiểm tra PostgreSQL và Temporal (readiness); 503 khi một trong hai không trả lời.',
    responses: { 200: json(readiness, 'Sẵn sàng'), 503: json(readiness, 'Chưa sẵn sàng') },
  });
  publicRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tags: [TAGS.operations],
    summary: 'Số đo Prometheus',
    description:
      'Định dạng văn bản của Prometheus: thời gian xử lý HTTP theo mẫu đường dẫn, số lần khởi chạy workflow và gửi Update theo kết quả, số đo của Node. Không cần mã truy cập: chỉ mở cổng này trong mạng nội bộ.',
    responses: { 200: { description: 'Số đo', content: { 'text/plain': { schema: z.string() } } } },
  });
  publicRoute({
    method: 'get',
    path: OPENAPI_JSON_PATH,
    operationId: 'openApiDocument',
    tags: [TAGS.operations],
    summary: 'Tài liệu OpenAPI 3.1 của API',
    responses: { 200: { description: 'Tài liệu OpenAPI', content: { 'application/json': { schema: looseObject('Tài liệu OpenAPI 3.1') } } } },
  });
  publicRoute({
    method: 'get',
    path: DOCS_PATH,
    operationId: 'apiDocsPage',
    tags: [TAGS.operations],
    summary: 'Trang tài liệu API cho người đọc',
    responses: { 200: { description: 'Trang HTML', content: { 'text/html': { schema: z.string() } } } },
  });
  return registry;
}

function launchResultSchema() {
  return z.object({
    id: z.string().openapi({ description: 'Mã nhiệm vụ' }),
    workflowId: z.string().openapi({ description: 'Mã workflow trên Temporal' }),
    created: z.boolean().openapi({ description: 'true khi vừa khởi chạy, false khi nhiệm vụ đã có từ trước' }),
    location: z.string().openapi({ description: 'Đường dẫn của nhiệm vụ' }),
  });
}

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

function generate(): OpenApiDocument {
  const document = new OpenApiGeneratorV31(buildRegistry().definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Directive engine API',
      version: '1.0.0',
      description:
        'API theo dõi, đôn đốc thực hiện nhiệm vụ từ các văn bản chỉ đạo của Ban Chỉ đạo. Mọi đường dẫn dưới `/api/v1` (trừ tài liệu này) cần mã truy cập `Authorization: Bearer <mã>`. Lỗi trả về dạng `application/problem+json` (RFC 9457) với nội dung tiếng Việt. Mỗi người dùng được gửi tối đa một số yêu cầu mỗi phút (mặc định 600), vượt quá nhận 429 với `Retry-After`.',
    },
    security: [{ bearerAuth: [] }],
    tags: Object.values(TAGS).map((name) => ({ name })),
  });
  const launch = document.components?.schemas?.LaunchTask as { properties?: Record<string, { description?: string }> } | undefined;
  for (const [field, description] of Object.entries(LAUNCH_FIELD_DESCRIPTIONS)) {
    const property = launch?.properties?.[field];
    if (property && !property.description) property.description = description;
  }
  return document;
}

let document: OpenApiDocument | undefined;

/** The OpenAPI 3.1 document, generated from the zod schemas once per process. */
export function openApiDocument(): OpenApiDocument {
  document ??= generate();
  return document;
}
