import type { CommandName } from '../../domain/lifecycle/commands';
import type { TaskState } from '../../domain/task';
import type { FieldError } from '../components/form';
import { formatVnDate } from '../format';
import { CommandForm, DecisionChoice, EvidenceChoices, EvidenceFiles, Field, PeriodSelect, Scope, TargetSelect } from './task-action-parts';

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

export function TaskActions(p: ActionProps) {
  const s = p.state;
  const can = (c: CommandName) => p.available.has(c);
  const lead = can('acknowledge') || can('submit') || can('requestExtension') || can('submitReport');
  if (![...Object.values(TASK_FORMS)].some(can)) return null;
  const scope = p.scope ?? '';
  return (
    <Scope.Provider value={scope}>
      <section class="actions" aria-labelledby={`${scope}actions-title`}>
        <h2 id={`${scope}actions-title`}>{p.back ? 'Quyết định' : 'Việc cần làm'}</h2>
        {can('acknowledge') && (
          <CommandForm p={p} form="acknowledge" title="Xác nhận tiếp nhận nhiệm vụ" button="Xác nhận tiếp nhận">
            <Field form="acknowledge" name="note" label="Ghi chú (không bắt buộc)" failed={p.failed} />
          </CommandForm>
        )}
        {can('reportProgress') && (
          <CommandForm p={p} form="progress" title="Báo cáo tiến độ" button="Gửi báo cáo tiến độ" secondary={lead}>
            <Field form="progress" name="text" label="Nội dung đã thực hiện" kind="textarea" failed={p.failed} />
            <Field
              form="progress"
              name="percent"
              label="Tỷ lệ hoàn thành (%)"
              hint="Từ 0 đến 100; để trống nếu chưa ước tính được"
              width="short"
              inputMode="decimal"
              failed={p.failed}
            />
          </CommandForm>
        )}
        {can('recordMeasurement') && s.targets.length > 0 && (
          <CommandForm p={p} form="measurement" title="Cập nhật kết quả chỉ tiêu" button="Ghi nhận số liệu" secondary>
            <TargetSelect p={p} />
            <Field
              form="measurement"
              name="value"
              label="Giá trị đo được"
              hint="Số, dấu phẩy thập phân; ví dụ 58,4"
              width="short"
              inputMode="decimal"
              failed={p.failed}
            />
            <Field
              form="measurement"
              name="measuredOn"
              label="Ngày đo"
              hint="ngày/tháng/năm, ví dụ 30/11/2025"
              width="medium"
              failed={p.failed}
            />
            <Field form="measurement" name="note" label="Ghi chú (không bắt buộc)" failed={p.failed} />
          </CommandForm>
        )}
        {can('attachEvidence') && (
          <CommandForm p={p} form="evidence" title="Tải lên minh chứng" button="Tải lên minh chứng" secondary multipart>
            <EvidenceFiles p={p} />
            <Field form="evidence" name="description" label="Mô tả minh chứng (không bắt buộc)" failed={p.failed} />
          </CommandForm>
        )}
        {can('submit') && (
          <CommandForm p={p} form="submit" title="Đề nghị công nhận hoàn thành" button="Đề nghị hoàn thành">
            {s.lastReturnReason && s.status === 'returned' && (
              <p class="notice notice--warning">{`Lý do trả lại lần trước: ${s.lastReturnReason}`}</p>
            )}
            <Field form="submit" name="summary" label="Tóm tắt kết quả đã hoàn thành" kind="textarea" failed={p.failed} />
            <EvidenceChoices p={p} form="submit" evidence={s.evidence} />
          </CommandForm>
        )}
        {can('requestExtension') && (
          <CommandForm p={p} form="extension" title="Xin gia hạn" button="Gửi đề nghị gia hạn" secondary>
            <Field
              form="extension"
              name="requestedDue"
              label="Đề nghị gia hạn đến hết ngày"
              hint={`ngày/tháng/năm; thời hạn hiện tại: ${s.dueAt ? formatVnDate(new Date(Date.parse(s.dueAt) - 1)) : 'không có'}`}
              width="medium"
              failed={p.failed}
            />
            <Field form="extension" name="reason" label="Lý do xin gia hạn" kind="textarea" failed={p.failed} />
          </CommandForm>
        )}
        {can('submitReport') && s.reports.open.length > 0 && (
          <CommandForm p={p} form="report" title="Báo cáo định kỳ" button="Nộp báo cáo định kỳ">
            <PeriodSelect p={p} />
            <Field form="report" name="summary" label="Nội dung báo cáo" kind="textarea" failed={p.failed} />
          </CommandForm>
        )}
        {can('approve') && (
          <CommandForm p={p} form="approve" title="Duyệt đề nghị hoàn thành" button="Duyệt hoàn thành">
            <Field form="approve" name="note" label="Ý kiến (không bắt buộc)" failed={p.failed} />
          </CommandForm>
        )}
        {can('return') && (
          <CommandForm p={p} form="return" title="Trả lại, yêu cầu bổ sung" button="Trả lại" secondary>
            <Field
              form="return"
              name="reason"
              label="Lý do trả lại"
              hint="Đơn vị sẽ nhận được lý do này"
              kind="textarea"
              failed={p.failed}
            />
          </CommandForm>
        )}
        {can('decideExtension') && s.pendingExtension && (
          <CommandForm p={p} form="extension-decision" title="Quyết định về đề nghị gia hạn" button="Ghi quyết định gia hạn">
            <p>{`Đơn vị đề nghị gia hạn đến hết ngày ${formatVnDate(new Date(Date.parse(s.pendingExtension.requestedDueAt) - 1))}: ${s.pendingExtension.reason}`}</p>
            <DecisionChoice p={p} />
            <Field
              form="extension-decision"
              name="newDue"
              label="Thời hạn mới (nếu đồng ý), đến hết ngày"
              hint="ngày/tháng/năm; để trống để chấp nhận thời hạn đơn vị đề nghị"
              width="medium"
              failed={p.failed}
            />
            <Field form="extension-decision" name="reason" label="Lý do (bắt buộc khi không đồng ý)" kind="textarea" failed={p.failed} />
          </CommandForm>
        )}
      </section>
    </Scope.Provider>
  );
}
