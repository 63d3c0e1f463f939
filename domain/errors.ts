/**
 * Failures of business rules, raised by services and mapped to HTTP by api/problems.ts:
 * not_found -> 404, conflict -> 409, invalid -> 422. The message is for people (Vietnamese).
 */
export class DomainError extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict' | 'invalid',
    message: string,
    readonly details?: { path: string; reason: string }[],
  ) {
    super(message);
  }
}
