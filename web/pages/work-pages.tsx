import type { SessionUser } from '../../db/repositories/sessions';
import type { GroupCounts } from '../../db/repositories/reports';
import type { QueuedTask, TimelineEvent } from '../../db/repositories/task-views';
import type { WorkingCalendar } from '../../domain/calendar';
import { DeadlineBadge, StatusBadge } from '../components/badges';
import { Layout } from '../components/layout';
import { deadlineColumn, statusColumn, TaskTable } from '../components/task-columns';
import { Timeline } from '../components/timeline';
import { eventLabel, formatVnDate, formatVnDateTime } from '../format';
import { TaskActions, type ActionProps } from './task-actions';
import { StateDetails } from '../components/task-state';

type Queue = { rows: readonly QueuedTask[]; total: number };

const taskLink = (r: QueuedTask) => <a href={`/tasks/${encodeURIComponent(r.id)}`}>{r.title}</a>;

/** What a work list says: its heading, what it holds, what it says when empty, and a link to all of it when it shows a part. */
interface WorkListText {
  id: string;
  title: string;
  hint: string;
  empty: string;
  all?: { href: string; text: string };
}

/** One work list: a heading with its count, then its tasks with the working-day deadline badge. */
function WorkList(p: WorkListText & { queue: Queue; now: Date; calendar: WorkingCalendar }) {
  return (
    <>
      <section aria-labelledby={p.id}>
        <h2 id={p.id}>{`${p.title} (${p.queue.total})`}</h2>
        <p class="hint">{p.hint}</p>
        <TaskTable<QueuedTask>
          caption={p.title}
          empty={p.empty}
          rows={p.queue.rows}
          idOf={(r) => r.id}
          naming={{ leadUnit: false }}
          columns={[statusColumn(), deadlineColumn(p.now, p.calendar)]}
        />
      </section>
      {p.all && (
        <p>
          <a href={p.all.href}>{p.all.text}</a>
        </p>
      )}
    </>
  );
}

/** Work lists one after another, each with its tasks. */
function WorkLists(p: { lists: ReadonlyArray<WorkListText & { queue: Queue }>; now: Date; calendar: WorkingCalendar }) {
  return (
    <>
      {p.lists.map((l) => (
        <WorkList key={l.id} {...l} now={p.now} calendar={p.calendar} />
      ))}
    </>
  );
}

export interface MyWorkPageProps {
  user: SessionUser;
  unreadCount: number;
  toAcknowledge: Queue;
  returned: Queue;
  overdue: Queue;
  dueSoon: Queue;
  now: Date;
  calendar: WorkingCalendar;
}

/** Việc của tôi's lists, the most pressing first. */
const MY_WORK: ReadonlyArray<WorkListText & { queue: 'overdue' | 'returned' | 'toAcknowledge' | 'dueSoon' }> = [
  {
    queue: 'overdue',
    id: 'list-overdue',
    title: 'Quá hạn',
    hint: 'Đã qua thời hạn mà chưa đề nghị hoàn thành.',
    empty: 'Không có nhiệm vụ quá hạn.',
  },
  {
    queue: 'returned',
    id: 'list-returned',
    title: 'Bị trả lại',
    hint: 'Cơ quan Thường trực yêu cầu bổ sung; xem lý do trong nhiệm vụ.',
    empty: 'Không có nhiệm vụ bị trả lại.',
  },
  {
    queue: 'toAcknowledge',
    id: 'list-acknowledge',
    title: 'Cần xác nhận tiếp nhận',
    hint: 'Nhiệm vụ mới được giao, đơn vị chưa xác nhận tiếp nhận.',
    empty: 'Không có nhiệm vụ chờ tiếp nhận.',
  },
  {
    queue: 'dueSoon',
    id: 'list-soon',
    title: 'Sắp đến hạn',
    hint: 'Thời hạn trong 5 ngày làm việc tới.',
    empty: 'Không có nhiệm vụ sắp đến hạn.',
  },
];

/** Việc của tôi: what the unit has to do next, most pressing first. */
export function MyWorkPage(p: MyWorkPageProps) {
  return (
    <Layout title="Việc của tôi" user={p.user} current="my-work" unreadCount={p.unreadCount}>
      <h1>Việc của tôi</h1>
      <p class="lead">{`Nhiệm vụ ${p.user.unitName} chủ trì cần xử lý.`}</p>
      <WorkLists lists={MY_WORK.map((l) => ({ ...l, queue: p[l.queue] }))} now={p.now} calendar={p.calendar} />
    </Layout>
  );
}

export interface ReviewPageProps {
  user: SessionUser;
  unreadCount: number;
  claims: Queue;
  extensions: Queue;
  timelines: ReadonlyMap<string, readonly TimelineEvent[]>;
  now: Date;
  calendar: WorkingCalendar;
  actionsFor: (row: QueuedTask) => ActionProps | null;
}

