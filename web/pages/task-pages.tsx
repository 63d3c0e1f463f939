import type { SessionUser } from '../../db/repositories/sessions';
import type { TaskDetail, TaskListRow, TimelineEvent } from '../../db/repositories/task-views';
import type { WorkingCalendar } from '../../domain/calendar';
import { TASK_STATUSES } from '../../domain/task';
import { DeadlineBadge, StatusBadge } from '../components/badges';
import { CheckboxFilter, FilterBar, LeadUnitFilter } from '../components/filter-bar';
import { ErrorSummary, SelectField, TextField, type FieldError } from '../components/form';
import { Layout } from '../components/layout';
import { Pagination } from '../components/table';
import { deadlineColumn, statusColumn, TaskTable } from '../components/task-columns';
import { Timeline } from '../components/timeline';
import { EvidenceLink, evidenceOfEvent } from '../components/evidence-link';
import { StateDetails } from '../components/task-state';
import { eventLabel, formatVnDate, formatVnDateTime, statusLabel } from '../format';
import { boundFields } from '../forms';
import type { EvidenceRecord, TaskState } from '../../domain/task';
import { Notice } from '../components/form';
import { summaryErrors, TaskActions, type ActionProps } from './task-actions';

export interface TaskSearchValues {
  q?: string;
  unit?: string;
  status?: string;
  overdue?: boolean;
  /** One of the report groups, when the list was opened from a figure of Tổng quan. */
  group?: string;
}

export interface TasksPageProps {
  user: SessionUser;
  unreadCount: number;
  seesAll: boolean;
  values: TaskSearchValues;
  errors: readonly FieldError[];
  rows: readonly TaskListRow[];
  total: number;
  page: number;
  pageSize: number;
  units: ReadonlyArray<{ code: string; name: string }>;
  now: Date;
  calendar: WorkingCalendar;
}

function searchHref(v: TaskSearchValues, page: number, path = '/tasks'): string {
  const q = new URLSearchParams();
  if (v.q) q.set('q', v.q);
  if (v.unit) q.set('unit', v.unit);
  if (v.status) q.set('status', v.status);
  if (v.overdue) q.set('overdue', 'true');
  if (v.group) q.set('group', v.group);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** The downloads of exactly this filtered list (every page of it), and a unit's histories once a unit is chosen. */
function BoardDownloads({ values, seesAll, ownUnit }: { values: TaskSearchValues; seesAll: boolean; ownUnit: string }) {
  const unit = seesAll ? values.unit : ownUnit;
  return (
    <p class="actions">
      <a href={searchHref(values, 1, '/exports/tasks.csv')}>Tải danh sách (CSV)</a>
      {' · '}
      <a href={searchHref(values, 1, '/exports/tasks.xlsx')}>Tải danh sách (Excel)</a>
      {unit && (
        <>
          {' · '}
          <a
            href={`/exports/unit-history.xlsx?unit=${encodeURIComponent(unit)}`}
          >{`Hồ sơ nhiệm vụ và diễn biến của đơn vị ${unit} (Excel)`}</a>
        </>
      )}
    </p>
  );
}

/** Tasks the person may see, filtered; the inspection committee's search across every unit. */
export function TasksPage(p: TasksPageProps) {
  const title = p.seesAll ? 'Tra cứu nhiệm vụ' : 'Nhiệm vụ của đơn vị';
  const field = boundFields({ q: p.values.q, status: p.values.status }, p.errors);
  return (
    <Layout title={title} user={p.user} current="tasks" unreadCount={p.unreadCount}>
      <h1>{title}</h1>
      <p class="lead">
        {p.seesAll
          ? 'Tìm nhiệm vụ của mọi cơ quan, đơn vị, địa phương; mở một nhiệm vụ để xem toàn bộ diễn biến.'
          : `Các nhiệm vụ ${p.user.unitName} chủ trì hoặc phối hợp thực hiện.`}
      </p>
      <FilterBar action="/tasks" resultsId="task-results" label="Lọc nhiệm vụ">
        <TextField {...field('q')} label="Từ khóa" hint="Số hiệu văn bản, mục hoặc tên nhiệm vụ" type="search" />
        {p.seesAll && <LeadUnitFilter units={p.units} value={p.values.unit} errors={p.errors} />}
        <SelectField
          {...field('status')}
          label="Trạng thái"
          options={[{ value: '', label: 'Tất cả trạng thái' }, ...TASK_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))]}
        />
        <CheckboxFilter name="overdue" label="Chỉ nhiệm vụ quá hạn" checked={!!p.values.overdue} />
      </FilterBar>
      <section id="task-results" aria-label="Kết quả tra cứu">
        <ErrorSummary errors={p.errors} title="Bộ lọc chưa hợp lệ" />
        <p>{`Tìm thấy ${p.total} nhiệm vụ.`}</p>
        {p.errors.length === 0 && <BoardDownloads values={p.values} seesAll={p.seesAll} ownUnit={p.user.unitCode} />}
        <TaskTable<TaskListRow>
          caption="Danh sách nhiệm vụ"
          empty="Không có nhiệm vụ nào khớp bộ lọc."
          rows={p.rows}
          idOf={(r) => r.id}
          columns={[statusColumn(), deadlineColumn(p.now, p.calendar)]}
        />
        <Pagination page={p.page} pageSize={p.pageSize} total={p.total} href={(n) => searchHref(p.values, n)} />
      </section>
    </Layout>
  );
}

