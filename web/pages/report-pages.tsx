import type { ComponentChildren } from 'preact';
import type { LateItem } from '../../db/repositories/late-list';
import type { ReportFigure } from '../../db/repositories/report-drilldown';
import { directiveKey } from '../../db/repositories/report-classification';
import type { DirectiveReportRow, GroupCounts, UnitReportRow } from '../../db/repositories/reports';
import type { SessionUser } from '../../db/repositories/sessions';
import type { TaskListRow } from '../../db/repositories/task-views';
import { STATUS_GROUP_LABELS_VI } from '../../domain/status';
import { FilterBar, LeadUnitFilter } from '../components/filter-bar';
import { ErrorSummary, SelectField, TextField, type FieldError } from '../components/form';
import { Layout } from '../components/layout';
import { Pagination, Table, type Column } from '../components/table';
import { dueDayColumn, statusColumn, TaskTable } from '../components/task-columns';
import { formatVnDateTime } from '../format';
import { boundFields } from '../forms';
import { directiveLabel } from '../../api/routes/reports';
import { reportHref, type ReportQuery, type WebReportScope } from '../report-forms';

const G = STATUS_GROUP_LABELS_VI;

/** The figures of a report row, each opening the tasks behind it. */
export const FIGURE_LABELS: Record<ReportFigure, string> = {
  total: 'Tổng số',
  completedOnTime: G.completed_on_time,
  completedLate: G.completed_late,
  inProgressOnTime: G.in_progress_on_time,
  inProgressOverdue: G.in_progress_overdue,
  cancelled: G.cancelled,
};

