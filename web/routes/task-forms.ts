import { COMMAND_ROUTES } from '../../api/routes/task-commands';
import {
  acknowledgeFormSchema,
  approveFormSchema,
  endOfVnDay,
  evidenceFormSchema,
  extensionDecisionFormSchema,
  extensionFormSchema,
  measurementFormSchema,
  parseForm,
  progressFormSchema,
  reportFormSchema,
  returnFormSchema,
  submitFormSchema,
  textOf,
  type FormResult,
} from '../forms';
import type { TaskForm } from '../pages/task-actions';

/** Each form of the task page, its fields turned into the body of the API command it is. */
export const FORM_COMMANDS: {
  [F in TaskForm]: { api: keyof typeof COMMAND_ROUTES | null; parse: (body: unknown) => FormResult<unknown> };
} = {
  acknowledge: { api: 'acknowledge', parse: (b) => parseForm(acknowledgeFormSchema, b) },
  progress: {
    api: 'progress',
    parse: (b) => mapForm(parseForm(progressFormSchema, b), (f) => ({ text: f.text, percent: f.percent ?? null })),
  },
  measurement: { api: 'measurements', parse: (b) => parseForm(measurementFormSchema, b) },
  evidence: { api: null, parse: (b) => parseForm(evidenceFormSchema, b) },
  submit: { api: 'submit', parse: (b) => parseForm(submitFormSchema, b) },
  extension: {
    api: 'extension-requests',
    parse: (b) => mapForm(parseForm(extensionFormSchema, b), (f) => ({ requestedDueAt: endOfVnDay(f.requestedDue), reason: f.reason })),
  },
  report: { api: 'reports', parse: (b) => parseForm(reportFormSchema, b) },
  approve: { api: 'approve', parse: (b) => parseForm(approveFormSchema, b) },
  return: { api: 'return', parse: (b) => parseForm(returnFormSchema, b) },
  'extension-decision': {
    api: 'extension-decision',
    parse: (b) =>
      mapForm(parseForm(extensionDecisionFormSchema, b), (f) => ({
        approve: f.decision === 'approve',
        newDueAt: f.decision === 'approve' && f.newDue ? endOfVnDay(f.newDue) : null,
        reason: f.reason,
      })),
  },
};

/** What the task page says once a form's command is taken. */
export const DONE: Record<TaskForm, string> = {
  acknowledge: 'Đã xác nhận tiếp nhận nhiệm vụ.',
  progress: 'Đã gửi báo cáo tiến độ.',
  measurement: 'Đã ghi nhận số liệu chỉ tiêu.',
  evidence: 'Đã tải lên minh chứng.',
  submit: 'Đã gửi đề nghị công nhận hoàn thành; Cơ quan Thường trực sẽ xem xét.',
  extension: 'Đã gửi đề nghị gia hạn; Cơ quan Thường trực sẽ quyết định.',
  report: 'Đã nộp báo cáo định kỳ.',
  approve: 'Đã duyệt hoàn thành nhiệm vụ.',
  return: 'Đã trả lại đề nghị hoàn thành, kèm lý do.',
  'extension-decision': 'Đã ghi quyết định về đề nghị gia hạn.',
};

function mapForm<T, U>(r: FormResult<T>, f: (t: T) => U): FormResult<U> {
  return r.ok ? { ok: true, data: f(r.data) } : r;
}

/** What the person typed, to put back in a refused form (the CSRF token and key aside). */
export function typedValues(body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (k === '_csrf' || k === '_key') continue;
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) out[k] = v as string | string[];
  }
  return out;
}

/** Where a decision goes back to: the review page it came from, else the task. */
export const backTo = (body: unknown) => (textOf(body, 'back') === '/review' ? '/review' : null);
