import { SIX_CLEAR_LABELS_VI } from '../../domain/task';
import type { DirectiveView, ItemView, LaunchOutcome } from '../../services/directives';
import { Checkbox, CsrfField, ErrorSummary, Notice, PostForm, SelectField, TextArea, TextField, type FieldError } from '../components/form';
import { Layout } from '../components/layout';
import { Table, type TableSpec } from '../components/table';
import { errorOf } from '../forms';
import { formatCivilVn, formatVnDate } from '../format';
import { Missing, str, type Common, type Values } from './directive-pages';

const dueOf = (item: ItemView) => {
  const d = item.fields.deadline;
  if (!d) return '';
  return d.kind === 'date' ? formatVnDate(new Date(Date.parse(d.dueAt) - 1)) : '';
};

const deadlineText = (item: ItemView) => {
  const d = item.fields.deadline;
  if (!d) return 'chưa có';
  return d.kind === 'date' ? dueOf(item) : d.kind === 'recurring' ? 'định kỳ' : 'thường xuyên';
};

type UnitOption = { value: string; label: string };

/** One draft: its source text beside its fields, what it lacks highlighted, and a form to edit it in place. */
function DraftItem(p: {
  directive: DirectiveView;
  item: ItemView;
  units: readonly UnitOption[];
  csrfToken: string;
  failed?: { ref: string; errors: readonly FieldError[]; values: Values };
}) {
  const { item } = p;
  const f = item.fields;
  const failed = p.failed?.ref === item.ref ? p.failed : undefined;
  const errors = failed?.errors ?? [];
  const slug = item.ref.replace(/[^a-z0-9]/gi, '-');
  const options = [{ value: '', label: '— chưa chọn —' }, ...p.units];
  return (
    <article
      class={`review-item${item.missing.length ? ' review-item--missing' : ''}`}
      aria-labelledby={`item-${slug}`}
      id={`item-${slug}-card`}
    >
      <h3 id={`item-${slug}`}>{`Mục ${item.ref}${item.status === 'launched' ? ' (đã giao)' : ''}`}</h3>
      <div class="side-by-side">
        <blockquote class="side-by-side__source source-text">{f.sourceText ?? f.description ?? ''}</blockquote>
        <div class="side-by-side__main">
          <dl class="summary-list">
            <div class="summary-list__row">
              <dt class="summary-list__key">Nhiệm vụ</dt>
              <dd class="summary-list__value">{f.title ?? 'chưa có'}</dd>
            </div>
            <div class="summary-list__row">
              <dt class="summary-list__key">Chủ trì</dt>
              <dd class="summary-list__value">{f.leadUnit ?? 'chưa có'}</dd>
            </div>
            <div class="summary-list__row">
              <dt class="summary-list__key">Thời hạn</dt>
              <dd class="summary-list__value">{deadlineText(item)}</dd>
            </div>
          </dl>
          {item.status === 'launched' ? (
            <p>
              <a href={`/tasks/${encodeURIComponent(item.taskId!)}`}>Xem nhiệm vụ đã giao</a>
            </p>
          ) : (
            <>
              <Missing missing={item.missing} />
              <details class="details" open={!!failed}>
                <summary>{`Sửa mục ${item.ref}`}</summary>
                {failed && <ErrorSummary errors={errors} />}
                <p class="hint">Ô để trống giữ nguyên giá trị hiện có của mục.</p>
                <PostForm
                  csrfToken={p.csrfToken}
                  action={`/directives/${p.directive.id}/items/${encodeURIComponent(item.ref)}`}
                  submit={`Lưu mục ${item.ref}`}
                  secondary
                >
                  {DRAFT_FIELDS.map((field) => (
                    <DraftField
                      key={field.name}
                      field={field}
                      id={`${slug}-${field.name}`}
                      value={failed ? (str(failed.values[field.name]) ?? '') : (currentOf(item, field.name) ?? '')}
                      error={errorOf(errors, field.name)}
                      units={options}
                    />
                  ))}
                </PostForm>
              </details>
            </>
          )}
        </div>
      </div>
    </article>
  );
}

/** What a draft's edit form asks, in order; a unit is chosen from the registry. */
const DRAFT_FIELDS = [
  { name: 'title', label: 'Tên nhiệm vụ', kind: 'textarea' },
  { name: 'leadUnit', label: 'Đơn vị chủ trì', kind: 'unit' },
  { name: 'responsibleOfficial', label: 'Người chịu trách nhiệm', kind: 'text' },
  { name: 'due', label: 'Thời hạn (ngày/tháng/năm)', kind: 'text' },
  { name: 'assignedBy', label: 'Người giao nhiệm vụ', kind: 'text' },
  { name: 'decidedBy', label: 'Cơ quan quyết định', kind: 'unit' },
  { name: 'expectedResult', label: 'Kết quả cần đạt', kind: 'textarea' },
] as const;
type DraftFieldSpec = (typeof DRAFT_FIELDS)[number];

/** A field's value in the draft: the deadline as the day it falls on, the rest as stored. */
const currentOf = (item: ItemView, name: DraftFieldSpec['name']) => (name === 'due' ? dueOf(item) : item.fields[name]);