const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`);

/** What the report covers, in one sentence: its period, unit, directive and instant. */
export function scopeSentence(scope: WebReportScope): string {
  const parts = [`tính đến ${formatVnDateTime(scope.filter.asOf)}`];
  if (scope.period) parts.unshift(`thời hạn trong ${scope.period.labelVi.toLowerCase()}`);
  if (scope.filter.unit) parts.unshift(`đơn vị ${scope.filter.unit}`);
  const directive = directiveLabel(scope.filter);
  if (directive) parts.unshift(directive);
  return parts.join(', ');
}

/** A row of the table: what names it, and the query parts that select its tasks. */
type ReportRow = GroupCounts & { key: string; label: string; selects: Partial<ReportQuery> };

export interface ReportPageProps {
  user: SessionUser;
  unreadCount: number;
  seesAll: boolean;
  scope: WebReportScope | null;
  /** What the person typed, kept when the query is refused. */
  values: Record<string, string | undefined>;
  errors: readonly FieldError[];
  rows: ReadonlyArray<UnitReportRow | DirectiveReportRow>;
  totals: GroupCounts | null;
  units: ReadonlyArray<{ code: string; name: string }>;
  periods: ReadonlyArray<{ value: string; label: string }>;
}

const named = (key: string, name: string | null) => `${key}${name ? ` – ${name}` : ''}`;

/** A directive's row names its number, year and issuer: one number may be several directives. */
function asRow(r: UnitReportRow | DirectiveReportRow): ReportRow {
  if ('unit' in r) return { ...r, key: r.unit, label: named(r.unit, r.unitName), selects: { unit: r.unit } };
  const issuer = r.directiveIssuer ?? (r.directiveIssuerKey || null);
  const identity = [r.directiveYear === null ? null : `năm ${r.directiveYear}`, issuer].filter(Boolean).join(', ');
  return {
    ...r,
    key: directiveKey({ number: r.directiveNumber, year: r.directiveYear, issuerKey: r.directiveIssuerKey }),
    label: named(identity ? `${r.directiveNumber} (${identity})` : r.directiveNumber, r.directiveTitle),
    selects: { directive: r.directiveNumber, directiveYear: r.directiveYear ?? undefined, directiveIssuer: r.directiveIssuerKey },
  };
}

/** Báo cáo: the four groups per unit or per directive as of a chosen day, each figure a link to its tasks. */
export function ReportPage(p: ReportPageProps) {
  const s = p.scope;
  const view = (s?.query.view ?? p.values.view) === 'directive' ? 'directive' : 'unit';
  const field = boundFields(p.values, p.errors);
  const figureCell = (figure: ReportFigure) => (r: ReportRow & { totals?: true }) => {
    const n = r[figure];
    if (!s || n === 0) return String(n);
    return <a href={reportHref('/reports/tasks', s.query, { ...(r.totals ? {} : r.selects), figure, page: undefined })}>{n}</a>;
  };
  const columns: Column<ReportRow & { totals?: true }>[] = [
    {
      header: view === 'unit' ? 'Đơn vị' : 'Văn bản chỉ đạo',
      cell: (r) => (r.totals ? <strong>Tổng cộng</strong> : r.label),
    },
    ...(Object.keys(FIGURE_LABELS) as ReportFigure[]).map((f) => ({
      header: FIGURE_LABELS[f],
      kind: 'numeric' as const,
      cell: figureCell(f),
    })),
    { header: 'Tỷ lệ hoàn thành đúng hạn', kind: 'numeric', cell: (r) => percent(r.completionRate) },
  ];
  const rows = [
    ...p.rows.map(asRow),
    ...(p.totals && p.rows.length ? [{ ...p.totals, key: '', label: '', selects: {}, totals: true as const }] : []),
  ];
  return (
    <Layout title="Báo cáo" user={p.user} current="reports" unreadCount={p.unreadCount}>
      <h1>Báo cáo</h1>
      <p class="lead">
        {p.seesAll
          ? 'Kết quả thực hiện nhiệm vụ theo đơn vị hoặc theo văn bản chỉ đạo, tính đến ngày bạn chọn.'
          : `Kết quả thực hiện nhiệm vụ của ${p.user.unitName}, tính đến ngày bạn chọn.`}
      </p>
      <FilterBar action="/reports" resultsId="report-results" label="Chọn báo cáo" submitLabel="Xem báo cáo">
        <SelectField
          {...field('view')}
          label="Xem theo"
          value={view}
          options={[
            { value: 'unit', label: 'Đơn vị' },
            { value: 'directive', label: 'Văn bản chỉ đạo' },
          ]}
        />
        <TextField {...field('asOf')} label="Tính đến ngày" hint="ngày/tháng/năm; để trống là đến hiện tại" width="short" />
        <SelectField
          {...field('period')}
          label="Kỳ báo cáo (thời hạn trong kỳ)"
          options={[{ value: '', label: 'Mọi thời hạn' }, ...p.periods]}
        />
        {p.seesAll && <LeadUnitFilter units={p.units} value={p.values.unit} errors={p.errors} />}
        <TextField {...field('directive')} label="Số văn bản" hint="Ví dụ 1234/TB-UBND; để trống là mọi văn bản" />
      </FilterBar>
      <section id="report-results" aria-label="Kết quả báo cáo">
        <ErrorSummary errors={p.errors} title="Lựa chọn báo cáo chưa hợp lệ" />
        {s && (
          <>
            <p>{`Báo cáo ${scopeSentence(s)}. Bấm vào một con số để xem các nhiệm vụ của nó.`}</p>
            <p class="actions">
              <a class="button button--secondary" href={reportHref('/reports/late', s.query, { page: undefined, figure: undefined })}>
                Danh sách nhiệm vụ chậm, quá hạn
              </a>{' '}
              <a class="button button--secondary" href={reportHref('/reports/export', s.query, { page: undefined, figure: undefined })}>
                Tải về Excel (.xlsx)
              </a>
            </p>
            <Table<ReportRow & { totals?: true }>
              caption={view === 'unit' ? 'Kết quả theo đơn vị' : 'Kết quả theo văn bản chỉ đạo'}
              rowKey={(r) => (r.totals ? '__totals' : r.key)}
              rows={rows}
              empty="Không có nhiệm vụ nào trong phạm vi báo cáo."
              columns={columns}
            />
          </>
        )}
      </section>
    </Layout>
  );
}

export interface ReportTasksPageProps {
  user: SessionUser;
  unreadCount: number;
  scope: WebReportScope;
  figure: ReportFigure;
  rows: readonly TaskListRow[];
  total: number;
  pageSize: number;
}

/** A paged list of tasks drawn from a report: back to the report, what the list is, its tasks, its pages. */
function ReportListPage(p: {
  user: SessionUser;
  unreadCount: number;
  scope: WebReportScope;
  /** The list's own path, which its pages link to. */
  path: '/reports/tasks' | '/reports/late';
  title: string;
  lead: string;
  total: number;
  pageSize: number;
  children: ComponentChildren;
}) {
  const query = p.scope.query;
  return (
    <Layout title={p.title} user={p.user} current="reports" unreadCount={p.unreadCount}>
      <p>
        <a href={reportHref('/reports', query, { figure: undefined, page: undefined })}>‹ Quay lại báo cáo</a>
      </p>
      <h1>{p.title}</h1>
      <p class="lead">{p.lead}</p>
      {p.children}
      <Pagination page={query.page} pageSize={p.pageSize} total={p.total} href={(n) => reportHref(p.path, query, { page: n })} />
    </Layout>
  );
}

/** The tasks behind one figure of a report, classified as of the report's instant. */
export function ReportTasksPage(p: ReportTasksPageProps) {
  const title = `${FIGURE_LABELS[p.figure]}: ${p.total} nhiệm vụ`;
  return (
    <ReportListPage {...p} path="/reports/tasks" title={title} lead={`Báo cáo ${scopeSentence(p.scope)}.`}>
      <TaskTable<TaskListRow>
        caption={`Nhiệm vụ – ${FIGURE_LABELS[p.figure].toLowerCase()}`}
        empty="Không có nhiệm vụ nào."
        rows={p.rows}
        idOf={(r) => r.id}
        columns={[statusColumn('Trạng thái hiện nay'), dueDayColumn()]}
      />
    </ReportListPage>
  );
}

export interface LateListPageProps {
  user: SessionUser;
  unreadCount: number;
  scope: WebReportScope;
  items: readonly LateItem[];
  total: number;
  pageSize: number;
}

/** The named late list: in progress past the deadline, then completed late, the most overdue first. */
export function LateListPage(p: LateListPageProps) {
  return (
    <ReportListPage
      {...p}
      path="/reports/late"
      title="Danh sách nhiệm vụ chậm, quá hạn"
      lead={`${p.total} nhiệm vụ; báo cáo ${scopeSentence(p.scope)}.`}
    >
      <TaskTable<LateItem>
        caption="Nhiệm vụ chậm, quá hạn"
        empty="Không có nhiệm vụ chậm hay quá hạn."
        rows={p.items}
        idOf={(r) => r.taskId}
        columns={[
          { header: 'Tình trạng', cell: (r) => G[r.group] },
          dueDayColumn(),
          { header: 'Số ngày quá hạn', kind: 'numeric', cell: (r) => (r.daysOverdue === null ? '–' : String(r.daysOverdue)) },
          { header: 'Số lần gia hạn', kind: 'numeric', cell: (r) => String(r.extensionCount) },
        ]}
      />
    </ReportListPage>
  );
}
