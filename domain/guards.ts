/*
 * Hand-written checks for the few values workflow code must validate at load without zod: each
 * cached workflow evaluates its own copy of every module it imports, and building zod schemas
 * costs about a megabyte per copy (bench/RESULTS.md, P5). Each guard accepts exactly what the
 * corresponding zod schema accepts (test/unit/zod-free-guards.test.ts compares them) and throws
 * `InvalidDataError` naming the first offending path.
 */

/** A value that does not have the shape its guard requires. */
export class InvalidDataError extends TypeError {
  override name = 'InvalidDataError';
}

export function invalid(what: string, path: string, reason: string): never {
  throw new InvalidDataError(`${what} không hợp lệ: ${path || '(giá trị)'} ${reason}`);
}

/** What zod's `z.object` takes: any non-null object that is not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `z.number().int().min(min).max(max)`: zod 4's int is a safe integer. */
export function checkInt(value: unknown, min: number, max: number, what: string, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    invalid(what, path, Number.isFinite(min) && Number.isFinite(max) ? `phải là số nguyên từ ${min} đến ${max}` : 'phải là số nguyên');
  }
  return value;
}

/** `z.array(item).min(min).max(max)`; holes read as undefined, as zod reads them. A fresh array. */
export function checkArray<T>(
  value: unknown,
  min: number,
  max: number,
  item: (v: unknown, path: string) => T,
  what: string,
  path: string,
): T[] {
  if (!Array.isArray(value)) invalid(what, path, 'phải là một danh sách');
  if (value.length < min) invalid(what, path, `phải có ít nhất ${min} phần tử`);
  if (value.length > max) invalid(what, path, `có nhiều nhất ${max} phần tử`);
  const out: T[] = [];
  for (let i = 0; i < value.length; i++) out.push(item(value[i], `${path}[${i}]`));
  return out;
}
