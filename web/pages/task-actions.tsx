import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { randomUUID } from 'node:crypto';
import type { CommandName } from '../../domain/lifecycle/commands';
import type { EvidenceRecord, TaskState } from '../../domain/task';
import { EVIDENCE_TYPES_VI } from '../../api/evidence-content';
import { CsrfField, type FieldError } from '../components/form';
import { formatVnDate, formatVnDateTime } from '../format';

/** The forms of a task page, each a path under `/tasks/:id/` and the lifecycle command it sends. */
export const TASK_FORMS = {
  acknowledge: 'acknowledge',
  progress: 'reportProgress',
  measurement: 'recordMeasurement',
  evidence: 'attachEvidence',
  submit: 'submit',
  extension: 'requestExtension',
  report: 'submitReport',
  approve: 'approve',
  return: 'return',
  'extension-decision': 'decideExtension',
} as const satisfies Record<string, CommandName>;
export type TaskForm = keyof typeof TASK_FORMS;

/** A form that came back refused: its errors (the workflow's or the fields') and what the person typed. */
export interface FailedForm {
  form: TaskForm;
  errors: FieldError[];
  values: Record<string, string | string[]>;
}

export interface ActionProps {
  taskId: string;
  state: TaskState;
  available: ReadonlySet<CommandName>;
  csrfToken: string;
  failed?: FailedForm;
  evidenceLimits: { maxBytes: number; maxFiles: number };
  /** Where a decision posted from another page (Chờ duyệt) goes back to. */
  back?: string;
  /** Keeps ids unique when several tasks' forms share a page. */
  scope?: string;
}

// The ids of a task's fields, unique on a page holding several tasks' forms (Chờ duyệt).
const Scope = createContext('');
const useFieldId = () => {
  const scope = useContext(Scope);
  return (form: TaskForm, name: string) => `field-${scope}${form}-${name}`;
};
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;

/** The errors of a failed form as the summary links them (to `field-<form>-<name>`). */
export function summaryErrors(failed: FailedForm): FieldError[] {
  return failed.errors.map((e) => ({ field: e.field ? `${failed.form}-${e.field}` : '', message: e.message }));
}

interface FieldProps {
  form: TaskForm;
  name: string;
  label: string;
  hint?: string;
  kind?: 'input' | 'textarea';
  width?: 'full' | 'short' | 'medium';
  inputMode?: 'decimal';
  failed?: FailedForm;
  value?: string;
}

/** A labelled field of a task form: label above, hint, the error above the input, the typed value kept. */
function Field(p: FieldProps) {
  const id = useFieldId()(p.form, p.name);
  const mine = p.failed?.form === p.form ? p.failed : undefined;
  const error = mine?.errors.find((e) => e.field === p.name)?.message;
  const kept = mine?.values[p.name];
  const value = typeof kept === 'string' ? kept : (p.value ?? '');
  const describedBy = [p.hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class="label" for={id}>
        {p.label}
      </label>
      {p.hint && (
        <div id={`${id}-hint`} class="hint">
          {p.hint}
        </div>
      )}
      {error && (
        <p id={`${id}-error`} class="error-message">
          <span class="visually-hidden">Lỗi: </span>
          {error}
        </p>
      )}
      {p.kind === 'textarea' ? (
        <textarea
          class={`textarea${error ? ' input--error' : ''}`}
          id={id}
          name={p.name}
          rows={3}
          aria-describedby={describedBy}
          aria-invalid={error ? 'true' : undefined}
        >
          {value}
        </textarea>
      ) : (
        <input
          class={`input input--${p.width ?? 'full'}${error ? ' input--error' : ''}`}
          id={id}
          name={p.name}
          type="text"
          inputMode={p.inputMode}
          value={value}
          aria-describedby={describedBy}
          aria-invalid={error ? 'true' : undefined}
        />
      )}
    </div>
  );
}

