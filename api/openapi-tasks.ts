import { z } from 'zod';
import { evidenceSchema, reopenSchema } from '../domain/schemas/task-commands';
import { launchTaskSchema } from '../domain/schemas/task';
import { EVIDENCE_TYPES_VI } from './evidence-content';
import { fromOutside, looseObject, pageOf, pascal, TAGS, type OpenApiKit } from './openapi-kit';
import { COMMAND_ROUTES, type CommandName } from './routes/task-commands';
import { taskListQuerySchema } from './routes/tasks';

/* The task operations of the OpenAPI document: launch, list, read, the lifecycle commands, evidence files. */

/** People's names and explanations of the commands; a command missing here is still documented, with a generic text. */
const COMMAND_TEXTS: Partial<Record<CommandName, { summary: string; description: string }>> = {
  acknowledge: { summary: 'Xác nhận tiếp nhận nhiệm vụ', description: 'Cán bộ đơn vị chủ trì xác nhận đã nhận nhiệm vụ.' },
  progress: {
    summary: 'Báo cáo tiến độ',
    description: 'Đơn vị chủ trì hoặc phối hợp báo cáo tiến độ thực hiện (kèm tỷ lệ phần trăm nếu có).',
  },
  measurements: {
    summary: 'Ghi nhận số liệu chỉ tiêu',
    description: 'Đơn vị chủ trì hoặc phối hợp ghi nhận giá trị đo được của một chỉ tiêu, kèm minh chứng.',
  },
  submit: { summary: 'Đề nghị hoàn thành', description: 'Đơn vị chủ trì gửi kết quả để Cơ quan Thường trực duyệt.' },
  approve: {
    summary: 'Duyệt hoàn thành',
    description: 'Cơ quan Thường trực duyệt đề nghị hoàn thành; nhiệm vụ kết thúc (đúng hạn hoặc trễ hạn).',
  },
  return: { summary: 'Trả lại đề nghị hoàn thành', description: 'Cơ quan Thường trực trả lại, yêu cầu bổ sung, kèm lý do.' },
  'extension-requests': { summary: 'Xin gia hạn', description: 'Đơn vị chủ trì đề nghị lùi thời hạn, kèm lý do.' },
  'extension-decision': {
    summary: 'Quyết định gia hạn',
    description: 'Cơ quan Thường trực chấp thuận (với thời hạn mới) hoặc từ chối đề nghị gia hạn.',
  },
  reassign: {
    summary: 'Giao lại nhiệm vụ',
    description: 'Cơ quan Thường trực giao nhiệm vụ cho đơn vị chủ trì khác; việc trễ hạn vẫn được tính cho đơn vị đã chủ trì khi quá hạn.',
  },
  cancel: { summary: 'Hủy nhiệm vụ', description: 'Cơ quan Thường trực hủy nhiệm vụ, kèm lý do.' },
  reports: { summary: 'Nộp báo cáo định kỳ', description: 'Đơn vị chủ trì nộp báo cáo cho một kỳ của nhiệm vụ định kỳ hoặc thường xuyên.' },
};

