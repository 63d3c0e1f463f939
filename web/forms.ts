import { z } from 'zod';
import { TASK_STATUSES } from '../domain/task';
import { ROLES } from '../domain/roles';
import { REPORT_GROUPS } from '../db/repositories/task-views';
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

export const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

/** A list's page number in a query string: 1 when absent or empty. */
export const pageNumber = z.preprocess(
  emptyAsUndefined,
  z.coerce
    .number({ error: 'Số trang phải là số' })
    .int('Số trang phải là số nguyên')
    .min(1, 'Số trang nhỏ nhất là 1')
    .max(100_000)
    .default(1),
);

/** A unit code as a filter takes it (the units table's codes). */
export const unitCodeFilter = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'Mã đơn vị không hợp lệ');

/** The inbox's query string. */
export const inboxQuerySchema = z.object({
  unread: z.preprocess(emptyAsUndefined, z.enum(['true'], { error: 'Bộ lọc "chưa đọc" không hợp lệ' }).optional()),
  page: pageNumber,
});

/** The task search's query string (filter bar). */
export const taskSearchQuerySchema = z.object({
  q: z.preprocess(emptyAsUndefined, z.string().trim().max(200, 'Từ khóa không dài quá 200 ký tự').optional()),
  unit: z.preprocess(emptyAsUndefined, unitCodeFilter.optional()),
  status: z.preprocess(emptyAsUndefined, z.enum(TASK_STATUSES, { error: 'Trạng thái không hợp lệ' }).optional()),
  overdue: z.preprocess(emptyAsUndefined, z.enum(['true'], { error: 'Bộ lọc "quá hạn" không hợp lệ' }).optional()),
  group: z.preprocess(emptyAsUndefined, z.enum(REPORT_GROUPS, { error: 'Nhóm báo cáo không hợp lệ' }).optional()),
  page: pageNumber,
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

/** What a form came back with: what was typed in each field (several values for a list of checkboxes). */
export type FormValues = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The fields of a form that came back: each name with what was typed in it and its error, as
 * `TextField`, `SelectField` and `TextArea` take them (`<TextField {...field('asOf')} label="…" />`).
 */
export const boundFields =
  (values: FormValues | undefined, errors: readonly FieldError[] = []) =>
  (name: string) => {
    const value = values?.[name];
    return { name, value: typeof value === 'string' ? value : undefined, error: errorOf(errors, name) };
  };

/** A string value from a parsed body or query (for putting back what the person typed). */
export function textOf(source: unknown, field: string): string {
  const v = (source as Record<string, unknown> | undefined)?.[field];
  return typeof v === 'string' ? v : '';
}

// ---- The task's command forms: what a person types, turned into the commands' bodies. ----

const optionalText = (max: number, tooLong: string) =>
  z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().trim().max(max, tooLong));
const requiredText = (max: number, missing: string, tooLong: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, tooLong);

/** `dd/mm/yyyy` (or `d/m/yyyy`, dashes or dots too) as a civil date `YYYY-MM-DD`. */
export function parseVnDate(text: string): string | null {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text.trim());
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${m[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export const vnDate = (missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .transform((v, ctx) => {
      const date = parseVnDate(v);
      if (!date) {
        ctx.addIssue({ code: 'custom', message: 'Ngày phải có dạng ngày/tháng/năm, ví dụ 30/11/2025' });
        return z.NEVER;
      }
      return date;
    });

/** "Until the end of" a day: the instant the next day begins in +07:00 (deadlines are "before that day begins"). */
export function endOfVnDay(civilDate: string): string {
  const next = new Date(Date.parse(`${civilDate}T00:00:00+07:00`) + 86_400_000);
  return `${new Date(next.getTime() + 7 * 3_600_000).toISOString().slice(0, 10)}T00:00:00+07:00`;
}

const decimal = (missing: string, wrong: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .transform((v, ctx) => {
      const n = Number(v.replace(/\s/g, '').replace(',', '.'));
      if (!Number.isFinite(n) || !/^-?[\d\s]+([.,]\d+)?$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: wrong });
        return z.NEVER;
      }
      return n;
    });

const ids = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(64)).max(50));

export const acknowledgeFormSchema = z.object({ note: optionalText(2000, 'Ghi chú không dài quá 2000 ký tự') });

export const progressFormSchema = z.object({
  text: requiredText(5000, 'Hãy mô tả tiến độ thực hiện', 'Nội dung không dài quá 5000 ký tự'),
  percent: z.preprocess(
    emptyAsUndefined,
    decimal('', 'Tỷ lệ hoàn thành phải là số')
      .pipe(z.number().min(0, 'Tỷ lệ hoàn thành từ 0 đến 100').max(100, 'Tỷ lệ hoàn thành từ 0 đến 100'))
      .optional(),
  ),
});

export const measurementFormSchema = z.object({
  targetId: requiredText(40, 'Hãy chọn chỉ tiêu', 'Chỉ tiêu không hợp lệ'),
  value: decimal('Hãy nhập giá trị đo được', 'Giá trị phải là số, ví dụ 58,4'),
  measuredOn: vnDate('Hãy nhập ngày đo'),
  note: optionalText(2000, 'Ghi chú không dài quá 2000 ký tự'),
});

export const evidenceFormSchema = z.object({ description: optionalText(2000, 'Mô tả không dài quá 2000 ký tự') });

export const submitFormSchema = z.object({
  summary: requiredText(10000, 'Hãy tóm tắt kết quả đã hoàn thành', 'Nội dung không dài quá 10000 ký tự'),
  evidenceIds: ids,
});

export const extensionFormSchema = z.object({
  requestedDue: vnDate('Hãy nhập thời hạn đề nghị'),
  reason: requiredText(2000, 'Hãy nêu lý do xin gia hạn', 'Lý do không dài quá 2000 ký tự'),
});

export const reportFormSchema = z.object({
  periodKey: requiredText(20, 'Hãy chọn kỳ báo cáo', 'Kỳ báo cáo không hợp lệ'),
  summary: requiredText(10000, 'Hãy nhập nội dung báo cáo', 'Nội dung không dài quá 10000 ký tự'),
});

export const approveFormSchema = z.object({ note: optionalText(2000, 'Ghi chú không dài quá 2000 ký tự') });

export const returnFormSchema = z.object({
  reason: requiredText(2000, 'Hãy nêu lý do trả lại để đơn vị bổ sung', 'Lý do không dài quá 2000 ký tự'),
});

export const extensionDecisionFormSchema = z
  .object({
    decision: z.enum(['approve', 'deny'], { error: 'Hãy chọn đồng ý hoặc không đồng ý gia hạn' }),
    newDue: z.preprocess(emptyAsUndefined, vnDate('').optional()),
    reason: optionalText(2000, 'Lý do không dài quá 2000 ký tự'),
  })
  .refine((f) => f.decision === 'approve' || f.reason.length > 0, { path: ['reason'], message: 'Không đồng ý gia hạn phải nêu lý do' });

// ---- Văn bản chỉ đạo: a notice pasted or uploaded, the drafts kept, an item edited, the items launched. ----

const optionalVnDate = z.preprocess(emptyAsUndefined, vnDate('').optional());
const refs = (missing: string) =>
  z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().trim().min(1).max(50)).min(1, missing).max(500),
  );

