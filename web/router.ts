import express, { Router, type ErrorRequestHandler } from 'express';
import fs from 'node:fs';
import { h } from 'preact';
import { ASSET_FILES } from './assets';
import { csrfProtection } from './auth/csrf';
import { loadSession } from './auth/session';
import { WebError } from './errors';
import { ErrorPage } from './pages/auth-pages';
import { sendPage } from './render';
import { adminRoutes } from './routes/admin';
import { authRoutes } from './routes/auth';
import { webContext, type WebDeps } from './routes/context';
import { directiveBodies, directiveRoutes } from './routes/directives';
import { inboxRoutes } from './routes/inbox';
import { evidenceUploads, taskRoutes } from './routes/tasks';
import { workRoutes } from './routes/work';
import { securityHeaders } from './security-headers';
import { EXPORT_PATHS, exportsRouter } from './routes/exports';
import { inspectionRouter } from './routes/inspection';
import { REPORT_PATHS, reportPagesRouter } from './routes/reports';

export type { WebDeps } from './routes/context';

/** The web app's paths (pages for people, not API operations: the OpenAPI document leaves them out). */
export const WEB_PATHS: readonly string[] = [
  '/',
  '/sign-in',
  '/sign-out',
  '/password',
  '/inbox',
  '/tasks',
  '/my-work',
  '/review',
  '/overview',
  '/directives',
  '/admin',
  '/assets',
  ...REPORT_PATHS,
  ...EXPORT_PATHS,
];

/** Whether a path belongs to the web app (itself or below one of WEB_PATHS). */
export const isWebPath = (path: string) => WEB_PATHS.some((p) => path === p || (p !== '/' && path.startsWith(`${p}/`)));

/**
 * The web app: server-rendered pages for people, signed in with a password and a server-side
 * session. Mounted after the API; `/api/...` never reaches it. Each area's pages live in `routes/`.
 */
export function webRouter(deps: WebDeps): Router {
  const ctx = webContext(deps);
  const router = Router();

  router.use((req, _res, next) => (req.path === '/api' || req.path.startsWith('/api/') ? next('router') : next()));
  router.use(securityHeaders());

  const assets = new Map(Object.entries(ASSET_FILES).map(([p, a]) => [p, { ...a, body: fs.readFileSync(a.file) }]));
  router.get('/assets/:file', (req, res, next) => {
    const asset = assets.get(req.path);
    if (!asset) return next();
    res.type(asset.type).set('Cache-Control', 'public, max-age=3600').send(asset.body);
  });

  router.use(loadSession(ctx.db, ctx.lifetime, ctx.secure));
  // Multipart bodies carry their CSRF token inside: they are read before the check, as are the
  // larger bodies of a few forms, before the app-wide parser's small limit.
  router.use(directiveBodies(ctx));
  router.use(evidenceUploads(ctx));
  router.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 50 }));
  router.use(csrfProtection());

  router.use(authRoutes(ctx));
  router.use(inboxRoutes(ctx));
  router.use(taskRoutes(ctx));
  router.use(workRoutes(ctx));
  router.use(directiveRoutes(ctx));
  router.use(adminRoutes(ctx));
  router.use(reportPagesRouter(deps), exportsRouter(deps), inspectionRouter(deps));

  router.use(async (req, _res, next) => {
    next(new WebError(404, 'Không tìm thấy trang', `Không có trang ${req.path}. Hãy kiểm tra lại địa chỉ.`));
  });

  const errorPage: ErrorRequestHandler = async (err, req, res, _next) => {
    const known =
      err instanceof WebError
        ? err
        : (err as { type?: string; status?: number }).type === 'entity.too.large'
          ? new WebError(413, 'Biểu mẫu quá lớn', 'Nội dung gửi lên vượt quá giới hạn cho phép.')
          : null;
    if (!known) ctx.logger.error({ err, url: req.originalUrl }, 'web page failed');
    const page =
      known ??
      new WebError(
        500,
        'Hệ thống đang gặp sự cố',
        'Đã có lỗi ngoài ý muốn khi xử lý yêu cầu. Hãy thử lại sau ít phút; nếu lỗi lặp lại, hãy báo quản trị hệ thống.',
      );
    const user = req.webUser && !req.webUser.mustChangePassword ? req.webUser : null;
    const count = user ? await ctx.unreadCount(user).catch(() => 0) : undefined;
    sendPage(res, page.status, h(ErrorPage, { status: page.status, title: page.title, detail: page.detail, user, unreadCount: count }));
  };
  router.use(errorPage);
  return router;
}
