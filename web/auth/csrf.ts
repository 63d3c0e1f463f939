import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { WebError } from '../errors';
import { ANONYMOUS_CSRF_COOKIE, cookieOptions, readCookies } from './cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The origin a same-site form posts from: this request's scheme and Host. */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

/**
 * The CSRF token of the anonymous forms (sign-in): kept in a cookie and repeated in the form, so a
 * page of another site can neither read nor guess it. Set on first use.
 */
export function anonymousCsrfToken(req: Request, res: Response, secureCookies: boolean | undefined): string {
  const existing = readCookies(req)[ANONYMOUS_CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  res.cookie(ANONYMOUS_CSRF_COOKIE, token, cookieOptions(req, secureCookies));
  return token;
}

/**
 * Refuses a state-changing request (403) unless it comes from one of our pages: an `Origin` (or,
 * when a browser sends none, a `Referer`) of this very site, and the session's CSRF token (or the
 * anonymous one, before signing in) in the form field `_csrf` or the `X-CSRF-Token` header htmx sends.
 */
export function csrfProtection(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get('origin');
    const referer = req.get('referer');
    const expectedOrigin = ownOrigin(req);
    if (origin !== undefined && origin !== expectedOrigin) {
      throw new WebError(
        403,
        'Yêu cầu bị từ chối',
        'Yêu cầu này không đến từ một trang của hệ thống (nguồn gửi không khớp). Hãy mở lại trang và thử lại.',
      );
    }
    if (origin === undefined && referer !== undefined) {
      let refOrigin: string | null;
      try {
        refOrigin = new URL(referer).origin;
      } catch {
        refOrigin = null;
      }
      if (refOrigin !== expectedOrigin) {
        throw new WebError(
          403,
          'Yêu cầu bị từ chối',
          'Yêu cầu này không đến từ một trang của hệ thống (trang gửi không khớp). Hãy mở lại trang và thử lại.',
        );
      }
    }
    const expected = req.webUser?.csrfToken ?? readCookies(req)[ANONYMOUS_CSRF_COOKIE];
    const given = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
    if (!sameToken(given, expected)) {
      throw new WebError(
        403,
        'Yêu cầu bị từ chối',
        'Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF). Hãy tải lại trang rồi gửi lại biểu mẫu.',
      );
    }
    next();
  };
}