/** A refusal of the whole form (the workflow's 409 or 422), right above its fields. */
function FormProblem({ form, failed }: { form: TaskForm; failed?: FailedForm }) {
  const general = failed?.form === form ? failed.errors.filter((e) => !e.field) : [];
  if (!general.length) return null;
  return (
    <div class="error-summary error-summary--inline" role="alert">
      {general.map((e, i) => (
        <p key={i} class="error-message">
          {e.message}
        </p>
      ))}
    </div>
  );
}

interface CommandFormProps {
  p: ActionProps;
  form: TaskForm;
  title: string;
  button: string;
  secondary?: boolean;
  multipart?: boolean;
  children?: ComponentChildren;
}

/** One command as a plain form (POST, then back to the task) that htmx swaps in place. */
function CommandForm({ p, form, title, button, secondary, multipart, children }: CommandFormProps) {
  const action = `/tasks/${encodeURIComponent(p.taskId)}/${form}`;
  const scope = useContext(Scope);
  const headingId = `form-${scope}${form}-title`;
  return (
    <section class="action" aria-labelledby={headingId} id={`form-${scope}${form}`}>
      <h3 class="action__title" id={headingId}>
        {title}
      </h3>
      <form
        method="post"
        action={action}
        enctype={multipart ? 'multipart/form-data' : undefined}
        hx-post={action}
        hx-encoding={multipart ? 'multipart/form-data' : undefined}
        hx-target="#main"
        hx-select="#main"
        hx-swap="outerHTML show:top"
        novalidate
      >
        <CsrfField token={p.csrfToken} />
        {/* A form sent twice (a double click, a resend after a lost answer) is one Update. */}
        <input type="hidden" name="_key" value={randomUUID()} />
        {p.back && <input type="hidden" name="back" value={p.back} />}
        <FormProblem form={form} failed={p.failed} />
        {children}
        <button type="submit" class={`button${secondary ? ' button--secondary' : ''}`}>
          {button}
        </button>
      </form>
    </section>
  );
}

function EvidenceChoices({ p, form, evidence }: { p: ActionProps; form: TaskForm; evidence: readonly EvidenceRecord[] }) {
  if (!evidence.length) return <p class="hint">Chưa có minh chứng nào; hãy tải minh chứng lên trước khi đề nghị hoàn thành.</p>;
  const fieldId = useFieldId();
  const kept = p.failed?.form === form ? p.failed.values.evidenceIds : undefined;
  const chosen = kept === undefined ? null : new Set(Array.isArray(kept) ? kept : [kept]);
  return (
    <fieldset class="fieldset">
      <legend class="label">Minh chứng kèm theo</legend>
      {evidence.map((e) => {
        const id = `${fieldId(form, 'evidenceIds')}-${e.evidenceId}`;
        return (
          <div class="checkbox" key={e.evidenceId}>
            <input
              class="checkbox__input"
              type="checkbox"
              id={id}
              name="evidenceIds"
              value={e.evidenceId}
              checked={chosen ? chosen.has(e.evidenceId) : true}
            />
            <label class="checkbox__label" for={id}>
              {e.fileName}
            </label>
          </div>
        );
      })}
    </fieldset>
  );
}

