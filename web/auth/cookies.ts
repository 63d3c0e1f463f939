import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'de_session';
/** The CSRF token of a form shown before signing in (double-submit: cookie and hidden field). */
export const ANONYMOUS_CSRF_COOKIE = 'de_csrf';

/** The request's cookies (RFC 6265 `name=value; ...`); the first of a repeated name wins. */
export function readCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

/** `Secure` when the request came over HTTPS (behind a proxy: with express's `trust proxy` set) or the deployment says so. */
export function cookieOptions(req: Request, secureCookies: boolean | undefined) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: secureCookies ?? req.secure, path: '/' };
}

export function clearCookie(res: Response, req: Request, name: string, secureCookies: boolean | undefined): void {
  res.clearCookie(name, cookieOptions(req, secureCookies));
}