/** Registers the task, command and evidence operations. */
export function registerTaskOperations({ registry, operations, errors, json, jsonBody, taskPath, taskState }: OpenApiKit): void {
  const tasks = operations(TAGS.tasks);
  const commands = operations(TAGS.commands);
  const evidence = operations(TAGS.evidence);
  // ---- Tasks ----
  const LaunchTask = registry.register(
    'LaunchTask',
    fromOutside(launchTaskSchema).openapi({
      description:
        'Một mục của văn bản chỉ đạo được giao thành nhiệm vụ. Thiếu bất kỳ "rõ" nào trong "6 rõ" (người, việc, thời gian, trách nhiệm, thẩm quyền, kết quả) thì bị từ chối với 422 `missing-six-clear`.',
    }),
  );
  const LaunchResult = registry.register('LaunchResult', launchResultSchema());
  tasks.post('/api/v1/tasks', 'launchTask', 'Giao nhiệm vụ', {
    description:
      'Khởi chạy một nhiệm vụ (một workflow) cho một mục của văn bản chỉ đạo. Dành cho Cơ quan Thường trực. Gửi lại cùng số hiệu và mục thì nhận về nhiệm vụ đã có (200, `created: false`), kể cả khi nhiệm vụ đó đã hoàn thành hoặc đã hủy; muốn thực hiện lại thì mở lại (`reopen`).',
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
  tasks.get('/api/v1/tasks', 'listTasks', 'Danh sách nhiệm vụ', {
    description:
      'Lọc theo đơn vị, văn bản, nhóm trạng thái, quá hạn và khoảng thời hạn; phân trang. Cán bộ đơn vị chỉ thấy nhiệm vụ đơn vị mình chủ trì hoặc phối hợp.',
    request: { query: fromOutside(taskListQuerySchema) },
    responses: {
      200: json(pageOf('TaskList', looseObject('Một nhiệm vụ (bản ghi đọc)')), 'Một trang nhiệm vụ'),
      ...errors(400),
    },
  });
  // The reads of one task: its state, its history, the check of its audit chain.
  const TASK_READS = [
    {
      path: '',
      operationId: 'getTask',
      summary: 'Xem một nhiệm vụ',
      description: 'Trạng thái sống từ workflow và bản ghi trong cơ sở dữ liệu.',
      schema: z.object({ id: z.string(), state: taskState, record: looseObject('Bản ghi đọc của nhiệm vụ') }).openapi('TaskDetail'),
      answer: 'Nhiệm vụ',
    },
    {
      path: '/history',
      operationId: 'getTaskHistory',
      summary: 'Lịch sử và thông báo của nhiệm vụ',
      description: 'Nhật ký kiểm toán (chuỗi băm) và các thông báo đã lên lịch của nhiệm vụ.',
      schema: z
        .object({
          id: z.string(),
          events: z.array(looseObject('Một sự kiện kiểm toán')),
          notifications: z.array(looseObject('Một thông báo')),
        })
        .openapi('TaskHistory'),
      answer: 'Lịch sử nhiệm vụ',
    },
    {
      path: '/audit/verify',
      operationId: 'verifyTaskAudit',
      summary: 'Kiểm tra tính toàn vẹn nhật ký kiểm toán',
      description: 'Tính lại chuỗi băm của nhật ký; `ok: false` nêu sự kiện đầu tiên bị sai lệch.',
      schema: z
        .object({
          taskId: z.string(),
          ok: z.boolean(),
          events: z.number().int(),
          problem: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
        })
        .openapi('AuditVerdict'),
      answer: 'Kết quả kiểm tra',
    },
  ];
  for (const { path, operationId, summary, description, schema, answer } of TASK_READS) {
    tasks.get(`/api/v1/tasks/{id}${path}`, operationId, summary, {
      description,
      request: { params: taskPath },
      responses: { 200: json(schema, answer), ...errors(400, 403, 404) },
    });
  }

  // ---- Task commands: one operation per COMMAND_ROUTES entry, so a new command is documented with it. ----
  const CommandResult = registry.register('CommandResult', z.object({ id: z.string(), state: taskState }));
  for (const [name, { update, schema }] of Object.entries(COMMAND_ROUTES) as [CommandName, (typeof COMMAND_ROUTES)[CommandName]][]) {
    const text = COMMAND_TEXTS[name] ?? { summary: `Lệnh ${name}`, description: `Gửi lệnh \`${update.name}\` tới workflow của nhiệm vụ.` };
    commands.post(`/api/v1/tasks/{id}/${name}`, update.name, text.summary, {
      description: `${text.description} Workflow kiểm tra quyền và trạng thái trước khi ghi nhận; lệnh bị từ chối không để lại dấu vết trong lịch sử.`,
      request: { params: taskPath, body: jsonBody(registry.register(`${pascal(update.name)}Command`, fromOutside(schema as z.ZodType))) },
      responses: { 200: json(CommandResult, 'Lệnh đã được ghi nhận; trả về trạng thái mới'), ...errors(400, 403, 404, 409, 422) },
    });
  }

  commands.post('/api/v1/tasks/{id}/reopen', 'reopenTask', 'Mở lại nhiệm vụ', {
    description:
      'Cơ quan Thường trực mở lại một nhiệm vụ đã hoàn thành hoặc đã hủy để thực hiện lại, kèm lý do và thời hạn mới (ở tương lai). Vẫn là nhiệm vụ đó: nhật ký kiểm toán tiếp tục với sự kiện `reopened`, nhắc việc theo thời hạn mới.',
    request: { params: taskPath, body: jsonBody(registry.register('ReopenCommand', fromOutside(reopenSchema))) },
    responses: { 200: json(CommandResult, 'Nhiệm vụ đã được mở lại; trả về trạng thái mới'), ...errors(400, 403, 404, 409, 422) },
  });

  // ---- Evidence files ----
  const evidencePath = taskPath.extend({
    evidenceId: fromOutside(evidenceSchema.shape.evidenceId).openapi({ description: 'Mã minh chứng (trong `Location` của lần tải lên)' }),
  });
  evidence.post('/api/v1/tasks/{id}/evidence', 'uploadEvidence', 'Tải lên tệp minh chứng', {
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
              evidence: z.object({
                id: z.string(),
                sha256: z.string(),
                size: z.number().int(),
                contentType: z.string(),
                fileName: z.string(),
              }),
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
  evidence.get('/api/v1/tasks/{id}/evidence/{evidenceId}', 'downloadEvidence', 'Tải về tệp minh chứng', {
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
}

function launchResultSchema() {
  return z.object({
    id: z.string().openapi({ description: 'Mã nhiệm vụ' }),
    workflowId: z.string().openapi({ description: 'Mã workflow trên Temporal' }),
    created: z.boolean().openapi({ description: 'true khi vừa khởi chạy, false khi nhiệm vụ đã có từ trước' }),
    location: z.string().openapi({ description: 'Đường dẫn của nhiệm vụ' }),
  });
}
