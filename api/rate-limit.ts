import type { RequestHandler } from 'express';
import rateLimit from 'express-rate-limit';
import { actorOf } from './auth';
import { HttpProblem, PROBLEM_TYPES } from './problems';

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

/**
 * At most `perMinute` requests a minute for each user, keyed by the login `authenticate` set
 * (so one user's tokens share one budget, and users behind one proxy never share theirs).
 * Mounted after `authenticate`: unauthenticated requests are refused before they count.
 * The counters live in this process; several API replicas each allow `perMinute`.
 * `perMinute = 0` turns the limit off.
 */
export function rateLimitPerUser(perMinute: number): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    // RateLimit and RateLimit-Policy headers (IETF draft 8); Retry-After is set on every 429.
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => actorOf(req).login,
    handler: (_req, res, next) => {
      const retryAfter = res.getHeader('Retry-After');
      next(
        new HttpProblem(
          429,
          PROBLEM_TYPES.tooManyRequests,
          'Quá nhiều yêu cầu',
          `Mỗi người dùng được gửi tối đa ${perMinute} yêu cầu mỗi phút; vui lòng thử lại sau ${retryAfter ?? 60} giây`,
        ),
      );
    },
  });
}
