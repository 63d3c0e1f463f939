import type { SessionUser } from '../../db/repositories/sessions';
import type { ExtractResult, Source } from '../../domain/intake/schema';
import { SIX_CLEAR_LABELS_VI, type SixClear } from '../../domain/task';
import {
  Checkbox,
  ChoiceGroup,
  CsrfField,
  ErrorSummary,
  FieldFrame,
  PostForm,
  TextArea,
  TextField,
  type FieldError,
} from '../components/form';
import { Layout } from '../components/layout';
import { Table, type TableSpec } from '../components/table';
import { errorOf } from '../forms';
import { formatCivilVn } from '../format';

export type Common = { user: SessionUser; unreadCount: number };
export type Values = Record<string, string | string[] | undefined>;
export const str = (v: Values[string]) => (typeof v === 'string' ? v : undefined);

export interface DirectiveRow {
  id: string;
  number: string;
  issued_on: string | null;
  title: string | null;
  items: number;
  launched: number;
}

const registeredList: TableSpec<DirectiveRow> = {
  caption: 'Văn bản đã đăng ký',
  empty: 'Chưa có văn bản nào.',
  rowKey: (d) => d.id,
  columns: [
    { header: 'Số hiệu', kind: 'nowrap', cell: (d) => <a href={`/directives/${d.id}`}>{d.number}</a> },
    { header: 'Ngày ban hành', kind: 'nowrap', cell: (d) => (d.issued_on ? formatCivilVn(d.issued_on) : '—') },
    { header: 'Trích yếu', cell: (d) => d.title ?? '—' },
    { header: 'Đã giao / số mục', kind: 'numeric', cell: (d) => `${d.launched} / ${d.items}` },
  ],
};

/** Văn bản chỉ đạo: the notices registered, and a notice pasted or uploaded to be read. */
export function DirectivesPage(p: Common & { directives: readonly DirectiveRow[]; values?: Values; errors?: readonly FieldError[] }) {
  const errors = p.errors ?? [];
  return (
    <Layout title="Văn bản chỉ đạo" user={p.user} current="directives" unreadCount={p.unreadCount}>
      <ErrorSummary errors={errors} />
      <h1>Văn bản chỉ đạo</h1>
      <section aria-labelledby="new-notice">
        <h2 id="new-notice">Nhập thông báo kết luận mới</h2>
        <p class="hint">Dán nội dung hoặc tải tệp lên; hệ thống đọc và đề xuất các nhiệm vụ để bạn xem lại trước khi đăng ký.</p>
        <PostForm csrfToken={p.user.csrfToken} action="/directives/read" submit="Đọc văn bản" multipart>
          <TextArea
            name="text"
            label="Nội dung văn bản"
            hint="Dán toàn văn thông báo (kể cả phần đầu có số hiệu và ngày ban hành)."
            value={str(p.values?.text)}
            error={errorOf(errors, 'text')}
            rows={10}
          />
          <FieldFrame
            id="field-file"
            label="Hoặc tải tệp văn bản"
            hint="Tệp .txt, .docx hoặc .pdf có lớp văn bản (bản scan cần nhận dạng ký tự trước), tối đa 20 MB."
            error={errorOf(errors, 'file')}
          >
            <input
              class="file-upload"
              id="field-file"
              name="file"
              type="file"
              accept=".txt,.docx,.pdf,text/plain,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
              aria-describedby={['field-file-hint', errorOf(errors, 'file') && 'field-file-error'].filter(Boolean).join(' ')}
            />
          </FieldFrame>
        </PostForm>
      </section>
      <section aria-labelledby="registered">
        <h2 id="registered">Văn bản đã đăng ký</h2>
        <Table {...registeredList} rows={p.directives} />
      </section>
    </Layout>
  );
}

function SourceNote({ source }: { source: Source | null | undefined }) {
  if (!source) return null;
  const pct = Math.round(source.confidence * 100);
  return <span class="hint">{` (đọc từ "${source.text}", độ tin cậy ${pct}%${source.inheritedFrom ? ', kế thừa' : ''})`}</span>;
}

