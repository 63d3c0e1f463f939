import type { SessionUser } from '../../db/repositories/sessions';
import { PASSWORD_MIN_LENGTH } from '../auth/passwords';
import { CsrfField, ErrorSummary, Notice, TextField, type FieldError } from '../components/form';
import { Layout } from '../components/layout';
import { errorOf } from '../forms';

export type SignInNotice = 'ended' | 'signed_out' | 'password_changed';

const SIGN_IN_NOTICES: Record<SignInNotice, { text: string; tone: 'info' | 'success' | 'warning' }> = {
  ended: {
    text: 'Phiên đăng nhập đã kết thúc (hết thời gian, đã đăng xuất ở nơi khác hoặc tài khoản bị vô hiệu hóa). Hãy đăng nhập lại.',
    tone: 'warning',
  },
  signed_out: { text: 'Bạn đã đăng xuất.', tone: 'success' },
  password_changed: { text: 'Đã đổi mật khẩu. Hãy đăng nhập bằng mật khẩu mới.', tone: 'success' },
};

export interface SignInPageProps {
  csrfToken: string;
  login?: string;
  next?: string;
  errors?: readonly FieldError[];
  /** A refusal that is not about one field: wrong password, too many attempts. */
  problem?: string;
  notice?: SignInNotice;
}

/** Signing in: login and password, labels above, the login kept when the form comes back. */
export function SignInPage({ csrfToken, login, next, errors = [], problem, notice }: SignInPageProps) {
  const summary: FieldError[] = problem ? [{ field: errors.length ? '' : 'password', message: problem }, ...errors] : [...errors];
  return (
    <Layout title="Đăng nhập">
      <div class="narrow">
        {notice && <Notice tone={SIGN_IN_NOTICES[notice].tone}>{SIGN_IN_NOTICES[notice].text}</Notice>}
        <ErrorSummary errors={summary} title={problem ? 'Không đăng nhập được' : 'Có lỗi cần sửa'} />
        <h1>Đăng nhập</h1>
        <p class="lead">Dành cho cán bộ Cơ quan Thường trực, các cơ quan, đơn vị, địa phương và Ủy ban Kiểm tra.</p>
        <form method="post" action="/sign-in" novalidate>
          <CsrfField token={csrfToken} />
          {next && next !== '/' && <input type="hidden" name="next" value={next} />}
          <TextField
            name="login"
            label="Tên đăng nhập"
            value={login}
            error={errorOf(errors, 'login')}
            autocomplete="username"
            spellcheck={false}
            width="medium"
          />
          <TextField
            name="password"
            label="Mật khẩu"
            type="password"
            error={errorOf(errors, 'password') ?? (problem ? problem : undefined)}
            autocomplete="current-password"
            width="medium"
          />
          <button type="submit" class="button">
            Đăng nhập
          </button>
        </form>
        <p>Quên mật khẩu? Hãy liên hệ quản trị hệ thống của Cơ quan Thường trực để được cấp mật khẩu dùng một lần.</p>
      </div>
    </Layout>
  );
}

export interface ChangePasswordPageProps {
  user: SessionUser;
  errors?: readonly FieldError[];
  unreadCount?: number;
}

/** A password input of the change-password form: never refilled when the form comes back, only its error shown. */
function PasswordField(p: { name: string; label: string; hint?: string; autocomplete: string; errors: readonly FieldError[] }) {
  return (
    <TextField
      name={p.name}
      label={p.label}
      hint={p.hint}
      type="password"
      error={errorOf(p.errors, p.name)}
      autocomplete={p.autocomplete}
      width="medium"
    />
  );
}

/** Changing one's password; forced, with nothing else offered, after signing in with a one-time password. */
export function ChangePasswordPage({ user, errors = [], unreadCount }: ChangePasswordPageProps) {
  const forced = user.mustChangePassword;
  return (
    <Layout title="Đổi mật khẩu" user={user} current="password" unreadCount={unreadCount}>
      <div class="narrow">
        <ErrorSummary errors={errors} />
        {forced && (
          <Notice tone="warning">Bạn vừa đăng nhập bằng mật khẩu dùng một lần. Hãy đặt mật khẩu của riêng mình trước khi tiếp tục.</Notice>
        )}
        <h1>{forced ? 'Đặt mật khẩu mới' : 'Đổi mật khẩu'}</h1>
        <form method="post" action="/password" novalidate>
          <CsrfField token={user.csrfToken} />
          <input type="text" name="username" value={user.login} autocomplete="username" hidden readOnly />
          <PasswordField
            name="currentPassword"
            label={forced ? 'Mật khẩu dùng một lần' : 'Mật khẩu hiện tại'}
            autocomplete="current-password"
            errors={errors}
          />
          <PasswordField
            name="newPassword"
            label="Mật khẩu mới"
            hint={`Ít nhất ${PASSWORD_MIN_LENGTH} ký tự. Nên dùng một câu dễ nhớ, khó đoán.`}
            autocomplete="new-password"
            errors={errors}
          />
          <PasswordField name="confirmPassword" label="Nhập lại mật khẩu mới" autocomplete="new-password" errors={errors} />
          <button type="submit" class="button">
            Đổi mật khẩu
          </button>
        </form>
      </div>
    </Layout>
  );
}

/** A refusal or failure as a page: what happened and what to do, in Vietnamese. */
export function ErrorPage({
  status,
  title,
  detail,
  user,
  unreadCount,
}: {
  status: number;
  title: string;
  detail: string;
  user?: SessionUser | null;
  unreadCount?: number;
}) {
  return (
    <Layout title={title} user={user} unreadCount={unreadCount}>
      <div class="narrow">
        <p class="caption">Mã lỗi {status}</p>
        <h1>{title}</h1>
        <p>{detail}</p>
        <p>
          <a href="/">Về trang chủ</a>
        </p>
      </div>
    </Layout>
  );
}
