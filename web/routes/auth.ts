import { Router } from 'express';
import { h } from 'preact';
import {
  changePassword,
  createSession,
  endSession,
  findCredentials,
  recordAuthEvent,
  signInBlockedUntil,
} from '../../db/repositories/sessions';
import { grantsAnyRole, type Role } from '../../domain/roles';
import { ANONYMOUS_CSRF_COOKIE, clearCookie, cookieOptions, SESSION_COOKIE } from '../auth/cookies';
import { anonymousCsrfToken } from '../auth/csrf';
import { decoyHash, hashPassword, verifyPassword } from '../auth/passwords';
import { requireSignIn, safeNext, webUserOf } from '../auth/session';
import { changePasswordFormSchema, parseForm, signInFormSchema, textOf } from '../forms';
import { ChangePasswordPage, SignInPage, type SignInNotice } from '../pages/auth-pages';
import { sendPage } from '../render';
import type { WebContext } from './context';

/**
 * Where each role starts: the secretariat at Tổng quan, an administrator at Quản trị, the inspection
 * committee at its search, a unit at Việc của tôi. Someone holding several roles starts at the first.
 */
export function homeFor(roles: readonly Role[]): string {
  if (roles.includes('secretariat')) return '/overview';
  if (roles.includes('admin')) return '/admin';
  if (roles.includes('inspector')) return '/tasks';
  if (grantsAnyRole(roles, ['unit_officer'])) return '/my-work';
  return '/inbox';
}

/** The home page, signing in and out, and changing one's password. */
export function authRoutes(ctx: WebContext): Router {
  const { db, now, secure, limits, lifetime, origin } = ctx;
  const router = Router();

  router.get('/', (req, res) => {
    if (!req.webUser) return res.redirect(303, req.webSessionEnded ? '/sign-in?ended=1' : '/sign-in');
    res.redirect(303, req.webUser.mustChangePassword ? '/password' : homeFor(req.webUser.roles));
  });

  router.get('/sign-in', (req, res) => {
    if (req.webUser) return res.redirect(303, '/');
    const notice: SignInNotice | undefined =
      req.query.ended || req.webSessionEnded ? 'ended' : req.query.signedOut ? 'signed_out' : undefined;
    sendPage(res, 200, h(SignInPage, { csrfToken: anonymousCsrfToken(req, res, secure), next: safeNext(req.query.next), notice }));
  });

  router.post('/sign-in', async (req, res) => {
    const csrfToken = anonymousCsrfToken(req, res, secure);
    const next = safeNext(textOf(req.body, 'next') || '/');
    const typed = textOf(req.body, 'login');
    const form = parseForm(signInFormSchema, req.body);
    if (!form.ok) return sendPage(res, 400, h(SignInPage, { csrfToken, login: typed, next, errors: form.errors }));
    const { login, password } = form.data;
    const from = origin(req);

    const blockedUntil = await signInBlockedUntil(db, login, from.address, limits, now());
    if (blockedUntil) {
      await recordAuthEvent(db, 'sign_in_limited', { login, ...from });
      const minutes = Math.max(1, Math.ceil((blockedUntil.getTime() - now().getTime()) / 60_000));
      res.set('Retry-After', String(minutes * 60));
      return sendPage(
        res,
        429,
        h(SignInPage, {
          csrfToken,
          login: typed,
          next,
          problem: `Đã nhập sai quá nhiều lần. Để bảo vệ tài khoản, hãy thử lại sau ${minutes} phút.`,
        }),
      );
    }

    const credentials = await findCredentials(db, login);
    // An unknown login, one without a password, or a deactivated one cost the same scrypt as a wrong password.
    const matches = await verifyPassword(password, credentials?.passwordHash ?? (await decoyHash()));
    if (!credentials || !credentials.passwordHash || !credentials.active || !matches) {
      await recordAuthEvent(db, 'sign_in_failed', { login, userId: credentials?.userId ?? null, ...from });
      return sendPage(res, 401, h(SignInPage, { csrfToken, login: typed, next, problem: 'Tên đăng nhập hoặc mật khẩu không đúng.' }));
    }

    const session = await createSession(db, credentials.userId, from, { now: now(), lifetime });
    await recordAuthEvent(db, 'sign_in', { login, userId: credentials.userId, sessionId: session.sessionId, ...from });
    res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions(req, secure), expires: session.expiresAt });
    clearCookie(res, req, ANONYMOUS_CSRF_COOKIE, secure);
    res.redirect(303, credentials.mustChange ? '/password' : next);
  });

  router.post('/sign-out', async (req, res) => {
    const user = req.webUser;
    if (user) {
      await endSession(db, user.sessionId);
      await recordAuthEvent(db, 'sign_out', { login: user.login, userId: user.userId, sessionId: user.sessionId, ...origin(req) });
    }
    clearCookie(res, req, SESSION_COOKIE, secure);
    res.redirect(303, '/sign-in?signedOut=1');
  });

  router.get('/password', requireSignIn({ allowPasswordChange: true }), async (req, res) => {
    const user = webUserOf(req);
    sendPage(res, 200, h(ChangePasswordPage, { user, unreadCount: await ctx.unreadCount(user) }));
  });

  router.post('/password', requireSignIn({ allowPasswordChange: true }), async (req, res) => {
    const user = webUserOf(req);
    const form = parseForm(changePasswordFormSchema, req.body);
    if (!form.ok) return sendPage(res, 400, h(ChangePasswordPage, { user, errors: form.errors }));
    const credentials = await findCredentials(db, user.login);
    if (!credentials?.passwordHash || !(await verifyPassword(form.data.currentPassword, credentials.passwordHash))) {
      return sendPage(
        res,
        400,
        h(ChangePasswordPage, { user, errors: [{ field: 'currentPassword', message: 'Mật khẩu hiện tại không đúng' }] }),
      );
    }
    await changePassword(
      db,
      { userId: user.userId, login: user.login, sessionId: user.sessionId },
      await hashPassword(form.data.newPassword),
      origin(req),
    );
    res.redirect(303, homeFor(user.roles));
  });

  return router;
}
