import type { UserRow } from '../../db/repositories/registry';
import { ROLE_LABELS, ROLES, type Role } from '../../domain/roles';
import { Checkbox, ChoiceGroup, Notice, PostForm, SelectField, TextField } from '../components/form';
import type { TableSpec } from '../components/table';
import { errorOf } from '../forms';
import { AdminLayout, fieldsOf, RegistrySection, unitCodeColumn, type AdminCommon, type FormState } from './admin-pages';

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
    <ChoiceGroup id="field-roles" legend="Vai trò" error={error}>
      {ROLES.map((r) => (
        <Checkbox key={r} id={`${prefix}-${r}`} name="roles" value={r} checked={checked.includes(r)} label={ROLE_LABELS[r]} />
      ))}
    </ChoiceGroup>
  );
}

const rolesOf = (s: FormState): string[] => {
  const v = s.values?.roles;
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
};

const userList: TableSpec<UserRow> = {
  caption: 'Người dùng',
  empty: 'Chưa có người dùng nào.',
  rowKey: (u) => u.login,
  columns: [
    { header: 'Tên đăng nhập', kind: 'nowrap', cell: (u) => <a href={`/admin/users/${encodeURIComponent(u.login)}`}>{u.login}</a> },
    { header: 'Họ và tên', cell: (u) => u.fullName ?? '—' },
    unitCodeColumn(),
    { header: 'Vai trò', cell: (u) => u.roles.map((r) => ROLE_LABELS[r]).join(', ') },
    { header: 'Trạng thái', cell: (u) => (!u.active ? 'Đã vô hiệu hóa' : u.hasPassword ? 'Đang hoạt động' : 'Chưa có mật khẩu') },
  ],
};

/** Người dùng: everyone who signs in, and a form to add someone (who gets a one-time password). */
export function UsersPage(
  p: AdminCommon & FormState & { users: readonly UserRow[]; units: readonly UnitOption[]; issued?: { login: string; password: string } },
) {
  const field = fieldsOf(p);
  return (
    <AdminLayout {...p} title="Người dùng">
      {p.issued && <OneTimePassword {...p.issued} />}
      <RegistrySection
        user={p.user}
        list={userList}
        rows={p.users}
        add={{ title: 'Thêm người dùng', action: '/admin/users', submit: 'Thêm người dùng và cấp mật khẩu dùng một lần' }}
      >
        <TextField {...field('login')} label="Tên đăng nhập" hint="Chữ thường không dấu, số, dấu chấm" width="medium" spellcheck={false} />
        <TextField {...field('fullName')} label="Họ và tên" />
        <SelectField {...field('unitCode')} label="Đơn vị" options={[{ value: '', label: '— chọn đơn vị —' }, ...p.units]} />
        <RoleChoices prefix="new" checked={rolesOf(p)} error={field('roles').error} />
        <TextField {...field('email')} label="Email (không bắt buộc)" type="email" />
      </RegistrySection>
    </AdminLayout>
  );
}

/** One user: their roles, a new one-time password, deactivation (which ends their sessions at once). */
export function UserPage(p: AdminCommon & FormState & { person: UserRow; issued?: { login: string; password: string } }) {
  const u = p.person;
  const base = `/admin/users/${encodeURIComponent(u.login)}`;
  const checked: readonly (Role | string)[] = p.values ? rolesOf(p) : u.roles;
  return (
    <AdminLayout {...p} title={`Người dùng ${u.login}`}>
      {p.issued && <OneTimePassword {...p.issued} />}
      <p class="lead">{`${u.fullName ?? u.login} · ${u.unitCode} · ${u.active ? 'đang hoạt động' : 'đã vô hiệu hóa'}`}</p>
      {u.active && (
        <>
          <h2>Vai trò</h2>
          <PostForm csrfToken={p.user.csrfToken} action={`${base}/roles`} submit="Lưu vai trò">
            <RoleChoices prefix="edit" checked={checked} error={errorOf(p.errors ?? [], 'roles')} />
          </PostForm>
          <h2>Mật khẩu</h2>
          <PostForm csrfToken={p.user.csrfToken} action={`${base}/password`} submit="Đặt lại mật khẩu" secondary>
            <p class="hint">Cấp mật khẩu dùng một lần mới; mọi phiên đăng nhập hiện có của người này kết thúc.</p>
          </PostForm>
          <h2>Vô hiệu hóa</h2>
          <PostForm csrfToken={p.user.csrfToken} action={`${base}/deactivate`} submit="Vô hiệu hóa người dùng" secondary>
            <p class="hint">Người này bị đăng xuất ngay và không đăng nhập được nữa; mã truy cập API bị thu hồi.</p>
          </PostForm>
        </>
      )}
    </AdminLayout>
  );
}
