import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import * as registry from '../db/repositories/auth';
import type { Database } from '../db/schema';
import { grantsAnyRole, ROLE_LABELS, type Actor, type Role } from '../domain/roles';
import { HttpProblem, PROBLEM_TYPES } from './problems';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `authenticate` on every request it lets through. */
    actor?: Actor;
  }
}

const unauthorized = (detail: string) => new HttpProblem(401, PROBLEM_TYPES.unauthorized, 'Chưa xác thực', detail);
const forbidden = (detail: string) => new HttpProblem(403, PROBLEM_TYPES.forbidden, 'Không có quyền', detail);

// RFC 6750: the scheme is case-insensitive; the token itself is opaque.
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Requires `Authorization: Bearer <token>` and sets `req.actor`; anything else is a 401 with
 * `WWW-Authenticate: Bearer`. The token is only hashed and looked up, never logged.
 */
export function authenticate(db: Kysely<Database>): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw unauthorized('Thiếu mã truy cập: hãy gửi tiêu đề "Authorization: Bearer <mã truy cập>"');
    }
    const token = BEARER.exec(header)?.[1];
    const actor = token ? await registry.authenticate(db, token) : null;
    if (!actor) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw unauthorized('Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi');
    }
    req.actor = actor;
    next();
  };
}

/** Lets the request through when the actor holds any of `roles` (a unit head counts as an officer); 403 otherwise. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.actor) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw unauthorized('Yêu cầu này cần mã truy cập');
    }
    if (!grantsAnyRole(req.actor.roles, roles)) {
      throw forbidden(`Thao tác này dành cho: ${roles.map((r) => ROLE_LABELS[r]).join(', ')}`);
    }
    next();
  };
}

/** The actor of a request that went through `authenticate`. */
export function actorOf(req: Request): Actor {
  if (!req.actor) throw unauthorized('Yêu cầu này cần mã truy cập');
  return req.actor;
}
