import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { lookupSession, type SessionLifetime, type SessionUser } from '../../db/repositories/sessions';
import type { Database } from '../../db/schema';
import type { Actor } from '../../domain/roles';
import { clearCookie, readCookies, SESSION_COOKIE } from './cookies';

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in person of a page request (set by `loadSession`). */
    webUser?: SessionUser;
    /** A session cookie came with the request but its session has ended (expired, signed out, deactivated). */
    webSessionEnded?: boolean;
  }
}

/** Reads the session cookie; an ended session's cookie is cleared and remembered, to say so on the sign-in page. */
export function loadSession(db: Kysely<Database>, lifetime: SessionLifetime, secureCookies: boolean | undefined): RequestHandler {
  return async (req, res, next) => {
    const token = readCookies(req)[SESSION_COOKIE];
    if (token) {
      const user = await lookupSession(db, token, { lifetime });
      if (user) req.webUser = user;
      else {
        req.webSessionEnded = true;
        clearCookie(res, req, SESSION_COOKIE, secureCookies);
      }
    }
    next();
  };
}

/** A local path to come back to after signing in; anything else (another site, `//host`) is the home page. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 500 ? value : '/';
}

/**
 * Pages for signed-in people: anyone else is sent to sign in (htmx requests get `HX-Redirect`), and
 * someone signed in with a one-time password goes to change it before anything else.
 */
export function requireSignIn(opts: { allowPasswordChange?: boolean } = {}): RequestHandler {
  return (req, res, next) => {
    if (!req.webUser) {
      const target = `/sign-in?next=${encodeURIComponent(safeNext(req.originalUrl))}${req.webSessionEnded ? '&ended=1' : ''}`;
      if (req.get('hx-request')) {
        res.set('HX-Redirect', target).status(204).end();
        return;
      }
      res.redirect(303, target);
      return;
    }
    if (req.webUser.mustChangePassword && !opts.allowPasswordChange) {
      res.redirect(303, '/password');
      return;
    }
    next();
  };
}

/** The signed-in person as the rest of the system knows an actor. */
export function actorOfUser(user: SessionUser): Actor {
  return { userId: user.userId, login: user.login, fullName: user.fullName, unitCode: user.unitCode, roles: user.roles };
}

export function webUserOf(req: Request): SessionUser {
  if (!req.webUser) throw new Error('requireSignIn must run before this handler');
  return req.webUser;
}
