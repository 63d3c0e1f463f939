import type { ComponentChildren } from 'preact';

export interface Column<T> {
  header: string;
  cell: (row: T) => ComponentChildren;
  /** Numbers and dates align right; a narrow column does not wrap. */
  kind?: 'text' | 'numeric' | 'nowrap';
}

/** What a list shows, apart from its rows: its caption, what to say when it is empty, each row's key and columns. */
export interface TableSpec<T> {
  caption: string;
  empty: string;
  rowKey: (row: T) => string;
  columns: ReadonlyArray<Column<T>>;
}

/**
 * A data table with a caption; on a narrow screen each row becomes a card whose cells carry their
 * column's name (`data-label`, shown by the stylesheet), so nothing needs sideways scrolling.
 * Pages describe each list once as a `TableSpec` and render it with its rows: `<Table {...spec} rows={rows} />`.
 */
export function Table<T>({ caption, columns, rows, rowKey, empty }: TableSpec<T> & { rows: readonly T[] }) {
  if (!rows.length) return <p class="empty">{empty}</p>;
  return (
    <table class="table table--stack">
      <caption class="table__caption">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.header} scope="col" class={`table__header table__header--${c.kind ?? 'text'}`}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((c) => (
              <td key={c.header} class={`table__cell table__cell--${c.kind ?? 'text'}`} data-label={c.header}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Previous / next page links that keep the other query parameters. */
export function Pagination({
  page,
  pageSize,
  total,
  href,
}: {
  page: number;
  pageSize: number;
  total: number;
  href: (page: number) => string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav class="pagination" aria-label="Phân trang">
      {page > 1 && (
        <a class="pagination__link" href={href(page - 1)} rel="prev">
          ‹ Trang trước
        </a>
      )}
      <span class="pagination__status">
        Trang {page} / {pages}
      </span>
      {page < pages && (
        <a class="pagination__link" href={href(page + 1)} rel="next">
          Trang sau ›
        </a>
      )}
    </nav>
  );
}
