import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { randomUUID } from 'node:crypto';
import type { EvidenceRecord } from '../../domain/task';
import { EVIDENCE_TYPES_VI } from '../../api/evidence-content';
import { ChoiceGroup, CsrfField, FieldFrame } from '../components/form';
import { formatVnDateTime } from '../format';
import type { ActionProps, FailedForm, TaskForm } from './task-actions';

/* The building blocks of a task page's command forms (fields, a form's frame, the choices of evidence, targets, periods); `task-actions.tsx` composes them. */

// The ids of a task's fields, unique on a page holding several tasks' forms (Chờ duyệt).
export const Scope = createContext('');
export const useFieldId = () => {
  const scope = useContext(Scope);
  return (form: TaskForm, name: string) => `field-${scope}${form}-${name}`;
};
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;

export interface FieldProps {
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
export function Field(p: FieldProps) {
  const id = useFieldId()(p.form, p.name);
  const mine = p.failed?.form === p.form ? p.failed : undefined;
  const error = mine?.errors.find((e) => e.field === p.name)?.message;
  const kept = mine?.values[p.name];
  const value = typeof kept === 'string' ? kept : (p.value ?? '');
  const describedBy = [p.hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <FieldFrame id={id} label={p.label} hint={p.hint} error={error}>
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
    </FieldFrame>
  );
}

/** A refusal of the whole form (the workflow's 409 or 422), right above its fields. */
export function FormProblem({ form, failed }: { form: TaskForm; failed?: FailedForm }) {
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
export function CommandForm({ p, form, title, button, secondary, multipart, children }: CommandFormProps) {
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

export function EvidenceChoices({ p, form, evidence }: { p: ActionProps; form: TaskForm; evidence: readonly EvidenceRecord[] }) {
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

/** The target a measurement is of, each with its goal and latest value. */
export function TargetSelect({ p }: { p: ActionProps }) {
  const id = useFieldId()('measurement', 'targetId');
  const kept = p.failed?.form === 'measurement' ? p.failed.values.targetId : undefined;
  return (
    <FieldFrame id={id} label="Chỉ tiêu">
      <select class="select" id={id} name="targetId">
        {p.state.targets.map((t) => (
          <option key={t.id} value={t.id} selected={kept === t.id}>
            {`${t.metric}: mục tiêu ${t.comparator} ${t.value.toLocaleString('vi-VN')}${t.unit ? ` ${t.unit}` : ''}${t.latestValue !== null ? `; gần nhất ${t.latestValue.toLocaleString('vi-VN')}` : ''}`}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function PeriodSelect({ p }: { p: ActionProps }) {
  const id = useFieldId()('report', 'periodKey');
  return (
    <FieldFrame id={id} label="Kỳ báo cáo">
      <select class="select" id={id} name="periodKey">
        {p.state.reports.open.map((o) => (
          <option key={o.key} value={o.key}>
            {`Kỳ ${o.key}, hạn nộp ${formatVnDateTime(o.due)}`}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function DecisionChoice({ p }: { p: ActionProps }) {
  const mine = p.failed?.form === 'extension-decision' ? p.failed : undefined;
  const kept = mine?.values.decision;
  const error = mine?.errors.find((e) => e.field === 'decision')?.message;
  const base = useFieldId()('extension-decision', 'decision');
  return (
    <ChoiceGroup id={base} legend="Quyết định" error={error}>
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
    </ChoiceGroup>
  );
}

export function EvidenceFiles({ p }: { p: ActionProps }) {
  const id = useFieldId()('evidence', 'files');
  const error = p.failed?.form === 'evidence' ? p.failed.errors.find((e) => e.field === 'files')?.message : undefined;
  return (
    <FieldFrame
      id={id}
      label="Tệp minh chứng"
      hint={`Chọn một hoặc nhiều tệp: tối đa ${p.evidenceLimits.maxFiles} tệp mỗi lần, mỗi tệp không quá ${mib(p.evidenceLimits.maxBytes)}. Nhận ${EVIDENCE_TYPES_VI}.`}
      error={error}
    >
      <input
        class="file-upload"
        id={id}
        name="files"
        type="file"
        multiple
        aria-describedby={[`${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')}
      />
    </FieldFrame>
  );
}
