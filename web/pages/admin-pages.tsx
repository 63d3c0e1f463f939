import type { ComponentChildren } from 'preact';
import type { UnitRow } from '../../db/repositories/registry';
import type { SessionUser } from '../../db/repositories/sessions';
import type { CalendarOverride } from '../../domain/calendar';
import { CsrfField, ErrorSummary, Notice, SelectField, TextField, type FieldError } from '../components/form';
import { Layout } from '../components/layout';
import { Table } from '../components/table';
import { boundFields } from '../forms';
import { formatCivilVn } from '../format';

export type AdminCommon = { user: SessionUser; unreadCount: number };
export type FormState = { values?: Record<string, string | string[] | undefined>; errors?: readonly FieldError[]; notice?: string };
export const fieldsOf = (s: FormState) => boundFields(s.values, s.errors);

/** A form of an administration page: posted with the session's CSRF token, its one button last. */
export function AdminForm(p: { user: SessionUser; action: string; submit: string; secondary?: boolean; children?: ComponentChildren }) {
  return (
    <form method="post" action={p.action} novalidate>
      <CsrfField token={p.user.csrfToken} />
      {p.children}
      <button type="submit" class={p.secondary ? 'button button--secondary' : 'button'}>
        {p.submit}
      </button>
    </form>
  );
}

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

/** Đơn vị: the registry's units; a deactivated unit receives no new work. */
export function UnitsPage(p: AdminCommon & FormState & { units: readonly UnitRow[] }) {
  const field = fieldsOf(p);
  return (
    <AdminLayout {...p} title="Đơn vị">
      <Table<UnitRow>
        caption="Các đơn vị"
        rows={p.units}
        rowKey={(u) => u.code}
        empty="Chưa có đơn vị nào."
        columns={[
          { header: 'Mã', kind: 'nowrap', cell: (u) => u.code },
          { header: 'Tên đơn vị', cell: (u) => u.name },
          { header: 'Người dùng', kind: 'numeric', cell: (u) => String(u.users) },
          {
            header: 'Trạng thái',
            cell: (u) =>
              u.active ? (
                <form method="post" action={`/admin/units/${encodeURIComponent(u.code)}/deactivate`} class="inline-form">
                  <CsrfField token={p.user.csrfToken} />
                  <span>Đang hoạt động </span>
                  <button type="submit" class="button button--secondary button--small" aria-label={`Ngừng giao việc cho ${u.name}`}>
                    Ngừng giao việc
                  </button>
                </form>
              ) : (
                'Đã ngừng'
              ),
          },
        ]}
      />
      <h2>Thêm đơn vị</h2>
      <AdminForm user={p.user} action="/admin/units" submit="Thêm đơn vị">
        <TextField {...field('code')} label="Mã đơn vị" hint="Chữ in hoa không dấu, ví dụ SKHCN" width="short" />
        <TextField {...field('name')} label="Tên đơn vị" />
      </AdminForm>
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
      <Table<WebhookRow>
        caption="Các địa chỉ nhận"
        rows={p.endpoints}
        rowKey={(e) => e.id}
        empty="Chưa có webhook nào."
        columns={[
          { header: 'Đơn vị', kind: 'nowrap', cell: (e) => e.unitCode },
          { header: 'Địa chỉ', cell: (e) => <span class="hash">{e.url}</span> },
          { header: 'Mô tả', cell: (e) => e.description ?? '—' },
          {
            header: 'Trạng thái',
            cell: (e) =>
              e.active ? (
                <form method="post" action={`/admin/webhooks/${e.id}/disable`} class="inline-form">
                  <CsrfField token={p.user.csrfToken} />
                  <button type="submit" class="button button--secondary button--small" aria-label={`Tắt webhook ${e.url}`}>
                    Tắt
                  </button>
                </form>
              ) : (
                'Đã tắt'
              ),
          },
        ]}
      />
      <h2>Thêm webhook</h2>
      <AdminForm user={p.user} action="/admin/webhooks" submit="Thêm webhook">
        <SelectField {...field('unitCode')} label="Đơn vị" options={[{ value: '', label: '— chọn đơn vị —' }, ...p.units]} />
        <TextField {...field('url')} label="Địa chỉ nhận (https://…)" spellcheck={false} />
        <TextField {...field('description')} label="Mô tả (không bắt buộc)" />
      </AdminForm>
    </AdminLayout>
  );
}

const KIND_LABELS: Record<CalendarOverride['kind'], string> = { day_off: 'Ngày nghỉ', working_day: 'Ngày làm việc bù' };

/** Ngày nghỉ, ngày làm bù: decided swaps of working days, counted by every deadline once added. */
export function CalendarPage(p: AdminCommon & FormState & { overrides: readonly CalendarOverride[] }) {
  const field = fieldsOf(p);
  return (
    <AdminLayout {...p} title="Ngày nghỉ, ngày làm bù">
      <p class="lead">
        Các ngày hoán đổi theo quyết định của Chính phủ, thêm vào lịch ngày làm việc mà không cần triển khai lại. Mọi nhiệm vụ đang chạy
        tính lại lịch nhắc việc theo quyết định mới.
      </p>
      <Table<CalendarOverride>
        caption="Các ngày đã quyết định"
        rows={p.overrides}
        rowKey={(o) => o.date}
        empty="Chưa có quyết định nào được thêm."
        columns={[
          { header: 'Ngày', kind: 'nowrap', cell: (o) => formatCivilVn(o.date) },
          { header: 'Loại', kind: 'nowrap', cell: (o) => KIND_LABELS[o.kind] },
          { header: 'Quyết định', cell: (o) => o.reason },
        ]}
      />
      <h2>Thêm quyết định</h2>
      <AdminForm user={p.user} action="/admin/calendar" submit="Thêm quyết định">
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
      </AdminForm>
    </AdminLayout>
  );
}
