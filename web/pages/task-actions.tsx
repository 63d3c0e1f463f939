import type { ComponentChildren } from 'preact';
import type { CommandName } from '../../domain/lifecycle/commands';
import type { TaskState } from '../../domain/task';
import type { FieldError } from '../components/form';
import { formatVnDate } from '../format';
import {
  CommandForm,
  DecisionChoice,
  EvidenceChoices,
  EvidenceFiles,
  Field,
  PeriodSelect,
  Scope,
  TargetSelect,
  type FieldProps,
} from './task-action-parts';

/** The forms of a task page, each a path under `/tasks/:id/` and the lifecycle command it sends. */
export const TASK_FORMS = {
  acknowledge: 'acknowledge',
  progress: 'reportProgress',
  measurement: 'recordMeasurement',
  evidence: 'attachEvidence',
  submit: 'submit',
  extension: 'requestExtension',
  report: 'submitReport',
  approve: 'approve',
  return: 'return',
  'extension-decision': 'decideExtension',
} as const satisfies Record<string, CommandName>;
export type TaskForm = keyof typeof TASK_FORMS;

/** A form that came back refused: its errors (the workflow's or the fields') and what the person typed. */
export interface FailedForm {
  form: TaskForm;
  errors: FieldError[];
  values: Record<string, string | string[]>;
}

export interface ActionProps {
  taskId: string;
  state: TaskState;
  available: ReadonlySet<CommandName>;
  csrfToken: string;
  failed?: FailedForm;
  evidenceLimits: { maxBytes: number; maxFiles: number };
  /** Where a decision posted from another page (Chờ duyệt) goes back to. */
  back?: string;
  /** Keeps ids unique when several tasks' forms share a page. */
  scope?: string;
}

/** The errors of a failed form as the summary links them (to `field-<form>-<name>`). */
export function summaryErrors(failed: FailedForm): FieldError[] {
  return failed.errors.map((e) => ({ field: e.field ? `${failed.form}-${e.field}` : '', message: e.message }));
}

/** A field of a command form, as `Field` takes it; a hint may tell the task's own figures. */
type FieldSpec = Omit<FieldProps, 'form' | 'failed' | 'value' | 'hint'> & { hint?: string | ((s: TaskState) => string) };

/** What one command's form shows: its heading and button, the parts before its fields, its fields, the parts after. */
interface FormView {
  title: string;
  button: string;
  /** Not the page's main action; progress is secondary only while acknowledging, claiming, extending or reporting is open. */
  secondary?: boolean | ((can: (c: CommandName) => boolean) => boolean);
  multipart?: boolean;
  /** Offered only when the state gives it something to act on (targets, an open period, a pending request). */
  when?: (s: TaskState) => boolean;
  before?: (p: ActionProps) => ComponentChildren;
  fields: readonly FieldSpec[];
  after?: (p: ActionProps) => ComponentChildren;
}

const dueDay = (iso: string) => formatVnDate(new Date(Date.parse(iso) - 1));
const OPTIONAL_NOTE = 'Ghi chú (không bắt buộc)';

