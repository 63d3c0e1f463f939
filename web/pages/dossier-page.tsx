import type { SessionUser } from '../../db/repositories/sessions';
import type { TaskDetail } from '../../db/repositories/task-views';
import type { TrailEvent } from '../../db/repositories/task-trails';
import type { EvidenceRecord, TaskState } from '../../domain/task';
import { EvidenceLink, evidenceOfEvent } from '../components/evidence-link';
import { Layout } from '../components/layout';
import { Table } from '../components/table';
import { eventLabel, formatVnDate, formatVnDateTime, statusLabel } from '../format';
import { eventActor, eventDetails } from './task-pages';

export interface DossierPageProps {
  user: SessionUser;
  unreadCount: number;
  task: TaskDetail;
  events: readonly TrailEvent[];
  chain: { ok: boolean; events: number; problem: { seq: number; reason: string } | null };
  state: TaskState | null;
  printedAt: Date;
}

const dueText = (d: Date | null) => (d ? formatVnDate(new Date(d.getTime() - 1)) : 'Không có thời hạn');

/**
 * The whole dossier of one task on paper (the stylesheet's print rules drop the navigation):
 * the "6 rõ", the chain verification, every file with its SHA-256, every event with its hash.
 */
export function DossierPage(p: DossierPageProps) {
  const t = p.task;
  const facts: Array<[string, string]> = [
    ['Văn bản, mục', `${t.directiveNumber} · mục ${t.ref}`],
    ['Mã nhiệm vụ', t.id],
    ['Đơn vị chủ trì', t.leadUnitName ? `${t.leadUnitName} (${t.leadUnit})` : t.leadUnit],
    ['Đơn vị phối hợp', t.coordinatingUnits.join(', ') || 'Không có'],
    ['Người chịu trách nhiệm', t.responsibleOfficial ?? 'Chưa ghi'],
    ['Kết quả cần đạt', t.expectedResult ?? 'Chưa ghi'],
    ['Người giao', t.assignedBy ?? 'Chưa ghi'],
    ['Ngày giao', formatVnDateTime(t.launchedAt)],
    [
      'Thời hạn',
      t.extensionCount > 0
        ? `${dueText(t.dueAt)} (ban đầu ${dueText(t.originalDueAt)}, gia hạn ${t.extensionCount} lần)`
        : dueText(t.dueAt),
    ],
    ['Trạng thái', statusLabel(t.status)],
  ];
  return (
    <Layout title={`Hồ sơ nhiệm vụ ${t.ref}`} user={p.user} current="tasks" unreadCount={p.unreadCount}>
      <div class="dossier">
        <p class="no-print">
          <a href={`/tasks/${encodeURIComponent(t.id)}`}>‹ Quay lại nhiệm vụ</a> · Để in hoặc lưu PDF, dùng lệnh In của trình duyệt
          (Ctrl+P).
        </p>
        <p class="caption">{`Hồ sơ nhiệm vụ — in lúc ${formatVnDateTime(p.printedAt)} (giờ Việt Nam)`}</p>
        <h1>{t.title}</h1>
        <dl class="summary-list">
          {facts.map(([k, v]) => (
            <div key={k} class="summary-list__row">
              <dt class="summary-list__key">{k}</dt>
              <dd class="summary-list__value">{v}</dd>
            </div>
          ))}
        </dl>
        <h2>Kiểm chứng nhật ký</h2>
        {p.chain.ok ? (
          <p class="chain chain--ok">{`Đã kiểm chứng: ${p.chain.events} sự kiện, chuỗi mã băm nguyên vẹn (không sự kiện nào bị sửa, xóa hay đảo thứ tự).`}</p>
        ) : (
          <p class="chain chain--broken">{`Chuỗi kiểm chứng bị phá vỡ tại sự kiện thứ ${p.chain.problem?.seq ?? '?'}: ${p.chain.problem?.reason ?? ''}`}</p>
        )}
        <h2>Minh chứng</h2>
        <Table<EvidenceRecord>
          caption="Danh sách minh chứng và mã băm"
          rowKey={(r) => r.evidenceId}
          rows={p.state?.evidence ?? []}
          empty="Không có minh chứng nào."
          columns={[
            { header: 'Tệp', cell: (r) => <EvidenceLink taskId={t.id} evidenceId={r.evidenceId} fileName={r.fileName} /> },
            { header: 'Tải lên', kind: 'nowrap', cell: (r) => `${formatVnDateTime(r.attachedAt)} · ${r.unitCode}` },
            { header: 'SHA-256', cell: (r) => <code class="hash">{r.sha256}</code> },
          ]}
        />
        <h2>{`Toàn bộ diễn biến (${p.events.length} sự kiện)`}</h2>
        <Table<TrailEvent>
          caption="Sự kiện của nhiệm vụ theo thứ tự"
          rowKey={(e) => String(e.seq)}
          rows={p.events}
          empty="Chưa có sự kiện nào."
          columns={[
            { header: 'STT', kind: 'numeric', cell: (e) => String(e.seq) },
            { header: 'Thời điểm', kind: 'nowrap', cell: (e) => formatVnDateTime(e.occurredAt) },
            { header: 'Sự kiện', cell: (e) => eventLabel(e.kind) },
            { header: 'Người thực hiện', cell: (e) => eventActor(e, t.decidedBy) },
            {
              header: 'Nội dung',
              cell: (e) => {
                const file = e.kind === 'evidence_attached' ? evidenceOfEvent(e.payload) : null;
                return [...eventDetails(e), ...(file ? [`Tệp ${file.fileName}`] : [])].join('; ');
              },
            },
            { header: 'Mã băm', cell: (e) => <code class="hash">{e.hash}</code> },
          ]}
        />
      </div>
    </Layout>
  );
}
