import type { ComponentChildren } from 'preact';

/** A field's error as the error summary and the field show it. */
export interface FieldError {
  /** The form field's name (the input's id is `field-<name>`). */
  field: string;
  message: string;
}

export const fieldId = (name: string) => `field-${name}`;

/**
 * The error summary at the top of a form (GOV.UK "error summary"): what went wrong, each line a
 * link to the field. `role="alert"` makes screen readers announce it on arrival.
 */
export function ErrorSummary({ errors, title = 'Có lỗi cần sửa' }: { errors: readonly FieldError[]; title?: string }) {
  if (!errors.length) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
      <h2 id="error-summary-title" class="error-summary__title">
        {title}
      </h2>
      <ul class="error-summary__list">
        {errors.map((e) => (
          <li key={e.field}>{e.field ? <a href={`#${fieldId(e.field)}`}>{e.message}</a> : e.message}</li>
        ))}
      </ul>
    </div>
  );
}

/** A notice box (not an error): "Bạn đã đăng xuất", "Phiên đăng nhập đã kết thúc". */
export function Notice({ children, tone = 'info' }: { children: ComponentChildren; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div class={`notice notice--${tone}`} role="status">
      {children}
    </div>
  );
}

/**
 * What every labelled field has around its control: the label above, the hint under it, the error
 * right above the control (GOV.UK "form group"). The control's `aria-describedby` names the hint
 * and error ids, `<id>-hint` and `<id>-error`.
 */
export function FieldFrame(p: {
  id: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  error?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={`form-group${p.error ? ' form-group--error' : ''}`}>
      <label class="label" for={p.id}>
        {p.label}
      </label>
      {p.hint && (
        <div id={`${p.id}-hint`} class="hint">
          {p.hint}
        </div>
      )}
      {p.error && (
        <p id={`${p.id}-error`} class="error-message">
          <span class="visually-hidden">Lỗi: </span>
          {p.error}
        </p>
      )}
      {p.children}
    </div>
  );
}

export interface TextFieldProps {
  name: string;
  label: string;
  hint?: string;
  type?: 'text' | 'password' | 'search' | 'email';
  /** Kept as the person typed it when the form comes back with errors (never for passwords). */
  value?: string;
  error?: string;
  autocomplete?: string;
  required?: boolean;
  /** Makes the label the page's heading (GOV.UK "question pages" with one field). */
  width?: 'full' | 'medium' | 'short';
  spellcheck?: boolean;
  autofocus?: boolean;
  /** The input's id when one page has several forms with this field (default `field-<name>`). */
  id?: string;
}

/** A labelled input: label above, hint under it, the error right above the input, which keeps its value. */
export function TextField(p: TextFieldProps) {
  const id = p.id ?? fieldId(p.name);
  const describedBy = [p.hint && `${id}-hint`, p.error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <FieldFrame id={id} label={p.label} hint={p.hint} error={p.error}>
      <input
        class={`input input--${p.width ?? 'full'}${p.error ? ' input--error' : ''}`}
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.type === 'password' ? undefined : p.value}
        autocomplete={p.autocomplete}
        aria-describedby={describedBy}
        aria-invalid={p.error ? 'true' : undefined}
        required={p.required}
        spellcheck={p.spellcheck}
        autofocus={p.autofocus}
      />
    </FieldFrame>
  );
}

export interface SelectFieldProps {
  name: string;
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  value?: string;
  error?: string;
  id?: string;
}

/** A labelled select; the first option is "all" (an empty value). */
export function SelectField(p: SelectFieldProps) {
  const id = p.id ?? fieldId(p.name);
  return (
    <FieldFrame id={id} label={p.label} error={p.error}>
      <select class="select" id={id} name={p.name} aria-describedby={p.error ? `${id}-error` : undefined}>
        {p.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === (p.value ?? '')}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** The CSRF token every form carries (checked with the Origin header on every POST). */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/**
 * A form posted with the session's CSRF token, its fields, then its one button last. The browser's
 * own checks are off (`novalidate`): the server's Vietnamese messages are the ones people read.
 */
export function PostForm(p: {
  csrfToken: string;
  action: string;
  submit: string;
  secondary?: boolean;
  multipart?: boolean;
  children?: ComponentChildren;
}) {
  return (
    <form method="post" action={p.action} enctype={p.multipart ? 'multipart/form-data' : undefined} novalidate>
      <CsrfField token={p.csrfToken} />
      {p.children}
      <button type="submit" class={p.secondary ? 'button button--secondary' : 'button'}>
        {p.submit}
      </button>
    </form>
  );
}

/** A labelled multi-line field; keeps what was typed, like TextField. */
export function TextArea(p: { name: string; label: string; hint?: string; value?: string; error?: string; rows?: number; id?: string }) {
  const id = p.id ?? fieldId(p.name);
  const describedBy = [p.hint && `${id}-hint`, p.error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <FieldFrame id={id} label={p.label} hint={p.hint} error={p.error}>
      <textarea
        class={`textarea${p.error ? ' input--error' : ''}`}
        id={id}
        name={p.name}
        rows={p.rows ?? 5}
        aria-describedby={describedBy}
        aria-invalid={p.error ? 'true' : undefined}
      >
        {p.value ?? ''}
      </textarea>
    </FieldFrame>
  );
}

/** A group of checkboxes or radio buttons under one legend, its error above them; `id` is where the error summary links. */
export function ChoiceGroup(p: { id: string; legend: string; error?: string; children: ComponentChildren }) {
  return (
    <fieldset class={`fieldset form-group${p.error ? ' form-group--error' : ''}`} id={p.id}>
      <legend class="label">{p.legend}</legend>
      {p.error && <p class="error-message">{p.error}</p>}
      {p.children}
    </fieldset>
  );
}

/** One labelled checkbox (several with the same name make a list). */
export function Checkbox(p: { id: string; name: string; value: string; label: ComponentChildren; checked?: boolean }) {
  return (
    <div class="checkbox">
      <input class="checkbox__input" type="checkbox" id={p.id} name={p.name} value={p.value} checked={p.checked} />
      <label class="checkbox__label" for={p.id}>
        {p.label}
      </label>
    </div>
  );
}
