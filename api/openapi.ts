import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { createKit, fromOutside, looseObject, pageOf, TAGS } from './openapi-kit';
import { registerDirectiveOperations } from './openapi-directives';
import { registerTaskOperations } from './openapi-tasks';
import { inboxQuerySchema } from './routes/inbox';
import { lateListQuerySchema, reportQuerySchema } from './routes/reports';

export const OPENAPI_JSON_PATH = '/api/v1/openapi.json';
export const DOCS_PATH = '/docs';

/** Explanations of the launch fields for people, added to the generated schema (the fields themselves come from zod). */
export const LAUNCH_FIELD_DESCRIPTIONS: Readonly<Record<string, string>> = {
  directiveNumber: 'Số hiệu văn bản chỉ đạo, ví dụ 01-TB/CQTT',
  directiveYear:
    'Năm ban hành văn bản (số hiệu văn bản bắt đầu lại mỗi năm); không ghi thì lấy năm của văn bản đã đăng ký với số hiệu này, nếu chưa đăng ký thì năm hiện tại (giờ Việt Nam)',
  directiveIssuer: 'Cơ quan ban hành văn bản; không ghi thì lấy của văn bản đã đăng ký với số hiệu này (nếu có)',
  ref: 'Số thứ tự của mục trong văn bản, ví dụ 2.3 (1); cùng văn bản (số hiệu, năm, cơ quan ban hành) và cùng mục thì là cùng một nhiệm vụ',
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

function buildRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'Mã truy cập cấp bằng `npm run -s cli -- token:issue --login <tên đăng nhập>`, gửi trong tiêu đề `Authorization: Bearer <mã>`.',
  });

  const kit = createKit(registry);
  const { operations, errors, json } = kit;
  const reports = operations(TAGS.reports);
  const inbox = operations(TAGS.inbox);
  const publicOps = operations(TAGS.operations, 'public');

  registerTaskOperations(kit);
  registerDirectiveOperations(kit);

  // ---- Reports: the filters are the routes' own query schemas ----
  const reportRows = (rows: string) =>
    looseObject(`Phạm vi báo cáo (asOf, period, dueFrom, dueTo, unit, directive, directiveYear, directiveIssuerKey) và ${rows}`);
  const reportContent = (json: z.ZodType) => ({
    'application/json': { schema: json },
    'text/csv': { schema: z.string().openapi({ description: 'Bảng CSV (UTF-8), tải về dạng tệp đính kèm' }) },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {},
  });
  const REPORTS = [
    [
      'units',
      'reportByUnit',
      reportQuerySchema,
      'Báo cáo theo đơn vị',
      'Số nhiệm vụ của từng đơn vị theo nhóm trạng thái (hoàn thành đúng hạn, trễ hạn, đang thực hiện, quá hạn, đã hủy) và tỷ lệ hoàn thành đúng hạn.',
      'các dòng theo đơn vị (`rows`) cùng dòng tổng (`totals`)',
    ],
    [
      'directives',
      'reportByDirective',
      reportQuerySchema,
      'Báo cáo theo văn bản chỉ đạo',
      'Tình hình thực hiện các mục của từng văn bản chỉ đạo, theo nhóm trạng thái. Một văn bản là số, năm ban hành và cơ quan ban hành: hai văn bản cùng số khác năm là hai dòng; lọc đúng một văn bản bằng `directive`, `directiveYear` và `directiveIssuer` (giá trị `directiveIssuerKey` của dòng, để trống khi văn bản không ghi cơ quan ban hành).',
      'các dòng theo văn bản (`rows`) cùng dòng tổng (`totals`)',
    ],
    [
      'late',
      'reportLate',
      lateListQuerySchema,
      'Danh sách nhiệm vụ chậm, quá hạn',
      'Các nhiệm vụ quá hạn hoặc hoàn thành trễ, kèm đơn vị để chậm; JSON được phân trang, CSV và Excel chứa toàn bộ danh sách.',
      'một trang nhiệm vụ (`items`, `page`, `pageSize`, `total`)',
    ],
  ] as const;
  for (const [kind, operationId, query, summary, description, rows] of REPORTS) {
    reports.get(`/api/v1/reports/${kind}`, operationId, summary, {
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
  inbox.get('/api/v1/inbox', 'listInbox', 'Hộp thư của người dùng', {
    description:
      'Các thông báo (nhắc việc, leo thang, kết quả xử lý) gửi tới đơn vị và vai trò của người dùng, mới nhất trước; `unread=true` chỉ lấy thư chưa đọc.',
    request: { query: fromOutside(inboxQuerySchema) },
    responses: {
      200: json(pageOf('Inbox', notification, { unreadCount: z.number().int() }), 'Một trang thông báo'),
      ...errors(400),
    },
  });
  inbox.post('/api/v1/inbox/{id}/read', 'markInboxRead', 'Đánh dấu thông báo đã đọc', {
    description: 'Thông báo không thuộc hộp thư của người dùng được trả lời như không tồn tại (404).',
    request: {
      params: z.object({
        id: z
          .string()
          .regex(/^[1-9][0-9]{0,17}$/)
          .openapi({ description: 'Mã thông báo' }),
      }),
    },
    responses: { 200: json(z.object({ id: z.string(), read: z.literal(true), readAt: z.string() }), 'Đã đánh dấu'), ...errors(400, 404) },
  });

  // ---- Operations (no token) ----
  const readiness = z
    .object({ status: z.enum(['ready', 'unavailable']), database: z.enum(['ok', 'unavailable']), temporal: z.enum(['ok', 'unavailable']) })
    .openapi('Readiness');
  publicOps.get('/healthz', 'health', 'Tiến trình còn chạy', {
    description: 'Luôn trả lời 200 khi tiến trình còn chạy (liveness); không kiểm tra phụ thuộc.',
    responses: { 200: json(z.object({ status: z.literal('ok') }), 'Đang chạy') },
  });
  publicOps.get('/readyz', 'readiness', 'Sẵn sàng phục vụ', {
    description: 'Kiểm tra PostgreSQL và Temporal (readiness); 503 khi một trong hai không trả lời.',
    responses: { 200: json(readiness, 'Sẵn sàng'), 503: json(readiness, 'Chưa sẵn sàng') },
  });
  publicOps.get('/metrics', 'metrics', 'Số đo Prometheus', {
    description:
      'Định dạng văn bản của Prometheus: thời gian xử lý HTTP theo mẫu đường dẫn, số lần khởi chạy workflow và gửi Update theo kết quả, số đo của Node. Không cần mã truy cập: chỉ mở cổng này trong mạng nội bộ.',
    responses: { 200: { description: 'Số đo', content: { 'text/plain': { schema: z.string() } } } },
  });
  publicOps.get(OPENAPI_JSON_PATH, 'openApiDocument', 'Tài liệu OpenAPI 3.1 của API', {
    responses: {
      200: { description: 'Tài liệu OpenAPI', content: { 'application/json': { schema: looseObject('Tài liệu OpenAPI 3.1') } } },
    },
  });
  publicOps.get(DOCS_PATH, 'apiDocsPage', 'Trang tài liệu API cho người đọc', {
    responses: { 200: { description: 'Trang HTML', content: { 'text/html': { schema: z.string() } } } },
  });
  return registry;
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