/** The commands this person may give the task now, each its own form. */
export function TaskActions(p: ActionProps) {
  const s = p.state;
  const can = (c: CommandName) => p.available.has(c);
  const lead = can('acknowledge') || can('submit') || can('requestExtension') || can('submitReport');
  if (![...Object.values(TASK_FORMS)].some(can)) return null;
  const scope = p.scope ?? '';
  return (
    <Scope.Provider value={scope}>
      <section class="actions" aria-labelledby={`${scope}actions-title`}>
        <h2 id={`${scope}actions-title`}>{p.back ? 'Quyết định' : 'Việc cần làm'}</h2>
        {can('acknowledge') && (
          <CommandForm p={p} form="acknowledge" title="Xác nhận tiếp nhận nhiệm vụ" button="Xác nhận tiếp nhận">
            <Field form="acknowledge" name="note" label="Ghi chú (không bắt buộc)" failed={p.failed} />
          </CommandForm>
        )}
        {can('reportProgress') && (
          <CommandForm p={p} form="progress" title="Báo cáo tiến độ" button="Gửi báo cáo tiến độ" secondary={lead}>
            <Field form="progress" name="text" label="Nội dung đã thực hiện" kind="textarea" failed={p.failed} />
            <Field
              form="progress"
              name="percent"
              label="Tỷ lệ hoàn thành (%)"
              hint="Từ 0 đến 100; để trống nếu chưa ước tính được"
              width="short"
              inputMode="decimal"
              failed={p.failed}
            />
          </CommandForm>
        )}
        {can('recordMeasurement') && s.targets.length > 0 && (
          <CommandForm p={p} form="measurement" title="Cập nhật kết quả chỉ tiêu" button="Ghi nhận số liệu" secondary>
            <TargetSelect p={p} />
            <Field
              form="measurement"
              name="value"
              label="Giá trị đo được"
              hint="Số, dấu phẩy thập phân; ví dụ 58,4"
              width="short"
              inputMode="decimal"
              failed={p.failed}
            />
            <Field
              form="measurement"
              name="measuredOn"
              label="Ngày đo"
              hint="ngày/tháng/năm, ví dụ 30/11/2025"
              width="medium"
              failed={p.failed}
            />
            <Field form="measurement" name="note" label="Ghi chú (không bắt buộc)" failed={p.failed} />
          </CommandForm>
        )}
        {can('attachEvidence') && (
          <CommandForm p={p} form="evidence" title="Tải lên minh chứng" button="Tải lên minh chứng" secondary multipart>
            <EvidenceFiles p={p} />
            <Field form="evidence" name="description" label="Mô tả minh chứng (không bắt buộc)" failed={p.failed} />
          </CommandForm>
        )}
        {can('submit') && (
          <CommandForm p={p} form="submit" title="Đề nghị công nhận hoàn thành" button="Đề nghị hoàn thành">
            {s.lastReturnReason && s.status === 'returned' && (
              <p class="notice notice--warning">{`Lý do trả lại lần trước: ${s.lastReturnReason}`}</p>
            )}
            <Field form="submit" name="summary" label="Tóm tắt kết quả đã hoàn thành" kind="textarea" failed={p.failed} />
            <EvidenceChoices p={p} form="submit" evidence={s.evidence} />
          </CommandForm>
        )}
        {can('requestExtension') && (
          <CommandForm p={p} form="extension" title="Xin gia hạn" button="Gửi đề nghị gia hạn" secondary>
            <Field
              form="extension"
              name="requestedDue"
              label="Đề nghị gia hạn đến hết ngày"
              hint={`ngày/tháng/năm; thời hạn hiện tại: ${s.dueAt ? formatVnDate(new Date(Date.parse(s.dueAt) - 1)) : 'không có'}`}
              width="medium"
              failed={p.failed}
            />
            <Field form="extension" name="reason" label="Lý do xin gia hạn" kind="textarea" failed={p.failed} />
          </CommandForm>
        )}
        {can('submitReport') && s.reports.open.length > 0 && (
          <CommandForm p={p} form="report" title="Báo cáo định kỳ" button="Nộp báo cáo định kỳ">
            <PeriodSelect p={p} />
            <Field form="report" name="summary" label="Nội dung báo cáo" kind="textarea" failed={p.failed} />
          </CommandForm>
        )}
        {can('approve') && (
          <CommandForm p={p} form="approve" title="Duyệt đề nghị hoàn thành" button="Duyệt hoàn thành">
            <Field form="approve" name="note" label="Ý kiến (không bắt buộc)" failed={p.failed} />
          </CommandForm>
        )}
        {can('return') && (
          <CommandForm p={p} form="return" title="Trả lại, yêu cầu bổ sung" button="Trả lại" secondary>
            <Field
              form="return"
              name="reason"
              label="Lý do trả lại"
              hint="Đơn vị sẽ nhận được lý do này"
              kind="textarea"
              failed={p.failed}
            />
          </CommandForm>
        )}
        {can('decideExtension') && s.pendingExtension && (
          <CommandForm p={p} form="extension-decision" title="Quyết định về đề nghị gia hạn" button="Ghi quyết định gia hạn">
            <p>{`Đơn vị đề nghị gia hạn đến hết ngày ${formatVnDate(new Date(Date.parse(s.pendingExtension.requestedDueAt) - 1))}: ${s.pendingExtension.reason}`}</p>
            <DecisionChoice p={p} />
            <Field
              form="extension-decision"
              name="newDue"
              label="Thời hạn mới (nếu đồng ý), đến hết ngày"
              hint="ngày/tháng/năm; để trống để chấp nhận thời hạn đơn vị đề nghị"
              width="medium"
              failed={p.failed}
            />
            <Field form="extension-decision" name="reason" label="Lý do (bắt buộc khi không đồng ý)" kind="textarea" failed={p.failed} />
          </CommandForm>
        )}
      </section>
    </Scope.Provider>
  );
}