export interface TaskPageProps {
  user: SessionUser;
  unreadCount: number;
  task: TaskDetail;
  events: readonly TimelineEvent[];
  chain: { ok: boolean; events: number; problem: { seq: number; reason: string } | null };
  now: Date;
  calendar: WorkingCalendar;
  /** The workflow's last state snapshot: evidence, targets, a pending extension. */
  state?: TaskState | null;
  /** The forms this person may use now (absent for those who only read). */
  actions?: ActionProps | null;
  /** What the last command did, in words. */
  notice?: string;
  /** Files just uploaded, to show their SHA-256. */
  uploaded?: readonly EvidenceRecord[];
}

function SummaryRow({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <div class="summary-list__row">
      <dt class="summary-list__key">{label}</dt>
      <dd class="summary-list__value">{children}</dd>
    </div>
  );
}

const PAYLOAD_TEXT = ['note', 'text', 'summary', 'reason', 'description'] as const;

/** What an event changed, in lines of Vietnamese (the timeline, the dossier and the history export print them). */
export function eventDetails(e: TimelineEvent): string[] {
  const out: string[] = [];
  const p = e.payload;
  for (const key of PAYLOAD_TEXT) if (typeof p[key] === 'string' && p[key]) out.push(p[key] as string);
  if (typeof p.percent === 'number') out.push(`Tiến độ: ${p.percent}%`);
  if (typeof p.newDueAt === 'string') out.push(`Thời hạn mới: ${formatVnDate(p.newDueAt)}`);
  if (typeof p.requestedDueAt === 'string') out.push(`Đề nghị gia hạn đến: ${formatVnDate(p.requestedDueAt)}`);
  if (typeof p.newLeadUnit === 'string') out.push(`Đơn vị chủ trì mới: ${p.newLeadUnit}`);
  if (typeof p.level === 'number') out.push(`Cấp đôn đốc: ${p.level}`);
  if (typeof p.outcome === 'string')
    out.push(p.outcome === 'completed_late' ? 'Hoàn thành quá hạn' : p.outcome === 'completed_on_time' ? 'Hoàn thành đúng hạn' : p.outcome);
  return out;
}

/** What an event changed, and the file it attached with its download link and SHA-256. */
function EventBody({ taskId, event }: { taskId: string; event: TimelineEvent }) {
  const file = event.kind === 'evidence_attached' ? evidenceOfEvent(event.payload) : null;
  const lines = eventDetails(event);
  if (!file && !lines.length) return null;
  return (
    <>
      {lines.map((line, i) => (
        <p key={i}>{line}</p>
      ))}
      {file && (
        <p>
          <EvidenceLink taskId={taskId} {...file} />
        </p>
      )}
    </>
  );
}

