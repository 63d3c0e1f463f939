/** A refusal a page shows as such, with its status: a person's mistake, never a 500. */
export class WebError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'WebError';
  }
}