export function Missing({ missing }: { missing: readonly SixClear[] }) {
  if (!missing.length) return <p class="tag tag--green">Đủ "6 rõ"</p>;
  return (
    <div class="missing" role="note" aria-label="Còn thiếu">
      <p class="missing__title">Còn thiếu:</p>
      <ul>
        {missing.map((m) => (
          <li key={m}>{SIX_CLEAR_LABELS_VI[m]}</li>
        ))}
      </ul>
    </div>
  );
}

/** The proposal read from a notice, beside its text: confirm the header, keep the items that are assignments. */
export function NoticePreviewPage(
  p: Common & { text: string; cleaned: string; extract: ExtractResult; values?: Values; errors?: readonly FieldError[] },
) {
  const errors = p.errors ?? [];
  const doc = p.extract.document;
  const kept = Array.isArray(p.values?.items) ? p.values.items : typeof p.values?.items === 'string' ? [p.values.items] : null;
  return (
    <Layout title="Xem lại bản đọc văn bản" user={p.user} current="directives" unreadCount={p.unreadCount}>
      <ErrorSummary errors={errors} />
      <h1>Xem lại bản đọc văn bản</h1>
      <p class="lead">Chưa có gì được lưu. Kiểm tra phần đầu văn bản, bỏ chọn các mục không phải nhiệm vụ, rồi đăng ký.</p>
      <form method="post" action="/directives" novalidate>
        <CsrfField token={p.user.csrfToken} />
        <input type="hidden" name="text" value={p.text} />
        <div class="side-by-side">
          <section aria-labelledby="source-text" class="side-by-side__source">
            <h2 id="source-text">Văn bản gốc</h2>
            <pre class="source-text" tabindex={0}>
              {p.cleaned}
            </pre>
          </section>
          <section aria-labelledby="proposal" class="side-by-side__main">
            <h2 id="proposal">Phần đầu văn bản</h2>
            <TextField
              name="number"
              label="Số hiệu"
              value={str(p.values?.number) ?? doc.number ?? ''}
              error={errorOf(errors, 'number')}
              width="medium"
            />
            <SourceNote source={doc.sources?.number} />
            <TextField
              name="issuer"
              label="Cơ quan ban hành"
              value={str(p.values?.issuer) ?? doc.issuer ?? ''}
              error={errorOf(errors, 'issuer')}
            />
            <TextField
              name="issuedOn"
              label="Ngày ban hành (ngày/tháng/năm)"
              value={str(p.values?.issuedOn) ?? (doc.date ? formatCivilVn(doc.date) : '')}
              error={errorOf(errors, 'issuedOn')}
              width="short"
            />
            <ChoiceGroup id="field-items" legend="Các mục đề xuất giao" error={errorOf(errors, 'items')}>
              {p.extract.items.map((item, i) => (
                <div class="review-item" key={item.ref}>
                  <Checkbox
                    id={`keep-${i}`}
                    name="items"
                    value={item.ref}
                    checked={kept ? kept.includes(item.ref) : true}
                    label={`Mục ${item.ref}: giữ làm nhiệm vụ`}
                  />
                  <p>{item.title || item.text.slice(0, 300)}</p>
                  <p class="hint">
                    {`Chủ trì: ${item.leadUnit ?? 'chưa rõ'}`}
                    <SourceNote source={item.sources?.leadUnit} />
                  </p>
                  <Missing missing={item.missing} />
                </div>
              ))}
            </ChoiceGroup>
            {!!p.extract.findings?.length && (
              <details class="details">
                <summary>{`Phần đánh giá, bối cảnh không phải nhiệm vụ (${p.extract.findings.length})`}</summary>
                <ul>
                  {p.extract.findings.map((f, i) => (
                    <li key={i}>{f.text.slice(0, 300)}</li>
                  ))}
                </ul>
              </details>
            )}
            <button type="submit" class="button">
              Đăng ký văn bản với các mục đã chọn
            </button>
          </section>
        </div>
      </form>
    </Layout>
  );
}
