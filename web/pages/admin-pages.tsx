import type { ComponentChildren } from 'preact';
import type { UnitRow } from '../../db/repositories/registry';
import type { SessionUser } from '../../db/repositories/sessions';
import type { CalendarOverride } from '../../domain/calendar';
import { CsrfField, ErrorSummary, Notice, PostForm, SelectField, TextField, type FieldError } from '../components/form';
import { Layout } from '../components/layout';
import { Table, type Column, type TableSpec } from '../components/table';
import { boundFields } from '../forms';
import { formatCivilVn } from '../format';

export type AdminCommon = { user: SessionUser; unreadCount: number };
export type FormState = { values?: Record<string, string | string[] | undefined>; errors?: readonly FieldError[]; notice?: string };
export const fieldsOf = (s: FormState) => boundFields(s.values, s.errors);

const SECTIONS = [
  { href: '/admin/users', label: 'Người dùng', hint: 'Thêm người dùng, đổi vai trò, đặt lại mật khẩu, vô hiệu hóa.' },
  { href: '/admin/units', label: 'Đơn vị', hint: 'Cơ quan, đơn vị, địa phương nhận nhiệm vụ.' },
  { href: '/admin/webhooks', label: 'Webhook', hint: 'Địa chỉ nhận thông báo của đơn vị (OTT, hệ thống khác).' },
  { href: '/admin/calendar', label: 'Ngày nghỉ, ngày làm bù', hint: 'Quyết định của Chính phủ về hoán đổi ngày làm việc.' },
] as const;

/** The layout of every administration page: its heading, the sections, what was done or refused. */
export function AdminLayout(p: AdminCommon & FormState & { title: string; children: ComponentChildren }) {
  return (
    <Layout title={p.title} user={p.user} current="admin" unreadCount={p.unreadCount}>
      {p.notice && <Notice tone="success">{p.notice}</Notice>}
      <ErrorSummary errors={p.errors ?? []} />
      <nav aria-label="Các mục quản trị">
        <p>
          <a href="/admin">Quản trị</a>
          {SECTIONS.map((s) => (
            <span key={s.href}>
              {' · '}
              <a href={s.href}>{s.label}</a>
            </span>
          ))}
        </p>
      </nav>
      <h1>{p.title}</h1>
      {p.children}
    </Layout>
  );
}

/** Quản trị: where each part of the registry is kept. */
export function AdminHomePage(p: AdminCommon) {
  return (
    <AdminLayout {...p} title="Quản trị">
      <ul class="summary-list">
        {SECTIONS.map((s) => (
          <li key={s.href} class="summary-list__row">
            <a href={s.href}>{s.label}</a>
            <span class="hint">{` ${s.hint}`}</span>
          </li>
        ))}
      </ul>
    </AdminLayout>
  );
}

/**
 * A part of the registry: what it holds, then the form that adds to it. `list` describes the table
 * once (`TableSpec`); the form's fields are the children.
 */
export function RegistrySection<T>(p: {
  user: SessionUser;
  list: TableSpec<T>;
  rows: readonly T[];
  add: { title: string; action: string; submit: string };
  children: ComponentChildren;
}) {
  return (
    <>
      <Table {...p.list} rows={p.rows} />
      <h2>{p.add.title}</h2>
      <PostForm csrfToken={p.user.csrfToken} action={p.add.action} submit={p.add.submit}>
        {p.children}
      </PostForm>
    </>
  );
}

/**
 * The "Trạng thái" column of a registry row that can be switched off (a unit given no new work, a
 * webhook turned off): a one-button form while it is on, `off` once it is off. `aria-label` names
 * the row for screen readers.
 */
function switchOffColumn<T extends { active: boolean }>(
  csrfToken: string,
  off: string,
  form: (row: T) => { action: string; label: string; button: string; status?: string },
): Column<T> {
  return {
    header: 'Trạng thái',
    cell: (row) => {
      if (!row.active) return off;
      const f = form(row);
      return (
        <form method="post" action={f.action} class="inline-form">
          <CsrfField token={csrfToken} />
          {f.status && <span>{f.status}</span>}
          <button type="submit" class="button button--secondary button--small" aria-label={f.label}>
            {f.button}
          </button>
        </form>
      );
    },
  };
}

/** The unit a row belongs to, by its code. */
export const unitCodeColumn = <T extends { unitCode: string }>(): Column<T> => ({
  header: 'Đơn vị',
  kind: 'nowrap',
  cell: (r) => r.unitCode,
});

const unitList = (csrfToken: string): TableSpec<UnitRow> => ({
  caption: 'Các đơn vị',
  empty: 'Chưa có đơn vị nào.',
  rowKey: (u) => u.code,
  columns: [
    { header: 'Mã', kind: 'nowrap', cell: (u) => u.code },
    { header: 'Tên đơn vị', cell: (u) => u.name },
    { header: 'Người dùng', kind: 'numeric', cell: (u) => String(u.users) },
    switchOffColumn(csrfToken, 'Đã ngừng', (u) => ({
      action: `/admin/units/${encodeURIComponent(u.code)}/deactivate`,
      status: 'Đang hoạt động ',
      label: `Ngừng giao việc cho ${u.name}`,
      button: 'Ngừng giao việc',
    })),
  ],
});