/** Every form of a task page, in the order the page shows them (the order of `TASK_FORMS`). */
const FORM_VIEWS: { [F in TaskForm]: FormView } = {
  acknowledge: { title: 'Xác nhận tiếp nhận nhiệm vụ', button: 'Xác nhận tiếp nhận', fields: [{ name: 'note', label: OPTIONAL_NOTE }] },
  progress: {
    title: 'Báo cáo tiến độ',
    button: 'Gửi báo cáo tiến độ',
    secondary: (can) => can('acknowledge') || can('submit') || can('requestExtension') || can('submitReport'),
    fields: [
      { name: 'text', label: 'Nội dung đã thực hiện', kind: 'textarea' },
      {
        name: 'percent',
        label: 'Tỷ lệ hoàn thành (%)',
        hint: 'Từ 0 đến 100; để trống nếu chưa ước tính được',
        width: 'short',
        inputMode: 'decimal',
      },
    ],
  },
  measurement: {
    title: 'Cập nhật kết quả chỉ tiêu',
    button: 'Ghi nhận số liệu',
    secondary: true,
    when: (s) => s.targets.length > 0,
    before: (p) => <TargetSelect p={p} />,
    fields: [
      { name: 'value', label: 'Giá trị đo được', hint: 'Số, dấu phẩy thập phân; ví dụ 58,4', width: 'short', inputMode: 'decimal' },
      { name: 'measuredOn', label: 'Ngày đo', hint: 'ngày/tháng/năm, ví dụ 30/11/2025', width: 'medium' },
      { name: 'note', label: OPTIONAL_NOTE },
    ],
  },
  evidence: {
    title: 'Tải lên minh chứng',
    button: 'Tải lên minh chứng',
    secondary: true,
    multipart: true,
    before: (p) => <EvidenceFiles p={p} />,
    fields: [{ name: 'description', label: 'Mô tả minh chứng (không bắt buộc)' }],
  },
  submit: {
    title: 'Đề nghị công nhận hoàn thành',
    button: 'Đề nghị hoàn thành',
    before: ({ state: s }) =>
      s.lastReturnReason &&
      s.status === 'returned' && <p class="notice notice--warning">{`Lý do trả lại lần trước: ${s.lastReturnReason}`}</p>,
    fields: [{ name: 'summary', label: 'Tóm tắt kết quả đã hoàn thành', kind: 'textarea' }],
    after: (p) => <EvidenceChoices p={p} form="submit" evidence={p.state.evidence} />,
  },
  extension: {
    title: 'Xin gia hạn',
    button: 'Gửi đề nghị gia hạn',
    secondary: true,
    fields: [
      {
        name: 'requestedDue',
        label: 'Đề nghị gia hạn đến hết ngày',
        hint: (s) => `ngày/tháng/năm; thời hạn hiện tại: ${s.dueAt ? dueDay(s.dueAt) : 'không có'}`,
        width: 'medium',
      },
      { name: 'reason', label: 'Lý do xin gia hạn', kind: 'textarea' },
    ],
  },
  report: {
    title: 'Báo cáo định kỳ',
    button: 'Nộp báo cáo định kỳ',
    when: (s) => s.reports.open.length > 0,
    before: (p) => <PeriodSelect p={p} />,
    fields: [{ name: 'summary', label: 'Nội dung báo cáo', kind: 'textarea' }],
  },
  approve: { title: 'Duyệt đề nghị hoàn thành', button: 'Duyệt hoàn thành', fields: [{ name: 'note', label: 'Ý kiến (không bắt buộc)' }] },
  return: {
    title: 'Trả lại, yêu cầu bổ sung',
    button: 'Trả lại',
    secondary: true,
    fields: [{ name: 'reason', label: 'Lý do trả lại', hint: 'Đơn vị sẽ nhận được lý do này', kind: 'textarea' }],
  },
  'extension-decision': {
    title: 'Quyết định về đề nghị gia hạn',
    button: 'Ghi quyết định gia hạn',
    when: (s) => !!s.pendingExtension,
    before: (p) => (
      <>
        <p>{`Đơn vị đề nghị gia hạn đến hết ngày ${dueDay(p.state.pendingExtension!.requestedDueAt)}: ${p.state.pendingExtension!.reason}`}</p>
        <DecisionChoice p={p} />
      </>
    ),
    fields: [
      {
        name: 'newDue',
        label: 'Thời hạn mới (nếu đồng ý), đến hết ngày',
        hint: 'ngày/tháng/năm; để trống để chấp nhận thời hạn đơn vị đề nghị',
        width: 'medium',
      },
      { name: 'reason', label: 'Lý do (bắt buộc khi không đồng ý)', kind: 'textarea' },
    ],
  },
};

export function TaskActions(p: ActionProps) {
  const s = p.state;
  const can = (c: CommandName) => p.available.has(c);
  if (![...Object.values(TASK_FORMS)].some(can)) return null;
  const scope = p.scope ?? '';
  const shown = (Object.keys(TASK_FORMS) as TaskForm[]).filter((form) => can(TASK_FORMS[form]) && (FORM_VIEWS[form].when?.(s) ?? true));
  return (
    <Scope.Provider value={scope}>
      <section class="actions" aria-labelledby={`${scope}actions-title`}>
        <h2 id={`${scope}actions-title`}>{p.back ? 'Quyết định' : 'Việc cần làm'}</h2>
        {shown.map((form) => {
          const view = FORM_VIEWS[form];
          const secondary = typeof view.secondary === 'function' ? view.secondary(can) : view.secondary;
          return (
            <CommandForm
              key={form}
              p={p}
              form={form}
              title={view.title}
              button={view.button}
              secondary={secondary}
              multipart={view.multipart}
            >
              {view.before?.(p)}
              {view.fields.map(({ hint, ...field }) => (
                <Field key={field.name} form={form} {...field} hint={typeof hint === 'function' ? hint(s) : hint} failed={p.failed} />
              ))}
              {view.after?.(p)}
            </CommandForm>
          );
        })}
      </section>
    </Scope.Provider>
  );
}