/** A notice's text pasted (a file comes as multipart beside it) and, when known, its number. */
export const noticeFormSchema = z.object({
  text: optionalText(200_000, 'Văn bản dài quá 200.000 ký tự'),
  number: z.preprocess(emptyAsUndefined, z.string().trim().max(100, 'Số hiệu không dài quá 100 ký tự').optional()),
});

/** The header the secretariat confirms and the drafts kept as assignments (the others are discarded). */
export const registerFormSchema = z.object({
  text: requiredText(200_000, 'Thiếu nội dung văn bản; hãy dán hoặc tải lên lại', 'Văn bản dài quá 200.000 ký tự'),
  number: requiredText(100, 'Hãy nhập số hiệu văn bản, ví dụ 01-TB/CQTT', 'Số hiệu không dài quá 100 ký tự'),
  issuer: z.preprocess(emptyAsUndefined, z.string().trim().max(300, 'Cơ quan ban hành không dài quá 300 ký tự').optional()),
  issuedOn: optionalVnDate,
  items: refs('Hãy giữ ít nhất một mục là nhiệm vụ'),
});

const keptIfEmpty = (max: number, tooLong: string) =>
  z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().trim().max(max, tooLong)).transform((v) => v || undefined);

/** One draft item as the review page edits it (the API's patch of it): an empty field keeps the item's value. */
export const itemEditFormSchema = z.object({
  title: keptIfEmpty(2000, 'Tên nhiệm vụ không dài quá 2000 ký tự'),
  leadUnit: keptIfEmpty(40, 'Đơn vị chủ trì không hợp lệ'),
  responsibleOfficial: keptIfEmpty(300, 'Người chịu trách nhiệm không dài quá 300 ký tự'),
  due: optionalVnDate,
  assignedBy: keptIfEmpty(300, 'Người giao không dài quá 300 ký tự'),
  decidedBy: keptIfEmpty(40, 'Cơ quan quyết định không hợp lệ'),
  expectedResult: keptIfEmpty(5000, 'Kết quả cần đạt không dài quá 5000 ký tự'),
});

