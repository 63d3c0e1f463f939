import type { EvidenceRecord, TaskState } from '../../domain/task';
import { parseCivilDate } from '../../domain/time';
import { formatVnDate, formatVnDateTime } from '../format';
import { EvidenceLink } from './evidence-link';
import { Notice } from './form';
import { Table } from './table';
import { TargetChart } from './target-chart';

const bytes = (n: number) =>
  n < 1024 * 1024
    ? `${Math.max(1, Math.round(n / 1024))} KB`
    : `${(n / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;

/** Evidence (with each file's SHA-256), targets and their latest values, and an extension waiting for a decision. */
export function StateDetails({ state }: { state: TaskState }) {
  const latest = state.progress[state.progress.length - 1];
  return (
    <>
      {state.pendingExtension && (
        <Notice tone="warning">
          <p>{`Đang chờ quyết định gia hạn đến hết ngày ${formatVnDate(new Date(Date.parse(state.pendingExtension.requestedDueAt) - 1))}: ${state.pendingExtension.reason}`}</p>
        </Notice>
      )}
      {latest && (
        <p>{`Tiến độ gần nhất (${formatVnDateTime(latest.at)}): ${latest.text}${latest.percent !== null ? ` (${latest.percent}%)` : ''}`}</p>
      )}
      {state.targets.length > 0 && (
        <>
          <h2>Chỉ tiêu</h2>
          <Table<TaskState['targets'][number]>
            caption="Chỉ tiêu và kết quả đo"
            rowKey={(r) => r.id}
            rows={state.targets}
            empty="Không có chỉ tiêu."
            columns={[
              { header: 'Chỉ tiêu', cell: (r) => r.metric },
              {
                header: 'Mục tiêu',
                kind: 'nowrap',
                cell: (r) => `${r.comparator} ${r.value.toLocaleString('vi-VN')}${r.unit ? ` ${r.unit}` : ''}`,
              },
              {
                header: 'Gần nhất',
                kind: 'nowrap',
                cell: (r) => {
                  const m = r.measurements[r.measurements.length - 1];
                  return m
                    ? `${m.value.toLocaleString('vi-VN')}${r.unit ? ` ${r.unit}` : ''} (${formatVnDate(parseCivilDate(m.measuredOn))})`
                    : 'Chưa có số liệu';
                },
              },
              { header: 'Đạt', cell: (r) => (r.met ? 'Đã đạt' : 'Chưa đạt') },
            ]}
          />
          {state.targets.map((t) => (
            <TargetChart key={t.id} target={t} />
          ))}
        </>
      )}
      <h2>Minh chứng</h2>
      <Table<EvidenceRecord>
        caption="Minh chứng đã đính kèm"
        rowKey={(r) => r.evidenceId}
        rows={state.evidence}
        empty="Chưa có minh chứng nào."
        columns={[
          {
            header: 'Tệp',
            cell: (r) => (
              <>
                <EvidenceLink taskId={state.taskId} evidenceId={r.evidenceId} fileName={r.fileName} />
                {r.description ? ` – ${r.description}` : ''}
              </>
            ),
          },
          { header: 'Dung lượng', kind: 'nowrap', cell: (r) => bytes(r.size) },
          { header: 'Tải lên', kind: 'nowrap', cell: (r) => `${formatVnDateTime(r.attachedAt)} · ${r.attachedBy}` },
          { header: 'SHA-256', cell: (r) => <code class="hash">{r.sha256}</code> },
        ]}
      />
    </>
  );
}