function TargetSelect({ p }: { p: ActionProps }) {
  const id = useFieldId()('measurement', 'targetId');
  const kept = p.failed?.form === 'measurement' ? p.failed.values.targetId : undefined;
  return (
    <div class="form-group">
      <label class="label" for={id}>
        Chỉ tiêu
      </label>
      <select class="select" id={id} name="targetId">
        {p.state.targets.map((t) => (
          <option key={t.id} value={t.id} selected={kept === t.id}>
            {`${t.metric}: mục tiêu ${t.comparator} ${t.value.toLocaleString('vi-VN')}${t.unit ? ` ${t.unit}` : ''}${t.latestValue !== null ? `; gần nhất ${t.latestValue.toLocaleString('vi-VN')}` : ''}`}
          </option>
        ))}
      </select>
    </div>
  );
}

function PeriodSelect({ p }: { p: ActionProps }) {
  const id = useFieldId()('report', 'periodKey');
  return (
    <div class="form-group">
      <label class="label" for={id}>
        Kỳ báo cáo
      </label>
      <select class="select" id={id} name="periodKey">
        {p.state.reports.open.map((o) => (
          <option key={o.key} value={o.key}>
            {`Kỳ ${o.key}, hạn nộp ${formatVnDateTime(o.due)}`}
          </option>
        ))}
      </select>
    </div>
  );
}

function DecisionChoice({ p }: { p: ActionProps }) {
  const mine = p.failed?.form === 'extension-decision' ? p.failed : undefined;
  const kept = mine?.values.decision;
  const error = mine?.errors.find((e) => e.field === 'decision')?.message;
  const base = useFieldId()('extension-decision', 'decision');
  return (
    <fieldset class={`fieldset form-group${error ? ' form-group--error' : ''}`} id={base}>
      <legend class="label">Quyết định</legend>
      {error && <p class="error-message">{error}</p>}
      {(
        [
          ['approve', 'Đồng ý gia hạn'],
          ['deny', 'Không đồng ý gia hạn'],
        ] as const
      ).map(([value, label]) => (
        <div class="checkbox" key={value}>
          <input class="checkbox__input" type="radio" id={`${base}-${value}`} name="decision" value={value} checked={kept === value} />
          <label class="checkbox__label" for={`${base}-${value}`}>
            {label}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

function EvidenceFiles({ p }: { p: ActionProps }) {
  const id = useFieldId()('evidence', 'files');
  const error = p.failed?.form === 'evidence' ? p.failed.errors.find((e) => e.field === 'files')?.message : undefined;
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class="label" for={id}>
        Tệp minh chứng
      </label>
      <div id={`${id}-hint`} class="hint">
        {`Chọn một hoặc nhiều tệp: tối đa ${p.evidenceLimits.maxFiles} tệp mỗi lần, mỗi tệp không quá ${mib(p.evidenceLimits.maxBytes)}. Nhận ${EVIDENCE_TYPES_VI}.`}
      </div>
      {error && (
        <p id={`${id}-error`} class="error-message">
          <span class="visually-hidden">Lỗi: </span>
          {error}
        </p>
      )}
      <input
        class="file-upload"
        id={id}
        name="files"
        type="file"
        multiple
        aria-describedby={[`${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')}
      />
    </div>
  );
}