/** The drafts chosen for launch. */
export const launchFormSchema = z.object({ refs: refs('Hãy chọn ít nhất một mục để giao') });

// ---- Quản trị: units, users, webhooks, the calendar's decided days. ----

const unitCode = (missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .regex(/^[A-Z0-9_]{2,40}$/, 'Mã đơn vị gồm 2–40 chữ in hoa không dấu, số hoặc "_"');
const roles = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.enum(ROLES, { error: 'Vai trò không hợp lệ' })).min(1, 'Hãy chọn ít nhất một vai trò'),
);

export const unitFormSchema = z.object({
  code: unitCode('Hãy nhập mã đơn vị'),
  name: requiredText(300, 'Hãy nhập tên đơn vị', 'Tên đơn vị không dài quá 300 ký tự'),
});

export const userFormSchema = z.object({
  login: requiredText(64, 'Hãy nhập tên đăng nhập', 'Tên đăng nhập không dài quá 64 ký tự').regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'Tên đăng nhập chỉ gồm chữ thường không dấu, số, ".", "_" hoặc "-"',
  ),
  fullName: requiredText(300, 'Hãy nhập họ và tên', 'Họ và tên không dài quá 300 ký tự'),
  unitCode: unitCode('Hãy chọn đơn vị'),
  roles,
  email: z.preprocess(emptyAsUndefined, z.email('Địa chỉ email không hợp lệ').optional()),
});

export const rolesFormSchema = z.object({ roles });

export const webhookFormSchema = z.object({
  unitCode: unitCode('Hãy chọn đơn vị'),
  url: z
    .string({ error: 'Hãy nhập địa chỉ nhận' })
    .trim()
    .min(1, 'Hãy nhập địa chỉ nhận')
    .pipe(z.url({ protocol: /^https?$/, error: 'Địa chỉ phải bắt đầu bằng http:// hoặc https://' })),
  description: optionalText(300, 'Mô tả không dài quá 300 ký tự'),
});

export const calendarFormSchema = z.object({
  date: vnDate('Hãy nhập ngày'),
  kind: z.enum(['day_off', 'working_day'], { error: 'Hãy chọn ngày nghỉ hoặc ngày làm việc bù' }),
  reason: requiredText(300, 'Hãy nêu quyết định (số, ngày, cơ quan ban hành)', 'Nội dung không dài quá 300 ký tự'),
});
