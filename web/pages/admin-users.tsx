import type { UserRow } from '../../db/repositories/registry';
import { ROLE_LABELS, ROLES, type Role } from '../../domain/roles';
import { Checkbox, CsrfField, Notice, SelectField, TextField } from '../components/form';
import { Table } from '../components/table';
import { errorOf } from '../forms';
import { AdminLayout, valueOf, type AdminCommon, type FormState } from './admin-pages';

type UnitOption = { value: string; label: string };

/** A one-time password, shown on the page that issued it and nowhere else. */
function OneTimePassword({ login, password }: { login: string; password: string }) {
  return (
    <Notice tone="warning">
      <p>{`Mật khẩu dùng một lần của ${login} (chỉ hiện một lần; người dùng phải đổi ở lần đăng nhập đầu tiên):`}</p>
      <p class="one-time" data-testid="one-time-password">
        {password}
      </p>
    </Notice>
  );
}

function RoleChoices({ prefix, checked, error }: { prefix: string; checked: readonly string[]; error?: string }) {
  return (
    <fieldset class={`fieldset form-group${error ? ' form-group--error' : ''}`} id="field-roles">
      <legend class="label">Vai trò</legend>
      {error && <p class="error-message">{error}</p>}
      {ROLES.map((r) => (
        <Checkbox key={r} id={`${prefix}-${r}`} name="roles" value={r} checked={checked.includes(r)} label={ROLE_LABELS[r]} />
      ))}
    </fieldset>
  );
}

const rolesOf = (s: FormState): string[] => {
  const v = s.values?.roles;
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
};

/** Người dùng: everyone who signs in, and a form to add someone (who gets a one-time password). */
export function UsersPage(
  p: AdminCommon & FormState & { users: readonly UserRow[]; units: readonly UnitOption[]; issued?: { login: string; password: string } },
) {
  const errors = p.errors ?? [];
  return (
    <AdminLayout {...p} title="Người dùng">
      {p.issued && <OneTimePassword {...p.issued} />}
      <Table<UserRow>
        caption="Người dùng"
        rows={p.users}
        rowKey={(u) => u.login}
        empty="Chưa có người dùng nào."
        columns={[
          { header: 'Tên đăng nhập', kind: 'nowrap', cell: (u) => <a href={`/admin/users/${encodeURIComponent(u.login)}`}>{u.login}</a> },
          { header: 'Họ và tên', cell: (u) => u.fullName ?? '—' },
          { header: 'Đơn vị', kind: 'nowrap', cell: (u) => u.unitCode },
          { header: 'Vai trò', cell: (u) => u.roles.map((r) => ROLE_LABELS[r]).join(', ') },
          { header: 'Trạng thái', cell: (u) => (!u.active ? 'Đã vô hiệu hóa' : u.hasPassword ? 'Đang hoạt động' : 'Chưa có mật khẩu') },
        ]}
      />
      <h2>Thêm người dùng</h2>
      <form method="post" action="/admin/users" novalidate>
        <CsrfField token={p.user.csrfToken} />
        <TextField
          name="login"
          label="Tên đăng nhập"
          hint="Chữ thường không dấu, số, dấu chấm"
          value={valueOf(p, 'login')}
          error={errorOf(errors, 'login')}
          width="medium"
          spellcheck={false}
        />
        <TextField name="fullName" label="Họ và tên" value={valueOf(p, 'fullName')} error={errorOf(errors, 'fullName')} />
        <SelectField
          name="unitCode"
          label="Đơn vị"
          options={[{ value: '', label: '— chọn đơn vị —' }, ...p.units]}
          value={valueOf(p, 'unitCode')}
          error={errorOf(errors, 'unitCode')}
        />
        <RoleChoices prefix="new" checked={rolesOf(p)} error={errorOf(errors, 'roles')} />
        <TextField name="email" label="Email (không bắt buộc)" type="email" value={valueOf(p, 'email')} error={errorOf(errors, 'email')} />
        <button type="submit" class="button">
          Thêm người dùng và cấp mật khẩu dùng một lần
        </button>
      </form>
    </AdminLayout>
  );
}

/** One user: their roles, a new one-time password, deactivation (which ends their sessions at once). */
export function UserPage(p: AdminCommon & FormState & { person: UserRow; issued?: { login: string; password: string } }) {
  const u = p.person;
  const base = `/admin/users/${encodeURIComponent(u.login)}`;
  const errors = p.errors ?? [];
  const checked: readonly (Role | string)[] = p.values ? rolesOf(p) : u.roles;
  return (
    <AdminLayout {...p} title={`Người dùng ${u.login}`}>
      {p.issued && <OneTimePassword {...p.issued} />}
      <p class="lead">{`${u.fullName ?? u.login} · ${u.unitCode} · ${u.active ? 'đang hoạt động' : 'đã vô hiệu hóa'}`}</p>
      {u.active && (
        <>
          <h2>Vai trò</h2>
          <form method="post" action={`${base}/roles`} novalidate>
            <CsrfField token={p.user.csrfToken} />
            <RoleChoices prefix="edit" checked={checked} error={errorOf(errors, 'roles')} />
            <button type="submit" class="button">
              Lưu vai trò
            </button>
          </form>
          <h2>Mật khẩu</h2>
          <form method="post" action={`${base}/password`}>
            <CsrfField token={p.user.csrfToken} />
            <p class="hint">Cấp mật khẩu dùng một lần mới; mọi phiên đăng nhập hiện có của người này kết thúc.</p>
            <button type="submit" class="button button--secondary">
              Đặt lại mật khẩu
            </button>
          </form>
          <h2>Vô hiệu hóa</h2>
          <form method="post" action={`${base}/deactivate`}>
            <CsrfField token={p.user.csrfToken} />
            <p class="hint">Người này bị đăng xuất ngay và không đăng nhập được nữa; mã truy cập API bị thu hồi.</p>
            <button type="submit" class="button button--secondary">
              Vô hiệu hóa người dùng
            </button>
          </form>
        </>
      )}
    </AdminLayout>
  );
}