/** Đơn vị: the registry's units; a deactivated unit receives no new work. */
export function UnitsPage(p: AdminCommon & FormState & { units: readonly UnitRow[] }) {
  const field = fieldsOf(p);
  return (
    <AdminLayout {...p} title="Đơn vị">
      <RegistrySection
        user={p.user}
        list={unitList(p.user.csrfToken)}
        rows={p.units}
        add={{ title: 'Thêm đơn vị', action: '/admin/units', submit: 'Thêm đơn vị' }}
      >
        <TextField {...field('code')} label="Mã đơn vị" hint="Chữ in hoa không dấu, ví dụ SKHCN" width="short" />
        <TextField {...field('name')} label="Tên đơn vị" />
      </RegistrySection>
    </AdminLayout>
  );
}

export interface WebhookRow {
  id: string;
  unitCode: string;
  url: string;
  description: string | null;
  active: boolean;
}

const webhookList = (csrfToken: string): TableSpec<WebhookRow> => ({
  caption: 'Các địa chỉ nhận',
  empty: 'Chưa có webhook nào.',
  rowKey: (e) => e.id,
  columns: [
    unitCodeColumn(),
    { header: 'Địa chỉ', cell: (e) => <span class="hash">{e.url}</span> },
    { header: 'Mô tả', cell: (e) => e.description ?? '—' },
    switchOffColumn(csrfToken, 'Đã tắt', (e) => ({
      action: `/admin/webhooks/${e.id}/disable`,
      label: `Tắt webhook ${e.url}`,
      button: 'Tắt',
    })),
  ],
});

/** Webhook: where a unit's notifications are also posted, signed with a secret shown once. */
export function WebhooksPage(
  p: AdminCommon &
    FormState & {
      endpoints: readonly WebhookRow[];
      units: readonly { value: string; label: string }[];
      secret?: { url: string; secret: string };
    },
) {
  const field = fieldsOf(p);
  return (
    <AdminLayout {...p} title="Webhook">
      {p.secret && (
        <Notice tone="warning">
          <p>{`Khóa bí mật của ${p.secret.url} (chỉ hiện một lần; bên nhận dùng nó để kiểm tra chữ ký X-Signature):`}</p>
          <p class="one-time">{p.secret.secret}</p>
        </Notice>
      )}
      <RegistrySection
        user={p.user}
        list={webhookList(p.user.csrfToken)}
        rows={p.endpoints}
        add={{ title: 'Thêm webhook', action: '/admin/webhooks', submit: 'Thêm webhook' }}
      >
        <SelectField {...field('unitCode')} label="Đơn vị" options={[{ value: '', label: '— chọn đơn vị —' }, ...p.units]} />
        <TextField {...field('url')} label="Địa chỉ nhận (https://…)" spellcheck={false} />
        <TextField {...field('description')} label="Mô tả (không bắt buộc)" />
      </RegistrySection>
    </AdminLayout>
  );
}

const KIND_LABELS: Record<CalendarOverride['kind'], string> = { day_off: 'Ngày nghỉ', working_day: 'Ngày làm việc bù' };

const calendarList: TableSpec<CalendarOverride> = {
  caption: 'Các ngày đã quyết định',
  empty: 'Chưa có quyết định nào được thêm.',
  rowKey: (o) => o.date,
  columns: [
    { header: 'Ngày', kind: 'nowrap', cell: (o) => formatCivilVn(o.date) },
    { header: 'Loại', kind: 'nowrap', cell: (o) => KIND_LABELS[o.kind] },
    { header: 'Quyết định', cell: (o) => o.reason },
  ],
};

/** Ngày nghỉ, ngày làm bù: decided swaps of working days, counted by every deadline once added. */
export function CalendarPage(p: AdminCommon & FormState & { overrides: readonly CalendarOverride[] }) {
  const field = fieldsOf(p);
  return (
    <AdminLayout {...p} title="Ngày nghỉ, ngày làm bù">
      <p class="lead">
        Các ngày hoán đổi theo quyết định của Chính phủ, thêm vào lịch ngày làm việc mà không cần triển khai lại. Mọi nhiệm vụ đang chạy
        tính lại lịch nhắc việc theo quyết định mới.
      </p>
      <RegistrySection
        user={p.user}
        list={calendarList}
        rows={p.overrides}
        add={{ title: 'Thêm quyết định', action: '/admin/calendar', submit: 'Thêm quyết định' }}
      >
        <TextField {...field('date')} label="Ngày (ngày/tháng/năm)" width="short" />
        <SelectField
          {...field('kind')}
          label="Loại ngày"
          options={[{ value: '', label: '— chọn —' }, ...Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))]}
        />
        <TextField
          {...field('reason')}
          label="Căn cứ quyết định"
          hint="Số, ngày và cơ quan ban hành, ví dụ Thông báo 6150/TB-BLĐTBXH ngày 26/11/2025"
        />
      </RegistrySection>
    </AdminLayout>
  );
}
