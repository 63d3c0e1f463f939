import type { SelectQueryBuilder } from 'kysely';

/** A page of a list: its rows in the list's order, and how many rows the whole list has. */
export interface Page<T> {
  rows: T[];
  total: number;
}

/**
 * One page of a filtered query: `select` picks the columns and the order of the page, the count is of
 * every row the filters select. The lists' pages all say "N found" above the rows they show.
 */
export async function pageOf<DB, TB extends keyof DB, Filtered, O>(
  query: SelectQueryBuilder<DB, TB, Filtered>,
  select: (q: SelectQueryBuilder<DB, TB, Filtered>) => SelectQueryBuilder<DB, TB, O>,
  page: { limit: number; offset: number },
): Promise<Page<O>> {
  const counted = await query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  // The generic selection hides the alias from the type checker; the row is `{ total }` all the same.
  const { total } = counted as unknown as { total: string };
  const rows = await select(query).limit(page.limit).offset(page.offset).execute();
  return { rows, total: Number(total) };
}
