import { z } from 'zod';
import { directiveImportSchema, discardDraftSchema, itemPatchSchema, launchItemsSchema } from '../domain/directive';
import { fromOutside, looseObject, TAGS, type OpenApiKit } from './openapi-kit';
import { directiveFromTextSchema } from './routes/directives';

/* The directive operations of the OpenAPI document: import, text intake (preview and register), drafts, launch. */

export function registerDirectiveOperations({ registry, operations, errors, json, jsonBody }: OpenApiKit): void {
  const directives = operations(TAGS.directives);
  // ---- Directives ----
  const directivePath = z.object({
    id: z.string().openapi({ description: 'Mã văn bản chỉ đạo', example: '2025-01-tb-cqtt.6f0c2f7d1a3b' }),
  });
  const DirectiveImport = registry.register('DirectiveImport', fromOutside(directiveImportSchema));
  const directiveView = looseObject('Văn bản chỉ đạo và các mục (nháp hoặc đã giao)');
  directives.post('/api/v1/directives', 'importDirective', 'Nhập văn bản chỉ đạo có cấu trúc', {
    description:
      'Nhập một văn bản và các mục của nó (JSON hoặc YAML cùng cấu trúc) dưới dạng bản nháp để rà soát trước khi giao. Dành cho Cơ quan Thường trực.',
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: DirectiveImport }, 'application/yaml': { schema: DirectiveImport } },
      },
    },
    responses: { 201: json(directiveView, 'Đã nhập văn bản'), ...errors(400, 403, 409, 415) },
  });
  // A notice's file in the multipart field `file` (issue 15, 8): .docx, PDF with a text layer, UTF-8 text.
  const noticeFile = {
    type: 'string',
    contentMediaType: 'application/octet-stream',
    description: 'Tệp văn bản: .docx, PDF có lớp văn bản, hoặc .txt (UTF-8)',
  } as const;
  directives.post('/api/v1/directives/extract', 'extractDirective', 'Đọc thử văn bản chỉ đạo (không ghi gì)', {
    description:
      'Gửi toàn văn thông báo (có dấu hoặc từ OCR) dạng `text/plain`, hoặc tệp .docx/.pdf trong trường `file` của `multipart/form-data`; trả về bản đọc đề xuất (số hiệu, cơ quan ban hành, ngày, các mục, phần nhận định) kèm nguồn của từng trường (`sources`: đoạn văn bản, vị trí trong `text`, độ tin cậy 0–1). Không ghi gì vào cơ sở dữ liệu; đăng ký bằng `POST /api/v1/directives/from-text`. PDF scan không có lớp văn bản bị từ chối (422, cần OCR trước); loại tệp khác: 415.',
    request: {
      body: {
        required: true,
        content: {
          'text/plain': { schema: z.string() },
          'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: noticeFile } } },
        },
      },
    },
    responses: {
      200: json(
        z.object({
          extract: looseObject('Bản đọc đề xuất (domain/intake/schema.ts)'),
          text: z.string().openapi({ description: 'Văn bản đã làm sạch mà các vị trí trong `sources` chỉ tới' }),
        }),
        'Bản đọc đề xuất',
      ),
      ...errors(400, 403, 413, 415, 422),
    },
  });
  const DirectiveFromText = registry.register('DirectiveFromText', fromOutside(directiveFromTextSchema));
  directives.post('/api/v1/directives/from-text', 'registerDirectiveFromText', 'Đăng ký văn bản chỉ đạo từ nội dung văn bản', {
    description:
      'Đọc lại văn bản và đăng ký với số hiệu, cơ quan ban hành, ngày ban hành do Cơ quan Thường trực xác nhận; các mục thành bản nháp (chỉ các mục trong `items` nếu có). Trường bỏ trống lấy theo bản đọc; `number` bắt buộc khi phần đầu văn bản không ghi số (422). JSON, hoặc `multipart/form-data` với tệp trong `file` và các trường còn lại (`items` có thể lặp).',
    request: {
      body: {
        required: true,
        content: {
          'application/json': { schema: DirectiveFromText },
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['file'],
              properties: {
                file: noticeFile,
                number: { type: 'string' },
                issuer: { type: 'string' },
                issuedOn: { type: 'string', format: 'date' },
                items: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    responses: {
      201: json(
        z.object({ extract: looseObject('Bản đọc của văn bản'), directive: directiveView }),
        'Đã đăng ký văn bản, các mục là bản nháp',
      ),
      ...errors(400, 403, 409, 413, 415, 422),
    },
  });
  directives.get('/api/v1/directives', 'listDirectives', 'Danh sách văn bản chỉ đạo', {
    request: {
      query: z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }),
    },
    responses: {
      200: json(z.object({ items: z.array(directiveView), page: z.number().int(), pageSize: z.number().int() }), 'Một trang văn bản'),
      ...errors(400, 403),
    },
  });
  directives.get('/api/v1/directives/{id}', 'getDirective', 'Xem một văn bản chỉ đạo và các mục', {
    request: { params: directivePath },
    responses: { 200: json(directiveView, 'Văn bản chỉ đạo'), ...errors(400, 403, 404) },
  });
  directives.patch('/api/v1/directives/{id}/items/{ref}', 'patchDirectiveItem', 'Sửa một mục nháp', {
    description: 'Bổ sung hoặc sửa các trường của một mục chưa giao (ví dụ để đủ "6 rõ").',
    request: {
      params: directivePath.extend({ ref: z.string().openapi({ description: 'Số thứ tự của mục trong văn bản' }) }),
      body: jsonBody(registry.register('DirectiveItemPatch', fromOutside(itemPatchSchema))),
    },
    responses: { 200: json(looseObject('Mục sau khi sửa'), 'Đã sửa'), ...errors(400, 403, 404, 409) },
  });
  directives.post('/api/v1/directives/{id}/items/{ref}/discard', 'discardDirectiveItem', 'Loại một mục nháp', {
    description:
      'Loại một mục chưa giao (không giao việc cho ai); mục vẫn được liệt kê, không giao được nữa, và lịch sử văn bản ghi người loại, thời điểm và lý do.',
    request: {
      params: directivePath.extend({ ref: z.string().openapi({ description: 'Số thứ tự của mục trong văn bản' }) }),
      body: jsonBody(registry.register('DiscardDirectiveItem', fromOutside(discardDraftSchema))),
    },
    responses: { 200: json(directiveView, 'Đã loại'), ...errors(400, 403, 404, 409) },
  });
  directives.post('/api/v1/directives/{id}/launch', 'launchDirectiveItems', 'Giao các mục của văn bản thành nhiệm vụ', {
    description: 'Giao các mục được chọn (hoặc mọi mục khi không nêu `refs`); kết quả nêu từng mục đã giao hay còn thiếu gì.',
    request: { params: directivePath, body: jsonBody(registry.register('LaunchDirectiveItems', fromOutside(launchItemsSchema))) },
    responses: {
      200: json(z.object({ id: z.string(), results: z.array(looseObject('Kết quả giao một mục')) }), 'Kết quả giao'),
      ...errors(400, 403, 404),
    },
  });
}