function ReviewItem({ row, p, kind }: { row: QueuedTask; p: ReviewPageProps; kind: 'claim' | 'extension' }) {
  const events = p.timelines.get(row.id) ?? [];
  const claim = [...events].reverse().find((e) => e.kind === 'submitted');
  const actions = p.actionsFor(row);
  const headingId = `review-${kind}-${row.id.replace(/[^a-z0-9]/gi, '')}`;
  return (
    <article class="review-item" aria-labelledby={headingId}>
      <p class="caption">{`Văn bản ${row.directiveNumber} · Mục ${row.ref} · ${row.leadUnitName ?? row.leadUnit}`}</p>
      <h3 id={headingId}>{taskLink(row)}</h3>
      <p>
        <StatusBadge status={row.status} /> <DeadlineBadge dueAt={row.dueAt} status={row.status} now={p.now} calendar={p.calendar} />
      </p>
      {kind === 'claim' && claim && (
        <p>{`Đề nghị lúc ${formatVnDateTime(claim.occurredAt)} (${claim.actorLogin ?? ''}): ${String(claim.payload.summary ?? '')}`}</p>
      )}
      {row.state && <StateDetails state={row.state} />}
      <details class="details">
        <summary>{`Diễn biến (${events.length} sự kiện)`}</summary>
        <Timeline
          label={`Diễn biến của nhiệm vụ ${row.ref}`}
          entries={events.map((e) => ({
            key: String(e.seq),
            at: e.occurredAt,
            title: eventLabel(e.kind),
            by: e.actorLogin ? `${e.actorLogin}${e.actorUnit ? ` (${e.actorUnit})` : ''}` : 'Hệ thống',
          }))}
        />
      </details>
      {actions && <TaskActions {...actions} />}
    </article>
  );
}

/** Chờ duyệt: completion claims and extension requests waiting for the secretariat, each with its evidence and history. */
export function ReviewPage(p: ReviewPageProps) {
  return (
    <Layout title="Chờ duyệt" user={p.user} current="review" unreadCount={p.unreadCount}>
      <h1>Chờ duyệt</h1>
      <section aria-labelledby="claims-title">
        <h2 id="claims-title">{`Đề nghị hoàn thành (${p.claims.total})`}</h2>
        {p.claims.rows.length === 0 && <p class="empty">Không có đề nghị hoàn thành nào đang chờ.</p>}
        {p.claims.rows.map((row) => (
          <ReviewItem key={row.id} row={row} p={p} kind="claim" />
        ))}
      </section>
      <section aria-labelledby="extensions-title">
        <h2 id="extensions-title">{`Đề nghị gia hạn (${p.extensions.total})`}</h2>
        {p.extensions.rows.length === 0 && <p class="empty">Không có đề nghị gia hạn nào đang chờ.</p>}
        {p.extensions.rows.map((row) => (
          <ReviewItem key={row.id} row={row} p={{ ...p, actionsFor: (r) => extensionOnly(p.actionsFor(r)) }} kind="extension" />
        ))}
      </section>
    </Layout>
  );
}

/** Under "Đề nghị gia hạn", only the extension decision (a submitted task's claim has its own entry above). */
function extensionOnly(a: ActionProps | null): ActionProps | null {
  if (!a) return null;
  return { ...a, scope: `x${a.scope ?? ''}`, available: new Set([...a.available].filter((c) => c === 'decideExtension')) };
}

export interface OverviewPageProps {
  user: SessionUser;
  unreadCount: number;
  totals: GroupCounts;
  overdue: Queue;
  dueThisWeek: Queue;
  now: Date;
  calendar: WorkingCalendar;
}

/** Tổng quan: the four report groups, the completion rate, what is overdue and what falls due this week. */
export function OverviewPage(p: OverviewPageProps) {
  const t = p.totals;
  const figures: Array<[string, number, string]> = [
    ['Hoàn thành đúng hạn', t.completedOnTime, '/tasks?group=completed_on_time'],
    ['Hoàn thành quá hạn', t.completedLate, '/tasks?group=completed_late'],
    ['Đang thực hiện trong hạn', t.inProgressOnTime, '/tasks?group=in_progress_on_time'],
    ['Đang thực hiện quá hạn', t.inProgressOverdue, '/tasks?group=in_progress_overdue'],
  ];
  const rate =
    t.completionRate === null
      ? 'chưa có nhiệm vụ đến hạn'
      : `${(t.completionRate * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`;
  const lists = [
    {
      id: 'overview-overdue',
      title: 'Quá hạn',
      hint: 'Mười nhiệm vụ quá hạn lâu nhất.',
      empty: 'Không có nhiệm vụ quá hạn.',
      queue: p.overdue,
      all: { href: '/tasks?group=in_progress_overdue', text: `Xem tất cả ${p.overdue.total} nhiệm vụ quá hạn` },
    },
    {
      id: 'overview-week',
      title: 'Đến hạn trong tuần này',
      hint: `Thời hạn từ hôm nay đến hết Chủ nhật (${formatVnDate(p.now)} trở đi).`,
      empty: 'Không có nhiệm vụ đến hạn trong tuần.',
      queue: p.dueThisWeek,
    },
  ];
  return (
    <Layout title="Tổng quan" user={p.user} current="overview" unreadCount={p.unreadCount}>
      <h1>Tổng quan</h1>
      <p class="lead">{`Tình hình thực hiện nhiệm vụ đến ${formatVnDateTime(p.now)}: ${t.total} nhiệm vụ.`}</p>
      <ul class="stats" aria-label="Bốn nhóm báo cáo">
        {figures.map(([label, n, href]) => (
          <li key={href} class="stats__item">
            <a href={href}>
              <span class="stats__figure">{n}</span>
              {label}
            </a>
          </li>
        ))}
      </ul>
      <p>
        {`Tỷ lệ hoàn thành đúng hạn (trên ${t.cameDue} nhiệm vụ đã đến hạn): `}
        <a href="/tasks?group=completed_on_time">{rate}</a>
      </p>
      <WorkLists lists={lists} now={p.now} calendar={p.calendar} />
    </Layout>
  );
}
