import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { HttpProblem, PROBLEM_TYPES } from './problems';

// Names by which clients send the media types the document lists under one name.
const ALIASES: Record<string, string[]> = { 'application/yaml': ['application/x-yaml', 'text/yaml'] };

interface DocumentedOperation {
  requestBody?: { content?: Record<string, unknown> };
}

/**
 * 415 for a body whose media type the operation does not take, as the OpenAPI document lists them.
 * Without it a body in another type is simply not parsed, and the route sees no body at all: a
 * `launch` meant for one item, sent as form data or text, would launch every item of the directive.
 */
export function documentedContentTypes(document: { paths?: object }): RequestHandler {
  const routes = Object.entries((document.paths ?? {}) as Record<string, Record<string, unknown>>).flatMap(([template, methods]) =>
    Object.entries(methods).flatMap(([method, op]) => {
      const content = (op as DocumentedOperation).requestBody?.content;
      if (!content) return [];
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
      const types = Object.keys(content).flatMap((t) => [t, ...(ALIASES[t] ?? [])]);
      return [{ method: method.toUpperCase(), pattern, types, listed: Object.keys(content) }];
    }),
  );
  return (req, _res, next) => {
    if (!hasBody(req)) return next();
    const route = routes.find((r) => r.method === req.method && r.pattern.test(req.baseUrl + req.path));
    if (!route || req.is(route.types)) return next();
    throw new HttpProblem(
      415,
      PROBLEM_TYPES.unsupportedMediaType,
      'Định dạng không được hỗ trợ',
      `${req.method} ${req.baseUrl + req.path} nhận thân yêu cầu dạng ${route.listed.join(' hoặc ')}, không nhận "${req.get('content-type') ?? '(không khai báo)'}"`,
    );
  };
}

const hasBody = (req: IncomingMessage) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The `verify` of the body parsers: a body declared UTF-8 must be UTF-8, and hold no NUL byte.
 * The parsers would otherwise replace each bad byte with U+FFFD and the text would be stored, and
 * signed into the audit trail, as something the client never sent; PostgreSQL refuses NUL outright.
 */
export function verifyUtf8Body(_req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string): void {
  if (!/^utf-?8$/i.test(encoding)) return;
  let bad = buf.includes(0);
  if (!bad) {
    try {
      UTF8.decode(buf);
    } catch {
      bad = true;
    }
  }
  if (bad) {
    throw new HttpProblem(
      400,
      PROBLEM_TYPES.malformed,
      'Yêu cầu không đọc được',
      'Thân yêu cầu không phải văn bản UTF-8 hợp lệ (có byte sai mã hoặc byte NUL)',
      [{ path: '(body)', reason: 'không phải UTF-8 hợp lệ' }],
    );
  }
}
