import type { ComponentChildren } from 'preact';
import { SelectField, type FieldError } from './form';
import { errorOf } from '../forms';

/**
 * A GET form of filters above a list. Without JavaScript it reloads the page; with htmx it fetches
 * the same URL, swaps only the results (`hx-select`) and pushes the URL, so a filtered list can be
 * bookmarked and shared either way.
 */
export function FilterBar({
  action,
  resultsId,
  label,
  children,
  submitLabel = 'Lọc',
}: {
  action: string;
  resultsId: string;
  label: string;
  children: ComponentChildren;
  submitLabel?: string;
}) {
  return (
    <form
      class="filter-bar"
      method="get"
      action={action}
      role="search"
      aria-label={label}
      hx-get={action}
      hx-target={`#${resultsId}`}
      hx-select={`#${resultsId}`}
      hx-swap="outerHTML"
      hx-push-url="true"
    >
      <div class="filter-bar__fields">{children}</div>
      <div class="filter-bar__actions">
        <button type="submit" class="button button--secondary">
          {submitLabel}
        </button>
        <a class="link" href={action}>
          Xóa bộ lọc
        </a>
      </div>
    </form>
  );
}

/** A checkbox in a filter bar. */
export function CheckboxFilter({ name, label, checked }: { name: string; label: string; checked: boolean }) {
  const id = `field-${name}`;
  return (
    <div class="form-group checkbox">
      <input class="checkbox__input" type="checkbox" id={id} name={name} value="true" checked={checked} />
      <label class="checkbox__label" for={id}>
        {label}
      </label>
    </div>
  );
}

/** The lead unit filter of the lists and reports that see every unit: all units, or one. */
export function LeadUnitFilter(p: { units: ReadonlyArray<{ code: string; name: string }>; value?: string; errors: readonly FieldError[] }) {
  return (
    <SelectField
      name="unit"
      label="Đơn vị chủ trì"
      value={p.value}
      error={errorOf(p.errors, 'unit')}
      options={[{ value: '', label: 'Tất cả đơn vị' }, ...p.units.map((u) => ({ value: u.code, label: u.name }))]}
    />
  );
}
