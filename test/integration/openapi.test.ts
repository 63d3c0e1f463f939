import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type express from 'express';
import { LAUNCH_FIELD_DESCRIPTIONS, OPENAPI_JSON_PATH } from '../../api/openapi';
import { problemSchema } from '../../api/problems';
import { COMMAND_ROUTES } from '../../api/routes/task-commands';
import { inboxQuerySchema } from '../../api/routes/inbox';
import { lateListQuerySchema, reportQuerySchema } from '../../api/routes/reports';
import { taskListQuerySchema } from '../../api/routes/tasks';
import { launchTaskSchema } from '../../domain/schemas/task';
import { useApiWorld } from '../helpers/api-world';
import { isWebPath } from '../../web/router';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every `METHOD /path` the Express app routes, with `:param` written `{param}` as in OpenAPI. */
function appRoutes(app: express.Express): string[] {
  const routes: string[] = [];
  const join = (prefix: string, path: string) => prefix + (path === '/' ? '' : path) || '/';
  // Express 5 keeps each layer's mount path in `rawPath`; a mounted router has a `stack`.
  const walk = (stack: Json[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          routes.push(`${method.toUpperCase()} ${join(prefix, String(layer.route.path))}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, join(prefix, String(layer.rawPath)));
      }
    }
  };
  walk((app as unknown as { router: { stack: Json[] } }).router.stack, '');
  return routes.map((r) => r.replace(/:(\w+)/g, '{$1}')).sort();
}

function operations(doc: Json): { key: string; path: string; method: string; op: Json }[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op: item[method] })),
  );
}

/** Follows a local JSON pointer (`#/components/schemas/X`). */
function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), doc);
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

function requestSchema(doc: Json, op: Json, mediaType = 'application/json'): Json {
  const schema = op.requestBody?.content?.[mediaType]?.schema;
  return schema?.$ref ? (resolvePointer(doc, schema.$ref) as Json) : schema;
}

/** The fields a zod object requires from a client (input side: defaults and optionals are not required). */
const requiredInput = (schema: z.ZodType) =>
  ((z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json).required ?? []).slice().sort();

describe('the OpenAPI document, generated from the zod schemas', () => {
  const w = useApiWorld({ worker: false });
  let doc: Json;

  beforeAll(async () => {
    const res = await w
      .http()
      .get(OPENAPI_JSON_PATH)
      .expect(200)
      .expect('content-type', /application\/json/);
    doc = res.body;
  });

  it('is an OpenAPI 3.1 document served without a token, with bearer tokens required by default', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    for (const path of ['/healthz', '/readyz', '/metrics', OPENAPI_JSON_PATH, '/docs'])
      expect(doc.paths[path].get.security, path).toEqual([]);
  });

  it('documents every route the app serves, and nothing it does not', () => {
    const documented = operations(doc)
      .map((o) => o.key)
      .sort();
    // The web app's pages (web/router.ts) are for people, not operations of the API.
    const served = appRoutes(w.app).filter((r) => !isWebPath(r.split(' ')[1].replace(/^\/+/, '/')));
    expect(
      served.filter((r) => !documented.includes(r)),
      'served but undocumented',
    ).toEqual([]);
    expect(
      documented.filter((r) => !served.includes(r)),
      'documented but not served',
    ).toEqual([]);
  });

  it('documents each lifecycle command of COMMAND_ROUTES with its own zod schema as the body', () => {
    expect(Object.keys(COMMAND_ROUTES).length).toBeGreaterThan(0);
    for (const [name, { update, schema }] of Object.entries(COMMAND_ROUTES)) {
      const op = doc.paths[`/api/v1/tasks/{id}/${name}`]?.post;
      expect(op, name).toBeDefined();
      expect(op.operationId).toBe(update.name);
      expect(op.requestBody.content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\/\w+Command$/);
      const body = requestSchema(doc, op);
      expect(Object.keys(body.properties).sort(), name).toEqual(Object.keys((schema as unknown as z.ZodObject).shape).sort());
      expect((body.required ?? []).slice().sort(), name).toEqual(requiredInput(schema as z.ZodType));
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409', '422', '429']));
    }
  });

  it('asks of a launch exactly what launchTaskSchema asks, and explains its fields', () => {
    const body = requestSchema(doc, doc.paths['/api/v1/tasks'].post);
    expect(Object.keys(body.properties).sort()).toEqual(Object.keys(launchTaskSchema.shape).sort());
    expect(body.required.slice().sort()).toEqual(requiredInput(launchTaskSchema));
    // The "6 rõ" fields are optional in the body so that a refusal can name every missing one.
    expect(body.required.slice().sort()).toEqual(['directiveNumber', 'ref']);
    expect(
      Object.keys(LAUNCH_FIELD_DESCRIPTIONS).filter((f) => !(f in launchTaskSchema.shape)),
      'described fields that no longer exist',
    ).toEqual([]);
    expect(body.properties.leadUnit.description).toMatch(/Rõ người/);
    expect(body.properties.deadline.oneOf).toHaveLength(3);
  });

  it('takes the list filters of GET /api/v1/tasks from taskListQuerySchema', () => {
    const params: Json[] = doc.paths['/api/v1/tasks'].get.parameters;
    expect(params.every((p) => p.in === 'query')).toBe(true);
    expect(params.map((p) => p.name).sort()).toEqual(Object.keys(taskListQuerySchema.shape).sort());
    expect(params.find((p) => p.name === 'statusGroup')!.schema.enum).toContain('in_progress_overdue');
  });

  it("takes the report and inbox filters from their routes' own query schemas", () => {
    const names = (path: string) => (doc.paths[path].get.parameters as Json[]).map((p) => p.name).sort();
    expect(names('/api/v1/reports/units')).toEqual(Object.keys(reportQuerySchema.shape).sort());
    expect(names('/api/v1/reports/directives')).toEqual(Object.keys(reportQuerySchema.shape).sort());
    expect(names('/api/v1/reports/late')).toEqual(Object.keys(lateListQuerySchema.shape).sort());
    expect(names('/api/v1/inbox')).toEqual(Object.keys(inboxQuerySchema.shape).sort());
    expect(Object.keys(doc.paths['/api/v1/reports/units'].get.responses['200'].content)).toEqual([
      'application/json',
      'text/csv',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);
  });

  it('answers every error with the Problem schema generated from problemSchema', () => {
    const problem = doc.components.schemas.Problem;
    expect(Object.keys(problem.properties).sort()).toEqual(Object.keys(problemSchema.shape).sort());
    expect(problem.required.slice().sort()).toEqual(requiredInput(problemSchema));
    for (const { key, op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses as Json)) {
        if (!/^[45]/.test(status) || key === 'GET /readyz') continue;
        expect(response.content?.['application/problem+json']?.schema, `${key} ${status}`).toEqual({
          $ref: '#/components/schemas/Problem',
        });
      }
    }
    expect(doc.paths['/api/v1/tasks'].get.responses['429'].headers['Retry-After']).toBeDefined();
  });

  it('holds together: references resolve, path parameters are declared, ids are unique, texts are there', () => {
    const unresolved = [...new Set(refsIn(doc))].filter((ref) => resolvePointer(doc, ref) === undefined);
    expect(unresolved).toEqual([]);

    const tagNames = (doc.tags as Json[]).map((t) => t.name);
    const ids = new Set<string>();
    for (const { key, path, op } of operations(doc)) {
      expect(path, key).toMatch(/^\//);
      expect(op.operationId, key).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(ids.has(op.operationId), `duplicate operationId ${op.operationId}`).toBe(false);
      ids.add(op.operationId);
      expect(op.summary, key).toEqual(expect.any(String));
      expect(tagNames, key).toEqual(expect.arrayContaining(op.tags));
      expect(Object.keys(op.responses).length, key).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(op.responses as Json)) {
        expect(status, key).toMatch(/^([1-5]\d\d|default)$/);
        expect(response.description, `${key} ${status}`).toEqual(expect.any(String));
      }
      const params: Json[] = op.parameters ?? [];
      for (const p of params) {
        expect(['path', 'query', 'header', 'cookie'], key).toContain(p.in);
        expect(p.schema, `${key} ${p.name}`).toBeDefined();
      }
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = params.filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), key).toEqual(inPath);
      expect(
        declared.every((p) => p.required === true),
        key,
      ).toBe(true);
      for (const requirement of op.security ?? [])
        for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes[scheme], key).toBeDefined();
    }
    // People read the summaries: Vietnamese, with its diacritics.
    const summaries = operations(doc).map((o) => o.op.summary as string);
    expect(summaries.filter((s) => !/[ạảãáàâấầẩẫậăắằẳẵặđêếềểễệéèẻẽẹíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵ]/i.test(s))).toEqual([]);
  });

  it('renders the document for people at /docs, from the spec and without any outside resource', async () => {
    const res = await w
      .http()
      .get('/docs')
      .expect(200)
      .expect('content-type', /text\/html/);
    expect(res.text).toContain(JSON.stringify(OPENAPI_JSON_PATH));
    expect(res.text).toMatch(/<html lang="vi">/);
    expect(res.text).not.toMatch(/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//);
  });
});
