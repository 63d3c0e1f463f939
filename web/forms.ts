import { z } from 'zod';
import { TASK_STATUSES } from '../domain/task';
import { newPasswordSchema } from './auth/passwords';
import type { FieldError } from './components/form';

/** Sign-in form: what a person types, trimmed; the login is matched in lower case. */
export const signInFormSchema = z.object({
  login: z
    .string({ error: 'Hãy nhập tên đăng nhập' })
    .trim()
    .toLowerCase()
    .min(1, 'Hãy nhập tên đăng nhập')
    .max(64, 'Tên đăng nhập không dài quá 64 ký tự'),
  password: z.string({ error: 'Hãy nhập mật khẩu' }).min(1, 'Hãy nhập mật khẩu').max(200, 'Mật khẩu không dài quá 200 ký tự'),
  next: z.string().max(500).optional(),
});
export type SignInForm = z.infer<typeof signInFormSchema>;

/** Change-password form: the current one, the new one twice. */
export const changePasswordFormSchema = z
  .object({
    currentPassword: z
      .string({ error: 'Hãy nhập mật khẩu hiện tại' })
      .min(1, 'Hãy nhập mật khẩu hiện tại')
      .max(200, 'Mật khẩu không dài quá 200 ký tự'),
    newPassword: newPasswordSchema,
    confirmPassword: z.string({ error: 'Hãy nhập lại mật khẩu mới' }).min(1, 'Hãy nhập lại mật khẩu mới'),
  })
  .refine((f) => f.newPassword === f.confirmPassword, {
    path: ['confirmPassword'],
    message: 'Mật khẩu nhập lại không khớp với mật khẩu mới',
  })
  .refine((f) => f.newPassword !== f.currentPassword, { path: ['newPassword'], message: 'Mật khẩu mới phải khác mật khẩu hiện tại' });
export type ChangePasswordForm = z.infer<typeof changePasswordFormSchema>;

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

/** The inbox's query string. */
export const inboxQuerySchema = z.object({
  unread: z.preprocess(emptyAsUndefined, z.enum(['true'], { error: 'Bộ lọc "chưa đọc" không hợp lệ' }).optional()),
  page: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number({ error: 'Số trang phải là số' })
      .int('Số trang phải là số nguyên')
      .min(1, 'Số trang nhỏ nhất là 1')
      .max(100_000)
      .default(1),
  ),
});

/** The task search's query string (filter bar). */
export const taskSearchQuerySchema = z.object({
  q: z.preprocess(emptyAsUndefined, z.string().trim().max(200, 'Từ khóa không dài quá 200 ký tự').optional()),
  unit: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'Mã đơn vị không hợp lệ')
      .optional(),
  ),
  status: z.preprocess(emptyAsUndefined, z.enum(TASK_STATUSES, { error: 'Trạng thái không hợp lệ' }).optional()),
  overdue: z.preprocess(emptyAsUndefined, z.enum(['true'], { error: 'Bộ lọc "quá hạn" không hợp lệ' }).optional()),
  page: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number({ error: 'Số trang phải là số' })
      .int('Số trang phải là số nguyên')
      .min(1, 'Số trang nhỏ nhất là 1')
      .max(100_000)
      .default(1),
  ),
});
export type TaskSearchQuery = z.infer<typeof taskSearchQuerySchema>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] };

/** Parses a form or query with its schema; on failure, the first message of each field, in the form's order. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown): FormResult<z.infer<S>> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, data: result.data };
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.');
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: issue.message });
  }
  return { ok: false, errors };
}

/** The error of one field, for the field itself. */
export function errorOf(errors: readonly FieldError[], field: string): string | undefined {
  return errors.find((e) => e.field === field)?.message;
}

/** A string value from a parsed body or query (for putting back what the person typed). */
export function textOf(source: unknown, field: string): string {
  const v = (source as Record<string, unknown> | undefined)?.[field];
  return typeof v === 'string' ? v : '';
}
