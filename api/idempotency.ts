import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import { claimKey, completeKey, findKey, releaseKey, type IdempotencyRecord } from '../db/repositories/idempotency';
import type { Database } from '../db/schema';
import { actorOf } from './auth';
import { HttpProblem, invalid, PROBLEM_TYPES } from './problems';

declare module 'express-serve-static-core' {
  interface Request {
    /**
     * An Idempotency-Key whose claim waits for the route: a body that `express.json` did not
     * parse (multipart, YAML) can only be hashed once the route has read it (`claimIdempotencyKey`).
     */
    pendingIdempotencyKey?: string;
  }
}

export const IDEMPOTENCY_PROBLEMS = {
  inProgress: 'idempotency-in-progress',
  reused: 'idempotency-key-reused',
} as const;

// Visible ASCII without spaces: UUIDs, ULIDs and random tokens all fit.
const KEY = /^[\x21-\x7e]{1,200}$/;
// Headers a replay must repeat; everything else is regenerated (X-Request-Id belongs to the retry).
const REPLAYED_HEADERS = ['content-type', 'location'] as const;

/** JSON with object keys sorted at every depth: the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const requestHash = (req: Request, body: unknown) =>
  createHash('sha256')
    .update(canonicalJson({ method: req.method, path: req.originalUrl, body }))
    .digest('hex');

// No request of the API nests more than a few levels; a body nested deeper would overflow canonicalJson's recursion.
const MAX_BODY_DEPTH = 64;

/** True when a parsed JSON body nests objects or arrays deeper than `limit` (counted without recursion). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * `Idempotency-Key` on every POST under /api/v1, scoped by the authenticated login. The first
 * request with a key runs and its answer (2xx or 4xx) is kept; a retry with the same key and body
 * gets that answer again with `Idempotency-Replayed: true` and changes nothing. Mount after
 * `authenticate` and after `express.json`.
 */
export function idempotency(db: Kysely<Database>): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'POST') return next();
    const key = req.get('idempotency-key');
    if (key === undefined) return next();
    if (!KEY.test(key)) {
      throw invalid('Tiêu đề Idempotency-Key phải gồm 1 đến 200 ký tự ASCII nhìn thấy được (không dấu cách)', [
        { path: 'Idempotency-Key', reason: 'từ 1 đến 200 ký tự ASCII nhìn thấy được' },
      ]);
    }
    if (req.body === undefined && hasBody(req)) {
      req.pendingIdempotencyKey = key;
      return next();
    }
    if (nestedDeeperThan(req.body, MAX_BODY_DEPTH)) {
      throw new HttpProblem(400, PROBLEM_TYPES.malformed, 'Yêu cầu không đọc được', `Thân yêu cầu lồng nhau quá ${MAX_BODY_DEPTH} cấp`);
    }
    if (await claim(db, req, res, key, requestHash(req, req.body ?? null))) next();
  };
}

/**
 * For routes whose body `express.json` does not parse: claims the request's pending key with a
 * hash of what the route read (for a file, its SHA-256). Returns false when the request was
 * answered already (a replay); throws the 409/422 problems. True when there is no key.
 */
export async function claimIdempotencyKey(db: Kysely<Database>, req: Request, res: Response, body: unknown): Promise<boolean> {
  const key = req.pendingIdempotencyKey;
  if (!key) return true;
  req.pendingIdempotencyKey = undefined;
  return claim(db, req, res, key, requestHash(req, body));
}

async function claim(db: Kysely<Database>, req: Request, res: Response, key: string, hash: string): Promise<boolean> {
  const login = actorOf(req).login;
  if (await claimKey(db, { login, key, method: req.method, path: req.originalUrl, requestHash: hash })) {
    keepAnswer(db, req, res, login, key);
    return true;
  }

  const first = await findKey(db, login, key);
  if (first && first.requestHash !== hash) {
    throw new HttpProblem(
      422,
      IDEMPOTENCY_PROBLEMS.reused,
      'Khóa Idempotency-Key đã được dùng',
      `Khóa "${key}" đã được dùng cho một yêu cầu khác (${first.method} ${first.path}); mỗi yêu cầu mới cần một khóa mới`,
    );
  }
  // No row: the first request failed (5xx) and released the key a moment ago; retrying is right.
  if (!first || first.state === 'in_progress') {
    res.setHeader('Retry-After', '1');
    throw new HttpProblem(
      409,
      IDEMPOTENCY_PROBLEMS.inProgress,
      'Yêu cầu đang được xử lý',
      `Yêu cầu với khóa "${key}" đang được xử lý; hãy thử lại sau giây lát`,
    );
  }
  replay(res, first);
  return false;
}

function replay(res: Response, first: IdempotencyRecord) {
  res.status(first.statusCode!);
  for (const [name, value] of Object.entries(first.responseHeaders ?? {})) res.setHeader(name, value);
  res.setHeader('Idempotency-Replayed', 'true');
  res.send(first.responseBody ?? Buffer.alloc(0));
}

/**
 * Keeps the answer before the client sees it, so a retry that follows the answer always finds it.
 * Express funnels res.json through res.send; the key is released on a 5xx so the client can retry.
 */
function keepAnswer(db: Kysely<Database>, req: Request, res: Response, login: string, key: string) {
  const send = res.send;
  let kept = false;
  const keep = async (status: number, body: Buffer): Promise<void> => {
    kept = true;
    if (status >= 500) {
      const release = () => releaseKey(db, login, key);
      await release().catch((err: unknown) => {
        // The database may be what failed (a 503 during an outage): kept, the claim would answer
        // "in progress" to every retry until it counts as abandoned. Freed in the background once it is back.
        logFailure(err);
        let tries = 0;
        const again = () => setTimeout(() => void release().catch(() => (++tries < 300 ? again() : undefined)), 2_000).unref();
        again();
      });
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = res.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    await completeKey(db, login, key, { statusCode: status, headers, body });
  };
  const logFailure = (err: unknown) => req.log?.error({ err }, 'idempotency: answer not kept');

  res.send = function sendAfterKeeping(this: Response, body?: unknown) {
    // res.send(object) goes through res.json, which comes back here with the serialized string.
    if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) return this.json(body);
    res.send = send;
    if (typeof body === 'string') {
      // What res.send adds to a string answer, so a replay repeats the header exactly.
      const type = this.getHeader('content-type');
      this.setHeader(
        'Content-Type',
        type === undefined
          ? 'text/html; charset=utf-8'
          : /;\s*charset=/i.test(String(type))
            ? String(type)
            : `${String(type)}; charset=utf-8`,
      );
    }
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body === undefined ? '' : String(body));
    void keep(this.statusCode, bytes)
      .catch(logFailure)
      .then(() => send.call(this, body))
      .catch((err: unknown) => req.log?.error({ err }, 'idempotency: answer not sent'));
    return this;
  } as Response['send'];

  // An answer that bypassed res.send (res.end, a stream) is kept without its body.
  res.once('finish', () => {
    if (!kept) void keep(res.statusCode, Buffer.alloc(0)).catch(logFailure);
  });
}