/** Who acted: a person and their unit, or, for the launch, the office that decided it. */
export function eventActor(e: TimelineEvent, decidedBy: string | null): string {
  // The launch carries no person (the API starts the workflow); reminders and escalations are the workflow's own.
  if (e.actorLogin) return `${e.actorLogin}${e.actorUnit ? ` (${e.actorUnit})` : ''}`;
  return e.kind === 'launched' ? `Cơ quan Thường trực${decidedBy ? ` (${decidedBy})` : ''}` : 'Hệ thống (tự động)';
}

/** One task: its "6 rõ", status and deadline, and its whole audit trail as a timeline. */
export function TaskPage(p: TaskPageProps) {
  const t = p.task;
  return (
    <Layout title={`Nhiệm vụ ${t.ref}`} user={p.user} current="tasks" unreadCount={p.unreadCount}>
      {p.actions?.failed && <ErrorSummary errors={summaryErrors(p.actions.failed)} title="Lệnh chưa được thực hiện" />}
      {p.notice && (
        <Notice tone="success">
          <p>{p.notice}</p>
          {p.uploaded && p.uploaded.length > 0 && (
            <ul>
              {p.uploaded.map((e) => (
                <li key={e.evidenceId}>
                  {`${e.fileName}: SHA-256 `}
                  <code class="hash">{e.sha256}</code>
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      <p class="caption">
        Văn bản {t.directiveNumber} · Mục {t.ref}
      </p>
      <h1>{t.title}</h1>
      <p>
        <StatusBadge status={t.status} /> <DeadlineBadge dueAt={t.dueAt} status={t.status} now={p.now} calendar={p.calendar} />
      </p>
      <dl class="summary-list">
        <SummaryRow label="Đơn vị chủ trì">{t.leadUnitName ?? t.leadUnit}</SummaryRow>
        <SummaryRow label="Người chịu trách nhiệm">{t.responsibleOfficial ?? 'Chưa ghi'}</SummaryRow>
        {t.coordinatingUnits.length > 0 && <SummaryRow label="Đơn vị phối hợp">{t.coordinatingUnits.join(', ')}</SummaryRow>}
        <SummaryRow label="Kết quả cần đạt">{t.expectedResult ?? 'Chưa ghi'}</SummaryRow>
        <SummaryRow label="Thời hạn">
          {t.dueAt ? formatVnDate(new Date(t.dueAt.getTime() - 1)) : 'Không có thời hạn'}
          {t.extensionCount > 0 &&
            t.originalDueAt &&
            ` (đã gia hạn ${t.extensionCount} lần; thời hạn ban đầu ${formatVnDate(new Date(t.originalDueAt.getTime() - 1))})`}
        </SummaryRow>
        <SummaryRow label="Người giao">{t.assignedBy ?? 'Chưa ghi'}</SummaryRow>
        <SummaryRow label="Ngày giao">{formatVnDateTime(t.launchedAt)}</SummaryRow>
        {t.escalationLevel > 0 && <SummaryRow label="Mức đôn đốc">{`Cấp ${t.escalationLevel}`}</SummaryRow>}
      </dl>
      {p.state && <StateDetails state={p.state} />}
      {p.actions && <TaskActions {...p.actions} />}
      <h2>Diễn biến</h2>
      {p.chain.ok ? (
        <p>{`Nhật ký gồm ${p.chain.events} sự kiện; chuỗi kiểm chứng nguyên vẹn (không sự kiện nào bị sửa, xóa hay đảo thứ tự).`}</p>
      ) : (
        <div
          class="notice notice--warning"
          role="status"
        >{`Chuỗi kiểm chứng bị phá vỡ tại sự kiện thứ ${p.chain.problem?.seq ?? '?'}: ${p.chain.problem?.reason ?? ''}`}</div>
      )}
      <p>
        <a href={`/tasks/${encodeURIComponent(t.id)}/dossier`}>Hồ sơ đầy đủ của nhiệm vụ (để in, có mã băm từng sự kiện)</a>
      </p>
      <Timeline
        label="Diễn biến của nhiệm vụ"
        entries={p.events.map((e) => ({
          key: String(e.seq),
          at: e.occurredAt,
          title: eventLabel(e.kind),
          by: eventActor(e, t.decidedBy),
          children: eventDetails(e).length || e.kind === 'evidence_attached' ? <EventBody taskId={t.id} event={e} /> : undefined,
        }))}
      />
    </Layout>
  );
}
