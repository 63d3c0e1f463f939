import type { ComponentChildren } from 'preact';
import type { SessionUser } from '../../db/repositories/sessions';
import { grantsAnyRole, ROLE_LABELS, type Role } from '../../domain/roles';
import { ASSET_PATHS } from '../assets';
import { CsrfField } from './form';

export type NavKey = 'my-work' | 'review' | 'overview' | 'directives' | 'tasks' | 'reports' | 'inbox' | 'admin' | 'password';

interface NavItem {
  key: NavKey;
  href: string;
  label: (user: SessionUser) => string;
  roles: readonly Role[];
}

/** What each role finds in the navigation; pages a role cannot use are not offered. */
const NAV: readonly NavItem[] = [
  { key: 'my-work', href: '/my-work', label: () => 'Việc của tôi', roles: ['unit_officer', 'unit_head'] },
  { key: 'review', href: '/review', label: () => 'Chờ duyệt', roles: ['secretariat'] },
  { key: 'overview', href: '/overview', label: () => 'Tổng quan', roles: ['secretariat', 'inspector', 'admin'] },
  { key: 'directives', href: '/directives', label: () => 'Văn bản chỉ đạo', roles: ['secretariat'] },
  {
    key: 'tasks',
    href: '/tasks',
    label: (u) =>
      grantsAnyRole(u.roles, ['inspector'])
        ? 'Tra cứu nhiệm vụ'
        : grantsAnyRole(u.roles, ['secretariat', 'admin'])
          ? 'Nhiệm vụ'
          : 'Nhiệm vụ của đơn vị',
    roles: ['secretariat', 'unit_officer', 'unit_head', 'inspector', 'admin'],
  },
  { key: 'reports', href: '/reports', label: () => 'Báo cáo', roles: ['secretariat', 'inspector', 'admin', 'unit_officer', 'unit_head'] },
  { key: 'admin', href: '/admin', label: () => 'Quản trị', roles: ['admin'] },
  { key: 'inbox', href: '/inbox', label: () => 'Thông báo', roles: ['secretariat', 'unit_officer', 'unit_head', 'inspector', 'admin'] },
];

// htmx without eval, without the <style> it injects (the CSP allows no inline style), without
// history snapshots in localStorage (pages hold personal data), and swapping the refusals a form
// shows (400, 409, 413, 415, 422, 503: the page with the error summary and the input kept) like a success.
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '(400|409|413|415|422|503)', swap: true, error: false },
    { code: '[45]..', swap: false, error: true },
  ],
});

export interface LayoutProps {
  title: string;
  user?: SessionUser | null;
  unreadCount?: number;
  current?: NavKey;
  children: ComponentChildren;
}

/** The one page layout: header with the person, their unit and role, navigation by role, sign-out. */
export function Layout({ title, user, unreadCount, current, children }: LayoutProps) {
  const nav = user && !user.mustChangePassword ? NAV.filter((n) => grantsAnyRole(user.roles, n.roles)) : [];
  return (
    <html lang="vi">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${title} – Theo dõi nhiệm vụ Ban Chỉ đạo`}</title>
        <link rel="stylesheet" href={ASSET_PATHS.css} />
        {user && <script src={ASSET_PATHS.htmx} defer />}
      </head>
      <body hx-headers={user ? JSON.stringify({ 'X-CSRF-Token': user.csrfToken }) : undefined}>
        <a class="skip-link" href="#main">
          Bỏ qua, đến nội dung chính
        </a>
        <header class="header">
          <div class="header__inner">
            <a class="header__service" href="/">
              Theo dõi nhiệm vụ Ban Chỉ đạo
            </a>
            {user && (
              <div class="header__user">
                <p class="header__person">
                  <span class="header__name">{user.fullName ?? user.login}</span>
                  <span class="header__detail">
                    {user.roles.map((r) => ROLE_LABELS[r]).join(', ')} · {user.unitName}
                  </span>
                </p>
                <form method="post" action="/sign-out" class="header__sign-out">
                  <CsrfField token={user.csrfToken} />
                  <button type="submit" class="button button--link">
                    Đăng xuất
                  </button>
                </form>
              </div>
            )}
          </div>
          {nav.length > 0 && (
            <nav class="nav" aria-label="Điều hướng chính">
              <ul class="nav__list">
                {nav.map((n) => (
                  <li key={n.key} class="nav__item">
                    <a class="nav__link" href={n.href} aria-current={current === n.key ? 'page' : undefined}>
                      {n.label(user!)}
                      {n.key === 'inbox' && <UnreadCount count={unreadCount ?? 0} />}
                    </a>
                  </li>
                ))}
                <li class="nav__item">
                  <a class="nav__link" href="/password" aria-current={current === 'password' ? 'page' : undefined}>
                    Đổi mật khẩu
                  </a>
                </li>
              </ul>
            </nav>
          )}
        </header>
        <main id="main" class="main" tabindex={-1}>
          {children}
        </main>
        <footer class="footer">
          <p>Cơ quan Thường trực Ban Chỉ đạo tỉnh Thái Nguyên · Giờ hiển thị theo múi giờ Việt Nam (UTC+07:00)</p>
        </footer>
      </body>
    </html>
  );
}

/** The unread count beside "Thông báo"; replaced out of band when a notification is marked read. */
export function UnreadCount({ count, oob }: { count: number; oob?: boolean }) {
  return (
    <span id="unread-count" class="count" hx-swap-oob={oob ? 'true' : undefined}>
      {count > 0 ? (
        <>
          {' '}
          <span aria-hidden="true" class="count__badge">
            {count}
          </span>
          <span class="visually-hidden">({count} chưa đọc)</span>
        </>
      ) : null}
    </span>
  );
}