function DraftField(p: { field: DraftFieldSpec; id: string; value: string; error?: string; units: readonly UnitOption[] }) {
  const common = { id: p.id, name: p.field.name, label: p.field.label, value: p.value, error: p.error };
  if (p.field.kind === 'textarea') return <TextArea {...common} rows={3} />;
  if (p.field.kind === 'unit') return <SelectField {...common} options={p.units} />;
  return <TextField {...common} />;
}

export interface DirectivePageProps extends Common {
  directive: DirectiveView;
  units: readonly UnitOption[];
  notice?: string;
  outcomes?: readonly LaunchOutcome[];
  failed?: { ref: string; errors: readonly FieldError[]; values: Values };
  launchErrors?: readonly FieldError[];
}

/** A registered directive: each draft beside its text, to edit, then the drafts chosen for launch. */
export function DirectivePage(p: DirectivePageProps) {
  const d = p.directive;
  const drafts = d.items.filter((i) => i.status === 'draft');
  return (
    <Layout title={`Văn bản ${d.number}`} user={p.user} current="directives" unreadCount={p.unreadCount}>
      {p.notice && <Notice tone="success">{p.notice}</Notice>}
      <ErrorSummary errors={p.launchErrors ?? []} />
      {p.outcomes && <LaunchOutcomes outcomes={p.outcomes} />}
      <h1>{`Văn bản ${d.number}`}</h1>
      <p class="lead">{[d.issuer, d.issuedOn && `ngày ${formatCivilVn(d.issuedOn)}`].filter(Boolean).join(', ') || 'Văn bản chỉ đạo'}</p>
      <section aria-labelledby="items">
        <h2 id="items">{`Các mục (${d.items.length})`}</h2>
        {d.items.map((item) => (
          <DraftItem key={item.ref} directive={d} item={item} units={p.units} csrfToken={p.user.csrfToken} failed={p.failed} />
        ))}
      </section>
      {drafts.length > 0 && (
        <section aria-labelledby="launch">
          <h2 id="launch">Giao nhiệm vụ</h2>
          <form method="get" action={`/directives/${d.id}/launch`}>
            <fieldset class="fieldset" id="field-refs">
              <legend class="label">Chọn các mục sẽ giao</legend>
              {drafts.map((item, i) => (
                <Checkbox
                  key={item.ref}
                  id={`launch-${i}`}
                  name="refs"
                  value={item.ref}
                  checked={!item.missing.length}
                  label={`Mục ${item.ref}${item.missing.length ? ' (còn thiếu "6 rõ")' : ''}`}
                />
              ))}
            </fieldset>
            <button type="submit" class="button">
              Giao các mục đã chọn…
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

function LaunchOutcomes({ outcomes }: { outcomes: readonly LaunchOutcome[] }) {
  const said: Record<LaunchOutcome['outcome'], string> = {
    launched: 'đã giao',
    already_launched: 'đã giao từ trước',
    missing: 'chưa giao: còn thiếu "6 rõ"',
    failed: 'chưa giao được, hãy thử lại',
  };
  const ok = outcomes.every((o) => o.outcome === 'launched' || o.outcome === 'already_launched');
  return (
    <Notice tone={ok ? 'success' : 'warning'}>
      <p>Kết quả giao nhiệm vụ:</p>
      <ul>
        {outcomes.map((o) => (
          // A failed start says why (an unknown unit, the server unreachable): the secretary can act on it.
          <li key={o.ref}>{o.outcome === 'failed' ? `Mục ${o.ref}: ${said.failed}. ${o.error}` : `Mục ${o.ref}: ${said[o.outcome]}`}</li>
        ))}
      </ul>
    </Notice>
  );
}

const launchList: TableSpec<ItemView> = {
  caption: 'Các mục sẽ giao',
  empty: 'Không có mục nào.',
  rowKey: (i) => i.ref,
  columns: [
    { header: 'Mục', kind: 'nowrap', cell: (i) => i.ref },
    { header: 'Nhiệm vụ', cell: (i) => i.fields.title ?? '—' },
    { header: 'Chủ trì', kind: 'nowrap', cell: (i) => i.fields.leadUnit ?? '—' },
    { header: 'Thời hạn', kind: 'nowrap', cell: (i) => deadlineText(i) },
    { header: '"6 rõ"', cell: (i) => (i.missing.length ? `Thiếu: ${i.missing.map((m) => SIX_CLEAR_LABELS_VI[m]).join('; ')}` : 'Đủ') },
  ],
};

/** The check before launch (GOV.UK "check answers"): what will be started, and for whom. */
export function LaunchConfirmPage(p: Common & { directive: DirectiveView; chosen: readonly ItemView[] }) {
  const d = p.directive;
  return (
    <Layout title="Xác nhận giao nhiệm vụ" user={p.user} current="directives" unreadCount={p.unreadCount}>
      <h1>Xác nhận giao nhiệm vụ</h1>
      <p class="lead">{`Các mục sau của văn bản ${d.number} sẽ được giao; đơn vị chủ trì nhận thông báo ngay.`}</p>
      <Table {...launchList} rows={p.chosen} />
      <form method="post" action={`/directives/${d.id}/launch`}>
        <CsrfField token={p.user.csrfToken} />
        {p.chosen.map((i) => (
          <input key={i.ref} type="hidden" name="refs" value={i.ref} />
        ))}
        <button type="submit" class="button">{`Xác nhận giao ${p.chosen.length} nhiệm vụ`}</button>{' '}
        <a href={`/directives/${d.id}`}>Quay lại sửa</a>
      </form>
    </Layout>
  );
}
